/** Puts the alerts and resolutions of one handler run into the outbox: grouped per cluster, one message per channel. */
import { groupNotifications } from '../incidents/notifications.js';
import { fingerprintKey } from '../incidents/fingerprint.js';
import type { IncidentRecord, Notification } from '../incidents/types.js';
import type { CommittedChanges } from './commit.js';
import { holdCovered } from './hold.js';
import type { MonitorRuntime } from './types.js';

export async function enqueueNotifications(
  rt: MonitorRuntime,
  decided: CommittedChanges,
): Promise<Notification[]> {
  // Silences, mutes and inhibition first: what they cover is never queued.
  const changes = await holdCovered(rt, decided);
  const at = rt.clock.now().toISOString();
  const notifications = [
    ...groupNotifications('alert', changes.alerts, at, rt.options.groupOver),
    ...groupNotifications('resolved', changes.resolved, at, rt.options.groupOver),
  ];
  for (const n of notifications) {
    for (const channel of rt.senders.keys()) await rt.outbox.enqueue({ v: 1, channel, notification: n });
    const what = n.incidents.map((i) => `${i.service} ${i.code}${i.detail ? `/${i.detail}` : ''}`).join(', ');
    rt.log.info(`${n.kind} ${n.id} queued for ${[...rt.senders.keys()].join(', ') || 'no channel'}: ${what}`);
    for (const i of n.incidents) await clearPending(rt, i);
  }
  return notifications;
}

/** The outbox has the notification: clear the incident's pending mark (unless the incident changed meanwhile). */
export async function clearPending(rt: MonitorRuntime, incident: IncidentRecord): Promise<void> {
  if (incident.outboxPending === undefined) return;
  const { partition, row } = fingerprintKey(incident.fingerprint);
  const current = await rt.state.incidents.get(partition, row);
  if (!current || current.value.outboxPending !== incident.outboxPending) return;
  const { outboxPending: _done, ...rest } = current.value;
  // A conflict means a newer decision rewrote the row; its own enqueue clears its own mark.
  await rt.state.incidents.replace(partition, row, rest, current.etag);
}

export function mergeChanges(into: CommittedChanges, from: CommittedChanges): void {
  into.alerts.push(...from.alerts);
  into.resolved.push(...from.resolved);
}
