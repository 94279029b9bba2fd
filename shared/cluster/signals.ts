/**
 * The collector's decisions: from what one wave returned, which further requests are worth making. Pure functions
 * over typed objects, so the request plan can be tested without a cluster.
 */
import type {
  CoreV1Event,
  V1Container,
  V1ContainerStatus,
  V1Deployment,
  V1Pod,
  V1PodSpec,
} from '@kubernetes/client-node';
import { V1_INIT_CONFIG_ENV, V2_STORAGE_INITIALIZER } from './aml.js';
import type { DeploymentFlavor } from './types.js';

export interface Signals {
  /** Pods cannot be placed: Nodes explain why (capacity, taints, selectors). */
  scheduling: boolean;
  /** A pod waits on a volume (mount/attach failures, unbound claim): the PVC (and its PV) explain why. */
  volume: boolean;
  /** The ReplicaSet cannot create pods (`ReplicaFailure`, `FailedCreate`). */
  replicaFailure: boolean;
  /** …because a ResourceQuota is exhausted. */
  quota: boolean;
  /** Pods were evicted: their ReplicaSets tie evictions of pods already gone to the service. */
  evicted: boolean;
}

const VOLUME_REASONS = new Set(['FailedMount', 'FailedAttachVolume', 'FailedMapVolume']);

function noSignals(): Signals {
  return { scheduling: false, volume: false, replicaFailure: false, quota: false, evicted: false };
}

export function signalsFromEvents(events: readonly CoreV1Event[]): Signals {
  const s = noSignals();
  for (const e of events) {
    if (e.reason === 'Evicted') s.evicted = true;
    const message = e.message ?? '';
    if (e.reason === 'FailedScheduling') {
      // "pod has unbound immediate PersistentVolumeClaims" is a volume problem reported by the scheduler.
      if (/PersistentVolumeClaim/i.test(message)) s.volume = true;
      else s.scheduling = true;
    }
    if (VOLUME_REASONS.has(e.reason ?? '')) s.volume = true;
    if (e.reason === 'FailedCreate') {
      s.replicaFailure = true;
      if (/exceeded quota|forbidden: exceeded/i.test(message)) s.quota = true;
    }
  }
  return s;
}

export function signalsFromDeployment(d: V1Deployment | undefined): Signals {
  const failure = d?.status?.conditions?.find((c) => c.type === 'ReplicaFailure' && c.status === 'True');
  return {
    scheduling: false,
    volume: false,
    replicaFailure: failure !== undefined,
    quota: failure !== undefined && /quota/i.test(`${failure.reason ?? ''} ${failure.message ?? ''}`),
    evicted: false,
  };
}

function allStatuses(pod: V1Pod): V1ContainerStatus[] {
  return [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
}

function hasClaimVolume(spec: V1PodSpec | undefined): boolean {
  return (spec?.volumes ?? []).some((v) => v.persistentVolumeClaim !== undefined);
}

export function signalsFromPods(pods: readonly V1Pod[]): Signals {
  const s = noSignals();
  for (const pod of pods) {
    if (pod.status?.reason === 'Evicted') s.evicted = true;
    const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (scheduled?.status === 'False') {
      if (/PersistentVolumeClaim/i.test(scheduled.message ?? '')) s.volume = true;
      else s.scheduling = true;
    }
    // Volumes are mounted before any container starts: a pod whose containers all wait, none having run yet,
    // may be waiting on its claim.
    const statuses = allStatuses(pod);
    const neverRan = statuses.every(
      (c) => !c.state?.running && !c.state?.terminated && !c.lastState?.terminated,
    );
    const creating = statuses.some((c) =>
      ['ContainerCreating', 'PodInitializing'].includes(c.state?.waiting?.reason ?? ''),
    );
    if (
      pod.status?.phase === 'Pending' &&
      scheduled?.status === 'True' &&
      creating &&
      neverRan &&
      hasClaimVolume(pod.spec)
    ) {
      s.volume = true;
    }
  }
  return s;
}

export function mergeSignals(...all: Signals[]): Signals {
  return {
    scheduling: all.some((s) => s.scheduling),
    volume: all.some((s) => s.volume),
    replicaFailure: all.some((s) => s.replicaFailure),
    quota: all.some((s) => s.quota),
    evicted: all.some((s) => s.evicted),
  };
}

export interface LogRequest {
  pod: string;
  container: string;
  previous: boolean;
}

function isFailing(c: V1ContainerStatus, init: boolean): boolean {
  if ((c.restartCount ?? 0) > 0) return true;
  // An init container still running holds the pod back (a model download that stalls): its log says where.
  if (init && c.state?.running) return true;
  const terminated = c.state?.terminated;
  if (terminated && (terminated.exitCode ?? 0) !== 0) return true;
  if (!init && c.state?.running && c.ready === false) return true;
  return false;
}

/** A log request the kubelet can answer: a container that has run (is running, or terminated at least once). */
function canHaveLog(c: V1ContainerStatus): boolean {
  return (
    c.state?.running !== undefined ||
    c.state?.terminated !== undefined ||
    c.lastState?.terminated !== undefined
  );
}

function failureSignature(c: V1ContainerStatus): string {
  const waiting = c.state?.waiting?.reason;
  const terminated = c.state?.terminated ?? c.lastState?.terminated;
  return `${c.name}|${waiting ?? ''}|${terminated?.reason ?? ''}|${terminated?.exitCode ?? ''}|${c.ready ? 1 : 0}`;
}

/**
 * A container waiting to restart has no current instance: the kubelet answers a request for its current log with
 * the last terminated instance (`validateContainerLogStatus`), the very log `--previous` returns. One read, kept as
 * what it is: the previous instance's log.
 */
function requestsFor(pod: string, c: V1ContainerStatus): LogRequest[] {
  const restarted = (c.restartCount ?? 0) > 0 && c.lastState?.terminated !== undefined;
  if (c.state?.waiting && c.lastState?.terminated) return [{ pod, container: c.name, previous: true }];
  const current: LogRequest = { pod, container: c.name, previous: false };
  return restarted ? [current, { pod, container: c.name, previous: true }] : [current];
}

function newestFirst(pods: readonly V1Pod[]): V1Pod[] {
  const created = (p: V1Pod): number => new Date(p.metadata?.creationTimestamp ?? 0).getTime() || 0;
  return [...pods].sort((a, b) => created(b) - created(a));
}

/**
 * Logs of containers that are failing or not ready: the current instance, and the previous one after a restart.
 * Replicas failing the same way (same container, reason, exit code) are read up to `perFailure` pods, newest first,
 * so a diagnosis can say how many show it; init containers come first because they fail first.
 */
export function logRequestsFor(pods: readonly V1Pod[], maxRequests: number, perFailure = 3): LogRequest[] {
  const requests: LogRequest[] = [];
  const seen = new Map<string, number>();
  const ordered = newestFirst(pods);
  const candidates = [
    ...ordered.flatMap((p) =>
      (p.status?.initContainerStatuses ?? []).map((status) => ({ p, status, init: true })),
    ),
    ...ordered.flatMap((p) =>
      (p.status?.containerStatuses ?? []).map((status) => ({ p, status, init: false })),
    ),
  ];
  for (const { p, status, init } of candidates) {
    if (!isFailing(status, init) || !canHaveLog(status)) continue;
    const signature = failureSignature(status);
    const count = seen.get(signature) ?? 0;
    if (count >= perFailure) continue;
    seen.set(signature, count + 1);
    requests.push(...requestsFor(p.metadata?.name ?? '', status));
  }
  return requests.slice(0, maxRequests);
}

/** Exit codes of a kill from outside (SIGKILL: OOM or liveness probe; SIGTERM): not the code's own failure. */
const KILLED_EXIT_CODES = new Set([137, 143]);

function crashedByItself(c: V1ContainerStatus): boolean {
  const t = c.state?.terminated ?? c.lastState?.terminated;
  return (
    t !== undefined &&
    t.reason !== 'OOMKilled' &&
    (t.exitCode ?? 0) !== 0 &&
    !KILLED_EXIT_CODES.has(t.exitCode ?? 0)
  );
}

/**
 * The model or the scoring code is suspect when an init container fails (v2: the storage initializer downloads the
 * model) or the scoring container exits with an error of its own (not OOM, not killed by a probe): then the
 * init configuration (model paths) is worth reading.
 */
export function modelOrCodeSuspected(pods: readonly V1Pod[]): boolean {
  return pods.some(
    (pod) =>
      (pod.status?.initContainerStatuses ?? []).some((c) => isFailing(c, true)) ||
      (pod.status?.containerStatuses ?? []).some(crashedByItself),
  );
}

function configMapRefsOf(container: V1Container, onlyEnv?: string): string[] {
  const names: string[] = [];
  for (const env of container.env ?? []) {
    if (onlyEnv !== undefined && env.name !== onlyEnv) continue;
    const ref = env.valueFrom?.configMapKeyRef?.name;
    if (ref) names.push(ref);
    // Some v1 images carry the ConfigMap's name as the variable's plain value.
    else if (onlyEnv !== undefined && env.value && /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(env.value)) {
      names.push(env.value);
    }
  }
  if (onlyEnv === undefined) {
    for (const from of container.envFrom ?? [])
      if (from.configMapRef?.name) names.push(from.configMapRef.name);
  }
  return names;
}

/** v1: the ConfigMap the `InitContainerConfig` variable names; v2: those the storage initializer reads. */
export function initConfigMapNames(d: V1Deployment, flavor: DeploymentFlavor): string[] {
  const spec = d.spec?.template?.spec;
  const containers = [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])];
  let names: string[];
  if (flavor === 'v1') {
    names = containers.flatMap((c) => configMapRefsOf(c, V1_INIT_CONFIG_ENV));
  } else {
    const initializer = containers.find((c) => c.name === V2_STORAGE_INITIALIZER);
    if (!initializer) return [];
    const mounted = new Set((initializer.volumeMounts ?? []).map((m) => m.name));
    const fromVolumes = (spec?.volumes ?? [])
      .filter((v) => mounted.has(v.name) && v.configMap?.name)
      .map((v) => v.configMap?.name ?? '');
    names = [...configMapRefsOf(initializer), ...fromVolumes];
  }
  return [...new Set(names)];
}

/** Claims the service mounts (v1: the `staging` volume's PVC). */
export function claimNamesOf(d: V1Deployment | undefined, pods: readonly V1Pod[]): string[] {
  const specs = [d?.spec?.template?.spec, ...pods.map((p) => p.spec)];
  const names = specs.flatMap((s) => (s?.volumes ?? []).map((v) => v.persistentVolumeClaim?.claimName ?? ''));
  return [...new Set(names.filter((n) => n !== ''))];
}

/** Containers Azure ML runs next to the model server; they never run user code (as the engine's scoringViews). */
const SIDECARS = new Set(['identity-sidecar', 'istio-proxy', 'linkerd-proxy', 'azureml-fe-aci']);

function isPodReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/**
 * When nothing is failing, a ready service can still be Degraded (gunicorn `WORKER TIMEOUT` after init): read the
 * running scoring container's log of up to `maxPods` ready pods. The scoring container is `<service>` (v1) or
 * `inference-server` (v2), else every non-sidecar container.
 */
export function servingLogRequestsFor(
  pods: readonly V1Pod[],
  service: string,
  maxPods: number,
): LogRequest[] {
  const requests: LogRequest[] = [];
  for (const pod of pods.filter(isPodReady).slice(0, maxPods)) {
    const running = (pod.status?.containerStatuses ?? []).filter((c) => c.state?.running !== undefined);
    const named = running.filter((c) => c.name === service || c.name === 'inference-server');
    const scoring = named.length > 0 ? named : running.filter((c) => !SIDECARS.has(c.name));
    for (const c of scoring)
      requests.push({ pod: pod.metadata?.name ?? '', container: c.name, previous: false });
  }
  return requests;
}

const NODE_LOSS_REASONS = new Set([
  'Evicted',
  'NodeLost',
  'NodeAffinity',
  'Terminated',
  'UnexpectedAdmissionError',
]);

/**
 * Pods whose trouble is their node's, and those nodes: phase Unknown, evicted or lost with the node, a
 * `NodeNotReady` event from the node controller, or not Ready although every container reports ready.
 */
export function suspectNodes(
  pods: readonly V1Pod[],
  events: readonly CoreV1Event[],
): { nodes: string[]; pods: Set<string> } {
  const flagged = new Set(
    events
      .filter((e) => e.reason === 'NodeNotReady' && e.involvedObject?.kind === 'Pod')
      .map((e) => e.involvedObject.name),
  );
  const nodes = new Set<string>();
  const suspects = new Set<string>();
  for (const pod of pods) {
    const node = pod.spec?.nodeName;
    const name = pod.metadata?.name ?? '';
    if (!node) continue;
    const statuses = pod.status?.containerStatuses ?? [];
    const containersFine = statuses.length > 0 && statuses.every((c) => c.ready === true);
    if (
      flagged.has(name) ||
      pod.status?.phase === 'Unknown' ||
      NODE_LOSS_REASONS.has(pod.status?.reason ?? '') ||
      (!isPodReady(pod) && containersFine)
    ) {
      nodes.add(node);
      suspects.add(name);
    }
  }
  return { nodes: [...nodes], pods: suspects };
}

/** The router is short of available replicas: its pods (and their events) say why. */
export function deploymentUnavailable(d: V1Deployment): boolean {
  const wanted = d.spec?.replicas ?? 1;
  const available = d.status?.conditions?.find((c) => c.type === 'Available');
  return (d.status?.availableReplicas ?? 0) < wanted || available?.status === 'False';
}

const MISSING_CONFIGMAP = /configmaps? "([a-z0-9]([-a-z0-9.]*[a-z0-9])?)" not found/gi;

/** ConfigMaps a container is waiting for (`CreateContainerConfigError: configmap "x" not found`). */
export function missingConfigMapNames(pods: readonly V1Pod[], events: readonly CoreV1Event[]): string[] {
  const texts = [
    ...pods.flatMap((p) => allStatuses(p).map((c) => c.state?.waiting?.message ?? '')),
    ...events.map((e) => e.message ?? ''),
  ];
  const names = new Set<string>();
  for (const text of texts) for (const m of text.matchAll(MISSING_CONFIGMAP)) if (m[1]) names.add(m[1]);
  return [...names];
}
