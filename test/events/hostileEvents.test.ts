import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkBlobUrl, UntrustedUrlError } from '../../shared/events/blobUrl.js';
import { parseImageLogEvent, parseWorkspaceEvent } from '../../shared/events/parse.js';
import type { ImageLogBlobEvent } from '../../shared/events/types.js';
import { imageLogBlobClient } from '../../shared/monitor/azureAdapters.js';

const blobCreated = JSON.parse(
  readFileSync(new URL('../functions/payloads/blob-created.json', import.meta.url), 'utf8'),
) as { id: string; subject: string; data: Record<string, unknown>; eventTime: string; topic: string };
const GOOD_URL = blobCreated.data.url as string;
const NOW = new Date('2026-11-26T10:00:00Z');
const withUrl = (url: string) => ({ ...blobCreated, data: { ...blobCreated.data, url } });
const fakeCredential = {
  getToken: () => Promise.resolve({ token: 'never-sent', expiresOnTimestamp: Date.now() + 60_000 }),
};

describe('BlobCreated data.url: the credential goes only to the topic account', () => {
  it('accepts the topic account blob URL', () => {
    const r = parseImageLogEvent(blobCreated, { now: NOW });
    expect(r.ok).toBe(true);
  });

  it.each([
    [
      'another host',
      'https://evil.example/azureml/ImageLogs/0f3c9a2e-1b4d-4e6f-8a0b-2c4d6e8f0a1b/build.log',
      /not the blob endpoint of storage account mywsstorage/,
    ],
    [
      'another storage account',
      GOOD_URL.replace('mywsstorage', 'attackerstore'),
      /attackerstore\.blob\.core\.windows\.net is not the blob endpoint/,
    ],
    [
      'a look-alike suffix',
      GOOD_URL.replace('.blob.core.windows.net', '.blob.core.windows.net.evil.example'),
      /not the blob endpoint/,
    ],
    ['plain http', GOOD_URL.replace('https:', 'http:'), /must be https/],
    ['userinfo', GOOD_URL.replace('https://', 'https://x:y@'), /user information/],
    ['an odd port', GOOD_URL.replace('.net/', '.net:8443/'), /port 8443/],
    [
      'another blob of the account',
      GOOD_URL.replace('build.log', '../../secrets/x'),
      /does not name the blob of the subject/,
    ],
    ['not a URL', 'not a url', /not a URL/],
  ])('refuses %s with a clear error', (_name, url, why) => {
    const r = parseImageLogEvent(withUrl(url), { now: NOW });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toMatch(why);
      expect(r.error).toContain(blobCreated.id);
    }
  });

  it('refuses when the topic names no storage account', () => {
    const r = parseImageLogEvent(
      { ...blobCreated, topic: '/subscriptions/x/resourceGroups/rg' },
      { now: NOW },
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/topic names no storage account/);
  });

  it('accepts a configured endpoint (Azurite, private endpoint)', () => {
    const url =
      'http://127.0.0.1:10000/devstoreaccount1/azureml/ImageLogs/0f3c9a2e-1b4d-4e6f-8a0b-2c4d6e8f0a1b/build.log';
    expect(checkBlobUrl(url, undefined, ['http://127.0.0.1:10000/devstoreaccount1/']).ok).toBe(true);
    expect(checkBlobUrl(url, undefined, ['http://127.0.0.1:10000/other/']).ok).toBe(false);
  });

  it('the blob client refuses to attach the managed identity to a host the event named', () => {
    const clientFor = imageLogBlobClient({ credential: fakeCredential });
    const e = {
      url: 'https://evil.example/azureml/x',
      topic: blobCreated.topic,
      container: 'azureml',
      blobName: 'x',
    } as ImageLogBlobEvent;
    expect(() => clientFor(e)).toThrow(UntrustedUrlError);
    expect(() => clientFor({ ...e, url: GOOD_URL })).not.toThrow();
  });
});

describe('event times', () => {
  it('rejects an event time beyond the clock skew as malformed', () => {
    const r = parseWorkspaceEvent({ ...blobCreated, eventTime: '9999-12-31T00:00:00Z' }, { now: NOW });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/is in the future .*allowed clock skew 10 min/);
    expect(parseImageLogEvent({ ...blobCreated, eventTime: '2026-11-26T10:09:00Z' }, { now: NOW }).ok).toBe(
      true,
    );
  });
});

describe('event parsing never throws (property)', () => {
  const mutate = fc.record({
    eventType: fc.oneof(fc.constant('Microsoft.Storage.BlobCreated'), fc.string(), fc.anything()),
    subject: fc.oneof(fc.constant(blobCreated.subject), fc.string(), fc.anything()),
    eventTime: fc.oneof(
      fc.date({ noInvalidDate: false }).map((d) => (Number.isNaN(d.getTime()) ? 'x' : d.toISOString())),
      fc.string(),
      fc.anything(),
    ),
    topic: fc.oneof(fc.constant(blobCreated.topic), fc.string(), fc.anything()),
    data: fc.oneof(
      fc.anything(),
      fc.record({ url: fc.oneof(fc.webUrl(), fc.string(), fc.anything()), contentLength: fc.anything() }),
    ),
  });
  it('returns ok or a clear error for any envelope', () => {
    fc.assert(
      fc.property(mutate, fc.anything(), (fields, raw) => {
        for (const input of [{ ...blobCreated, ...fields }, raw]) {
          for (const r of [
            parseImageLogEvent(input, { now: NOW }),
            parseWorkspaceEvent(input, { now: NOW }),
          ]) {
            if (!r.ok) expect(r.error.length).toBeGreaterThan(10);
          }
        }
      }),
      { numRuns: Number(process.env.AMLMON_FUZZ_RUNS ?? 300) },
    );
  });
});
