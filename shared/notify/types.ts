/** Delivery channels. A sender turns a Notification into one request on its channel and says how it went. */
import type { Notification } from '../incidents/types.js';

export type ChannelKind = 'email' | 'teams' | 'webhook';

export interface SendResult {
  ok: boolean;
  /** True when trying again later may succeed (429, 5xx, timeout, connection error). */
  retryable: boolean;
  /** From Retry-After, when the channel said so. */
  retryAfterMs?: number;
  /** A clear error naming the channel, never its secret URL or key. */
  error?: string;
  /** HTTP status of the last attempt, when there was one. */
  status?: number;
}

export interface Sender {
  readonly kind: ChannelKind;
  /** A display name that is safe to log (no secrets). */
  readonly name: string;
  send(notification: Notification): Promise<SendResult>;
}
