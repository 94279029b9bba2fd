/**
 * Channels from app settings (environment variables). Every setting is documented in docs/delivery.md.
 * A channel is enabled by its URL/connection setting; a half-configured channel is a clear start-up error.
 */
import { readFileSync } from 'node:fs';
import type { TokenCredential } from '@azure/core-auth';
import type { ChannelConfig, ReportSettings } from './config.js';
import { parseRecipientSetting } from './recipients.js';
import type { RateWindow } from './throttle.js';

export type Settings = Record<string, string | undefined>;

function int(env: Settings, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  return n;
}

export function reportSettingsFrom(env: Settings): ReportSettings {
  return {
    ...(env.REPORT_DOCS_URL ? { docsUrl: env.REPORT_DOCS_URL } : {}),
    ...(env.REPORT_TIME_ZONE || env.DIGEST_TIME_ZONE
      ? { timeZone: (env.REPORT_TIME_ZONE || env.DIGEST_TIME_ZONE) as string }
      : {}),
    ...(env.REPORT_PRODUCT_NAME ? { productName: env.REPORT_PRODUCT_NAME } : {}),
    ...(env.EVIDENCE_STORAGE_ACCOUNT_ID ? { evidenceStorageAccountId: env.EVIDENCE_STORAGE_ACCOUNT_ID } : {}),
    ...(env.TEAMS_MAX_CARD_BYTES ? { maxCardBytes: int(env, 'TEAMS_MAX_CARD_BYTES', 20_000, 2_000) } : {}),
  };
}

export interface ChannelSettingsOptions {
  /** For ACS_ENDPOINT without a connection string (managed identity); default DefaultAzureCredential. */
  credential?: TokenCredential;
}

export async function channelsFromSettings(
  env: Settings,
  opts: ChannelSettingsOptions = {},
): Promise<ChannelConfig[]> {
  const report = reportSettingsFrom(env);
  const timeoutMs = int(env, 'NOTIFY_TIMEOUT_MS', 30_000, 1);
  const caCert = env.NOTIFY_EXTRA_CA_FILE ? readFileSync(env.NOTIFY_EXTRA_CA_FILE, 'utf8') : undefined;
  const common = { report, timeoutMs, ...(caCert ? { caCert } : {}) };
  const channels: ChannelConfig[] = [];

  if (env.ACS_CONNECTION_STRING || env.ACS_ENDPOINT) {
    const senderAddress = env.ACS_SENDER_ADDRESS ?? '';
    if (!senderAddress)
      throw new Error(
        'ACS_SENDER_ADDRESS is required when email is configured (ACS_CONNECTION_STRING or ACS_ENDPOINT)',
      );
    const recipients = parseRecipientSetting(env.EMAIL_RECIPIENTS ?? '');
    if (recipients.length === 0) throw new Error('EMAIL_RECIPIENTS is required when email is configured');
    const throttle: RateWindow[] = [
      { limit: int(env, 'EMAIL_RATE_PER_MINUTE', 30, 1), windowMs: 60_000 },
      { limit: int(env, 'EMAIL_RATE_PER_HOUR', 100, 1), windowMs: 3_600_000 },
    ];
    const base = {
      kind: 'email' as const,
      name: 'email',
      senderAddress,
      recipients,
      throttle,
      pollIntervalMs: int(env, 'EMAIL_POLL_INTERVAL_MS', 10_000),
      maxPolls: int(env, 'EMAIL_MAX_POLLS', 3),
      ...common,
    };
    if (env.ACS_CONNECTION_STRING) {
      channels.push({ ...base, connectionString: env.ACS_CONNECTION_STRING });
    } else {
      const credential = opts.credential ?? (await defaultCredential(env));
      channels.push({ ...base, endpoint: env.ACS_ENDPOINT as string, credential });
    }
  }
  if (env.TEAMS_WEBHOOK_URL) {
    channels.push({ kind: 'teams', name: 'teams', url: env.TEAMS_WEBHOOK_URL, ...common });
  }
  if (env.WEBHOOK_URL) {
    channels.push({
      kind: 'webhook',
      name: 'webhook',
      url: env.WEBHOOK_URL,
      ...(env.WEBHOOK_SECRET ? { secret: env.WEBHOOK_SECRET } : {}),
      ...common,
    });
  }
  return channels;
}

async function defaultCredential(env: Settings): Promise<TokenCredential> {
  const { DefaultAzureCredential } = await import('@azure/identity');
  return new DefaultAzureCredential(
    env.AZURE_CLIENT_ID ? { managedIdentityClientId: env.AZURE_CLIENT_ID } : {},
  );
}
