/**
 * Azure ML's half of one service read live for `diagnose --workspace` and `capture --workspace`: its record
 * (`service.json`), the blobs it reads (`blobs.json`) and the build log its record points at (`build.log`), attached
 * to the snapshot; what could not be read is a gap.
 */
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { buildLogBlob, readBuildLogBlob, type BlobAccess } from '../shared/azureml/blobs.js';
import { checkDeploymentBlobs, workspaceBlobAccess } from '../shared/azureml/deploymentBlobs.js';
import { readBuildLogEvidence } from '../shared/diagnosis/buildlog/classify.js';
import { AzureMlReader } from '../shared/azureml/reader.js';
import { parseWorkspaceId, type WorkspaceFacts } from '../shared/azureml/workspace.js';
import type { Snapshot } from '../shared/snapshot/types.js';
import { systemClock, type Clock } from '../shared/time/clock.js';
import { usageError } from './errors.js';
import { v1Namespace } from '../shared/snapshot/objects.js';

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
  /** "Now" when no cluster was read (the Activity Log window, `capturedAt`); the system clock by default. */
  clock?: Clock;
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
 * the model version's path. The image's build log is read from the workspace storage when the record points at
 * one (`buildLogBlob`). `clusterRead` says whether the snapshot holds the cluster's half.
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
  // "Now" is when the cluster half was read (its API server's clock), so both halves describe the same moment.
  const now =
    clusterRead && snapshot.meta.capturedAt
      ? new Date(snapshot.meta.capturedAt)
      : (deps.clock ?? systemClock).now();
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
    meta.namespace = compute?.namespace ?? (found?.flavor === 'v1' ? v1Namespace(ref.workspace) : undefined);
  }
  const allGaps = [...(meta.gaps ?? []), ...gaps];
  if (found) snapshot.service = found.record;
  else if (!gaps.length)
    allGaps.push(`azureml: no Kubernetes deployment ${wanted} in workspace ${ref.workspace}`);

  if (found) {
    const access = (): BlobAccess => (deps.blobAccess ?? defaultBlobAccess(shared()))(value.facts);
    allGaps.push(
      ...(await checkDeploymentBlobs(snapshot, found, {
        clusterRead,
        modelBlob: (model) => reader.modelBlob(ref, model),
        access,
      })),
    );
    const buildLog = buildLogBlob(found.record);
    if (buildLog && !snapshot.buildLog) {
      const read = await readBuildLogBlob(access(), buildLog, readBuildLogEvidence);
      if (read.evidence) snapshot.buildLog = read.evidence;
      if (read.gap) allGaps.push(read.gap);
    }
  }
  if (allGaps.length) meta.gaps = allGaps;
  return snapshot;
}
