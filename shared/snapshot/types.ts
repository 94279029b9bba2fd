/**
 * The evidence one diagnosis works from: Kubernetes objects, container logs, the image build log and the
 * Azure ML service record. Everything the collector gathers, and everything a bundle on disk holds, ends up here.
 * Objects are the typed models of `@kubernetes/client-node` (timestamps are `Date`s, as the client deserialises them).
 */
import type {
  CoreV1Event,
  V1ConfigMap,
  V1Deployment,
  V1Namespace,
  V1Node,
  V1PersistentVolume,
  V1PersistentVolumeClaim,
  V1Pod,
  V1ReplicaSet,
  V1ResourceQuota,
} from '@kubernetes/client-node';
import type { BuildLogClassification } from '../diagnosis/buildlog/types.js';

/** Logs of one container: the current instance and the previous (crashed) one, as `kubectl logs [--previous]`. */
export interface ContainerLogs {
  current?: string;
  previous?: string;
}

export interface ServiceErrorDetail {
  code?: string;
  message?: string;
}

export interface AmlError {
  code?: string;
  message?: string;
  details?: ServiceErrorDetail[];
}

/** `InProgress`, `Succeeded`, `Failed` or `Canceled`; other strings are kept as Azure ML sent them. */
export type AmlOperationStatus = 'InProgress' | 'Succeeded' | 'Failed' | 'Canceled' | (string & {});

/**
 * The last create/update operation on the deployment: v1's model-management async operation, v2's Activity Log
 * entry of the write's correlation id. Times are RFC 3339.
 */
export interface AmlOperation {
  status?: AmlOperationStatus;
  startTime?: string;
  endTime?: string;
  error?: AmlError;
}

/**
 * Azure ML's side of the deployment: the v1 `Webservice` record as the model-management REST API returns it, or the
 * v2 online deployment as ARM returns it (`properties.provisioningState` is normalised into `state`).
 */
export interface ServiceRecord {
  /** Which API the record came from; absent in old bundles (then v1 is assumed). */
  flavor?: 'v1' | 'v2';
  name?: string;
  state?: string;
  error?: AmlError;
  /** v1: when the service was created and last changed (RFC 3339). */
  createdTime?: string;
  updatedTime?: string;
  /** v1: the image the service runs (`imageId`, or `imageDetails.id`). */
  imageId?: string;
  /** v1: the Azure ML compute (attached AKS cluster) the service runs on. */
  computeName?: string;
  /** v2: the endpoint the deployment belongs to, and what it runs. */
  endpointName?: string;
  instanceType?: string;
  model?: string;
  environmentId?: string;
  operation?: AmlOperation;
}

/** One model or code blob the deployment reads, as checked in the workspace storage account. */
export interface BlobCheck {
  path: string;
  container: string;
  /** HTTP status of the check; `null` when it could not be checked (`error` says why). */
  status: 200 | 403 | 404 | null;
  size: number | null;
  error?: string;
}

/** `meta.json` of a bundle. `capturedAt` is "now" for every time-based rule. */
export interface SnapshotMeta {
  service?: string;
  namespace?: string;
  workspace?: string;
  capturedAt?: string;
  /** Extension: what the collector could not read, e.g. "events: 403 Forbidden". */
  gaps?: string[];
  /** Extension: set when the cluster itself could not be reached or refused us. */
  clusterError?: ClusterError;
}

export type ClusterErrorKind = 'Unauthorized' | 'Forbidden' | 'Timeout' | 'SignInFailed';

export interface ClusterError {
  kind: ClusterErrorKind;
  message: string;
}

/** The image build log, already classified while it was streamed (a 100 MB log never sits in memory). */
export interface BuildLogEvidence {
  /** Where it came from, e.g. `build.log` or `azureml/ImageLogs/<id>/build.log`. */
  source: string;
  classification: BuildLogClassification;
  /** The last lines of the log (redacted, at most 64 KiB), so an archived bundle can carry `build.log` again. */
  tail?: string;
  /** RFC 3339: when the log was written (the blob's event time), the build failure's first signal. */
  writtenAt?: string;
}

/** Key of `Snapshot.logs`: `<pod>/<container>`. */
export type ContainerLogKey = `${string}/${string}`;

export interface Snapshot {
  pods: V1Pod[];
  /** Core v1 and events.k8s.io/v1 events, both normalised to the core v1 shape. */
  events: CoreV1Event[];
  deployments: V1Deployment[];
  replicaSets: V1ReplicaSet[];
  persistentVolumeClaims: V1PersistentVolumeClaim[];
  persistentVolumes: V1PersistentVolume[];
  configMaps: V1ConfigMap[];
  nodes: V1Node[];
  resourceQuotas: V1ResourceQuota[];
  namespaces: V1Namespace[];
  logs: Map<ContainerLogKey, ContainerLogs>;
  buildLog?: BuildLogEvidence;
  service?: ServiceRecord;
  /** What the monitor found when it checked the blobs the deployment reads (`blobs.json`); absent when unchecked. */
  blobs?: BlobCheck[];
  meta: SnapshotMeta;
}

export function emptySnapshot(meta: SnapshotMeta = {}): Snapshot {
  return {
    pods: [],
    events: [],
    deployments: [],
    replicaSets: [],
    persistentVolumeClaims: [],
    persistentVolumes: [],
    configMaps: [],
    nodes: [],
    resourceQuotas: [],
    namespaces: [],
    logs: new Map(),
    meta,
  };
}

export function logKey(pod: string, container: string): ContainerLogKey {
  return `${pod}/${container}`;
}
