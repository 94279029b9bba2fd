/**
 * Azure ML's half of a sweep, read through the `shared/azureml/` reader and its deployment cache: two list calls per
 * configured workspace, plus what the cache says must be read again (see shared/azureml/deploymentCache.ts); and
 * the blob checks of a deployment whose diagnosis suspects a download, mount or model-file failure.
 */
import type { BlobAccess } from '../azureml/blobs.js';
import { AzureMlDeploymentCache, type DeploymentHints } from '../azureml/deploymentCache.js';
import { checkDeploymentBlobs, type BlobCheckLimits } from '../azureml/deploymentBlobs.js';
import type { AmlDeploymentRecord, AzureMlReader } from '../azureml/reader.js';
import type { WorkspaceFacts, WorkspaceRef } from '../azureml/workspace.js';
import { DEFAULTS } from '../config/names.js';
import { parseDuration } from '../config/duration.js';
import type { Snapshot } from '../snapshot/types.js';
import type { AzureMlSource, AzureMlWorkspaceView } from './types.js';

export interface AzureMlSourceOptions {
  /** `AZUREML_REFRESH_AFTER`: a cached endpoint's deployment list older than this is listed again. */
  refreshAfterMs?: number;
  /**
   * How to reach a workspace's storage account for the blob checks: in Azure its own account (from its facts) with
   * the host's credential; Azurite by connection string. Absent: blobs are not checked.
   */
  blobAccess?: (facts: WorkspaceFacts) => BlobAccess;
  blobLimits?: BlobCheckLimits;
}

/** The source and its cache: one per runtime (per process), so the cache outlives a sweep. */
export function azureMlSourceFromReader(
  reader: AzureMlReader,
  workspaces: WorkspaceRef[],
  options: AzureMlSourceOptions = {},
): AzureMlSource & { cache: AzureMlDeploymentCache } {
  const cache = new AzureMlDeploymentCache(reader, {
    refreshAfterMs: options.refreshAfterMs ?? parseDuration(DEFAULTS.AZUREML_REFRESH_AFTER) ?? 30 * 60_000,
  });
  // The facts of the last list, per workspace name: the blob checks of this sweep use the same storage account.
  const factsOf = new Map<string, WorkspaceFacts>();
  const source: AzureMlSource & { cache: AzureMlDeploymentCache } = {
    cache,
    async list(now: Date, hints?: DeploymentHints): Promise<AzureMlWorkspaceView[]> {
      // Workspaces are independent: read side by side; the reader turns every failure into a gap.
      return Promise.all(
        workspaces.map(async (ref) => {
          const { value, gaps } = await cache.deployments(ref, now, hints);
          factsOf.set(ref.workspace, value.facts);
          return {
            workspace: ref.workspace,
            records: value.records,
            computes: value.facts.computes.map((c) => ({
              name: c.name,
              ...(c.resourceId ? { resourceId: c.resourceId } : {}),
              ...(c.namespace ? { namespace: c.namespace } : {}),
            })),
            ...(value.facts.storageAccount ? { storageAccount: value.facts.storageAccount } : {}),
            gaps,
          };
        }),
      );
    },
  };
  const blobAccess = options.blobAccess;
  if (blobAccess) {
    source.checkBlobs = async (
      workspace: string,
      found: AmlDeploymentRecord,
      snapshot: Snapshot,
    ): Promise<string[]> => {
      const facts = factsOf.get(workspace);
      if (!facts) return [`blobs: workspace ${workspace} was not read in this sweep, so no blob was checked`];
      return checkDeploymentBlobs(snapshot, found, {
        clusterRead: true,
        modelBlob: (model) => reader.modelBlob(facts.ref, model),
        access: () => blobAccess(facts),
        ...(options.blobLimits ? { limits: options.blobLimits } : {}),
      });
    };
  }
  return source;
}
