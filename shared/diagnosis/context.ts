/**
 * Small pure lookups every rule needs: events of an object, container states, logs, ages, evidence sources.
 * Rules use these instead of walking the snapshot themselves, so "the events of this pod" means one thing everywhere.
 */
import type {
  CoreV1Event,
  V1Container,
  V1ContainerStatus,
  V1Deployment,
  V1DeploymentCondition,
  V1PersistentVolume,
  V1PersistentVolumeClaim,
  V1Pod,
} from '@kubernetes/client-node';
import type { ContainerLogs, Snapshot } from '../snapshot/types.js';
import { logKey } from '../snapshot/types.js';
import { clip, redact } from '../text/redact.js';
import type { RuleContext } from './rule.js';
import type { Evidence } from './types.js';

export interface ObjectRef {
  kind: string;
  name: string;
  namespace?: string;
  uid?: string;
}

/** The moment an event last happened: events.k8s.io series, then lastTimestamp, eventTime, firstTimestamp. */
export function eventTime(e: CoreV1Event): Date | undefined {
  return e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? undefined;
}

/** Events by involved object (`kind/name`), each list oldest first: built once per events array, then O(1) per object. */
const eventIndexes = new WeakMap<readonly CoreV1Event[], Map<string, CoreV1Event[]>>();

function eventIndex(events: readonly CoreV1Event[]): Map<string, CoreV1Event[]> {
  let index = eventIndexes.get(events);
  if (index) return index;
  index = new Map();
  for (const e of events) {
    const io = e.involvedObject;
    const key = `${io?.kind ?? ''}\u0000${io?.name ?? ''}`;
    const list = index.get(key);
    if (list) list.push(e);
    else index.set(key, [e]);
  }
  for (const list of index.values())
    list.sort((a, b) => (eventTime(a)?.getTime() ?? 0) - (eventTime(b)?.getTime() ?? 0));
  eventIndexes.set(events, index);
  return index;
}

/**
 * Events about one object, oldest first. Matches by uid when both sides have one (k8sgpt's name-only match
 * collides). Looked up in an index, so asking for every pod of a 5,000-pod namespace stays linear.
 */
export function eventsFor(snapshot: Snapshot, ref: ObjectRef): CoreV1Event[] {
  const bucket = eventIndex(snapshot.events).get(`${ref.kind}\u0000${ref.name}`) ?? [];
  return bucket.filter((e) => {
    const io = e.involvedObject;
    if (ref.namespace && io.namespace && io.namespace !== ref.namespace) return false;
    if (ref.uid && io.uid && io.uid !== ref.uid) return false;
    return true;
  });
}

export function podRef(pod: V1Pod): ObjectRef {
  return {
    kind: 'Pod',
    name: pod.metadata?.name ?? '',
    namespace: pod.metadata?.namespace,
    uid: pod.metadata?.uid,
  };
}

export function podEvents(snapshot: Snapshot, pod: V1Pod): CoreV1Event[] {
  return eventsFor(snapshot, podRef(pod));
}

/** Events of all pods of the target plus its Deployment and ReplicaSets, oldest first. */
export function targetEvents(ctx: RuleContext): CoreV1Event[] {
  const { target, snapshot } = ctx;
  const refs: ObjectRef[] = [
    ...target.pods.map(podRef),
    ...target.replicaSets.map((rs) => ({
      kind: 'ReplicaSet',
      name: rs.metadata?.name ?? '',
      namespace: rs.metadata?.namespace,
      uid: rs.metadata?.uid,
    })),
  ];
  if (target.deployment) {
    refs.push({
      kind: 'Deployment',
      name: target.deployment.metadata?.name ?? '',
      namespace: target.deployment.metadata?.namespace,
      uid: target.deployment.metadata?.uid,
    });
  }
  const all = refs.flatMap((ref) => eventsFor(snapshot, ref));
  return all.sort((a, b) => (eventTime(a)?.getTime() ?? 0) - (eventTime(b)?.getTime() ?? 0));
}

export function isWarning(e: CoreV1Event): boolean {
  return e.type === 'Warning';
}

export type ContainerKind = 'init' | 'app';

export interface ContainerView {
  kind: ContainerKind;
  name: string;
  spec?: V1Container;
  status?: V1ContainerStatus;
}

/** Init containers first (in order), then app containers, each with its spec and status side by side. */
export function containersOf(pod: V1Pod): ContainerView[] {
  const view = (kind: ContainerKind, specs: V1Container[] = [], statuses: V1ContainerStatus[] = []) =>
    specs.map((spec) => ({
      kind,
      name: spec.name,
      spec,
      status: statuses.find((s) => s.name === spec.name),
    }));
  return [
    ...view('init', pod.spec?.initContainers, pod.status?.initContainerStatuses),
    ...view('app', pod.spec?.containers, pod.status?.containerStatuses),
  ];
}

export function logsOf(snapshot: Snapshot, pod: V1Pod, container: string): ContainerLogs | undefined {
  return snapshot.logs.get(logKey(pod.metadata?.name ?? '', container));
}

export function podCondition(
  pod: V1Pod,
  type: string,
): { status?: string; reason?: string; message?: string; lastTransitionTime?: Date } | undefined {
  return pod.status?.conditions?.find((c) => c.type === type);
}

export function deploymentCondition(
  d: V1Deployment | undefined,
  type: string,
): V1DeploymentCondition | undefined {
  return d?.status?.conditions?.find((c) => c.type === type);
}

/** The PVC and PV behind a pod volume (the v1 `staging` volume by default), when the snapshot has them. */
export function volumeChain(
  snapshot: Snapshot,
  pod: V1Pod,
  volumeName = 'staging',
): { claimName?: string; pvc?: V1PersistentVolumeClaim; pv?: V1PersistentVolume } {
  const vol = pod.spec?.volumes?.find((v) => v.name === volumeName);
  const claimName = vol?.persistentVolumeClaim?.claimName;
  if (!claimName) return {};
  const ns = pod.metadata?.namespace;
  const pvc = snapshot.persistentVolumeClaims.find(
    (c) => c.metadata?.name === claimName && (!ns || !c.metadata?.namespace || c.metadata.namespace === ns),
  );
  const pvName = pvc?.spec?.volumeName;
  const pv = pvName ? snapshot.persistentVolumes.find((p) => p.metadata?.name === pvName) : undefined;
  return { claimName, pvc, pv };
}

export function secondsBetween(from: Date | undefined, to: Date): number | undefined {
  return from ? Math.round((to.getTime() - from.getTime()) / 1000) : undefined;
}

/** "4m 10s", "2h 5m": for explanations people read. */
export function humanDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m}m ${s % 60}s` : `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

// Evidence sources: one spelling everywhere, e.g. `pod/my-svc-5d9c-abcde/container/my-svc/previous-log`.
export function podSource(
  pod: V1Pod,
  container?: string,
  part?: 'log' | 'previous-log' | 'status' | 'spec',
): string {
  let s = `pod/${pod.metadata?.name ?? '?'}`;
  if (container) s += `/container/${container}`;
  if (part) s += `/${part}`;
  return s;
}

export function eventSource(e: CoreV1Event): string {
  const io = e.involvedObject;
  return `event/${(io.kind ?? 'Object').toLowerCase()}/${io.name ?? '?'}/${e.reason ?? 'Unknown'}`;
}

/**
 * The kubelet names a pod `name_namespace(uid)` in its messages ("back-off 5m0s restarting failed container=x
 * pod=x-5d9c-abcde_azureml-ws(5a20…)"). The namespace is in the report already and the UID helps nobody: keep the
 * pod name alone, so it can be pasted into kubectl.
 */
const KUBELET_POD =
  /\b([a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)_[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\)/g;

export function withoutPodUids(text: string): string {
  return text.replace(KUBELET_POD, '$1');
}

/** An evidence line, redacted and clipped. Every rule builds evidence through this. */
export function evidence(source: string, text: string, max = 400): Evidence {
  return { source, text: clip(withoutPodUids(redact(text.trim())), max) };
}

/** Evidence from an event: its message, with the repeat count when it repeated. */
export function eventEvidence(e: CoreV1Event): Evidence {
  const count = e.series?.count ?? e.count;
  const suffix = count && count > 1 ? ` (x${count})` : '';
  return evidence(eventSource(e), `${e.reason ?? ''}: ${e.message ?? ''}${suffix}`);
}
