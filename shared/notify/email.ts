/**
 * Email sender over Azure Communication Services (`@azure/communication-email`). The operation id is derived from
 * the notification id, so a retry after a lost response re-submits the same operation instead of a second email.
 * The SDK's own retries are off: a 429/5xx comes back as retryable with Retry-After and the outbox decides when.
 * Polls the status sparingly (ACS status checks have a small quota): a few polls, then "accepted" is enough.
 */
import { createHash } from 'node:crypto';
import { EmailClient, type EmailClientOptions, type EmailMessage } from '@azure/communication-email';
import type { Notification } from '../incidents/types.js';
import { renderEmail } from '../report/email.js';
import { notificationActionUrls } from '../report/actions.js';
import { redact, redactDeep, redactKeeping } from '../text/redact.js';
import type { EmailChannelConfig } from './config.js';
import { reportContextFor } from './context.js';
import { parseRetryAfter } from './http.js';
import { resolveRecipients } from './recipients.js';
import { renderFailed, throttled } from './result.js';
import { ACS_DEFAULT_LIMITS, SlidingWindowLimiter } from './throttle.js';
import type { Sender, SendResult } from './types.js';

/** A UUID (version 5 layout) from a name: the same notification always gets the same ACS operation id. */
export function operationIdFor(notificationId: string, channel: string): string {
  const h = createHash('sha256').update(`amlmon-email\u0000${channel}\u0000${notificationId}`).digest();
  h[6] = ((h[6] as number) & 0x0f) | 0x50;
  h[8] = ((h[8] as number) & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

interface RestErrorLike {
  name?: string;
  statusCode?: number;
  code?: string;
  message?: string;
  response?: { headers?: { get(name: string): string | undefined } };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class EmailSender implements Sender {
  readonly kind = 'email' as const;
  readonly name: string;
  private readonly client: EmailClient;
  private readonly limiter: SlidingWindowLimiter;
  private readonly now: () => number;

  constructor(private readonly config: EmailChannelConfig) {
    this.name = `email channel "${config.name ?? 'email'}"`;
    if (!config.senderAddress) throw new Error(`${this.name}: no sender address (ACS_SENDER_ADDRESS)`);
    const options: EmailClientOptions = {
      // One attempt per send(): the outbox owns retries, honouring Retry-After across process restarts.
      retryOptions: { maxRetries: 0 },
      ...(config.caCert ? { tlsOptions: { ca: config.caCert } } : {}),
    };
    if (config.connectionString) {
      this.client = new EmailClient(config.connectionString, options);
    } else if (config.endpoint && config.credential) {
      this.client = new EmailClient(config.endpoint, config.credential, options);
    } else {
      throw new Error(
        `${this.name}: needs a connection string, or an endpoint and a credential (managed identity)`,
      );
    }
    this.limiter = new SlidingWindowLimiter(config.throttle ?? ACS_DEFAULT_LIMITS);
    this.now = config.now ?? Date.now;
  }

  async send(n: Notification): Promise<SendResult> {
    const to = resolveRecipients(this.config.recipients, n);
    if (to.length === 0)
      return {
        ok: true,
        retryable: false,
        error: `${this.name}: no recipient rule matches ${n.id}; nothing sent`,
      };
    let message: EmailMessage;
    try {
      // The send boundary: everything that leaves is redacted, whatever the renderer did (defence in depth).
      const safe = redactDeep(n);
      const ctx = await reportContextFor(safe, this.config.report, this.now());
      const email = renderEmail(safe, ctx);
      // Our own signed action links pass whole; everything else is redacted again.
      const links = notificationActionUrls(safe, ctx);
      // In HTML the links stand with `&` escaped.
      const htmlLinks = [...links, ...links.map((l) => l.replace(/&/g, '&amp;'))];
      message = {
        senderAddress: this.config.senderAddress,
        recipients: { to: to.map((address) => ({ address })) },
        content: {
          subject: redact(email.subject),
          plainText: redactKeeping(email.text, links),
          html: redactKeeping(email.html, htmlLinks),
        },
        ...(email.inlineAttachments ? { attachments: email.inlineAttachments } : {}),
        // Lets mail rules and the simulator tie an email to its notification.
        headers: { 'x-amlmon-notification-id': encodeURIComponent(n.id) },
        // Alerts must not be rewritten by click tracking: the links go to the portal and the evidence bundle.
        disableUserEngagementTracking: true,
      };
    } catch (err) {
      return renderFailed(this.name, n.id, err);
    }
    const slot = this.limiter.tryAcquire(this.now());
    if (!slot.ok) return throttled(this.name, slot);

    const timeoutMs = this.config.timeoutMs ?? 30_000;
    const abortSignal = AbortSignal.timeout(timeoutMs);
    const operationId = operationIdFor(n.id, this.config.name ?? 'email');
    try {
      const poller = await this.client.beginSend(message, {
        operationId,
        abortSignal,
        updateIntervalInMs: this.config.pollIntervalMs ?? 10_000,
      });
      const maxPolls = this.config.maxPolls ?? 3;
      for (let i = 0; i < maxPolls && !poller.isDone(); i++) {
        await sleep(this.config.pollIntervalMs ?? 10_000);
        await poller.poll({ abortSignal });
      }
      if (!poller.isDone()) {
        // Accepted (202) and still running: ACS owns delivery now; resending would only duplicate.
        return { ok: true, retryable: false, status: 202 };
      }
      const result = poller.getResult();
      if (result?.status === 'Succeeded') return { ok: true, retryable: false, status: 200 };
      const why = result?.error?.message ?? result?.status ?? 'unknown status';
      return {
        ok: false,
        retryable: false,
        error: `${this.name}: ACS reports the email ${redact(String(why))}`,
      };
    } catch (err) {
      return this.fromRestError(err, timeoutMs);
    }
  }

  private fromRestError(err: unknown, timeoutMs: number): SendResult {
    const e = err as RestErrorLike;
    if (abortLike(e))
      return {
        ok: false,
        retryable: true,
        error: `${this.name}: no answer within ${timeoutMs} ms (will retry)`,
      };
    const status = e.statusCode;
    if (status === 409) {
      // The same operation id is already being processed: the first attempt got through.
      return { ok: true, retryable: false, status };
    }
    const message = redact(String(e.message ?? err)).slice(0, 300);
    if (status === undefined) {
      return {
        ok: false,
        retryable: true,
        error: `${this.name}: ${e.code ?? 'request failed'}: ${message} (will retry)`,
      };
    }
    const retryAfterMs = parseRetryAfter(e.response?.headers?.get('retry-after'));
    const retryable = status === 429 || status === 408 || status >= 500;
    return {
      ok: false,
      retryable,
      status,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      error: `${this.name}: HTTP ${status}${retryable ? ' (will retry)' : ''}: ${message}`,
    };
  }
}

function abortLike(e: RestErrorLike): boolean {
  return e.name === 'AbortError' || e.name === 'TimeoutError' || /aborted/i.test(e.message ?? '');
}
