/** Azure ML workspace references: parsing the ARM resource id users pass (`--workspace`) and what ARM says about it. */

export interface WorkspaceRef {
  subscriptionId: string;
  resourceGroup: string;
  workspace: string;
}

const WORKSPACE_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.MachineLearningServices\/workspaces\/([^/]+)\/?$/i;

export class WorkspaceIdError extends Error {
  constructor(readonly input: string) {
    super(
      `${JSON.stringify(input)} is not an Azure ML workspace resource id (/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.MachineLearningServices/workspaces/<name>)`,
    );
    this.name = 'WorkspaceIdError';
  }
}

export function parseWorkspaceId(id: string): WorkspaceRef {
  const m = WORKSPACE_ID.exec(id.trim());
  if (!m?.[1] || !m[2] || !m[3]) throw new WorkspaceIdError(id);
  return { subscriptionId: m[1], resourceGroup: m[2], workspace: m[3] };
}

export function workspaceId(ref: WorkspaceRef): string {
  return `/subscriptions/${ref.subscriptionId}/resourceGroups/${ref.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${ref.workspace}`;
}

/** An attached Kubernetes compute: maps a cluster (and its namespace) to the workspace. */
export interface AttachedCompute {
  name: string;
  computeType: string;
  /** The AKS / Arc cluster's ARM id. */
  resourceId?: string;
  namespace?: string;
}

/** What ARM says about a workspace that the monitor needs to pair events and clusters with it. */
export interface WorkspaceFacts {
  ref: WorkspaceRef;
  location?: string;
  /** ARM id of the workspace storage account: maps `BlobCreated` topics to this workspace. */
  storageAccount?: string;
  containerRegistry?: string;
  /** `https://<region>.api.azureml.ms/discovery`: where the regional data plane (v1 model management) is found. */
  discoveryUrl?: string;
  computes: AttachedCompute[];
}
