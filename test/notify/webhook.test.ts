import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createSender, signBody, SIGNATURE_HEADER } from '../../shared/notify/index.js';
import { startTeamsStandIn, type TeamsStandIn } from '../../sim/standins/teams.js';
import { alertGroup, alertSingle, digestNotification, SAS_SECRET } from '../../sim/samples.js';
import { errorsOf, validateWebhook } from '../report/validate.js';

let receiver: TeamsStandIn;

beforeAll(async () => {
  receiver = await startTeamsStandIn({ requireCardEnvelope: false });
});
afterAll(async () => {
  await receiver.close();
});
beforeEach(() => {
  receiver.received.length = 0;
  receiver.faults.clear();
});

/** What a receiver does: recompute the HMAC over the raw body and compare in constant time. */
function verify(secret: string, raw: string, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const expected = createHmac('sha256', secret).update(raw).digest();
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

describe('generic webhook sender', () => {
  test('posts the versioned payload, signed with HMAC-SHA256 over the exact body', async () => {
    const secret = 'webhook-shared-secret';
    const result = await createSender({ kind: 'webhook', url: receiver.url, secret }).send(alertGroup);
    expect(result).toMatchObject({ ok: true, status: 202 });
    const got = receiver.received[0]!;
    expect(verify(secret, got.raw, got.headers[SIGNATURE_HEADER])).toBe(true);
    expect(verify('another-secret', got.raw, got.headers[SIGNATURE_HEADER])).toBe(false);
    expect(
      verify(secret, got.raw.replace('credit-scorer', 'credit-scorex'), got.headers[SIGNATURE_HEADER]),
    ).toBe(false);
    expect(validateWebhook(got.body), errorsOf(validateWebhook)).toBe(true);
    expect(got.body).toMatchObject({ schema: 'amlmon.webhook/v1', kind: 'alert', id: alertGroup.id });
    expect(got.raw).not.toContain(SAS_SECRET);
    expect(got.headers['x-amlmon-notification-id']).toBe(encodeURIComponent(alertGroup.id));
  });

  test('without a secret there is no signature header', async () => {
    await createSender({ kind: 'webhook', url: receiver.url }).send(alertSingle);
    expect(receiver.received[0]!.headers[SIGNATURE_HEADER]).toBeUndefined();
  });

  test('the digest payload validates against the schema too', async () => {
    await createSender({ kind: 'webhook', url: receiver.url }).send(digestNotification);
    expect(validateWebhook(receiver.received[0]!.body), errorsOf(validateWebhook)).toBe(true);
  });

  test('429 and 5xx are retryable, other 4xx are not', async () => {
    receiver.faults.push({ kind: 'status', status: 429, retryAfterSec: 2 });
    receiver.faults.push({ kind: 'status', status: 503 });
    receiver.faults.push({ kind: 'status', status: 401 });
    const sender = createSender({ kind: 'webhook', name: 'ops-hook', url: receiver.url });
    expect(await sender.send(alertSingle)).toMatchObject({ ok: false, retryable: true, retryAfterMs: 2000 });
    expect(await sender.send(alertSingle)).toMatchObject({ ok: false, retryable: true, status: 503 });
    const denied = await sender.send(alertSingle);
    expect(denied).toMatchObject({ ok: false, retryable: false, status: 401 });
    expect(denied.error).toMatch(/^webhook channel "ops-hook": HTTP 401/);
  });

  test('signBody matches a known HMAC-SHA256 vector', () => {
    // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
    expect(signBody('Jefe', 'what do ya want for nothing?')).toBe(
      'sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });
});
