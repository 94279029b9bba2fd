/**
 * `since` of a finding: the first signal of this failure (the first crash, the first FailedScheduling, the moment
 * the rollout stopped moving), read from the objects its evidence names. Earliest wins; never after "now". When no
 * evidence points at a timestamped object, `null`: a guess would make "failing since" lie.
 */
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import type { Snapshot } from '../../snapshot/types.js';
import { deploymentCondition } from '../context.js';
import type { AmlDeployment } from '../rule.js';
import type { Evidence } from '../types.js';
import { lineTime, parseLogLine } from '../logs/lines.js';

function validDate(d: Date | string | undefined | null): Date | undefined {
  if (!d) return undefined;
  const date = d instanceof Date ? d : new Date(d);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** When an event first happened: its first timestamp, else the moment it was recorded. */
function firstSeen(e: CoreV1Event): Date | undefined {
  return validDate(e.firstTimestamp) ?? validDate(e.eventTime) ?? validDate(e.lastTimestamp);
}

function eventsAbout(snapshot: Snapshot, kind: string, name: string): CoreV1Event[] {
  return snapshot.events.filter(
    (e) => (e.involvedObject.kind ?? '').toLowerCase() === kind && e.involvedObject.name === name,
  );
}

/** The first warning about a pod (or one of its containers) and every recorded termination of that container. */
function podSignals(snapshot: Snapshot, pod: V1Pod, container: string | undefined): Date[] {
  const name = pod.metadata?.name ?? '';
  const times: Date[] = [];
  for (const e of eventsAbout(snapshot, 'pod', name)) {
    if (e.type !== 'Warning') continue;
    const path = e.involvedObject.fieldPath;
    if (container && path && !path.includes(`{${container}}`)) continue;
    const t = firstSeen(e);
    if (t) times.push(t);
  }
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  for (const cs of statuses) {
    if (container && cs.name !== container) continue;
    for (const term of [cs.lastState?.terminated, cs.state?.terminated]) {
      // A container that exited 0 (a finished init container) is not a failure signal.
      if (!term || term.exitCode === 0) continue;
      const t = validDate(term.finishedAt);
      if (t) times.push(t);
    }
  }
  return times;
}

/**
 * When a quoted error log line (ERROR/CRITICAL) was written: the timestamp of the first line of that log containing the quote (a
 * `WORKER TIMEOUT` logged before any probe failed is the first signal). Only the one line is parsed.
 */
function loggedAt(
  snapshot: Snapshot,
  pod: string,
  container: string,
  part: string | undefined,
  quote: string,
): Date | undefined {
  if ((part !== 'log' && part !== 'previous-log') || !quote) return undefined;
  const logs = snapshot.logs.get(`${pod}/${container}`);
  const text = part === 'log' ? logs?.current : logs?.previous;
  const at = text?.indexOf(quote) ?? -1;
  if (!text || at < 0) return undefined;
  const start = text.lastIndexOf('\n', at) + 1;
  const end = text.indexOf('\n', at);
  const line = parseLogLine(text.slice(start, end < 0 ? undefined : end), 0);
  // Context quoted beside the failure (start-up lines, "loading model…") is not a signal of it.
  return line.level === 'ERROR' || line.level === 'CRITICAL' ? lineTime(line) : undefined;
}

function signalTimes(snapshot: Snapshot, target: AmlDeployment, ev: Evidence): Date[] {
  const build = snapshot.buildLog;
  if (build && ev.source.startsWith(build.source)) {
    // The build failed when its log was written; the last time the log states is the next best thing.
    const t = validDate(build.writtenAt) ?? validDate(build.classification.timing?.lastAt);
    return t ? [t] : [];
  }
  const parts = ev.source.split('/');
  const [kind, name] = parts;
  if (!name) return [];
  if (kind === 'event') {
    const objKind = parts[1] ?? '';
    const objName = parts[2] ?? '';
    const reason = parts[3];
    return eventsAbout(snapshot, objKind, objName)
      .filter((e) => !reason || e.reason === reason)
      .flatMap((e) => firstSeen(e) ?? []);
  }
  if (kind === 'pod') {
    const pod = [...target.pods, ...snapshot.pods].find((p) => p.metadata?.name === name);
    if (!pod) return [];
    const container = parts[2] === 'container' ? parts[3] : undefined;
    const logged = container ? loggedAt(snapshot, name, container, parts[4], ev.text) : undefined;
    return [...podSignals(snapshot, pod, container), ...(logged ? [logged] : [])];
  }
  if (kind === 'deployment' && name === target.deployment?.metadata?.name) {
    // A stalled rollout's first signal is the last moment it moved.
    const prog = deploymentCondition(target.deployment, 'Progressing');
    const t = validDate(prog?.lastUpdateTime) ?? validDate(prog?.lastTransitionTime);
    return t ? [t] : [];
  }
  if (kind === 'node') {
    const node = snapshot.nodes.find((n) => n.metadata?.name === name);
    return (node?.status?.conditions ?? [])
      .filter((c) => (c.type === 'Ready' ? c.status !== 'True' : c.status === 'True'))
      .flatMap((c) => validDate(c.lastTransitionTime) ?? []);
  }
  return [];
}

/** RFC 3339 first signal of a finding with this evidence, or null when the evidence carries no time. */
export function findingSince(
  snapshot: Snapshot,
  target: AmlDeployment,
  evidence: readonly Evidence[],
  now: Date,
): string | null {
  let first: number | undefined;
  for (const ev of evidence) {
    for (const t of signalTimes(snapshot, target, ev)) {
      const ms = t.getTime();
      if (ms <= now.getTime() && (first === undefined || ms < first)) first = ms;
    }
  }
  return first === undefined ? null : new Date(first).toISOString();
}
