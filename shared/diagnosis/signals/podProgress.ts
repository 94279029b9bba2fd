/**
 * How far a pod got, as the platform rules (mount, download, nodes, hangs, front end) need to know it: did the
 * kubelet get past volume setup, what `kubectl get pods` would print in its STATUS column, how many restarts.
 * Pure lookups on the pod object; no clock.
 */
import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';

/** Waiting reasons the kubelet reports before it has created any container (volumes may still be mounting). */
const BEFORE_CREATE = new Set(['ContainerCreating', 'PodInitializing']);

function allStatuses(pod: V1Pod): V1ContainerStatus[] {
  return [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
}

/**
 * True once the kubelet has created a container of the pod. It creates containers only after every volume is
 * attached and mounted, so a pod with a started container has its volumes: older mount failures were transient.
 */
export function podStartedContainers(pod: V1Pod): boolean {
  return allStatuses(pod).some(
    (s) =>
      !!s.state?.running ||
      !!s.state?.terminated ||
      !!s.lastState?.terminated ||
      (s.restartCount ?? 0) > 0 ||
      (!!s.state?.waiting?.reason && !BEFORE_CREATE.has(s.state.waiting.reason)),
  );
}

export function podRestarts(pod: V1Pod): number {
  return allStatuses(pod).reduce((n, s) => n + (s.restartCount ?? 0), 0);
}

/** The STATUS column of `kubectl get pods`: `Running`, `Pending`, `ContainerCreating`, `Init:0/1`, `Init:Error`, `Evicted`. */
export function podStatusText(pod: V1Pod): string {
  if (pod.metadata?.deletionTimestamp) return 'Terminating';
  if (pod.status?.reason) return pod.status.reason;
  const inits = pod.spec?.initContainers ?? [];
  const initStatuses = pod.status?.initContainerStatuses ?? [];
  for (let i = 0; i < inits.length; i++) {
    const s = initStatuses.find((st) => st.name === inits[i]?.name);
    if (!s) continue;
    const t = s.state?.terminated;
    if (t && t.exitCode === 0) continue;
    if (t) return `Init:${t.reason ?? `ExitCode:${t.exitCode}`}`;
    const w = s.state?.waiting?.reason;
    if (w && w !== 'PodInitializing') return `Init:${w}`;
    return `Init:${i}/${inits.length}`;
  }
  for (const s of pod.status?.containerStatuses ?? []) {
    const w = s.state?.waiting?.reason;
    if (w) return w;
    const t = s.state?.terminated;
    if (t) return t.reason ?? `ExitCode:${t.exitCode}`;
  }
  return pod.status?.phase ?? 'Unknown';
}
