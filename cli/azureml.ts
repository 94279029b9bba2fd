/**
 * Azure ML's half of one service read live for `diagnose --workspace` and `capture --workspace`: its record
 * (`service.json`) and the blobs it reads (`blobs.json`), attached to the snapshot; what could not be read is a gap.
 */
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import type { BlobAccess } from '../shared/azureml/blobs.js';
import { checkDeploymentBlobs, workspaceBlobAccess } from '../shared/azureml/deploymentBlobs.js';
import { AzureMlReader } from '../shared/azureml/reader.js';
import { parseWorkspaceId, type WorkspaceFacts } from '../shared/azureml/workspace.js';
import type { Snapshot } from '../shared/snapshot/types.js';
import { usageError } from './errors.js';

export interface AzureMlOptions {
  /** ARM resource id of the workspace. */
  workspace?: string;
  service?: string;
}

/** What the command reads Azure ML and storage with; tests pass ones pointed at the stand-in and Azurite. */
export interface AzureMlDeps {
  azureMl?: () => AzureMlReader;
  /** How to reach the workspace storage account for the blob checks. */
  blobAccess?: (facts: WorkspaceFacts) => BlobAccess;
}

/**
 * The storage access outside tests: an explicit `AMLMON_STORAGE_CONNECTION_STRING` (Azurite, or a key the user
 * chose), else the workspace's own storage account with the same Entra credential as the Azure ML calls.
 */
function defaultBlobAccess(credential: TokenCredential): (facts: WorkspaceFacts) => BlobAccess {
  return (facts) => {
    const connectionString = process.env.AMLMON_STORAGE_CONNECTION_STRING;
    if (connectionString) return { kind: 'connectionString', connectionString };
    return workspaceBlobAccess(facts, credential);
  };
}

/**
 * Attaches Azure ML's record of `opts.service` and the checks of the blobs it reads. v1 blobs are the `Path`s of
 * the `InitContainerConfig` ConfigMap the cluster half holds (so without a cluster they are not checked); v2's is
 * the model version's path. `clusterRead` says whether the snapshot holds the cluster's half.
 */
export async function withAzureMl(
  snapshot: Snapshot,
  opts: AzureMlOptions,
  deps: AzureMlDeps,
  clusterRead: boolean,
): Promise<Snapshot> {
  let ref;
  try {
    ref = parseWorkspaceId(opts.workspace ?? '');
  } catch (err) {
    throw usageError(`--workspace ${(err as Error).message}`);
  }
  let credential: TokenCredential | undefined;
  const shared = (): TokenCredential => (credential ??= new DefaultAzureCredential());
  const reader = deps.azureMl?.() ?? new AzureMlReader({ credential: shared() });
  const now = new Date();
  const { value, gaps } = await reader.deployments(ref, now);
  const wanted = (opts.service ?? '').replace('/', '-');
  const found = value.records.find((r) => r.service === wanted);
  const meta = snapshot.meta;
  meta.workspace = ref.workspace;
  meta.service ??= wanted;
  meta.capturedAt ??= now.toISOString();
  if (!meta.namespace) {
    const compute =
      value.facts.computes.find((c) => c.name === found?.record.computeName) ?? value.facts.computes[0];
    meta.namespace = compute?.namespace ?? (found?.flavor === 'v1' ? `azureml-${ref.workspace}` : undefined);
  }
  const allGaps = [...(meta.gaps ?? []), ...gaps];
  if (found) snapshot.service = found.record;
  else if (!gaps.length)
    allGaps.push(`azureml: no Kubernetes deployment ${wanted} in workspace ${ref.workspace}`);

  if (found)
    allGaps.push(
      ...(await checkDeploymentBlobs(snapshot, found, {
        clusterRead,
        modelBlob: (model) => reader.modelBlob(ref, model),
        access: () => (deps.blobAccess ?? defaultBlobAccess(shared()))(value.facts),
      })),
    );
  if (allGaps.length) meta.gaps = allGaps;
  return snapshot;
}
