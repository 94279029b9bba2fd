/**
 * The action links and notes in the rendered messages: every alert carries signed links that verify with the key
 * (Acknowledge, and Mute while not muted or Unmute while muted); resolved notices carry none but say who
 * acknowledged or muted; the webhook carries the same state as data; cards stay valid and within budget.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyAction, type ActionLinkSettings } from '../../shared/actions/token.js';
import type { IncidentRecord, Notification } from '../../shared/incidents/types.js';
import { messageBytes, renderEmail, renderTeamsCard, renderWebhook } from '../../shared/report/index.js';
import { alertGroup, alertSingle, baseContext, hugeAlert, resolvedSingle } from '../../sim/samples.js';
import { errorsOf, validateCard, validateWebhook } from '../report/validate.js';

const links: ActionLinkSettings = {
  key: randomBytes(32),
  baseUrl: 'https://amlmon.example.net/',
  ttlMs: 86_400_000,
};
const ctx = { ...baseContext, actionLinks: links };
/** The links of an alert whose service is not muted (Unmute appears only while it is). */
const TITLES = ['Acknowledge', 'Mute 1 h', 'Mute 1 day', 'Mute until resolved'];

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
  it('the Teams card has the four links, each verifying with the key for this incident and action', () => {
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
    expect(email.html).not.toContain('>Unmute</a>');
    expect(email.text).not.toMatch(/^Unmute:/m);
  });

  it('a grouped alert gives every shown incident its links and stays within the card budget', () => {
    const card = renderTeamsCard(alertGroup, ctx);
    expect(messageBytes(card)).toBeLessThanOrEqual(20_000);
    const acts = openUrls(card).filter((a) => a.url.includes('/api/act?t='));
    expect(acts.length).toBe(TITLES.length * alertGroup.incidents.length);
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

describe('Unmute only while muted, Mute only while not', () => {
  const incident = alertSingle.incidents[0] as IncidentRecord;
  const titlesOf = (i: IncidentRecord): { card: string[]; html: string[]; text: string[] } => {
    const n: Notification = { ...alertSingle, incidents: [i] };
    const email = renderEmail(n, ctx);
    return {
      card: openUrls(renderTeamsCard(n, ctx))
        .filter((a) => a.url.includes('/api/act?t='))
        .map((a) => a.title),
      html: [
        ...email.html.matchAll(/href="https:\/\/amlmon\.example\.net\/api\/act[^"]*"[^>]*>([^<]+)<\/a>/g),
      ].map((m) => m[1] ?? ''),
      text: [...email.text.matchAll(/^([A-Za-z0-9 ]+): https:\/\/amlmon\.example\.net\/api\/act/gm)].map(
        (m) => m[1] ?? '',
      ),
    };
  };

  it('a muted service gets Acknowledge and Unmute, the Unmute link verifying for this incident', () => {
    const muted: IncidentRecord = {
      ...incident,
      mute: {
        by: 'bo',
        at: ctx.now,
        until: new Date(Date.parse(ctx.now) + 3_600_000).toISOString(),
        silenceId: 's1',
      },
    };
    const { card, html, text } = titlesOf(muted);
    expect(card).toEqual(['Acknowledge', 'Unmute']);
    expect(html).toEqual(['Acknowledge', 'Unmute']);
    expect(text).toEqual(['Acknowledge', 'Unmute']);
    const n: Notification = { ...alertSingle, incidents: [muted] };
    const unmute = openUrls(renderTeamsCard(n, ctx)).find((a) => a.title === 'Unmute');
    const v = verifyAction(
      new URL(unmute?.url ?? 'x:/').searchParams.get('t') ?? '',
      links.key,
      new Date(ctx.now),
    );
    expect(v.ok && v.claims).toMatchObject({ action: 'unmute', incident: incident.fingerprint });
    // A mute until resolved holds as long as the incident is open.
    const untilResolved: IncidentRecord = {
      ...incident,
      mute: { by: 'bo', at: ctx.now, untilResolved: true, silenceId: 's2' },
    };
    expect(titlesOf(untilResolved).card).toEqual(['Acknowledge', 'Unmute']);
  });

  it('a mute that ran out (its note kept on the row) gives the Mute links again, not Unmute', () => {
    const ended: IncidentRecord = {
      ...incident,
      mute: { by: 'bo', at: '2026-11-26T06:00:00.000Z', until: '2026-11-26T07:00:00.000Z', silenceId: 's1' },
    };
    const { card, html, text } = titlesOf(ended);
    expect(card).toEqual(TITLES);
    expect(html).toEqual(TITLES);
    expect(text).toEqual(TITLES);
    // The note still says who muted it.
    expect(renderEmail({ ...alertSingle, incidents: [ended] }, ctx).text).toContain('Muted by bo');
  });
});

describe('the webhook carries the acknowledgement, mute and hold state the email and card show', () => {
  const incident = alertSingle.incidents[0] as IncidentRecord;
  const secret = 'AccountKey=c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTIzNA==';

  it('ack, mute (in force), released and covers, redacted and valid against the schema', () => {
    const n: Notification = {
      ...alertSingle,
      incidents: [
        {
          ...incident,
          ack: { by: 'ana@contoso.com', at: '2026-11-26T08:40:00.000Z', reason: `on it ${secret}` },
          mute: {
            by: 'bo',
            at: '2026-11-26T08:41:00.000Z',
            until: '2026-11-26T09:41:00.000Z',
            silenceId: 's1',
          },
          released: { since: '2026-11-26T08:00:00.000Z', silenceId: 's0', text: 'silenced (s0) by ops' },
          covers: ['svc-a', 'svc-b'],
        },
      ],
    };
    const payload = renderWebhook(n, ctx);
    expect(validateWebhook(payload), errorsOf(validateWebhook)).toBe(true);
    expect(payload.schemaVersion).toBe('1.2');
    const i = payload.incidents[0];
    expect(i?.ack).toMatchObject({ by: 'ana@contoso.com', at: '2026-11-26T08:40:00.000Z' });
    expect(i?.ack?.reason).toContain('on it');
    expect(JSON.stringify(payload)).not.toContain('c2VjcmV0c2VjcmV0');
    expect(i?.mute).toEqual({
      by: 'bo',
      at: '2026-11-26T08:41:00.000Z',
      reason: null,
      silenceId: 's1',
      until: '2026-11-26T09:41:00.000Z',
      untilResolved: false,
      inForce: true,
    });
    expect(i?.held).toBeNull();
    expect(i?.released).toEqual({
      since: '2026-11-26T08:00:00.000Z',
      silenceId: 's0',
      inhibitedBy: null,
      text: 'silenced (s0) by ops',
    });
    expect(i?.covers).toEqual(['svc-a', 'svc-b']);
  });

  it('an inhibited (held) incident and a mute that ran out', () => {
    const n: Notification = {
      ...alertSingle,
      incidents: [
        {
          ...incident,
          mute: {
            by: 'bo',
            at: '2026-11-26T06:00:00.000Z',
            until: '2026-11-26T07:00:00.000Z',
            silenceId: 's1',
          },
          held: {
            since: '2026-11-26T08:30:00.000Z',
            inhibitedBy: 'aks-prod-weu|(cluster)/NodeFailure/NotReady',
            text: 'explained by NodeFailure/NotReady on cluster aks-prod-weu',
          },
        },
      ],
    };
    const payload = renderWebhook(n, ctx);
    expect(validateWebhook(payload), errorsOf(validateWebhook)).toBe(true);
    const i = payload.incidents[0];
    expect(i?.mute?.inForce).toBe(false);
    expect(i?.held).toEqual({
      since: '2026-11-26T08:30:00.000Z',
      silenceId: null,
      inhibitedBy: 'aks-prod-weu|(cluster)/NodeFailure/NotReady',
      text: 'explained by NodeFailure/NotReady on cluster aks-prod-weu',
    });
  });

  it('an incident with none of it says so with nulls and an empty list', () => {
    const i = renderWebhook(alertSingle, ctx).incidents[0];
    expect(i).toMatchObject({ ack: null, mute: null, held: null, released: null, covers: [] });
  });
});
