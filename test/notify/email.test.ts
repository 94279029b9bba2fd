import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { Notification } from '../../shared/incidents/types.js';
import { createSender, operationIdFor, type EmailChannelConfig } from '../../shared/notify/index.js';
import { startAcsStandIn, type AcsStandIn } from '../../sim/standins/acsEmail.js';
import {
  alertGroup,
  alertSingle,
  digestNotification,
  gpuIncident,
  resolvedSingle,
  SAS_SECRET,
} from '../../sim/samples.js';

let acs: AcsStandIn;

beforeAll(async () => {
  acs = await startAcsStandIn();
});
afterAll(async () => {
  await acs.close();
});
beforeEach(() => {
  acs.emails.length = 0;
  acs.duplicates.length = 0;
  acs.requests.length = 0;
  acs.statusPolls = 0;
  acs.sendFaults.clear();
  acs.duplicateMode = 'replay';
  acs.runningPolls = 0;
});

function config(extra: Partial<EmailChannelConfig> = {}): EmailChannelConfig {
  return {
    kind: 'email',
    name: 'email',
    connectionString: acs.connectionString,
    caCert: acs.caCert,
    senderAddress: 'DoNotReply@amlmon.example',
    recipients: [
      { to: ['oncall@example.com'] },
      { to: ['risk-team@example.com'], workspaces: ['risk-prod'], minSeverity: 'critical' },
    ],
    pollIntervalMs: 0,
    throttle: [],
    ...extra,
  };
}

function withId(n: Notification, id: string): Notification {
  return { ...n, id };
}

describe('email sender against the ACS stand-in (HTTPS, HMAC checked)', () => {
  test('sends one email with the rendered alert, the deterministic operation id and the matching recipients', async () => {
    const result = await createSender(config()).send(alertSingle);
    expect(result).toMatchObject({ ok: true, retryable: false });
    expect(acs.emails).toHaveLength(1);
    const email = acs.emails[0]!;
    expect(email.clientOperationId).toBe(operationIdFor(alertSingle.id, 'email'));
    expect(email.message.recipients.to?.map((r) => r.address)).toEqual([
      'oncall@example.com',
      'risk-team@example.com',
    ]);
    expect(email.message.content.subject).toContain(
      'credit-scorer (risk-prod) - ScoringInitFailure / MissingPythonModule',
    );
    expect(email.message.content.html).toContain('&lt;script&gt;');
    expect(email.message.content.html).not.toContain(SAS_SECRET);
    expect(email.message.content.plainText).toContain("ModuleNotFoundError: No module named 'sklearn'");
    expect(email.message.userEngagementTrackingDisabled).toBe(true);
    expect(email.message.headers).toEqual({ 'x-amlmon-notification-id': encodeURIComponent(alertSingle.id) });
    expect(acs.statusPolls).toBeGreaterThanOrEqual(1);
  });

  test('recipients follow workspace and severity: the vision alert does not go to the risk team', async () => {
    await createSender(config()).send({ ...alertSingle, id: 'gpu', incidents: [gpuIncident] });
    expect(acs.emails[0]!.message.recipients.to?.map((r) => r.address)).toEqual(['oncall@example.com']);
  });

  test('no matching recipient rule: nothing is sent and the result says so', async () => {
    const result = await createSender(
      config({ recipients: [{ to: ['x@example.com'], kinds: ['digest'] }] }),
    ).send(alertSingle);
    expect(result.ok).toBe(true);
    expect(result.error).toMatch(/no recipient rule matches/);
    expect(acs.requests).toHaveLength(0);
  });

  test('a retry of the same notification re-uses the operation id and does not send a second email', async () => {
    const sender = createSender(config());
    expect((await sender.send(resolvedSingle)).ok).toBe(true);
    expect((await createSender(config()).send(resolvedSingle)).ok).toBe(true);
    expect(acs.emails).toHaveLength(1);
    expect(acs.duplicates).toEqual([operationIdFor(resolvedSingle.id, 'email')]);
    acs.duplicateMode = 'conflict';
    expect(await sender.send(resolvedSingle)).toMatchObject({ ok: true, status: 409 });
    expect(acs.emails).toHaveLength(1);
  });

  test('429 with Retry-After is retryable with the delay, and the retry then goes through once', async () => {
    acs.sendFaults.push({ kind: 'status', status: 429, retryAfterSec: 7 });
    const sender = createSender(config());
    const first = await sender.send(alertGroup);
    expect(first).toMatchObject({ ok: false, retryable: true, status: 429, retryAfterMs: 7000 });
    expect(first.error).toMatch(/^email channel "email": HTTP 429 \(will retry\)/);
    expect(acs.emails).toHaveLength(0);
    expect((await sender.send(alertGroup)).ok).toBe(true);
    expect(acs.emails).toHaveLength(1);
  });

  test('500 is retryable; 400 fails fast; neither leaks the access key', async () => {
    acs.sendFaults.push({ kind: 'status', status: 500 });
    acs.sendFaults.push({
      kind: 'status',
      status: 400,
      body: '{"error":{"code":"BadRequest","message":"invalid sender"}}',
    });
    const sender = createSender(config());
    const five = await sender.send(withId(alertSingle, 'a'));
    expect(five).toMatchObject({ ok: false, retryable: true, status: 500 });
    const four = await sender.send(withId(alertSingle, 'b'));
    expect(four).toMatchObject({ ok: false, retryable: false, status: 400 });
    const key = acs.connectionString.split('accesskey=')[1]!;
    expect(`${five.error} ${four.error}`).not.toContain(key);
  });

  test('no answer within the deadline is a retryable timeout', async () => {
    acs.sendFaults.push({ kind: 'slow', delayMs: 3_000 });
    const result = await createSender(config({ timeoutMs: 400 })).send(withId(alertSingle, 'slow'));
    expect(result).toMatchObject({ ok: false, retryable: true });
    expect(result.error).toMatch(/email channel "email": no answer within 400 ms/);
  });

  test('a wrong access key is rejected by the HMAC check (401) and not retried', async () => {
    const wrong = acs.connectionString.replace(
      /accesskey=.*/,
      `accesskey=${Buffer.from('not the key').toString('base64')}`,
    );
    const result = await createSender(config({ connectionString: wrong })).send(
      withId(alertSingle, 'badkey'),
    );
    expect(result).toMatchObject({ ok: false, retryable: false, status: 401 });
    expect(acs.emails).toHaveLength(0);
  });

  test('the local limit holds back the third email of a 2/min window with the time until a slot frees', async () => {
    let now = Date.parse('2026-11-26T10:00:00Z');
    const sender = createSender(config({ throttle: [{ limit: 2, windowMs: 60_000 }], now: () => now }));
    expect((await sender.send(withId(alertSingle, 't1'))).ok).toBe(true);
    now += 10_000;
    expect((await sender.send(withId(alertSingle, 't2'))).ok).toBe(true);
    const third = await sender.send(withId(alertSingle, 't3'));
    expect(third).toMatchObject({ ok: false, retryable: true, retryAfterMs: 50_000 });
    expect(third.error).toMatch(/held back by the local limit of 2\/min/);
    expect(acs.emails).toHaveLength(2);
    now += 50_000;
    expect((await sender.send(withId(alertSingle, 't3'))).ok).toBe(true);
  });

  test('status polling is sparse: at most maxPolls status checks, then "accepted" is enough', async () => {
    acs.runningPolls = 100;
    const result = await createSender(config({ maxPolls: 2 })).send(withId(alertSingle, 'running'));
    expect(result).toMatchObject({ ok: true, status: 202 });
    // One poll inside beginSend plus at most two more, then the sender stops asking.
    expect(acs.statusPolls).toBeGreaterThanOrEqual(1);
    expect(acs.statusPolls).toBeLessThanOrEqual(3);
  });

  test('the digest email carries the week chart as an inline PNG referenced by content id', async () => {
    expect((await createSender(config()).send(digestNotification)).ok).toBe(true);
    const msg = acs.emails[0]!.message;
    const png = msg.attachments?.[0];
    expect(png).toMatchObject({ name: 'week.png', contentType: 'image/png', contentId: 'amlmon-week-chart' });
    expect(Buffer.from(png!.contentInBase64, 'base64').subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(msg.content.html).toContain('src="cid:amlmon-week-chart"');
  });
});

describe('email channel configuration', () => {
  test('missing credentials and sender are clear errors at construction', () => {
    expect(() => createSender({ ...config(), connectionString: undefined })).toThrow(
      /needs a connection string, or an endpoint and a credential/,
    );
    expect(() => createSender({ ...config(), senderAddress: '' })).toThrow(/no sender address/);
  });
});
