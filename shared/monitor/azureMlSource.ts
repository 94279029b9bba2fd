/** Azure ML's half of a sweep, read through the `shared/azureml/` reader: one list per configured workspace. */
import type { AzureMlReader } from '../azureml/reader.js';
import type { WorkspaceRef } from '../azureml/workspace.js';
import type { AzureMlSource, AzureMlWorkspaceView } from './types.js';

export function azureMlSourceFromReader(reader: AzureMlReader, workspaces: WorkspaceRef[]): AzureMlSource {
  return {
    async list(now: Date): Promise<AzureMlWorkspaceView[]> {
      // Workspaces are independent: read side by side; the reader turns every failure into a gap.
      return Promise.all(
        workspaces.map(async (ref) => {
          const { value, gaps } = await reader.deployments(ref, now);
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
