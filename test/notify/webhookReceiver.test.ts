import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createSender, TIMESTAMP_HEADER } from '../../shared/notify/index.js';
import { startTeamsStandIn, type TeamsStandIn } from '../../sim/standins/teams.js';
import { alertSingle } from '../../sim/samples.js';

type Verify = (secret: string, raw: Buffer, headers: Record<string, unknown>, nowS?: number) => string | null;

let receiver: TeamsStandIn;
let verifyAmlmon: Verify;

/** The receiver exactly as docs/delivery.md prints it: the documentation is what is tested. */
async function documentedReceiver(): Promise<Verify> {
  const doc = readFileSync(new URL('../../docs/delivery.md', import.meta.url), 'utf8');
  const block = /```js\n([\s\S]*?export function verifyAmlmon[\s\S]*?)```/.exec(doc)?.[1];
  if (!block) throw new Error('docs/delivery.md has no verifyAmlmon snippet');
  const dir = await mkdtemp(join(tmpdir(), 'amlmon-receiver-'));
  const file = join(dir, 'receiver.mjs');
  await writeFile(file, block.replace(/^ {2}/gm, ''));
  return ((await import(pathToFileURL(file).href)) as { verifyAmlmon: Verify }).verifyAmlmon;
}

beforeAll(async () => {
  receiver = await startTeamsStandIn({ requireCardEnvelope: false });
  verifyAmlmon = await documentedReceiver();
});
afterAll(async () => {
  await receiver.close();
});
beforeEach(() => {
  receiver.received.length = 0;
});

describe('the documented webhook receiver', () => {
  const secret = 'webhook-shared-secret';
  const at = Date.parse('2026-12-03T09:00:00Z');

  test('accepts a fresh request once, refuses its replay, an old one, a forgery and odd headers', async () => {
    await createSender({ kind: 'webhook', url: receiver.url, secret, now: () => at }).send(alertSingle);
    const got = receiver.received[0]!;
    const raw = Buffer.from(got.raw, 'utf8');
    const nowS = at / 1000 + 30;
    expect(got.headers[TIMESTAMP_HEADER]).toBe(String(at / 1000));
    expect(verifyAmlmon(secret, raw, got.headers, nowS)).toBeNull();
    expect(verifyAmlmon(secret, raw, got.headers, nowS)).toBe('replayed request');
    expect(verifyAmlmon(secret, raw, got.headers, at / 1000 + 3600)).toBe('timestamp outside the tolerance');
    expect(verifyAmlmon('another-secret', raw, got.headers, nowS)).toBe('bad signature');
    expect(verifyAmlmon(secret, Buffer.concat([raw, Buffer.from(' ')]), got.headers, nowS)).toBe(
      'bad signature',
    );
    const later = { ...got.headers, [TIMESTAMP_HEADER]: String(at / 1000 + 10) };
    expect(verifyAmlmon(secret, raw, later, nowS)).toBe('bad signature');
    // A multibyte or missing header must be refused, not throw.
    const multibyte = { ...got.headers, 'x-amlmon-signature-timestamped': 'sha256=' + 'é'.repeat(64) };
    expect(verifyAmlmon(secret, raw, multibyte, nowS)).toBe('bad signature');
    expect(verifyAmlmon(secret, raw, {}, nowS)).toBe('missing or malformed signature headers');
    expect(verifyAmlmon(secret, raw, { ...got.headers, [TIMESTAMP_HEADER]: ['1', '2'] }, nowS)).toBe(
      'missing or malformed signature headers',
    );
  });
});
