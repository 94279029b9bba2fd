/**
 * Teams outgoing webhook requests: `Authorization: HMAC <base64>` is HMAC-SHA256 of the raw body bytes keyed with
 * the base64-decoded security token Teams showed when the webhook was created. Compared in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Teams messages are small; anything bigger is refused unread. */
export const MAX_CHAT_BODY_BYTES = 64 * 1024;
/** A request whose activity timestamp is further than this from our clock is refused (replays, stale retries). */
export const MAX_CHAT_SKEW_MS = 5 * 60_000;

export function teamsSignature(raw: Uint8Array, key: Uint8Array): string {
  return `HMAC ${createHmac('sha256', key).update(raw).digest('base64')}`;
}

export function verifyTeamsSignature(
  raw: Uint8Array,
  authorization: string | null,
  key: Uint8Array,
): boolean {
  if (!authorization) return false;
  const m = /^HMAC ([A-Za-z0-9+/]{43}=)$/.exec(authorization.trim());
  if (!m?.[1]) return false;
  const given = Buffer.from(m[1], 'base64');
  const expected = createHmac('sha256', key).update(raw).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The parts of the Bot Framework activity Teams posts that the commands use. */
export interface ChatActivity {
  id: string;
  timestamp: string;
  text: string;
  from: { id?: string; name?: string; aadObjectId?: string };
}

export function parseActivity(raw: string): ChatActivity | string {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return 'the body is not JSON';
  }
  if (typeof v !== 'object' || v === null) return 'the body is not a JSON object';
  const a = v as Record<string, unknown>;
  if (a.type !== 'message') return 'the activity is not a message';
  if (typeof a.id !== 'string' || a.id === '' || a.id.length > 256) return 'the activity has no id';
  if (typeof a.timestamp !== 'string' || Number.isNaN(Date.parse(a.timestamp)))
    return 'the activity has no timestamp';
  if (typeof a.text !== 'string') return 'the activity has no text';
  const from = (typeof a.from === 'object' && a.from !== null ? a.from : {}) as Record<string, unknown>;
  return {
    id: a.id,
    timestamp: a.timestamp,
    text: a.text,
    from: {
      ...(typeof from.id === 'string' ? { id: from.id } : {}),
      ...(typeof from.name === 'string' ? { name: from.name } : {}),
      ...(typeof from.aadObjectId === 'string' ? { aadObjectId: from.aadObjectId } : {}),
    },
  };
}

/** The words after the mention: `<at>amlmon</at> mute churn 2h deploying` → ["mute", "churn", "2h", "deploying"]. */
export function commandWords(text: string): string[] {
  const plain = text
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/gi, ' ')
    .replace(/&amp;/gi, '&')
    .replace(/&lt;/gi, '<')
    .replace(/&gt;/gi, '>');
  return plain.split(/\s+/).filter((w) => w.length > 0);
}
