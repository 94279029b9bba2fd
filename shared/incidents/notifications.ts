/** Turns the alerts and resolutions of one sweep into notifications: one per incident, or one per cluster when many. */
import { createHash } from 'node:crypto';
import type { IncidentRecord, Notification, NotificationKind } from './types.js';

/** More incidents than this in one sweep and cluster are sent as one grouped message. */
export const GROUP_OVER = 3;

export function notificationId(kind: NotificationKind, at: string, incidents: IncidentRecord[]): string {
  const h = createHash('sha256');
  h.update(`${kind}|${at}`);
  for (const fp of incidents.map((i) => i.fingerprint).sort()) h.update(`|${fp}`);
  return h.digest('hex').slice(0, 32);
}

export function groupNotifications(
  kind: 'alert' | 'resolved',
  incidents: IncidentRecord[],
  at: string,
  groupOver: number = GROUP_OVER,
): Notification[] {
  const byCluster = new Map<string, IncidentRecord[]>();
  for (const i of incidents) byCluster.set(i.cluster, [...(byCluster.get(i.cluster) ?? []), i]);
  const out: Notification[] = [];
  for (const [cluster, list] of byCluster) {
    const groups = list.length > groupOver ? [list] : list.map((i) => [i]);
    for (const g of groups) out.push({ id: notificationId(kind, at, g), kind, at, cluster, incidents: g });
  }
  return out;
}
