/**
 * The action links and notes in the rendered messages: every alert carries five signed links that verify with the
 * key; resolved notices carry none but say who acknowledged or muted; cards stay valid and within budget.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyAction, type ActionLinkSettings } from '../../shared/actions/token.js';
import type { IncidentRecord, Notification } from '../../shared/incidents/types.js';
import { messageBytes, renderEmail, renderTeamsCard } from '../../shared/report/index.js';
import { alertGroup, alertSingle, baseContext, hugeAlert, resolvedSingle } from '../../sim/samples.js';
import { errorsOf, validateCard } from '../report/validate.js';

const links: ActionLinkSettings = {
  key: randomBytes(32),
  baseUrl: 'https://amlmon.example.net/',
  ttlMs: 86_400_000,
};
const ctx = { ...baseContext, actionLinks: links };
const TITLES = ['Acknowledge', 'Mute 1 h', 'Mute 1 day', 'Mute until resolved', 'Unmute'];

function openUrls(
  node: unknown,
  out: Array<{ title: string; url: string }> = [],
): Array<{ title: string; url: string }> {
  if (Array.isArray(node)) for (const n of node) openUrls(n, out);
  else if (typeof node === 'object' && node !== null) {
    const o = node as Record<string, unknown>;
    if (o.type === 'Action.OpenUrl') out.push({ title: String(o.title), url: String(o.url) });
    for (const v of Object.values(o)) openUrls(v, out);
  }
  return out;
}

describe('action links in alerts', () => {
  it('the Teams card has the five links, each verifying with the key for this incident and action', () => {
    const card = renderTeamsCard(alertSingle, ctx);
    expect(validateCard(card), errorsOf(validateCard)).toBe(true);
    const acts = openUrls(card).filter((a) => a.url.startsWith('https://amlmon.example.net/api/act?t='));
    expect(acts.map((a) => a.title)).toEqual(TITLES);
    const now = new Date(ctx.now);
    const claims = acts.map((a) => verifyAction(new URL(a.url).searchParams.get('t') ?? '', links.key, now));
    expect(claims.map((c) => (c.ok ? `${c.claims.action}:${c.claims.duration ?? ''}` : c.reason))).toEqual([
      'ack:',
      'mute:3600000',
      'mute:86400000',
      'mute:resolved',
      'unmute:',
    ]);
    for (const c of claims) if (c.ok) expect(c.claims.incident).toBe(alertSingle.incidents[0]?.fingerprint);
    // Without signing settings, no links (and the same bytes as before).
    expect(JSON.stringify(renderTeamsCard(alertSingle, baseContext))).not.toContain('/api/act');
  });

  it('the email has the links as buttons (HTML) and lines (text)', () => {
    const email = renderEmail(alertSingle, ctx);
    for (const t of TITLES) {
      expect(email.html).toContain(`>${t}</a>`);
      expect(email.text).toMatch(new RegExp(`^${t}: https://amlmon\\.example\\.net/api/act\\?t=`, 'm'));
    }
  });

  it('a grouped alert gives every shown incident its links and stays within the card budget', () => {
    const card = renderTeamsCard(alertGroup, ctx);
    expect(messageBytes(card)).toBeLessThanOrEqual(20_000);
    const acts = openUrls(card).filter((a) => a.url.includes('/api/act?t='));
    expect(acts.length).toBe(5 * alertGroup.incidents.length);
    const email = renderEmail(alertGroup, ctx);
    expect(email.html.match(/>Mute 1 h<\/a>/g)).toHaveLength(alertGroup.incidents.length);
  });

  it('a huge alert still fits the budget with its links', () => {
    const card = renderTeamsCard(hugeAlert, ctx);
    expect(messageBytes(card)).toBeLessThanOrEqual(20_000);
    expect(openUrls(card).map((a) => a.title)).toEqual(expect.arrayContaining(TITLES));
  });
});

describe('acknowledged, muted and held incidents say so', () => {
  const incident = alertSingle.incidents[0] as IncidentRecord;
  const noted: IncidentRecord = {
    ...incident,
    ack: { by: 'ana@contoso.com', at: '2026-11-26T09:00:00.000Z', reason: 'on it <b>now</b>' },
    mute: { by: 'bo', at: '2026-11-26T09:05:00.000Z', until: '2026-11-26T10:05:00.000Z', silenceId: 's1' },
    released: { since: '2026-11-26T08:00:00.000Z', text: 'silenced (x) by ops until 2026-11-26T09:00:00Z' },
    covers: ['svc-a', 'svc-b'],
  };
  it('in the next alert (card and email), escaped', () => {
    const n: Notification = { ...alertSingle, incidents: [noted] };
    const card = JSON.stringify(renderTeamsCard(n, ctx));
    expect(card).toContain('Acknowledged by ana@contoso.com');
    expect(card).toContain('Muted by bo');
    expect(card).toContain('Also explains');
    const email = renderEmail(n, ctx);
    expect(email.html).toContain('on it &lt;b&gt;now&lt;/b&gt;');
    expect(email.html).not.toContain('<b>now</b>');
    expect(email.text).toContain('Held back since 2026-11-26T08:00:00.000Z');
  });

  it('in the resolved notice, without action links', () => {
    const n: Notification = {
      ...resolvedSingle,
      incidents: [{ ...noted, resolvedAt: '2026-11-26T09:20:00.000Z' }],
    };
    const card = renderTeamsCard(n, ctx);
    expect(JSON.stringify(card)).toContain('Acknowledged by ana@contoso.com');
    expect(JSON.stringify(card)).not.toContain('/api/act');
    expect(validateCard(card), errorsOf(validateCard)).toBe(true);
    expect(renderEmail(n, ctx).text).toContain('Muted by bo');
  });
});
