/**
 * Scenario scaffolding for the init group's fixture generator: the scenario shape and the container-state
 * helpers (crash loop, restarted, starting) that set statuses and the events the kubelet would have written.
 */
import type { AmlServiceObjects, K8sObject } from '../kit.js';
import { at, event, markNotAvailable, markNotReady, uid } from '../kit.js';
import type { FixtureExpectation } from '../write.js';

/** "Now" of every fixture in this group. */
export const CAPTURED = '2024-05-14T10:30:00Z';

export interface Built {
  o: AmlServiceObjects;
  pod: K8sObject;
  app: K8sObject;
  events: K8sObject[];
  logs: Record<string, string>;
  extra: K8sObject[];
  created: string;
}

export interface Scenario {
  name: string;
  description: string;
  flavor: 'v1' | 'v2';
  svc: string;
  endpoint?: string;
  /** Seconds before CAPTURED the deployment was created. */
  createdAgo: number;
  memory?: string;
  cpu?: string;
  replicas?: number;
  build: (b: Built) => void;
  expected: Omit<FixtureExpectation, 'description'>;
}

export function ago(seconds: number): string {
  return at(CAPTURED, -seconds);
}

export function appStatus(o: AmlServiceObjects, pod: K8sObject): K8sObject {
  return (pod.status.containerStatuses as K8sObject[]).find((c) => c.name === o.appContainer)!;
}

export function logKey(b: Built, previous = false, pod: K8sObject = b.pod): string {
  return `${pod.metadata.name}/${b.o.appContainer}${previous ? '.previous' : ''}`;
}

/** Scheduled / Pulled / Created / Started, as every pod that got this far has them. */
export function startEvents(
  b: Built,
  pod: K8sObject,
  opts: { starts?: number; lastStart?: string } = {},
): void {
  const created = pod.metadata.creationTimestamp as string;
  const starts = opts.starts ?? 1;
  const last = opts.lastStart ?? at(created, 28);
  const image = b.o.deployment.spec.template.spec.containers[0].image as string;
  const fieldPath = `spec.containers{${b.o.appContainer}}`;
  b.events.push(
    event({
      object: pod,
      reason: 'Scheduled',
      type: 'Normal',
      component: 'default-scheduler',
      first: created,
      message: `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${pod.spec.nodeName}`,
    }),
    event({
      object: pod,
      reason: 'Pulled',
      type: 'Normal',
      fieldPath,
      first: at(created, 27),
      last,
      count: starts,
      message: `Container image "${image}" already present on machine`,
    }),
    event({
      object: pod,
      reason: 'Created',
      type: 'Normal',
      fieldPath,
      first: at(created, 27),
      last,
      count: starts,
      message: `Created container ${b.o.appContainer}`,
    }),
    event({
      object: pod,
      reason: 'Started',
      type: 'Normal',
      fieldPath,
      first: at(created, 28),
      last,
      count: starts,
      message: `Started container ${b.o.appContainer}`,
    }),
  );
}

export function notAvailable(b: Built, since: string): void {
  for (const pod of b.o.pods) {
    const ready = appStatus(b.o, pod).ready as boolean;
    if (!ready) markNotReady(pod, since, [b.o.appContainer]);
  }
  const ready = b.o.pods.filter((p) => appStatus(b.o, p).ready).length;
  markNotAvailable(b.o.deployment, ready, { since, rsName: b.o.replicaSet.metadata.name });
  const rs = b.o.replicaSet.status;
  if (ready) {
    rs.readyReplicas = ready;
    rs.availableReplicas = ready;
  } else {
    delete rs.readyReplicas;
    delete rs.availableReplicas;
  }
}

export interface Crash {
  restarts: number;
  exitCode: number;
  reason: string;
  /** Seconds before CAPTURED the last instance started, and how long it ran. */
  lastStartAgo: number;
  ran: number;
  backOff?: string;
}

/** The container is waiting in CrashLoopBackOff after `restarts` crashes; the last one as described. */
export function crashLoop(b: Built, c: Crash, pod: K8sObject = b.pod): void {
  const st = appStatus(b.o, pod);
  const start = ago(c.lastStartAgo);
  const end = at(start, c.ran);
  st.ready = false;
  st.started = false;
  st.restartCount = c.restarts;
  st.state = {
    waiting: {
      message: `back-off ${c.backOff ?? '5m0s'} restarting failed container=${b.o.appContainer} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
      reason: 'CrashLoopBackOff',
    },
  };
  st.lastState = {
    terminated: {
      containerID: st.containerID,
      exitCode: c.exitCode,
      finishedAt: end,
      reason: c.reason,
      startedAt: start,
    },
  };
  startEvents(b, pod, { starts: c.restarts + 1, lastStart: start });
  b.events.push(
    event({
      object: pod,
      reason: 'BackOff',
      fieldPath: `spec.containers{${b.o.appContainer}}`,
      first: at(pod.metadata.creationTimestamp, 45),
      last: ago(12),
      count: c.restarts * 4 + 3,
      message: `Back-off restarting failed container ${b.o.appContainer} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
    }),
  );
}

/** The container restarted and is running again (ready or not), its previous instance ended as described. */
export function restartedRunning(
  b: Built,
  opts: {
    restarts: number;
    exitCode: number;
    reason: string;
    lastStartAgo: number;
    ran: number;
    ready: boolean;
  },
  pod: K8sObject = b.pod,
): void {
  const st = appStatus(b.o, pod);
  const prevStart = ago(opts.lastStartAgo);
  const prevEnd = at(prevStart, opts.ran);
  st.restartCount = opts.restarts;
  st.ready = opts.ready;
  st.started = true;
  st.state = { running: { startedAt: at(prevEnd, 1) } };
  st.lastState = {
    terminated: {
      containerID: `containerd://${uid(pod.metadata.name + 'prev').replace(/-/g, '')}`,
      exitCode: opts.exitCode,
      finishedAt: prevEnd,
      reason: opts.reason,
      startedAt: prevStart,
    },
  };
  startEvents(b, pod, { starts: opts.restarts + 1, lastStart: at(prevEnd, 1) });
}

/** Running since `startedAgo`, never restarted, not ready yet. */
export function starting(b: Built, startedAgo: number): void {
  const st = appStatus(b.o, b.pod);
  st.ready = false;
  st.started = true;
  st.state = { running: { startedAt: ago(startedAgo) } };
  startEvents(b, b.pod, { lastStart: ago(startedAgo) });
}

export function podIp(pod: K8sObject): string {
  return pod.status.podIP as string;
}

/** Sets an environment variable on the scoring container everywhere it is specified (pods and templates). */
export function addEnv(b: Built, name: string, value: string): void {
  const specs = [
    b.o.deployment.spec.template.spec,
    b.o.replicaSet.spec.template.spec,
    ...b.o.pods.map((p) => p.spec),
  ];
  for (const spec of specs) {
    const c = (spec.containers as K8sObject[]).find((x) => x.name === b.o.appContainer);
    if (c) c.env = [...((c.env as K8sObject[] | undefined) ?? []), { name, value }];
  }
}
