/**
 * The blob checks of one deployment, as `amlmon diagnose/capture --workspace` and the monitor's sweep both run them:
 * which blobs it reads (v1: the `Path`s of the `InitContainerConfig` ConfigMap the cluster half holds; v2: the model
 * version's path, from ARM), then one HEAD each in the workspace's own storage account, at most `maxBlobs` of them
 * and within `timeoutMs`. The checks go into `snapshot.blobs` (so the diagnosis uses them and a bundle carries
 * `blobs.json`); what could not be checked is returned as gaps. Nothing here throws.
 */
import type { Snapshot } from '../snapshot/types.js';
import { blobCheckSuspected, checkBlobs, v1BlobsToCheck, type BlobAccess, type BlobRef } from './blobs.js';
import type { AmlDeploymentRecord, Read } from './reader.js';
import type { WorkspaceFacts } from './workspace.js';
import type { TokenCredential } from '@azure/identity';

export interface BlobCheckLimits {
  /** Blobs checked per deployment; the rest are named as a gap. */
  maxBlobs: number;
  /** For all the checks of one deployment together. */
  timeoutMs: number;
}

/** A v1 service lists a handful of models and dependencies; 20 HEADs within 20 s keep a sweep bounded. */
export const DEFAULT_BLOB_LIMITS: BlobCheckLimits = { maxBlobs: 20, timeoutMs: 20_000 };

export interface DeploymentBlobsInput {
  /** Whether `snapshot` holds the cluster's half (without it a v1 service's ConfigMap is unknown). */
  clusterRead: boolean;
  /** v2: the blob a model version reads (`AzureMlReader.modelBlob` for the deployment's workspace). */
  modelBlob: (model: string) => Promise<Read<BlobRef | undefined>>;
  /** How to reach the workspace storage account; called only when there is something to check. */
  access: () => BlobAccess;
  limits?: BlobCheckLimits;
}

/**
 * The workspace's own storage account (its ARM id from the workspace facts) with the host's credential: never an
 * account or host that input named.
 */
export function workspaceBlobAccess(facts: WorkspaceFacts, credential: TokenCredential): BlobAccess {
  return { kind: 'credential', credential, storageAccountId: facts.storageAccount ?? '' };
}

/** Checks the blobs `found` reads and records them in `snapshot.blobs`; returns what could not be checked. */
export async function checkDeploymentBlobs(
  snapshot: Snapshot,
  found: AmlDeploymentRecord,
  input: DeploymentBlobsInput,
): Promise<string[]> {
  const gaps: string[] = [];
  const limits = input.limits ?? DEFAULT_BLOB_LIMITS;
  let wanted: BlobRef[] | undefined;
  if (found.flavor === 'v1') {
    // A service the cluster does not show has no InitContainerConfig to list its blobs: nothing to check.
    if (!snapshot.deployments.some((d) => d.metadata?.name === found.service)) return gaps;
    if (input.clusterRead) {
      const paths = v1BlobsToCheck(snapshot, found.service);
      // Not being able to check the blobs only matters when a download, mount or model-file failure is suspected.
      if (paths.missing && blobCheckSuspected(snapshot))
        gaps.push(
          `blobs: ConfigMap ${paths.missing.join(', ')} (InitContainerConfig) was not read, so the model blobs were not checked`,
        );
      else if (!paths.missing) wanted = [...paths];
    }
  } else if (found.record.model) {
    const blob = await input.modelBlob(found.record.model);
    gaps.push(...blob.gaps);
    if (blob.value) wanted = [blob.value];
  } else wanted = [];
  if (!wanted) return gaps;
  const unique = [...new Map(wanted.map((b) => [`${b.container}/${b.path}`, b])).values()];
  if (unique.length > limits.maxBlobs)
    gaps.push(
      `blobs: ${unique.length} blobs listed; the first ${limits.maxBlobs} were checked, not ${unique
        .slice(limits.maxBlobs)
        .map((b) => b.path)
        .slice(0, 3)
        .join(', ')}${unique.length - limits.maxBlobs > 3 ? ', ...' : ''}`,
    );
  let access: BlobAccess;
  try {
    access = input.access();
  } catch (err) {
    gaps.push(`blobs: not checked: ${(err as Error).message}`);
    return gaps;
  }
  snapshot.blobs = await checkBlobs(access, unique.slice(0, limits.maxBlobs), {
    timeoutMs: limits.timeoutMs,
  });
  return gaps;
}
