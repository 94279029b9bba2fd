/**
 * Settings of the interactive parts: signed action links on alerts (ACTION_SIGNING_KEY, PUBLIC_BASE_URL,
 * ACTION_LINK_TTL) and the Teams outgoing webhook (TEAMS_OUTGOING_WEBHOOK_TOKEN). All optional: without a key the
 * alerts carry no action links; without a token the chat endpoint refuses every request. WEBSITE_AUTH_ENABLED is
 * set by App Service when its authentication (Easy Auth) is on; only then is the signed-in user's name trusted.
 */
import { MIN_KEY_BYTES, type ActionLinkSettings } from '../actions/token.js';
import { parseDuration } from './duration.js';
import { DEFAULTS } from './names.js';
import type { SettingsReader } from './reader.js';

export interface InteractionSettings {
  actions?: ActionLinkSettings;
  /** The outgoing webhook's security token, base64-decoded (the HMAC key Teams signs with). */
  outgoingWebhookKey?: Buffer;
  /** Trust `x-ms-client-principal-name`: only when App Service authentication (Easy Auth) is on and strips it. */
  trustEasyAuth: boolean;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Problems go to the reader (never the secret values); the result holds what was valid. */
export function readInteraction(r: SettingsReader): InteractionSettings {
  const out: InteractionSettings = {
    trustEasyAuth: (r.get('WEBSITE_AUTH_ENABLED') ?? '').toLowerCase() === 'true',
  };
  const key = r.get('ACTION_SIGNING_KEY');
  const base = r.get('PUBLIC_BASE_URL');
  const ttlText = r.text('ACTION_LINK_TTL');
  const ttlMs = parseDuration(ttlText);
  if (ttlMs === undefined) r.problem(`ACTION_LINK_TTL "${ttlText}" is not a duration (e.g. 7d, 24h)`);
  if (key !== undefined) {
    const bytes = BASE64.test(key) ? Buffer.from(key, 'base64') : undefined;
    let ok = true;
    if (!bytes || bytes.length < MIN_KEY_BYTES) {
      r.problem(
        `ACTION_SIGNING_KEY must be base64 of at least ${MIN_KEY_BYTES} random bytes (e.g. openssl rand -base64 48)`,
      );
      ok = false;
    }
    if (base === undefined) {
      r.problem(
        'PUBLIC_BASE_URL is missing: action links need the app address (https://<app>.azurewebsites.net)',
      );
      ok = false;
    } else if (!/^https?:\/\/[^/?#\s]+(\/[^?#\s]*)?$/.test(base)) {
      r.problem('PUBLIC_BASE_URL is not an http(s) URL without query or fragment');
      ok = false;
    }
    if (ok && bytes && base && ttlMs !== undefined) out.actions = { key: bytes, baseUrl: base, ttlMs };
  }
  const token = r.get('TEAMS_OUTGOING_WEBHOOK_TOKEN');
  if (token !== undefined) {
    const bytes = BASE64.test(token) ? Buffer.from(token, 'base64') : undefined;
    if (!bytes || bytes.length < 16)
      r.problem(
        'TEAMS_OUTGOING_WEBHOOK_TOKEN must be the base64 security token Teams showed when the webhook was created',
      );
    else out.outgoingWebhookKey = bytes;
  }
  return out;
}

export const ACTION_LINK_TTL_DEFAULT = DEFAULTS.ACTION_LINK_TTL;
