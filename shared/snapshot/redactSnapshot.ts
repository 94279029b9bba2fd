/**
 * The snapshot with every free text redacted WHOLE (event messages, container logs, the service record's errors,
 * container state messages, gaps), before any rule cuts a line, a window or a head-and-tail out of it: a cut can
 * strip the prefix redaction keys on and leave the rest of a secret behind. Objects are copied shallowly where a
 * text changes; everything else is shared with the input.
 */
import type { CoreV1Event, V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { redact, redactDeep } from '../text/redact.js';
import type { ContainerLogKey, ContainerLogs, Snapshot } from './types.js';

function redactStatus(cs: V1ContainerStatus): V1ContainerStatus {
  const msg = (s: { message?: string } | undefined) =>
    s && s.message !== undefined ? { ...s, message: redact(s.message) } : s;
  return {
    ...cs,
    ...(cs.state
      ? {
          state: {
            ...cs.state,
            ...(cs.state.waiting ? { waiting: msg(cs.state.waiting) } : {}),
            ...(cs.state.terminated ? { terminated: msg(cs.state.terminated)! } : {}),
          },
        }
      : {}),
    ...(cs.lastState
      ? {
          lastState: {
            ...cs.lastState,
            ...(cs.lastState.waiting ? { waiting: msg(cs.lastState.waiting) } : {}),
            ...(cs.lastState.terminated ? { terminated: msg(cs.lastState.terminated)! } : {}),
          },
        }
      : {}),
  } as V1ContainerStatus;
}

function redactPod(pod: V1Pod): V1Pod {
  const status = pod.status;
  if (!status) return pod;
  const lists = ['containerStatuses', 'initContainerStatuses'] as const;
  if (!lists.some((l) => Array.isArray(status[l])) && status.message === undefined) return pod;
  const out = { ...pod, status: { ...status } } as V1Pod;
  for (const l of lists) {
    const list = status[l];
    if (Array.isArray(list)) out.status![l] = list.map(redactStatus);
  }
  if (status.message !== undefined) out.status!.message = redact(status.message);
  return out;
}

function redactEvent(e: CoreV1Event): CoreV1Event {
  return e.message === undefined ? e : ({ ...e, message: redact(e.message) } as CoreV1Event);
}

function redactLogs(logs: Map<ContainerLogKey, ContainerLogs>): Map<ContainerLogKey, ContainerLogs> {
  const out = new Map<ContainerLogKey, ContainerLogs>();
  for (const [k, v] of logs) {
    out.set(k, {
      ...(v.current !== undefined ? { current: redact(v.current) } : {}),
      ...(v.previous !== undefined ? { previous: redact(v.previous) } : {}),
    });
  }
  return out;
}

const done = new WeakSet<Snapshot>();

/** A copy of `snapshot` whose free texts are redacted whole. Cheap on a snapshot this function returned. */
export function redactSnapshot(snapshot: Snapshot): Snapshot {
  if (done.has(snapshot)) return snapshot;
  const out: Snapshot = {
    ...snapshot,
    pods: snapshot.pods.map(redactPod),
    events: snapshot.events.map(redactEvent),
    logs: redactLogs(snapshot.logs),
    meta: {
      ...snapshot.meta,
      ...(snapshot.meta.gaps ? { gaps: snapshot.meta.gaps.map(redact) } : {}),
      ...(snapshot.meta.clusterError
        ? {
            clusterError: {
              ...snapshot.meta.clusterError,
              message: redact(snapshot.meta.clusterError.message),
            },
          }
        : {}),
    },
    ...(snapshot.service ? { service: redactDeep(snapshot.service) } : {}),
    ...(snapshot.blobs ? { blobs: redactDeep(snapshot.blobs) } : {}),
    ...(snapshot.buildLog
      ? {
          buildLog: {
            ...snapshot.buildLog,
            ...(snapshot.buildLog.tail !== undefined ? { tail: redact(snapshot.buildLog.tail) } : {}),
          },
        }
      : {}),
  };
  done.add(out);
  return out;
}
