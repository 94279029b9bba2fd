/**
 * The delivery channels, as typed configurations read from the app settings. A channel is enabled by its URL or
 * connection setting; a half-configured channel is a problem named by its settings. The senders are built from
 * these in shared/monitor/senders.ts (which adds the Azure credential an `ACS_ENDPOINT` email channel needs).
 */
import { readFileSync } from 'node:fs';
import type { ActionLinkSettings } from '../actions/token.js';
import { isHttpUrl, safeUrl, type SettingsReader } from './reader.js';
import { parseRecipientSetting, type RecipientRule } from './recipients.js';

/** What every rendered report shares; `now` is taken from the clock at send time. */
export interface ReportSettings {
  /** IANA zone of the times shown in alerts: `REPORT_TIME_ZONE` (default UTC). */
  timeZone?: string;
  productName?: string;
  docsUrl?: string;
  maxCardBytes?: number;
  /** `EVIDENCE_STORAGE_ACCOUNT_ID`: resource id of the evidence storage account, for a portal link in alerts. */
  evidenceStorageAccountId?: string;
  /** Signing settings of the alerts' action links (ACTION_SIGNING_KEY, PUBLIC_BASE_URL; see ./actions.ts). */
  actionLinks?: ActionLinkSettings;
}

/** One sliding-window send limit. */
export interface RateWindow {
  limit: number;
  windowMs: number;
}

interface ChannelSettingBase {
  name: string;
  report: ReportSettings;
  /** Deadline of one send (request, plus polling for email). */
  timeoutMs: number;
  /** Extra trusted CA (PEM), from the file `NOTIFY_EXTRA_CA_FILE` names. */
  caCert?: string;
}

export interface EmailChannelSetting extends ChannelSettingBase {
  kind: 'email';
  /** Set when `ACS_CONNECTION_STRING` is; otherwise `endpoint` with the managed identity. */
  connectionString?: string;
  endpoint?: string;
  senderAddress: string;
  recipients: RecipientRule[];
  throttle: RateWindow[];
  pollIntervalMs: number;
  maxPolls: number;
}

export interface TeamsChannelSetting extends ChannelSettingBase {
  kind: 'teams';
  url: string;
}

export interface WebhookChannelSetting extends ChannelSettingBase {
  kind: 'webhook';
  url: string;
  secret?: string;
}

export type ChannelSetting = EmailChannelSetting | TeamsChannelSetting | WebhookChannelSetting;

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** The report settings alone. `DIGEST_TIME_ZONE` is not one: it is the digest's (see readDigestSettings). */
export function readReportSettings(r: SettingsReader): ReportSettings {
  const timeZone = r.timeZone('REPORT_TIME_ZONE');
  const productName = r.get('REPORT_PRODUCT_NAME');
  const docsUrl = r.get('REPORT_DOCS_URL');
  const evidenceStorageAccountId = r.get('EVIDENCE_STORAGE_ACCOUNT_ID');
  return {
    ...(evidenceStorageAccountId ? { evidenceStorageAccountId } : {}),
    ...(docsUrl ? { docsUrl } : {}),
    ...(timeZone ? { timeZone } : {}),
    ...(productName ? { productName } : {}),
    ...(r.get('TEAMS_MAX_CARD_BYTES') ? { maxCardBytes: r.count('TEAMS_MAX_CARD_BYTES', 2_000) } : {}),
  };
}

/** Every configured channel, in the order email, teams, webhook; problems go to the reader. */
export function readChannels(
  r: SettingsReader,
  report: ReportSettings = readReportSettings(r),
): ChannelSetting[] {
  const timeoutMs = r.count('NOTIFY_TIMEOUT_MS', 1);
  let caCert: string | undefined;
  const caFile = r.get('NOTIFY_EXTRA_CA_FILE');
  if (caFile) {
    try {
      caCert = readFileSync(caFile, 'utf8');
    } catch (err) {
      r.problem(`NOTIFY_EXTRA_CA_FILE "${caFile}" cannot be read: ${(err as Error).message}`);
    }
  }
  const common = { report, timeoutMs, ...(caCert ? { caCert } : {}) };
  const channels: ChannelSetting[] = [];

  const acsEndpoint = r.get('ACS_ENDPOINT');
  const acsConn = r.get('ACS_CONNECTION_STRING');
  const sender = r.get('ACS_SENDER_ADDRESS');
  const recipientsText = r.get('EMAIL_RECIPIENTS');
  if (acsEndpoint || acsConn || sender || recipientsText) {
    const before = r.problems.length;
    if (!acsEndpoint && !acsConn)
      r.problem('email: set ACS_ENDPOINT (managed identity) or ACS_CONNECTION_STRING');
    if (acsEndpoint && !isHttpUrl(acsEndpoint))
      r.problem(`ACS_ENDPOINT (${safeUrl(acsEndpoint)}) is not an http(s) URL`);
    if (acsConn && !/endpoint=/i.test(acsConn)) r.problem('ACS_CONNECTION_STRING has no endpoint=...');
    if (!sender) r.problem('email: ACS_SENDER_ADDRESS is missing (e.g. DoNotReply@<domain>.azurecomm.net)');
    else if (!EMAIL.test(sender)) r.problem(`ACS_SENDER_ADDRESS "${sender}" is not an e-mail address`);
    let recipients: RecipientRule[] = [];
    try {
      recipients = parseRecipientSetting(recipientsText ?? '');
      if (recipients.length === 0)
        r.problem('email: EMAIL_RECIPIENTS is missing (comma-separated addresses, or JSON rules)');
    } catch (err) {
      r.problem((err as Error).message);
    }
    const throttle: RateWindow[] = [
      { limit: r.count('EMAIL_RATE_PER_MINUTE', 1), windowMs: 60_000 },
      { limit: r.count('EMAIL_RATE_PER_HOUR', 1), windowMs: 3_600_000 },
    ];
    const pollIntervalMs = r.count('EMAIL_POLL_INTERVAL_MS', 0);
    const maxPolls = r.count('EMAIL_MAX_POLLS', 0);
    if (r.problems.length === before && sender) {
      channels.push({
        kind: 'email',
        name: 'email',
        // With both set, the connection string is used (as the Azure SDK would).
        ...(acsConn ? { connectionString: acsConn } : { endpoint: acsEndpoint }),
        senderAddress: sender,
        recipients,
        throttle,
        pollIntervalMs,
        maxPolls,
        ...common,
      });
    }
  }
  const teams = r.get('TEAMS_WEBHOOK_URL');
  if (teams) {
    if (isHttpUrl(teams)) channels.push({ kind: 'teams', name: 'teams', url: teams, ...common });
    else r.problem(`TEAMS_WEBHOOK_URL (${safeUrl(teams)}) is not an http(s) URL`);
  }
  const webhook = r.get('WEBHOOK_URL');
  if (webhook) {
    const secret = r.get('WEBHOOK_SECRET');
    if (isHttpUrl(webhook))
      channels.push({
        kind: 'webhook',
        name: 'webhook',
        url: webhook,
        ...(secret ? { secret } : {}),
        ...common,
      });
    else r.problem(`WEBHOOK_URL (${safeUrl(webhook)}) is not an http(s) URL`);
  }
  return channels;
}
