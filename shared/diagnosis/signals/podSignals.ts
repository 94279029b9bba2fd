/**
 * Small pure lookups the schedule/pull/configure rules share: the newest event of some reasons, "did B happen
 * after A", readiness of the target's pods, v1/v2 wording. Built on context.ts; nothing here reads the clock.
 */
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import { evidence, eventSource, eventTime, podCondition } from '../context.js';
import type { AmlDeployment } from '../rule.js';
import type { Evidence } from '../types.js';
import { redact } from '../../text/redact.js';

/** The newest event whose reason is one of `reasons` (events come oldest first from the context helpers). */
export function newestEvent(events: CoreV1Event[], ...reasons: string[]): CoreV1Event | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    if (e && reasons.includes(e.reason ?? '')) return e;
  }
  return undefined;
}

/** The first time the event was seen (`firstTimestamp`, else its last time). */
export function eventFirstSeen(e: CoreV1Event): Date | undefined {
  return e.firstTimestamp ?? e.eventTime ?? eventTime(e);
}

/** True when `later` happened strictly after `earlier` (an event without time never counts as later). */
export function happenedAfter(later: CoreV1Event | undefined, earlier: CoreV1Event | undefined): boolean {
  const l = later && eventTime(later)?.getTime();
  if (l === undefined) return false;
  const e = earlier && eventTime(earlier)?.getTime();
  return e === undefined || l > e;
}

export function isPodReady(pod: V1Pod): boolean {
  return podCondition(pod, 'Ready')?.status === 'True';
}

export function ownerName(pod: V1Pod): string | undefined {
  return (
    pod.metadata?.ownerReferences?.find((o) => o.controller)?.name ?? pod.metadata?.ownerReferences?.[0]?.name
  );
}

/**
 * Whether a failing pod only blocks a scale-out: other replicas of the same ReplicaSet are ready and serving.
 * A failing pod of a newer ReplicaSet next to ready old ones is a blocked update, which is a real failure.
 */
export function onlyScaleOutBlocked(target: AmlDeployment, failing: V1Pod): boolean {
  const rs = ownerName(failing);
  const ready = target.pods.filter(isPodReady);
  return ready.length > 0 && ready.every((p) => ownerName(p) === rs);
}

/** "the deployment configuration (v1 AksWebservice.deploy_configuration)" vs "the deployment YAML (v2)". */
export function configWord(target: AmlDeployment): string {
  return target.flavor === 'v1'
    ? 'AksWebservice.deploy_configuration (v1)'
    : 'the online deployment YAML / instance type (v2)';
}

/** The service as people name it: v1 service name, v2 `<endpoint>/<deployment>`. */
export function serviceLabel(target: AmlDeployment): string {
  return target.flavor === 'v2' && target.endpoint && target.deploymentName
    ? `${target.endpoint}/${target.deploymentName}`
    : target.name;
}

/** The registry host of an image reference (`contosoacr.azurecr.io/azureml/x:1` → `contosoacr.azurecr.io`). */
export function registryOf(image: string | undefined): string | undefined {
  if (!image) return undefined;
  const first = image.split('/')[0] ?? '';
  return image.includes('/') && /[.:]|^localhost$/.test(first) ? first : 'docker.io';
}

/** Slack after a terminating replica's deletionTimestamp before its resources count as not coming back. */
const TERMINATION_SLACK_SECONDS = 30;

/**
 * Another replica of the deployment is still shutting down (rolling update): what it holds (node capacity,
 * quota) is released when it is gone, so a pod waiting for that is Progressing, not failed.
 */
export function replicaTerminating(target: AmlDeployment, now: Date, except?: V1Pod): boolean {
  return target.pods.some((other) => {
    const del = other.metadata?.deletionTimestamp;
    return other !== except && !!del && now.getTime() < del.getTime() + TERMINATION_SLACK_SECONDS * 1000;
  });
}

/**
 * Keeps the head (which image / object) and the tail (why) of a long kubelet message: containerd repeats the image
 * reference three times before the actual reason ("… : 401 Unauthorized"), which plain clipping would cut off.
 */
export function headAndTail(text: string, max = 400): string {
  // Redact the whole text before cutting: the cut could drop a secret's prefix and keep its tail.
  const t = redact(text).trim();
  if (t.length <= max) return t;
  const headRoom = t.slice(0, 140);
  const tailRoom = t.slice(-(max - 140 - 3));
  // Cut at spaces when there is one near the edge, so no word or name is shown half.
  const headEnd = headRoom.lastIndexOf(' ');
  const tailStart = tailRoom.indexOf(' ');
  const head = headEnd > 100 ? headRoom.slice(0, headEnd) : headRoom;
  const tail = tailStart >= 0 && tailStart < 60 ? tailRoom.slice(tailStart + 1) : tailRoom;
  return `${head.trimEnd()} … ${tail.trimStart()}`;
}

/** Like context.eventEvidence, but long messages keep their decisive end. */
export function eventEvidenceKeepingTail(e: CoreV1Event): Evidence {
  const count = e.series?.count ?? e.count;
  const suffix = count && count > 1 ? ` (x${count})` : '';
  return evidence(eventSource(e), headAndTail(`${e.reason ?? ''}: ${e.message ?? ''}`, 390) + suffix);
}
