/** Teams sender: one POST of the Adaptive Card envelope to the Workflows URL. 200/202 = delivered to the flow. */
import type { Notification } from '../incidents/types.js';
import { notificationActionUrls } from '../report/actions.js';
import { redactDeep, redactDeepKeeping } from '../text/redact.js';
import { renderTeamsCard } from '../report/teams.js';
import type { TeamsChannelConfig } from './config.js';
import { reportContextFor } from './context.js';
import { parseUrl, postBody } from './http.js';
import { fromError, fromStatus, renderFailed, throttled } from './result.js';
import { SlidingWindowLimiter, TEAMS_DEFAULT_LIMITS } from './throttle.js';
import type { Sender, SendResult } from './types.js';

export class TeamsSender implements Sender {
  readonly kind = 'teams' as const;
  readonly name: string;
  private readonly limiter: SlidingWindowLimiter;
  private readonly now: () => number;

  constructor(private readonly config: TeamsChannelConfig) {
    this.name = `teams channel "${config.name ?? 'teams'}"`;
    const url = parseUrl(config.url, this.name);
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new Error(`${this.name}: the URL must be http(s)`);
    this.limiter = new SlidingWindowLimiter(config.throttle ?? TEAMS_DEFAULT_LIMITS);
    this.now = config.now ?? Date.now;
  }

  async send(n: Notification): Promise<SendResult> {
    const timeoutMs = this.config.timeoutMs ?? 30_000;
    let body: string;
    try {
      // The send boundary: everything that leaves is redacted, whatever the renderer did (defence in depth).
      const safe = redactDeep(n);
      const ctx = await reportContextFor(safe, this.config.report, this.now());
      // Our own signed action links pass whole; everything else in the card is redacted again.
      body = JSON.stringify(redactDeepKeeping(renderTeamsCard(safe, ctx), notificationActionUrls(safe, ctx)));
    } catch (err) {
      return renderFailed(this.name, n.id, err);
    }
    const slot = this.limiter.tryAcquire(this.now());
    if (!slot.ok) return throttled(this.name, slot);
    try {
      const res = await postBody(this.config.url, body, {
        timeoutMs,
        headers: { 'content-type': 'application/json', 'x-amlmon-notification-id': encodeURIComponent(n.id) },
        ...(this.config.caCert ? { ca: this.config.caCert } : {}),
      });
      // Any 2xx: Workflows answers 202 (the flow runs later), older connectors 200.
      return fromStatus(this.name, res.status, res.headers['retry-after'], res.body);
    } catch (err) {
      return fromError(this.name, err, timeoutMs);
    }
  }
}
