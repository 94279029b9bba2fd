/**
 * Reading Azure ML's own record of a deployment (`service.json`): its most specific error code, whether its error is
 * history (an operation older than the record's last success), whether the cluster shows a failing revision at all,
 * and how the documented Azure ML error codes map onto this project's codes. Pure.
 */
import type { AmlError, AmlOperation, ServiceRecord, Snapshot } from '../../snapshot/types.js';
import { deploymentCondition, evidence, podCondition } from '../context.js';
import type { AmlDeployment } from '../rule.js';
import type { Code, Detail, Evidence } from '../types.js';

/** v1's model-management polling gives up after 20 minutes ("pollTimeout : 00:20:00" in DeploymentTimedOut). */
export const V1_OPERATION_TIMEOUT_MS = 20 * 60_000;

/**
 * How long a cancelled operation waits for a later one before it alerts: the monitor's default HANG_AFTER (10 min).
 * The diagnosis is pure and reads no settings, so it judges with the default.
 */
export const CANCEL_GRACE_MS = 10 * 60_000;

const SUCCESS_STATES = new Set(['healthy', 'succeeded']);
const FAILED_STATES = new Set(['failed', 'unhealthy', 'canceled', 'cancelled']);

function ms(t: string | undefined): number | undefined {
  if (!t) return undefined;
  const v = Date.parse(t);
  return Number.isNaN(v) ? undefined : v;
}

/** The error Azure ML gives for the deployment: the record's own, else the last operation's. */
export function recordError(rec: ServiceRecord | undefined): AmlError | undefined {
  const e = rec?.error;
  if (e && (e.code || e.message || e.details?.length)) return e;
  return rec?.operation?.error;
}

/** The most specific code of an error: the first `details[].code`, else `code`. */
export function mostSpecificCode(e: AmlError | undefined): string | undefined {
  return e?.details?.find((d) => d.code)?.code ?? e?.code ?? undefined;
}

/** Every line of an error as `code: message`, details after the top level. */
export function errorLines(e: AmlError | undefined): string[] {
  if (!e) return [];
  const line = (code: string | undefined, message: string | undefined) =>
    [code, message].filter(Boolean).join(': ');
  return [line(e.code, e.message), ...(e.details ?? []).map((d) => line(d.code, d.message))].filter(Boolean);
}

export function isCanceled(op: AmlOperation | undefined, e: AmlError | undefined): boolean {
  return (
    /^cancel+ed$/i.test(op?.status ?? '') ||
    [e?.code, ...(e?.details ?? []).map((d) => d.code)].some((c) => c === 'OperationCanceled')
  );
}

/**
 * A failed or cancelled operation older than the record's last success is history: the record is `Healthy` or
 * `Succeeded` and was updated after that operation started.
 */
export function isHistory(rec: ServiceRecord | undefined): boolean {
  if (!rec || !SUCCESS_STATES.has((rec.state ?? '').toLowerCase())) return false;
  const op = rec.operation;
  if (!op || op.status === 'InProgress') return !!rec.error && !op;
  const started = ms(op.startTime);
  const updated = ms(rec.updatedTime);
  return op.status === 'Succeeded' || (started !== undefined && updated !== undefined && updated > started);
}

/** The record reports a failure that is not history: a failed state or a failed/cancelled last operation. */
export function recordFailure(rec: ServiceRecord | undefined): AmlError | undefined {
  if (!rec || isHistory(rec)) return undefined;
  const op = rec.operation;
  const failed =
    FAILED_STATES.has((rec.state ?? '').toLowerCase()) || /^(failed|cancel+ed)$/i.test(op?.status ?? '');
  if (!failed) return undefined;
  return recordError(rec) ?? (isCanceled(op, undefined) ? { code: 'OperationCanceled' } : undefined);
}

/** The record belongs to this target (a bundle may hold several deployments; the record names one). */
export function recordIsFor(snapshot: Snapshot, target: AmlDeployment): boolean {
  const rec = snapshot.service;
  if (!rec) return false;
  if (!target.deployment && target.pods.length === 0) return true;
  const name = rec.name;
  if (!name) return snapshot.meta.service === undefined || snapshot.meta.service === target.name;
  if (name === target.name) return true;
  // v2: the record is the online deployment `<deployment>` of `<endpoint>`; the Kubernetes Deployment is
  // `<endpoint>-<deployment>`.
  if (target.flavor === 'v2' && target.deploymentName === name)
    return !rec.endpointName || !target.endpoint || rec.endpointName === target.endpoint;
  return snapshot.meta.service === target.name;
}

/**
 * The cluster shows no failing revision: no objects at all (refused before anything was created, or the objects
 * are gone), or every replica of the Deployment ready (the old revision keeps serving). Only then may a failure
 * seen solely in the record be the root cause; otherwise the cluster's own signals explain it.
 */
export function clusterShowsNoFailure(target: AmlDeployment): boolean {
  const d = target.deployment;
  if (!d)
    return target.pods.length === 0 || target.pods.every((p) => podCondition(p, 'Ready')?.status === 'True');
  const want = d.spec?.replicas ?? 1;
  const st = d.status ?? {};
  if (deploymentCondition(d, 'Progressing')?.reason === 'ProgressDeadlineExceeded') return false;
  const unready = target.pods.some(
    (p) => !p.metadata?.deletionTimestamp && podCondition(p, 'Ready')?.status !== 'True',
  );
  return (st.readyReplicas ?? 0) >= want && (st.availableReplicas ?? 0) >= want && !unready;
}

/** A short evidence line for the record: state, operation and the error. */
export function recordEvidence(rec: ServiceRecord, e: AmlError | undefined): Evidence[] {
  const op = rec.operation;
  const head = [
    `state ${rec.state ?? '?'}`,
    op ? `operation ${op.status ?? '?'}${op.startTime ? ` (started ${op.startTime})` : ''}` : undefined,
  ]
    .filter(Boolean)
    .join(', ');
  const lines = errorLines(e);
  return [
    evidence('service.json', lines.length ? `${head}; ${lines[0]}` : head),
    ...lines.slice(1, 3).map((l) => evidence('service.json', l)),
  ];
}

export interface MappedAmlError {
  code: Code;
  detail: Detail | null;
}

/**
 * Azure ML's documented error codes (troubleshooting pages for online endpoints, Kubernetes online endpoints and
 * Kubernetes compute) that describe a failure before or around the cluster, mapped to this project's taxonomy.
 * Codes that describe what the cluster shows (ImagePullLoopBackOff, UserScriptImportError, ...) are left to the
 * cluster rules; they are the finding's `amlCode`.
 */
const CODE_MAP: Record<string, MappedAmlError> = {
  OperationCanceled: { code: 'DeploymentRejected', detail: 'Canceled' },
  BadArgument: { code: 'DeploymentRejected', detail: 'InvalidSpec' },
  InvalidDeploymentSpec: { code: 'DeploymentRejected', detail: 'InvalidSpec' },
  ValidationError: { code: 'DeploymentRejected', detail: 'InvalidSpec' },
  ResourceNotFound: { code: 'DeploymentRejected', detail: 'InvalidSpec' },
  EndpointAlreadyExists: { code: 'DeploymentRejected', detail: 'InvalidSpec' },
  EndpointNotFound: { code: 'DeploymentRejected', detail: 'InvalidSpec' },
  RequestDisallowedByPolicy: { code: 'DeploymentRejected', detail: 'PolicyDenied' },
  SecretsInjectionError: { code: 'DeploymentRejected', detail: 'SecretsInjectionFailed' },
  InternalServerError: { code: 'DeploymentRejected', detail: 'ServiceError' },
  InternalError: { code: 'DeploymentRejected', detail: 'ServiceError' },
  ValidateScoringFailed: { code: 'DeploymentRejected', detail: 'ServiceError' },
  RefreshExtensionIdentityNotSet: { code: 'ExtensionFailure', detail: 'IdentityNotSet' },
  TokenRefreshFailed: { code: 'ExtensionFailure', detail: 'TokenRequestFailed' },
  GetAADTokenFailed: { code: 'ExtensionFailure', detail: 'TokenRequestFailed' },
  ACRSecretError: { code: 'ExtensionFailure', detail: 'AcrSecretFailed' },
  ACRAuthenticationChallengeFailed: { code: 'ExtensionFailure', detail: 'AcrSecretFailed' },
  ACRTokenExchangeFailed: { code: 'ExtensionFailure', detail: 'AcrSecretFailed' },
  InferencingClientCallFailed: { code: 'ExtensionFailure', detail: 'RelayUnreachable' },
  NamespaceNotFound: { code: 'ComputeAttachFailure', detail: 'NamespaceNotFound' },
  ComputeNotFound: { code: 'ComputeAttachFailure', detail: 'ComputeNotFound' },
  ClusterNotFound: { code: 'ComputeAttachFailure', detail: 'ComputeNotFound' },
  ComputeNotAccessible: { code: 'ComputeAttachFailure', detail: 'ComputeNotAccessible' },
  KubernetesUnaccessible: { code: 'ComputeAttachFailure', detail: 'ComputeNotAccessible' },
  ClusterNotReachable: { code: 'ComputeAttachFailure', detail: 'ComputeNotAccessible' },
  GenericClusterError: { code: 'ComputeAttachFailure', detail: 'ComputeNotAccessible' },
  InvalidComputeInformation: { code: 'ComputeAttachFailure', detail: 'InvalidComputeConfig' },
  InvalidComputeNoKubernetesConfiguration: { code: 'ComputeAttachFailure', detail: 'InvalidComputeConfig' },
  GenericComputeError: { code: 'ComputeAttachFailure', detail: null },
};

/** Wordings that say which class when the code is generic (`BadRequest`, `UserError`, `DeploymentFailed`). */
const MESSAGE_MAP: { pattern: RegExp; mapped: MappedAmlError }[] = [
  {
    pattern: /disallowed by policy|policy assignment|RequestDisallowedByPolicy/i,
    mapped: { code: 'DeploymentRejected', detail: 'PolicyDenied' },
  },
  {
    pattern: /secret injection|secret reference|SecretsInjection/i,
    mapped: { code: 'DeploymentRejected', detail: 'SecretsInjectionFailed' },
  },
  {
    pattern: /operation (?:was |has been )?cancel+ed|OperationCanceled/i,
    mapped: { code: 'DeploymentRejected', detail: 'Canceled' },
  },
  {
    pattern: /extension identity|RefreshExtensionIdentityNotSet/i,
    mapped: { code: 'ExtensionFailure', detail: 'IdentityNotSet' },
  },
  {
    pattern: /namespace \S+ (?:is )?not found|namespace .* (?:doesn't|does not) exist/i,
    mapped: { code: 'ComputeAttachFailure', detail: 'NamespaceNotFound' },
  },
  {
    pattern: /Cannot find Kubernetes compute|compute \S+ (?:was )?not found/i,
    mapped: { code: 'ComputeAttachFailure', detail: 'ComputeNotFound' },
  },
  {
    pattern: /Kubernetes compute is not accessible|cluster is not reachable/i,
    mapped: { code: 'ComputeAttachFailure', detail: 'ComputeNotAccessible' },
  },
  {
    pattern: /relay server|Azure Relay|k8s-extension .* not connectable/i,
    mapped: { code: 'ExtensionFailure', detail: 'RelayUnreachable' },
  },
];

/** Maps a record error to the request/platform codes; undefined when the error is about what the cluster shows. */
export function mapAmlError(e: AmlError | undefined): MappedAmlError | undefined {
  if (!e) return undefined;
  for (const code of [...(e.details ?? []).map((d) => d.code), e.code]) {
    const hit = code ? CODE_MAP[code] : undefined;
    if (hit) return hit;
  }
  const text = errorLines(e).join('\n');
  return MESSAGE_MAP.find((m) => m.pattern.test(text))?.mapped;
}

/**
 * The documented Azure ML code of each failure class: what a user sees in the studio or the CLI for it when the
 * record itself names none. `null` where no troubleshooting page names one.
 */
export function documentedAmlCode(code: Code, detail: Detail | null): string | null {
  switch (code) {
    case 'ImageBuildFailure':
      return 'ImageBuildFailure';
    case 'PodUnschedulable':
      return 'PodUnschedulable';
    case 'QuotaExceeded':
      return 'OutOfQuota';
    case 'ImagePullFailure':
      return 'ImagePullLoopBackOff';
    case 'ScoringInitFailure':
      return detail === 'MissingPythonModule' || detail === 'ImportError' || detail === 'SyntaxError'
        ? 'UserScriptImportError'
        : detail === 'EntryScriptNotFound'
          ? 'UserScriptFunctionNotFound'
          : 'UserScriptInitFailed';
    case 'ModelDownloadFailure':
      // "Unable to download user model" (blob missing, identity without Storage Blob Data Reader) is listed under
      // BadArgument in how-to-troubleshoot-online-endpoints.
      return 'BadArgument';
    case 'OutOfMemory':
      return 'PodOutOfMemory';
    case 'CrashLoopBackOff':
      return 'DeploymentCrashLoopBackOff';
    case 'FrontendUnhealthy':
      return 'ScoringFeUnhealthy';
    case 'DeploymentRejected':
      return detail === 'Canceled'
        ? 'OperationCanceled'
        : detail === 'InvalidSpec'
          ? 'InvalidDeploymentSpec'
          : detail === 'PolicyDenied'
            ? 'RequestDisallowedByPolicy'
            : detail === 'SecretsInjectionFailed'
              ? 'SecretsInjectionError'
              : detail === 'ServiceError'
                ? 'InternalServerError'
                : null;
    case 'ExtensionFailure':
      return detail === 'IdentityNotSet'
        ? 'RefreshExtensionIdentityNotSet'
        : detail === 'TokenRequestFailed'
          ? 'GetAADTokenFailed'
          : detail === 'AcrSecretFailed'
            ? 'ACRSecretError'
            : detail === 'RelayUnreachable'
              ? 'InferencingClientCallFailed'
              : null;
    case 'ComputeAttachFailure':
      return detail === 'NamespaceNotFound'
        ? 'NamespaceNotFound'
        : detail === 'ComputeNotFound'
          ? 'ComputeNotFound'
          : detail === 'ComputeNotAccessible'
            ? 'ComputeNotAccessible'
            : detail === 'InvalidComputeConfig'
              ? 'InvalidComputeInformation'
              : 'GenericComputeError';
    default:
      return null;
  }
}

/** When Azure ML gives up on the running operation: v1's polling timeout after its start; unknown for v2. */
export function operationDeadline(rec: ServiceRecord | undefined): string | null {
  const op = rec?.operation;
  const running =
    op?.status === 'InProgress' ||
    (!op?.status && /^(transitioning|updating|creating)$/i.test(rec?.state ?? ''));
  const start = ms(op?.startTime);
  if (!running || start === undefined || rec?.flavor === 'v2') return null;
  return new Date(start + V1_OPERATION_TIMEOUT_MS).toISOString();
}

/** What the record-only rules share: the record, its live failure, and whether the record may speak alone. */
export interface RecordFailure {
  record: ServiceRecord;
  error: AmlError;
  mapped: MappedAmlError | undefined;
  /** The record's most specific code (the finding's amlCode). */
  amlCode: string | undefined;
}

/**
 * The record's failure when it is about this target, is not history, and the cluster shows no failing revision
 * (so the record is the only witness). Undefined otherwise.
 */
export function recordOnlyFailure(snapshot: Snapshot, target: AmlDeployment): RecordFailure | undefined {
  if (!recordIsFor(snapshot, target)) return undefined;
  const record = snapshot.service;
  const error = recordFailure(record);
  if (!record || !error || !clusterShowsNoFailure(target)) return undefined;
  return { record, error, mapped: mapAmlError(error), amlCode: mostSpecificCode(error) };
}

/** "while the previous revision keeps serving" / "before anything was created in the cluster". */
export function servingNote(target: AmlDeployment): string {
  return target.deployment || target.pods.length
    ? 'The cluster still runs the previous revision, all replicas ready, so requests are served by the old version while the change is not applied.'
    : 'Nothing of it exists in the cluster, so the request failed before Kubernetes objects were created.';
}
