/**
 * One digest run: read state, compute, decide whether to send (an empty day still sends a short "all quiet"
 * digest unless disabled) and hand one notification per channel to the caller (the outbox, or a direct send).
 * The notification id is derived from the day and zone, so a re-run of the same day's timer is the same
 * notification (the outbox / ACS operation id de-duplicate it).
 */
import type { Notification } from '../incidents/types.js';
import { collectDigest } from './collect.js';
import type { DigestSource } from './source.js';
import type { Digest } from './types.js';

export interface DigestRunOptions {
  source: DigestSource;
  now: Date;
  timeZone?: string;
  /** Send "all quiet" digests; default true. */
  sendWhenQuiet?: boolean;
  windowHours?: number;
  staleAfterMs?: number;
  /** Channel names to deliver to (e.g. the keys of the runtime's senders). */
  channels: string[];
  deliver(channel: string, notification: Notification): Promise<void>;
}

export interface DigestRunResult {
  digest: Digest;
  notification?: Notification;
  /** Channels the notification was handed to. */
  deliveredTo: string[];
  skipped?: 'quiet' | 'no-channels';
}

export async function runDigest(opts: DigestRunOptions): Promise<DigestRunResult> {
  const timeZone = opts.timeZone ?? 'UTC';
  const digest = await collectDigest(opts.source, {
    now: opts.now.toISOString(),
    timeZone,
    ...(opts.windowHours !== undefined ? { windowHours: opts.windowHours } : {}),
    ...(opts.staleAfterMs !== undefined ? { staleAfterMs: opts.staleAfterMs } : {}),
  });
  // A stale monitor is never "quiet": silence must not hide a dead monitor.
  if (digest.quiet && !digest.monitor.stale && opts.sendWhenQuiet === false)
    return { digest, deliveredTo: [], skipped: 'quiet' };
  const day = digest.weekDays.at(-1) ?? digest.windowEnd.slice(0, 10);
  const notification: Notification = {
    id: `digest:${day}:${timeZone}`,
    kind: 'digest',
    at: digest.generatedAt,
    incidents: [],
    digest,
  };
  if (opts.channels.length === 0) return { digest, notification, deliveredTo: [], skipped: 'no-channels' };
  const deliveredTo: string[] = [];
  for (const channel of opts.channels) {
    await opts.deliver(channel, notification);
    deliveredTo.push(channel);
  }
  return { digest, notification, deliveredTo };
}
