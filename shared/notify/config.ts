/** Channel configuration: what createSender needs. Built from app settings by ./settings.ts or by hand in tests. */
import type { TokenCredential } from '@azure/core-auth';
import type { ReportContext } from '../report/context.js';
import type { RecipientRule } from './recipients.js';
import type { RateWindow } from './throttle.js';

/** Report settings every channel shares; `now` is taken from the clock at send time. */
export type ReportSettings = Omit<ReportContext, 'now' | 'chart'>;

interface ChannelBase {
  /** Safe display name for logs and errors (never a URL or key); default `<kind>`. */
  name?: string;
  report?: ReportSettings;
  /** Sliding-window limits; defaults per channel kind. An empty array disables local throttling. */
  throttle?: RateWindow[];
  /** Deadline of one send (request, plus polling for email); default 30 s. */
  timeoutMs?: number;
  /** Extra trusted CA (PEM) for HTTPS endpoints with a private CA, e.g. a loopback stand-in. */
  caCert?: string;
  /** Clock, for the throttle and "how long" figures; default Date.now. */
  now?: () => number;
}

export interface EmailChannelConfig extends ChannelBase {
  kind: 'email';
  /** `endpoint=https://<res>.communication.azure.com/;accesskey=<base64>`; or use endpoint + credential. */
  connectionString?: string;
  endpoint?: string;
  /** Managed identity / Entra credential, with `endpoint`. */
  credential?: TokenCredential;
  /** e.g. `DoNotReply@<guid>.azurecomm.net`. */
  senderAddress: string;
  recipients: RecipientRule[];
  /** Pause between status polls (ACS status checks have a small quota); default 10 s. */
  pollIntervalMs?: number;
  /** Status polls after the send before reporting "accepted"; default 3. */
  maxPolls?: number;
}

export interface TeamsChannelConfig extends ChannelBase {
  kind: 'teams';
  /** The Workflows "when a webhook request is received" URL. Secret: it carries its own signature. */
  url: string;
}

export interface WebhookChannelConfig extends ChannelBase {
  kind: 'webhook';
  url: string;
  /** When set, `X-Amlmon-Signature: sha256=<hex>` = HMAC-SHA256(secret, body). */
  secret?: string;
  /** Extra headers (e.g. an API key the receiver wants). Treated as secret: never logged. */
  headers?: Record<string, string>;
}

export type ChannelConfig = EmailChannelConfig | TeamsChannelConfig | WebhookChannelConfig;
