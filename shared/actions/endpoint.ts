/**
 * The action endpoint behind every alert's Acknowledge / Mute / Unmute link. GET shows what the link will do and a
 * form (link scanners and previews that fetch URLs change nothing); POST does it, once: the link's nonce is
 * recorded before acting. A forged, altered, expired or malformed link gets the same 401 page, and the log line
 * says why without the token.
 */
import { fingerprintKey } from '../incidents/fingerprint.js';
import type { MonitorRuntime } from '../monitor/types.js';
import { NONCE_PARTITION } from '../silences/types.js';
import { MAX_REASON_CHARS, oneLineText, performAction } from './apply.js';
import { PAGE_HEADERS, renderPage, type PageContent } from './page.js';
import {
  ACT_ROUTE,
  alertActionLinks,
  verifyAction,
  type ActionClaims,
  type ActionLinkSettings,
} from './token.js';

export interface ActionHttpRequest {
  method: string;
  url: string;
  header(name: string): string | null;
  /** The raw body (POST), already bounded by the caller. */
  body?: string;
  /** The declared length was over MAX_FORM_BYTES: refused unread. */
  tooLarge?: boolean;
}

export interface ActionHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Form posts are a token and a short reason; anything bigger is refused unread. */
export const MAX_FORM_BYTES = 8 * 1024;

export const LINK_HOLDER = 'link holder';

function page(status: number, content: PageContent): ActionHttpResponse {
  return { status, headers: { ...PAGE_HEADERS }, body: renderPage(content) };
}

const REFUSED: PageContent = {
  heading: 'This link is not valid',
  lines: [
    'It may have expired, been changed, or come from another installation. Use the links of the latest alert, or ask in the channel.',
  ],
};

function describe(c: ActionClaims): string {
  if (c.action === 'ack') return 'Acknowledge';
  if (c.action === 'unmute') return 'Unmute';
  if (c.duration === 'resolved') return 'Mute until resolved';
  const h = (c.duration ?? 0) / 3_600_000;
  return h === 24 ? 'Mute 1 day' : h === 1 ? 'Mute 1 h' : `Mute ${h} h`;
}

function effect(c: ActionClaims): string {
  if (c.action === 'ack')
    return 'Repeats of this alert stop until the root cause changes. Everyone sees who acknowledged it.';
  if (c.action === 'unmute')
    return 'Alerts about this service resume; if it still fails, the next check alerts once.';
  return 'Nothing is sent about this service (no alert, no resolved notice) until the mute ends; if it still fails then, it alerts once.';
}

/** Who acted: the signed-in user when App Service authentication vouches for the header, else the link holder. */
export function actorOf(req: ActionHttpRequest, trustEasyAuth: boolean): string {
  const name = trustEasyAuth ? req.header('x-ms-client-principal-name') : null;
  const clean = name ? oneLineText(name, 120) : undefined;
  return clean ? clean : LINK_HOLDER;
}

export async function handleActionRequest(
  rt: MonitorRuntime,
  settings: ActionLinkSettings | undefined,
  trustEasyAuth: boolean,
  req: ActionHttpRequest,
): Promise<ActionHttpResponse> {
  const method = req.method.toUpperCase();
  if (method !== 'GET' && method !== 'POST') {
    return {
      status: 405,
      headers: { ...PAGE_HEADERS, allow: 'GET, POST' },
      body: renderPage({ heading: 'Method not allowed' }),
    };
  }
  if (!settings) {
    rt.log.warn('action link refused: action links are not configured (ACTION_SIGNING_KEY, PUBLIC_BASE_URL)');
    return page(404, { heading: 'Action links are not enabled here' });
  }
  let token: string | null;
  let reason: string | undefined;
  if (method === 'GET') {
    token = new URL(req.url).searchParams.get('t');
  } else {
    const body = req.body ?? '';
    if (req.tooLarge === true || Buffer.byteLength(body) > MAX_FORM_BYTES) {
      rt.log.warn('action link refused: form body too large');
      return page(413, { heading: 'Request too large' });
    }
    const form = new URLSearchParams(body);
    token = form.get('t');
    reason = form.get('reason') ?? undefined;
  }
  const verdict = token
    ? verifyAction(token, settings.key, rt.clock.now())
    : ({ ok: false, reason: 'malformed' } as const);
  if (!verdict.ok || !token) {
    rt.log.warn(`action link refused (${verdict.ok ? 'malformed' : verdict.reason}) on ${method}`);
    return page(401, REFUSED);
  }
  const claims = verdict.claims;
  const { partition, row } = fingerprintKey(claims.incident);
  const incident = await rt.state.incidents.get(partition, row);
  if (!incident)
    return page(404, { heading: 'This incident is no longer known', lines: ['Nothing was changed.'] });
  const i = incident.value;
  const facts = [
    { name: 'Service', value: i.service },
    { name: 'Workspace', value: i.workspace ?? '(unknown)' },
    { name: 'Cluster', value: `${i.cluster} (namespace ${i.namespace || '-'})` },
    { name: 'Root cause', value: `${i.code}${i.detail ? ` / ${i.detail}` : ''}` },
    { name: 'State', value: i.resolvedAt ? `resolved at ${i.resolvedAt}` : `open since ${i.openedAt}` },
  ];
  const used = rt.state.actionUses ? await rt.state.actionUses.get(NONCE_PARTITION, claims.nonce) : undefined;
  if (used) {
    return page(409, {
      heading: 'This link was already used',
      facts,
      lines: [
        `${describe(claims)} was done by ${used.value.by} at ${used.value.usedAt}. Nothing was changed now.`,
      ],
    });
  }
  const by = actorOf(req, trustEasyAuth);
  if (method === 'GET') {
    return page(200, {
      heading: `${describe(claims)}: ${i.service}?`,
      facts,
      lines: [effect(claims), `It will be recorded as done by ${by}.`],
      form: { action: ACT_ROUTE, token, button: describe(claims), maxReason: MAX_REASON_CHARS },
    });
  }
  const now = rt.clock.now();
  if (rt.state.actionUses) {
    const claimed = await rt.state.actionUses.create(NONCE_PARTITION, claims.nonce, {
      usedAt: now.toISOString(),
      by,
      action: describe(claims),
      incident: claims.incident,
    });
    if (!claimed.ok)
      return page(409, { heading: 'This link was already used', facts, lines: ['Nothing was changed now.'] });
  }
  const outcome = await performAction(rt.state, {
    incident: claims.incident,
    action: claims.action,
    ...(claims.duration !== undefined ? { duration: claims.duration } : {}),
    by,
    ...(reason !== undefined ? { reason } : {}),
    now,
  });
  rt.log.info(
    `action ${describe(claims)} on ${i.service} ${i.code} by ${by}: ${outcome.ok ? 'done' : `refused (${outcome.message})`}`,
  );
  if (!outcome.ok)
    return page(outcome.status, {
      heading: `${describe(claims)}: not done`,
      facts,
      lines: [outcome.message],
    });
  // Alerts carry no Unmute link while the service is not muted, and nothing is sent while it is: the page that
  // confirms a mute is where it can be undone.
  const undo =
    claims.action === 'mute'
      ? alertActionLinks(settings, claims.incident, now.toISOString())
          .filter((l) => l.action === 'unmute')
          .map(({ title, url }) => ({ title, url }))
      : [];
  return page(200, {
    heading: `${describe(claims)}: done`,
    facts,
    lines: [outcome.message, `Recorded as done by ${by} at ${now.toISOString()}.`],
    links: undo,
  });
}
