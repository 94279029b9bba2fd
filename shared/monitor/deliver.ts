/**
 * The outbox consumer: sends one notification on one channel, at most once. A retryable failure throws, so the
 * Functions host re-delivers the message with its visibility timeout; after `maxDequeueCount` (5) tries the host
 * moves it, full payload, to `<queue>-poison`. A permanent failure goes to the poison queue at once.
 */
import type { Notification } from '../incidents/types.js';
import type { MonitorRuntime, OutboxMessage } from './types.js';

export class RetryableDeliveryError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'RetryableDeliveryError';
  }
}

export type DeliverOutcome = 'sent' | 'duplicate' | 'poisoned' | 'deferred';

/** host.json: the queue trigger's visibilityTimeout, i.e. when the host retries a message whose handler threw. */
export const HOST_RETRY_DELAY_MS = 30_000;
/** host.json: maxDequeueCount, the tries before the host moves a message to `<queue>-poison`. */
export const MAX_DELIVERY_TRIES = 5;

/** Validates a queue message body (the host hands over parsed JSON, or a string when it was not JSON). */
export function parseOutboxMessage(
  body: unknown,
): { ok: true; value: OutboxMessage } | { ok: false; error: string } {
  let v = body;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v) as unknown;
    } catch {
      return { ok: false, error: 'outbox message is not JSON' };
    }
  }
  if (typeof v !== 'object' || v === null) return { ok: false, error: 'outbox message is not an object' };
  const m = v as Partial<OutboxMessage>;
  if (m.v !== 1) return { ok: false, error: `outbox message version ${JSON.stringify(m.v)} is not 1` };
  if (typeof m.channel !== 'string') return { ok: false, error: 'outbox message has no channel' };
  const n = m.notification as Partial<Notification> | undefined;
  if (!n || typeof n.id !== 'string' || typeof n.kind !== 'string' || !Array.isArray(n.incidents)) {
    return { ok: false, error: 'outbox message has no valid notification (id, kind, incidents)' };
  }
  return { ok: true, value: m as OutboxMessage };
}

export async function deliverMessage(
  rt: MonitorRuntime,
  body: unknown,
  dequeueCount: number,
): Promise<DeliverOutcome> {
  const parsed = parseOutboxMessage(body);
  if (!parsed.ok) {
    // Retrying cannot fix it; the host would poison it after 5 tries anyway, so say why now and let it go there.
    throw new Error(`${parsed.error}; the message will land in the poison queue`);
  }
  const { channel, notification } = parsed.value;
  const already = await rt.state.sent.get(notification.id, channel);
  if (already?.value.outcome === 'sent') {
    rt.log.info(
      `${notification.kind} ${notification.id} was already sent on ${channel}; duplicate message dropped`,
    );
    return 'duplicate';
  }
  const sender = rt.senders.get(channel);
  if (!sender) {
    await rt.outbox.poison(parsed.value, `channel ${channel} is no longer configured`);
    rt.log.error(
      `${notification.kind} ${notification.id}: channel ${channel} is not configured; moved to the poison queue`,
    );
    return 'poisoned';
  }
  const result = await sender.send(notification);
  const at = rt.clock.now().toISOString();
  if (result.ok) {
    await rt.state.sent.create(notification.id, channel, {
      notificationId: notification.id,
      channel,
      sentAt: at,
      outcome: 'sent',
    });
    rt.log.info(`${notification.kind} ${notification.id} sent on ${sender.name} (try ${dequeueCount})`);
    return 'sent';
  }
  const why = result.error ?? `HTTP ${result.status ?? '?'}`;
  if (result.retryable) {
    const tries = (parsed.value.tries ?? 0) + dequeueCount;
    // The host retries after its fixed visibility timeout; a channel that asked for a longer wait (Retry-After)
    // gets it: the message is re-queued, invisible until then, and this copy completes. Tries are counted across.
    if (result.retryAfterMs !== undefined && result.retryAfterMs > HOST_RETRY_DELAY_MS) {
      if (tries >= MAX_DELIVERY_TRIES) {
        await rt.outbox.poison(parsed.value, `${why} (after ${tries} tries)`);
        rt.log.error(
          `${notification.kind} ${notification.id} on ${sender.name} failed ${tries} times: ${why}; moved to the poison queue`,
        );
        return 'poisoned';
      }
      await rt.outbox.enqueue({ ...parsed.value, tries }, result.retryAfterMs);
      rt.log.warn(
        `${notification.kind} ${notification.id} on ${sender.name} failed (try ${tries}): ${why}; retried in ${Math.ceil(result.retryAfterMs / 1000)} s as the channel asked`,
      );
      return 'deferred';
    }
    rt.log.warn(
      `${notification.kind} ${notification.id} on ${sender.name} failed (try ${tries}): ${why}; will be retried`,
    );
    throw new RetryableDeliveryError(`${sender.name}: ${why}`, result.retryAfterMs);
  }
  await rt.outbox.poison(parsed.value, why);
  await rt.state.sent.create(notification.id, channel, {
    notificationId: notification.id,
    channel,
    sentAt: at,
    outcome: 'failed',
    error: why,
  });
  rt.log.error(
    `${notification.kind} ${notification.id} on ${sender.name} failed permanently: ${why}; moved to the poison queue`,
  );
  return 'poisoned';
}
