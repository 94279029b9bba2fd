import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createSender, type TeamsChannelConfig } from '../../shared/notify/index.js';
import type { TeamsMessage } from '../../shared/report/index.js';
import { startTeamsStandIn, type TeamsStandIn } from '../../sim/standins/teams.js';
import { alertGroup, alertSingle, digestNotification, SAS_SECRET } from '../../sim/samples.js';
import { errorsOf, validateCard } from '../report/validate.js';

let teams: TeamsStandIn;

beforeAll(async () => {
  teams = await startTeamsStandIn({ tls: true });
});
afterAll(async () => {
  await teams.close();
});
beforeEach(() => {
  teams.received.length = 0;
  teams.statuses.length = 0;
  teams.faults.clear();
});

function config(extra: Partial<TeamsChannelConfig> = {}): TeamsChannelConfig {
  return { kind: 'teams', name: 'teams', url: teams.url, caCert: teams.caCert!, throttle: [], ...extra };
}

function expectNoSecret(text: string | undefined): void {
  expect(text ?? '').not.toContain(teams.secretSig);
  expect(text ?? '').not.toContain('/workflows/');
}

describe('Teams sender against the Workflows stand-in (HTTPS)', () => {
  test('posts the card envelope; 202 is success', async () => {
    const result = await createSender(config()).send(alertSingle);
    expect(result).toEqual({ ok: true, retryable: false, status: 202 });
    expect(teams.received).toHaveLength(1);
    const card = teams.received[0]!.body as TeamsMessage;
    expect(validateCard(card), errorsOf(validateCard)).toBe(true);
    expect(teams.received[0]!.raw).not.toContain(SAS_SECRET);
    expect(teams.received[0]!.headers['content-type']).toBe('application/json');
  });

  test('the digest card carries the week chart as a PNG data URI and stays under 20 KB', async () => {
    expect((await createSender(config()).send(digestNotification)).ok).toBe(true);
    const raw = teams.received[0]!.raw;
    expect(Buffer.byteLength(raw)).toBeLessThan(20_000);
    expect(raw).toMatch(/"type":"Image","url":"data:image\/png;base64,iVBORw0KGgo/);
    expect(validateCard(JSON.parse(raw)), errorsOf(validateCard)).toBe(true);
  });

  test('the digest card falls back to a table when the image would break the budget', async () => {
    expect(
      (await createSender(config({ report: { maxCardBytes: 9_000 } })).send(digestNotification)).ok,
    ).toBe(true);
    const raw = teams.received[0]!.raw;
    expect(raw).not.toContain('data:image/png');
    expect(raw).toContain('"type":"Table"');
    expect(Buffer.byteLength(raw)).toBeLessThanOrEqual(9_000);
  });

  test('429 with Retry-After is retryable with the delay', async () => {
    teams.faults.push({ kind: 'status', status: 429, retryAfterSec: 3 });
    const result = await createSender(config()).send(alertGroup);
    expect(result).toMatchObject({ ok: false, retryable: true, status: 429, retryAfterMs: 3000 });
    expect(result.error).toMatch(/^teams channel "teams": HTTP 429/);
    expectNoSecret(result.error);
    expect(teams.received).toHaveLength(0);
  });

  test('500 is retryable; 404 and 400 fail fast naming the channel, never the URL', async () => {
    teams.faults.push({ kind: 'status', status: 502 });
    teams.faults.push({
      kind: 'status',
      status: 404,
      body: `{"error":{"code":"WorkflowNotFound","message":"sig=${teams.secretSig}"}}`,
    });
    const sender = createSender(config());
    expect(await sender.send(alertSingle)).toMatchObject({ ok: false, retryable: true, status: 502 });
    const notFound = await sender.send(alertSingle);
    expect(notFound).toMatchObject({ ok: false, retryable: false, status: 404 });
    expect(notFound.error).toMatch(/^teams channel "teams": HTTP 404: .*WorkflowNotFound/);
    expectNoSecret(notFound.error);
  });

  test('no answer within the deadline is a retryable timeout', async () => {
    teams.faults.push({ kind: 'slow', delayMs: 2_000 });
    const result = await createSender(config({ timeoutMs: 300 })).send(alertSingle);
    expect(result).toMatchObject({ ok: false, retryable: true });
    expect(result.error).toBe('teams channel "teams": no response within 300 ms (will retry)');
  });

  test('a refused connection is retryable and does not echo the URL', async () => {
    const gone = await startTeamsStandIn();
    const url = gone.url;
    await gone.close();
    const result = await createSender({ kind: 'teams', name: 'teams', url, throttle: [] }).send(alertSingle);
    expect(result).toMatchObject({ ok: false, retryable: true });
    expect(result.error).toMatch(/ECONNREFUSED/);
    expect(result.error).not.toContain(gone.secretSig);
  });

  test('the default Teams limit (4 per second) holds the fifth post of one second back', async () => {
    const now = Date.parse('2026-11-26T10:00:00Z');
    const sender = createSender({ ...config(), throttle: undefined, now: () => now });
    for (let i = 0; i < 4; i++) expect((await sender.send(alertSingle)).ok).toBe(true);
    const fifth = await sender.send(alertSingle);
    expect(fifth).toMatchObject({ ok: false, retryable: true, retryAfterMs: 1000 });
    expect(teams.received).toHaveLength(4);
  });

  test('a malformed URL setting fails at construction without echoing it', () => {
    expect(() => createSender({ kind: 'teams', url: 'not a url ?sig=abc' })).toThrow(
      'teams channel "teams": the configured URL is not a valid absolute URL',
    );
  });
});
