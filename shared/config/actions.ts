/**
 * Settings of the interactive parts: signed action links on alerts (ACTION_SIGNING_KEY, PUBLIC_BASE_URL,
 * ACTION_LINK_TTL) and the Teams outgoing webhook (TEAMS_OUTGOING_WEBHOOK_TOKEN). All optional: without a key the
 * alerts carry no action links; without a token the chat endpoint refuses every request.
 */
import type { ActionLinkSettings } from '../actions/token.js';
import { MIN_KEY_BYTES } from '../actions/token.js';
import { parseDuration } from './duration.js';

export type Env = Record<string, string | undefined>;

export const ACTION_DEFAULTS = { ACTION_LINK_TTL: '7d' } as const;

export interface InteractionSettings {
  actions?: ActionLinkSettings;
  /** The outgoing webhook's security token, base64-decoded (the HMAC key Teams signs with). */
  outgoingWebhookKey?: Buffer;
  /** Trust `x-ms-client-principal-name`: only when App Service authentication (Easy Auth) is on and strips it. */
  trustEasyAuth: boolean;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function get(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v === undefined || v === '' ? undefined : v;
}

/** Problems are appended (never secret values); the result holds what was valid. */
export function parseInteraction(env: Env, problems: string[]): InteractionSettings {
  const out: InteractionSettings = {
    trustEasyAuth: (get(env, 'WEBSITE_AUTH_ENABLED') ?? '').toLowerCase() === 'true',
  };
  const key = get(env, 'ACTION_SIGNING_KEY');
  const base = get(env, 'PUBLIC_BASE_URL');
  const ttlText = get(env, 'ACTION_LINK_TTL') ?? ACTION_DEFAULTS.ACTION_LINK_TTL;
  const ttlMs = parseDuration(ttlText);
  if (ttlMs === undefined) problems.push(`ACTION_LINK_TTL "${ttlText}" is not a duration (e.g. 7d, 24h)`);
  if (key !== undefined) {
    const bytes = BASE64.test(key) ? Buffer.from(key, 'base64') : undefined;
    let ok = true;
    if (!bytes || bytes.length < MIN_KEY_BYTES) {
      problems.push(
        `ACTION_SIGNING_KEY must be base64 of at least ${MIN_KEY_BYTES} random bytes (e.g. openssl rand -base64 48)`,
      );
      ok = false;
    }
    if (base === undefined) {
      problems.push(
        'PUBLIC_BASE_URL is missing: action links need the app address (https://<app>.azurewebsites.net)',
      );
      ok = false;
    } else if (!/^https?:\/\/[^/?#\s]+(\/[^?#\s]*)?$/.test(base)) {
      problems.push('PUBLIC_BASE_URL is not an http(s) URL without query or fragment');
      ok = false;
    }
    if (ok && bytes && base && ttlMs !== undefined) out.actions = { key: bytes, baseUrl: base, ttlMs };
  }
  const token = get(env, 'TEAMS_OUTGOING_WEBHOOK_TOKEN');
  if (token !== undefined) {
    const bytes = BASE64.test(token) ? Buffer.from(token, 'base64') : undefined;
    if (!bytes || bytes.length < 16)
      problems.push(
        'TEAMS_OUTGOING_WEBHOOK_TOKEN must be the base64 security token Teams showed when the webhook was created',
      );
    else out.outgoingWebhookKey = bytes;
  }
  return out;
}

/** For readers that cannot report problems (the senders): valid settings or none. */
export function actionLinksFromEnv(env: Env): ActionLinkSettings | undefined {
  return parseInteraction(env, []).actions;
}
