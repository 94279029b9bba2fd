/**
 * Azure ML's half of a sweep, read through the `shared/azureml/` reader and its deployment cache: two list calls per
 * configured workspace, plus what the cache says must be read again (see shared/azureml/deploymentCache.ts).
 */
import { AzureMlDeploymentCache, type DeploymentHints } from '../azureml/deploymentCache.js';
import type { AzureMlReader } from '../azureml/reader.js';
import type { WorkspaceRef } from '../azureml/workspace.js';
import { DEFAULTS } from '../config/names.js';
import { parseDuration } from '../config/duration.js';
import type { AzureMlSource, AzureMlWorkspaceView } from './types.js';

export interface AzureMlSourceOptions {
  /** `AZUREML_REFRESH_AFTER`: a cached endpoint's deployment list older than this is listed again. */
  refreshAfterMs?: number;
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
  return {
    cache,
    async list(now: Date, hints?: DeploymentHints): Promise<AzureMlWorkspaceView[]> {
      // Workspaces are independent: read side by side; the reader turns every failure into a gap.
      return Promise.all(
        workspaces.map(async (ref) => {
          const { value, gaps } = await cache.deployments(ref, now, hints);
          return {
            workspace: ref.workspace,
            records: value.records,
            computes: value.facts.computes.map((c) => ({
              name: c.name,
              ...(c.namespace ? { namespace: c.namespace } : {}),
            })),
            ...(value.facts.storageAccount ? { storageAccount: value.facts.storageAccount } : {}),
            gaps,
          };
        }),
      );
    },
  };
}
