/** Generic webhook sender: the versioned JSON payload, HMAC-signed over the exact body bytes when a secret is set. */
import { createHmac } from 'node:crypto';
import type { Notification } from '../incidents/types.js';
import { redactDeep } from '../text/redact.js';
import { renderWebhook } from '../report/webhook.js';
import type { WebhookChannelConfig } from './config.js';
import { parseUrl, postBody } from './http.js';
import { fromError, fromStatus, renderFailed, throttled } from './result.js';
import { SlidingWindowLimiter } from './throttle.js';
import type { Sender, SendResult } from './types.js';

export const SIGNATURE_HEADER = 'x-amlmon-signature';
/** Unix seconds when this request was signed; covered by `TIMESTAMPED_SIGNATURE_HEADER`. */
export const TIMESTAMP_HEADER = 'x-amlmon-timestamp';
/** `sha256=<hex>` of HMAC-SHA256(secret, `<timestamp>.<body>`): lets a receiver reject old and replayed requests. */
export const TIMESTAMPED_SIGNATURE_HEADER = 'x-amlmon-signature-timestamped';

/** `sha256=<hex>` of HMAC-SHA256(secret, body): what receivers recompute and compare in constant time. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** The timestamped signature: the same HMAC over `<unix seconds>.<body>`, so a captured request cannot be replayed later. */
export function signTimestamped(secret: string, timestamp: number, body: string): string {
  return signBody(secret, `${timestamp}.${body}`);
}

export class WebhookSender implements Sender {
  readonly kind = 'webhook' as const;
  readonly name: string;
  private readonly limiter: SlidingWindowLimiter | undefined;
  private readonly now: () => number;

  constructor(private readonly config: WebhookChannelConfig) {
    this.name = `webhook channel "${config.name ?? 'webhook'}"`;
    const url = parseUrl(config.url, this.name);
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new Error(`${this.name}: the URL must be http(s)`);
    this.limiter =
      config.throttle && config.throttle.length > 0 ? new SlidingWindowLimiter(config.throttle) : undefined;
    this.now = config.now ?? Date.now;
  }

  async send(n: Notification): Promise<SendResult> {
    const timeoutMs = this.config.timeoutMs ?? 30_000;
    let body: string;
    try {
      // The send boundary: everything that leaves is redacted, whatever the renderer did (defence in depth).
      body = JSON.stringify(
        redactDeep(
          renderWebhook(redactDeep(n), { ...this.config.report, now: new Date(this.now()).toISOString() }),
        ),
      );
    } catch (err) {
      return renderFailed(this.name, n.id, err);
    }
    const slot = this.limiter?.tryAcquire(this.now());
    if (slot && !slot.ok) return throttled(this.name, slot);
    const headers: Record<string, string> = {
      ...this.config.headers,
      'content-type': 'application/json',
      'x-amlmon-notification-id': encodeURIComponent(n.id),
      ...(this.config.secret ? signatureHeaders(this.config.secret, body, this.now()) : {}),
    };
    try {
      const res = await postBody(this.config.url, body, {
        timeoutMs,
        headers,
        ...(this.config.caCert ? { ca: this.config.caCert } : {}),
      });
      return fromStatus(this.name, res.status, res.headers['retry-after'], res.body);
    } catch (err) {
      return fromError(this.name, err, timeoutMs);
    }
  }
}

function signatureHeaders(secret: string, body: string, nowMs: number): Record<string, string> {
  const timestamp = Math.floor(nowMs / 1000);
  return {
    [SIGNATURE_HEADER]: signBody(secret, body),
    [TIMESTAMP_HEADER]: String(timestamp),
    [TIMESTAMPED_SIGNATURE_HEADER]: signTimestamped(secret, timestamp, body),
  };
}
