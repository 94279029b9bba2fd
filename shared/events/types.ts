/** Event Grid events the monitor understands, normalised from their wire shapes (Event Grid schema). */

/** Fields every Event Grid event carries. */
export interface EventEnvelope {
  id: string;
  /** RFC 3339, from `eventTime`. */
  time: string;
  eventType: string;
  subject: string;
  topic?: string;
}

/** `Microsoft.MachineLearningServices.ModelDeployed`: a v1 service finished deploying (success only). */
export interface ModelDeployedEvent extends EventEnvelope {
  kind: 'modelDeployed';
  /** Workspace name, from the topic `.../workspaces/<ws>`. */
  workspace?: string;
  service: string;
  computeType?: string;
  modelIds: string[];
}

export type ArmOutcome = 'Success' | 'Failure' | 'Cancel';

/** `Microsoft.Resources.ResourceWrite{Success,Failure,Cancel}` on `.../onlineEndpoints/<ep>/deployments/<d>` (v2). */
export interface ArmDeploymentWriteEvent extends EventEnvelope {
  kind: 'armDeploymentWrite';
  outcome: ArmOutcome;
  workspace: string;
  endpoint: string;
  deployment: string;
  resourceUri: string;
  /** ARM `status` of the operation, e.g. `Succeeded`, `Failed`. */
  status?: string;
}

/** An event of a type the monitor does not act on (logged at debug level). */
export interface IgnoredEvent extends EventEnvelope {
  kind: 'ignored';
  reason: string;
}

export type WorkspaceEvent = ModelDeployedEvent | ArmDeploymentWriteEvent | IgnoredEvent;

/** `Microsoft.Storage.BlobCreated` for `azureml/ImageLogs/<image-id>/...`. */
export interface ImageLogBlobEvent extends EventEnvelope {
  kind: 'imageLog';
  /** Blob URL from `data.url`. */
  url: string;
  container: string;
  /** Blob name inside the container, e.g. `ImageLogs/<id>/build.log`. */
  blobName: string;
  imageId: string;
  contentLength: number;
  blobType?: string;
  eTag?: string;
  /** Opaque, string-comparable order of writes to the same blob. */
  sequencer?: string;
}

export type ImageLogEvent = ImageLogBlobEvent | IgnoredEvent;

/** Parsing never throws: a malformed event becomes a clear error value the handler logs and drops. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };
