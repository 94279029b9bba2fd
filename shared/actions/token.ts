/**
 * Signed action links: `<base>/api/act?t=<payload>.<mac>`, the payload base64url JSON naming the incident, the
 * action, its duration and the link's expiry, the MAC an HMAC-SHA256 over the encoded payload with the app's
 * ACTION_SIGNING_KEY. Verification compares MACs in constant time before it reads anything in the payload.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const ACTIONS = ['ack', 'mute', 'unmute'] as const;
export type ActionKind = (typeof ACTIONS)[number];

/** A mute's length: milliseconds, or until the incident resolves. */
export type MuteDuration = number | 'resolved';

export interface ActionClaims {
  /** The incident's fingerprint. */
  incident: string;
  action: ActionKind;
  /** Mute only. */
  duration?: MuteDuration;
  /** Unix seconds after which the link is refused. */
  expires: number;
  /** Makes every issued link distinct; a used nonce is recorded so an acting link works once. */
  nonce: string;
}

/** The links put on every alert, in the order shown. */
export const ALERT_ACTIONS: ReadonlyArray<{ title: string; action: ActionKind; duration?: MuteDuration }> = [
  { title: 'Acknowledge', action: 'ack' },
  { title: 'Mute 1 h', action: 'mute', duration: 3_600_000 },
  { title: 'Mute 1 day', action: 'mute', duration: 86_400_000 },
  { title: 'Mute until resolved', action: 'mute', duration: 'resolved' },
  { title: 'Unmute', action: 'unmute' },
];

/** Longest token accepted; anything longer is refused unread. */
export const MAX_TOKEN_CHARS = 2048;
/** Keys shorter than this are refused by the settings reader. */
export const MIN_KEY_BYTES = 32;

export type VerifyResult =
  { ok: true; claims: ActionClaims } | { ok: false; reason: 'malformed' | 'bad-signature' | 'expired' };

function mac(key: Uint8Array, payload: string): Buffer {
  return createHmac('sha256', key).update(`amlmon-action.v1.${payload}`).digest();
}

/**
 * A deterministic nonce: the same incident, action and issue time always give the same link (renderers stay pure),
 * while every alert issues new ones.
 */
export function issueNonce(key: Uint8Array, incident: string, action: string, issuedAt: string): string {
  return createHash('sha256')
    .update(key)
    .update(`|${incident}|${action}|${issuedAt}`)
    .digest('base64url')
    .slice(0, 22);
}

export function signAction(claims: ActionClaims, key: Uint8Array): string {
  const body: Record<string, unknown> = {
    v: 1,
    i: claims.incident,
    a: claims.action,
    e: claims.expires,
    n: claims.nonce,
  };
  if (claims.duration !== undefined) body.d = claims.duration;
  const payload = Buffer.from(JSON.stringify(body)).toString('base64url');
  return `${payload}.${mac(key, payload).toString('base64url')}`;
}

const B64URL = /^[A-Za-z0-9_-]+$/;

export function verifyAction(token: string, key: Uint8Array, now: Date): VerifyResult {
  if (token.length === 0 || token.length > MAX_TOKEN_CHARS) return { ok: false, reason: 'malformed' };
  const dot = token.indexOf('.');
  if (dot <= 0 || dot !== token.lastIndexOf('.')) return { ok: false, reason: 'malformed' };
  const payload = token.slice(0, dot);
  const sig = token.slice(dot + 1);
  if (!B64URL.test(payload) || !B64URL.test(sig)) return { ok: false, reason: 'malformed' };
  const given = Buffer.from(sig, 'base64url');
  const expected = mac(key, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'bad-signature' };
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const b = body as Record<string, unknown>;
  const action = b.a;
  if (
    b.v !== 1 ||
    typeof b.i !== 'string' ||
    typeof b.n !== 'string' ||
    typeof b.e !== 'number' ||
    !ACTIONS.includes(action as ActionKind)
  )
    return { ok: false, reason: 'malformed' };
  const d = b.d;
  if (d !== undefined && d !== 'resolved' && !(typeof d === 'number' && d > 0 && Number.isInteger(d)))
    return { ok: false, reason: 'malformed' };
  if (action === 'mute' && d === undefined) return { ok: false, reason: 'malformed' };
  if (now.getTime() / 1000 >= b.e) return { ok: false, reason: 'expired' };
  return {
    ok: true,
    claims: {
      incident: b.i,
      action: action as ActionKind,
      expires: b.e,
      nonce: b.n,
      ...(d !== undefined ? { duration: d as MuteDuration } : {}),
    },
  };
}

/** The settings the links need: the key, the app's public base URL and how long a link stays good. */
export interface ActionLinkSettings {
  key: Uint8Array;
  /** e.g. `https://amlmon-func.azurewebsites.net` (no trailing slash needed). */
  baseUrl: string;
  ttlMs: number;
}

export const ACT_ROUTE = 'act';

export function actionUrl(settings: ActionLinkSettings, token: string): string {
  return `${settings.baseUrl.replace(/\/+$/, '')}/api/${ACT_ROUTE}?t=${token}`;
}

/** The five signed links of one incident, issued at `now`. */
export function alertActionLinks(
  settings: ActionLinkSettings,
  incident: string,
  now: string,
): Array<{ title: string; url: string; action: ActionKind; duration?: MuteDuration }> {
  const expires = Math.floor((Date.parse(now) + settings.ttlMs) / 1000);
  return ALERT_ACTIONS.map((a) => {
    const nonce = issueNonce(settings.key, incident, `${a.action}:${a.duration ?? ''}`, now);
    const token = signAction(
      {
        incident,
        action: a.action,
        expires,
        nonce,
        ...(a.duration !== undefined ? { duration: a.duration } : {}),
      },
      settings.key,
    );
    return { ...a, url: actionUrl(settings, token) };
  });
}
