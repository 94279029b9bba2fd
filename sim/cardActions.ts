/**
 * What a person does with an alert's card, done the same way: find the Action.OpenUrl of the last Teams card that
 * was delivered for a service, open its URL (the confirmation page), and submit the page's form. The HTTP function
 * is called with exactly that URL and that form, so tests click what people click.
 */
import azureFunctions, { type HttpResponseInit, type InvocationContext } from '@azure/functions';
import type { ScenarioAction } from './scenario.js';

const { HttpRequest } = azureFunctions;

export const ACTION_TITLES: Record<string, string> = {
  ack: 'Acknowledge',
  'mute:1h': 'Mute 1 h',
  'mute:1d': 'Mute 1 day',
  'mute:resolved': 'Mute until resolved',
  unmute: 'Unmute',
};

export function actionTitle(a: Pick<ScenarioAction, 'action' | 'duration'>): string {
  return ACTION_TITLES[a.action === 'mute' ? `mute:${a.duration ?? '1h'}` : a.action] ?? a.action;
}

interface OpenUrl {
  title: string;
  url: string;
}

function openUrls(node: unknown, out: OpenUrl[] = []): OpenUrl[] {
  if (Array.isArray(node)) {
    for (const n of node) openUrls(n, out);
  } else if (typeof node === 'object' && node !== null) {
    const o = node as Record<string, unknown>;
    if (o.type === 'Action.OpenUrl' && typeof o.title === 'string' && typeof o.url === 'string')
      out.push({ title: o.title, url: o.url });
    for (const v of Object.values(o)) if (typeof v === 'object') openUrls(v, out);
  }
  return out;
}

/** The incident fingerprint a signed link names (the payload is readable; only the MAC is secret-keyed). */
export function linkIncident(url: string): string | undefined {
  try {
    const t = new URL(url).searchParams.get('t');
    const payload = t?.split('.')[0];
    if (!payload) return undefined;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { i?: unknown };
    return typeof claims.i === 'string' ? claims.i : undefined;
  } catch {
    return undefined;
  }
}

function serviceOf(fingerprint: string): string | undefined {
  // cluster|namespace/service/code/detail
  const row = fingerprint.slice(fingerprint.indexOf('|') + 1).split('/');
  return row.length >= 4 ? row.slice(1, row.length - 2).join('/') : undefined;
}

/** The URL of the `title` link for `service` in the latest of `cards` (Teams posts, oldest first) that has one. */
export function findCardLink(cards: readonly unknown[], service: string, title: string): string | undefined {
  for (let i = cards.length - 1; i >= 0; i -= 1) {
    const links = openUrls(cards[i]).filter((l) => {
      const fp = l.title === title ? linkIncident(l.url) : undefined;
      return fp !== undefined && serviceOf(fp) === service;
    });
    if (links.length > 0) return links[0]?.url;
  }
  return undefined;
}

export type HttpHandler = (
  request: InstanceType<typeof HttpRequest>,
  context: InvocationContext,
) => Promise<HttpResponseInit>;

export interface FollowResult {
  /** Status of the confirmation page (GET) and of the form submission (POST). */
  pageStatus: number;
  submitStatus?: number;
  /** The text of the last page's body, tags stripped. */
  text: string;
  /** Its heading and sentences (no facts table): what a person reads as the outcome. */
  message: string;
  /** The follow-up links the last page offers (the Unmute link on a page that confirms a mute). */
  links: OpenUrl[];
}

function decode(html: string): string {
  return (
    html
      .replace(/<[^>]+>/g, ' ')
      // The entities Handlebars escapes with; `&amp;` last so nothing is decoded twice.
      .replace(/&#x27;/g, "'")
      .replace(/&#x60;/g, '`')
      .replace(/&#x3D;/g, '=')
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

function pageText(body: unknown): string {
  return decode(String(body ?? '').replace(/<head>[\s\S]*<\/head>/, ''));
}

function pageLinks(body: unknown): OpenUrl[] {
  return [...String(body ?? '').matchAll(/<a href="([^"]+)"[^>]*>([^<]*)<\/a>/g)].map((m) => ({
    title: decode(m[2] ?? ''),
    url: decode(m[1] ?? ''),
  }));
}

function pageMessage(body: unknown): string {
  const html = String(body ?? '');
  const parts = [...html.matchAll(/<(h1|p)\b[^>]*>([\s\S]*?)<\/\1>/g)].map((m) => decode(m[2] ?? ''));
  return parts.join(' ');
}

/** Opens the link, then submits the page's form (as a browser would), with an optional reason typed in. */
export async function followActionLink(
  url: string,
  handler: HttpHandler,
  context: () => InvocationContext,
  opts: { reason?: string; headers?: Record<string, string> } = {},
): Promise<FollowResult> {
  const page = await handler(new HttpRequest({ method: 'GET', url, headers: opts.headers ?? {} }), context());
  const html = String(page.body ?? '');
  const form = /<form method="post" action="([^"]+)">/.exec(html);
  const token = /<input type="hidden" name="t" value="([^"]+)">/.exec(html);
  if ((page.status ?? 200) !== 200 || !form?.[1] || !token?.[1])
    return {
      pageStatus: page.status ?? 200,
      text: pageText(html),
      message: pageMessage(html),
      links: pageLinks(html),
    };
  const body = new URLSearchParams({ t: token[1], reason: opts.reason ?? '' }).toString();
  const submit = await handler(
    new HttpRequest({
      method: 'POST',
      url: new URL(form[1], url).toString(),
      headers: {
        ...opts.headers,
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': String(Buffer.byteLength(body)),
      },
      body: { string: body },
    }),
    context(),
  );
  return {
    pageStatus: 200,
    submitStatus: submit.status ?? 200,
    text: pageText(submit.body),
    message: pageMessage(submit.body),
    links: pageLinks(submit.body),
  };
}
