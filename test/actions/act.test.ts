/**
 * The action endpoint with real signed links: the `act` function called with real HttpRequests and a real
 * InvocationContext, state in Azurite. Valid, wrong key, altered, expired, replayed, oversized, scanners (GET).
 */
import { randomBytes } from 'node:crypto';
import azureFunctions from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { act } from '../../functions/act.js';
import { setRuntime } from '../../functions/runtime.js';
import {
  alertActionLinks,
  signAction,
  verifyAction,
  type ActionLinkSettings,
} from '../../shared/actions/token.js';
import { fingerprintKey } from '../../shared/incidents/fingerprint.js';
import type { IncidentRecord } from '../../shared/incidents/types.js';
import { SILENCE_PARTITION } from '../../shared/silences/types.js';
import { startAzurite, type AzuriteInstance } from '../../sim/azurite.js';
import { followActionLink } from '../../sim/cardActions.js';
import { makeHarness, type Harness } from '../functions/harness.js';

const { HttpRequest } = azureFunctions;

let azurite: AzuriteInstance;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => {
  setRuntime(undefined);
  await azurite?.stop();
});

const settings: ActionLinkSettings = {
  key: randomBytes(32),
  baseUrl: 'https://amlmon.example.net',
  ttlMs: 86_400_000,
};

const incident: IncidentRecord = {
  fingerprint: 'aks1|azureml-ws/churn-<b>model/OutOfMemory/-',
  cluster: 'aks1',
  workspace: 'ws',
  namespace: 'azureml-ws',
  service: 'churn-<b>model',
  code: 'OutOfMemory',
  detail: null,
  status: 'Failed',
  openedAt: '2026-11-26T09:50:00.000Z',
  lastNotifiedAt: '2026-11-26T09:50:00.000Z',
  diagnosis: { service: 'churn-<b>model', namespace: 'azureml-ws', status: 'Failed', findings: [], gaps: [] },
};

async function setup(trustEasyAuth = false): Promise<Harness> {
  const h = makeHarness(azurite);
  h.rt.interaction = { actions: settings, trustEasyAuth };
  setRuntime(h.rt);
  const { partition, row } = fingerprintKey(incident.fingerprint);
  await h.rt.state.incidents.create(partition, row, incident);
  return h;
}

function link(title: string, now = '2026-11-26T10:00:00.000Z'): string {
  const l = alertActionLinks(settings, incident.fingerprint, now).find((x) => x.title === title);
  if (!l) throw new Error(title);
  return l.url;
}

async function current(h: Harness): Promise<IncidentRecord | undefined> {
  const { partition, row } = fingerprintKey(incident.fingerprint);
  return (await h.rt.state.incidents.get(partition, row))?.value;
}

const ctx = (h: Harness) => () => h.context('act');

describe('signed action tokens', () => {
  const claims = {
    incident: 'c|ns/s/OutOfMemory/-',
    action: 'mute' as const,
    duration: 3_600_000,
    expires: 2_000_000_000,
    nonce: 'n1',
  };
  const now = new Date('2026-11-26T10:00:00Z');
  it('verifies its own signature and refuses another key, an altered payload, an expired link, junk', () => {
    const t = signAction(claims, settings.key);
    expect(verifyAction(t, settings.key, now)).toEqual({ ok: true, claims });
    expect(verifyAction(t, randomBytes(32), now)).toEqual({ ok: false, reason: 'bad-signature' });
    const [payload, mac] = t.split('.') as [string, string];
    const altered = Buffer.from(
      Buffer.from(payload, 'base64url').toString().replace('3600000', '360000000'),
    ).toString('base64url');
    expect(verifyAction(`${altered}.${mac}`, settings.key, now)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(verifyAction(t, settings.key, new Date(2_000_000_000_000))).toEqual({
      ok: false,
      reason: 'expired',
    });
    for (const junk of ['', '.', 'a.b.c', `${payload}.`, 'x'.repeat(5000), `${payload}.${mac}=`])
      expect(verifyAction(junk, settings.key, now).ok).toBe(false);
  });
});

describe('the act function', () => {
  it('GET shows a script-free, escaped confirmation page and changes nothing; POST acknowledges once', async () => {
    const h = await setup();
    const url = link('Acknowledge');
    const page = await act(new HttpRequest({ method: 'GET', url }), h.context('act'));
    expect(page.status).toBe(200);
    const html = String(page.body);
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('churn-&lt;b&gt;model');
    expect(html).not.toContain('churn-<b>model');
    expect((page.headers as Record<string, string>)['content-security-policy']).toContain(
      "default-src 'none'",
    );
    expect((page.headers as Record<string, string>)['referrer-policy']).toBe('no-referrer');
    expect((await current(h))?.ack).toBeUndefined();

    const done = await followActionLink(url, act, ctx(h), { reason: 'looking\u0007 into it' });
    expect(done).toMatchObject({ pageStatus: 200, submitStatus: 200 });
    expect(done.text).toContain('Acknowledge: done');
    expect((await current(h))?.ack).toEqual({
      by: 'link holder',
      at: '2026-11-26T10:00:00.000Z',
      reason: 'looking into it',
    });

    // The same link again: already used (single use), nothing changes.
    const again = await followActionLink(url, act, ctx(h));
    expect(again.pageStatus).toBe(409);
    expect(again.text).toContain('already used');
  });

  it('Mute 1 h records a mute silence; the Unmute link on the page that confirms it lifts it', async () => {
    const h = await setup();
    const r = await followActionLink(link('Mute 1 h'), act, ctx(h), { reason: 'deploy in progress' });
    expect(r.submitStatus).toBe(200);
    const silences = (await h.rt.state.silences?.list(SILENCE_PARTITION)) ?? [];
    expect(silences.map((s) => s.value)).toMatchObject([
      {
        kind: 'mute',
        matchers: { cluster: 'aks1', namespace: 'azureml-ws', service: 'churn-<b>model' },
        createdBy: 'link holder',
        reason: 'deploy in progress',
        endsAt: '2026-11-26T11:00:00.000Z',
      },
    ]);
    expect((await current(h))?.mute).toMatchObject({ until: '2026-11-26T11:00:00.000Z' });
    // The alert was sent unmuted, so it has no Unmute link; the confirmation page offers one.
    const undo = r.links.find((l) => l.title === 'Unmute');
    expect(undo?.url).toMatch(/^https:\/\/amlmon\.example\.net\/api\/act\?t=/);
    const un = await followActionLink(undo?.url ?? '', act, ctx(h));
    expect(un.submitStatus).toBe(200);
    expect(un.message).toContain('Unmuted');
    expect((await h.rt.state.silences?.list(SILENCE_PARTITION))?.[0]?.value.expiredAt).toBe(
      '2026-11-26T10:00:00.000Z',
    );
  });

  it('a forged, altered or expired link gets the same 401 page; the log says why but never holds the token', async () => {
    const h = await setup();
    const good = link('Mute 1 day');
    const token = new URL(good).searchParams.get('t') ?? '';
    const other: ActionLinkSettings = { ...settings, key: randomBytes(32) };
    const forged = alertActionLinks(other, incident.fingerprint, '2026-11-26T10:00:00.000Z')[1]?.url ?? '';
    const [payload, mac] = token.split('.') as [string, string];
    const json = Buffer.from(payload, 'base64url').toString().replace('"a":"mute"', '"a":"unmute"');
    const altered = `https://amlmon.example.net/api/act?t=${Buffer.from(json).toString('base64url')}.${mac}`;
    const expired = link('Mute 1 day', '2026-11-20T10:00:00.000Z');
    const bodies = new Set<string>();
    for (const url of [forged, altered, expired, 'https://amlmon.example.net/api/act', `${good}x`]) {
      const res = await act(new HttpRequest({ method: 'GET', url }), h.context('act'));
      expect(res.status).toBe(401);
      bodies.add(String(res.body));
    }
    expect(bodies.size).toBe(1);
    expect([...bodies][0]).not.toContain('churn');
    const refused = h.logs.filter((l) => l.message.includes('action link refused'));
    expect(refused.map((l) => /\((\S+)\)/.exec(l.message)?.[1])).toEqual([
      'bad-signature',
      'bad-signature',
      'expired',
      'malformed',
      'bad-signature',
    ]);
    for (const l of h.logs) expect(l.message).not.toContain(mac);
    // A POST with a forged token acts on nothing either.
    const post = await act(
      new HttpRequest({
        method: 'POST',
        url: 'https://amlmon.example.net/api/act',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: { string: `t=${encodeURIComponent(new URL(forged).searchParams.get('t') ?? '')}` },
      }),
      h.context('act'),
    );
    expect(post.status).toBe(401);
    expect(await h.rt.state.silences?.list(SILENCE_PARTITION)).toEqual([]);
  });

  it('refuses an oversized form unread and other methods', async () => {
    const h = await setup();
    const big = 'reason=' + 'a'.repeat(10_000);
    const res = await act(
      new HttpRequest({
        method: 'POST',
        url: 'https://amlmon.example.net/api/act',
        headers: { 'content-length': String(big.length) },
        body: { string: big },
      }),
      h.context('act'),
    );
    expect(res.status).toBe(413);
    const put = await act(new HttpRequest({ method: 'PUT', url: link('Acknowledge') }), h.context('act'));
    expect(put.status).toBe(405);
  });

  it('records the signed-in user only when App Service authentication vouches for the header', async () => {
    const h = await setup(false);
    await followActionLink(link('Acknowledge'), act, ctx(h), {
      headers: { 'x-ms-client-principal-name': 'mallory@evil.example' },
    });
    expect((await current(h))?.ack?.by).toBe('link holder');
    const h2 = await setup(true);
    await followActionLink(link('Acknowledge'), act, () => h2.context('act'), {
      headers: { 'x-ms-client-principal-name': 'ana@contoso.com' },
    });
    expect((await current(h2))?.ack?.by).toBe('ana@contoso.com');
  });
});
