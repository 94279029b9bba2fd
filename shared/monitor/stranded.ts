/**
 * Recovery of notifications that were decided but never queued (the process died between writing the incident and
 * writing the outbox message). The incident row still carries `outboxPending`; a later sweep queues it again.
 * If the first attempt did reach the queue and only the clearing was lost, the message goes out twice: at least
 * once is preferred to never.
 */
import { createHash } from 'node:crypto';
import type { IncidentRecord, Notification } from '../incidents/types.js';
import { clearPending } from './enqueue.js';
import type { MonitorRuntime } from './types.js';

/** Pending longer than this is stranded (a handler queues within seconds of deciding). */
export const STRANDED_AFTER_MS = 2 * 60_000;

export async function requeueStranded(rt: MonitorRuntime, cluster: string): Promise<Notification[]> {
  const now = rt.clock.now().getTime();
  const stranded = (await rt.state.incidents.list(cluster))
    .map((r) => r.value)
    .filter((i): i is IncidentRecord & { outboxPending: string } => i.outboxPending !== undefined)
    .filter((i) => now - Date.parse(i.outboxPending) >= STRANDED_AFTER_MS);
  const out: Notification[] = [];
  for (const incident of stranded) {
    const kind = incident.resolvedAt !== undefined ? 'resolved' : 'alert';
    const id = createHash('sha256')
      .update(`requeue|${kind}|${incident.fingerprint}|${incident.outboxPending}`)
      .digest('hex')
      .slice(0, 32);
    const { outboxPending: _p, ...clean } = incident;
    const n: Notification = {
      id,
      kind,
      at: incident.outboxPending,
      cluster: incident.cluster,
      incidents: [clean],
    };
    for (const channel of rt.senders.keys()) await rt.outbox.enqueue({ v: 1, channel, notification: n });
    await clearPending(rt, incident);
    rt.log.warn(
      `${kind} of ${incident.service} ${incident.code} decided at ${incident.outboxPending} was never queued; queued now as ${id}`,
    );
    out.push(n);
  }
  return out;
}
