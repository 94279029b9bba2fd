/**
 * App settings of the Functions app (environment variables), validated once at start-up. Every missing or invalid
 * setting yields its own clear message; all of them are reported together.
 */
import { parseRecipientSetting, type RecipientRule } from '../notify/recipients.js';
import { formatDuration, parseDuration } from './duration.js';
import { DEFAULT_HANG_AFTER_SECONDS } from '../diagnosis/rules/deploymentHung.js';

export type ClusterSetting =
  /** An AKS cluster by ARM resource id; credentials come from ARM with the app's managed identity. */
  | { kind: 'aks'; name: string; resourceId: string; subscriptionId: string; resourceGroup: string }
  /** A kubeconfig held in an app setting (typically a Key Vault reference), named by that setting. */
  | { kind: 'kubeconfig'; name: string; setting: string; kubeconfig: string };

export interface WorkspaceSetting {
  name: string;
  resourceId: string;
  subscriptionId: string;
  resourceGroup: string;
}

export interface ChannelSettings {
  teams?: { webhookUrl: string };
  email?: { endpoint?: string; connectionString?: string; sender: string; to: string[] };
  webhook?: { url: string };
}

export type StorageSetting =
  | { kind: 'connectionString'; connectionString: string }
  | {
      kind: 'identity';
      blobEndpoint: string;
      queueEndpoint: string;
      tableEndpoint: string;
      clientId?: string;
    };

export interface MonitorSettings {
  storage: StorageSetting;
  clusters: ClusterSetting[];
  workspaces: WorkspaceSetting[];
  channels: ChannelSettings;
  sweepSchedule: string;
  hangAfterMs: number;
  repeatAfterMs: number;
  /** More incidents than this in one sweep and cluster are grouped into one message. */
  groupOver: number;
  outboxQueue: string;
  imageLogRecheckQueue: string;
  imageLogRecheckDelayMs: number;
  imageLogMaxRechecks: number;
  /** Connection string for the workspace storage account: only for Azurite; in Azure the managed identity is used. */
  imageLogConnectionString?: string;
  evidenceContainer: string;
}

export type Env = Record<string, string | undefined>;

export const DEFAULTS = {
  SWEEP_SCHEDULE: '0 */2 * * * *',
  // One hang threshold for the monitor and the engine (`amlmon diagnose` without settings uses the same).
  HANG_AFTER: `${DEFAULT_HANG_AFTER_SECONDS / 60}m`,
  REPEAT_AFTER: '4h',
  GROUP_OVER: '3',
  OUTBOX_QUEUE: 'amlmon-outbox',
  IMAGELOG_RECHECK_QUEUE: 'amlmon-imagelog-recheck',
  IMAGELOG_RECHECK_DELAY: '1m',
  IMAGELOG_MAX_RECHECKS: '10',
  EVIDENCE_CONTAINER: 'amlmon-evidence',
} as const;

export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid app settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'SettingsError';
  }
}

const AKS_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ContainerService\/managedClusters\/([^/]+)\/?$/i;
const WORKSPACE_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.MachineLearningServices\/workspaces\/([^/]+)\/?$/i;
const QUEUE_NAME = /^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/;
const CONTAINER_NAME = QUEUE_NAME;
const SETTING_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

function list(v: string | undefined): string[] {
  return (v ?? '')
    .split(/[,;\n]/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function isHttpUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

/** A URL fit for a log line: origin and path only (webhook URLs carry their secret in the query). */
function safeUrl(v: string): string {
  try {
    const u = new URL(v);
    return `${u.origin}${u.pathname.length > 24 ? `${u.pathname.slice(0, 24)}…` : u.pathname}`;
  } catch {
    return '(unparseable)';
  }
}

/**
 * The delivery channels alone (also used by `amlmon watch`, where none is required). Problems are appended.
 * The setting names are delivery's (shared/notify/settings.ts builds the senders); this only checks them all up
 * front, so a misconfigured app says everything that is wrong at once.
 */
export function parseChannels(env: Env, problems: string[]): ChannelSettings {
  const get = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const channels: ChannelSettings = {};
  const teams = get('TEAMS_WEBHOOK_URL');
  if (teams) {
    if (isHttpUrl(teams)) channels.teams = { webhookUrl: teams };
    else problems.push(`TEAMS_WEBHOOK_URL (${safeUrl(teams)}) is not an http(s) URL`);
  }
  const webhook = get('WEBHOOK_URL');
  if (webhook) {
    if (isHttpUrl(webhook)) channels.webhook = { url: webhook };
    else problems.push(`WEBHOOK_URL (${safeUrl(webhook)}) is not an http(s) URL`);
  }
  const acsEndpoint = get('ACS_ENDPOINT');
  const acsConn = get('ACS_CONNECTION_STRING');
  const sender = get('ACS_SENDER_ADDRESS');
  const recipients = get('EMAIL_RECIPIENTS');
  if (acsEndpoint || acsConn || sender || recipients) {
    const before = problems.length;
    if (!acsEndpoint && !acsConn)
      problems.push('email: set ACS_ENDPOINT (managed identity) or ACS_CONNECTION_STRING');
    if (acsEndpoint && !isHttpUrl(acsEndpoint))
      problems.push(`ACS_ENDPOINT (${safeUrl(acsEndpoint)}) is not an http(s) URL`);
    if (acsConn && !/endpoint=/i.test(acsConn)) problems.push('ACS_CONNECTION_STRING has no endpoint=...');
    if (!sender)
      problems.push('email: ACS_SENDER_ADDRESS is missing (e.g. DoNotReply@<domain>.azurecomm.net)');
    else if (!EMAIL.test(sender)) problems.push(`ACS_SENDER_ADDRESS "${sender}" is not an e-mail address`);
    let rules: RecipientRule[] = [];
    try {
      rules = parseRecipientSetting(recipients ?? '');
      if (rules.length === 0)
        problems.push('email: EMAIL_RECIPIENTS is missing (comma-separated addresses, or JSON rules)');
    } catch (err) {
      problems.push((err as Error).message);
    }
    if (problems.length === before && sender) {
      channels.email = {
        endpoint: acsEndpoint,
        connectionString: acsConn,
        sender,
        to: rules.flatMap((r) => r.to),
      };
    }
  }
  return channels;
}

export function parseSettings(env: Env): MonitorSettings {
  const problems: string[] = [];
  const get = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };

  // Storage: the host's own account (AzureWebJobsStorage), by connection string or identity.
  let storage: StorageSetting | undefined;
  const conn = get('AzureWebJobsStorage');
  const account = get('AzureWebJobsStorage__accountName');
  if (conn) storage = { kind: 'connectionString', connectionString: conn };
  else if (account || get('AzureWebJobsStorage__blobServiceUri')) {
    const base = (svc: string): string | undefined =>
      get(`AzureWebJobsStorage__${svc}ServiceUri`) ??
      (account ? `https://${account}.${svc}.core.windows.net` : undefined);
    const blob = base('blob');
    const queue = base('queue');
    const table = base('table');
    if (!blob || !queue || !table) {
      problems.push(
        'AzureWebJobsStorage__blobServiceUri, __queueServiceUri and __tableServiceUri must all be set (or set AzureWebJobsStorage__accountName)',
      );
    } else {
      storage = {
        kind: 'identity',
        blobEndpoint: blob,
        queueEndpoint: queue,
        tableEndpoint: table,
        clientId: get('AzureWebJobsStorage__clientId'),
      };
    }
  } else {
    problems.push(
      'AzureWebJobsStorage is missing: set a connection string (UseDevelopmentStorage=true for Azurite) or AzureWebJobsStorage__accountName for a managed identity',
    );
  }

  // Clusters.
  const clusters: ClusterSetting[] = [];
  const clusterEntries = list(get('CLUSTERS'));
  if (clusterEntries.length === 0) {
    problems.push(
      'CLUSTERS is missing: list AKS resource ids (/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ContainerService/managedClusters/<name>) or kubeconfig:<SETTING> entries, comma-separated',
    );
  }
  for (const entry of clusterEntries) {
    const aks = AKS_ID.exec(entry);
    if (aks?.[1] && aks[2] && aks[3]) {
      clusters.push({
        kind: 'aks',
        name: aks[3],
        resourceId: entry,
        subscriptionId: aks[1],
        resourceGroup: aks[2],
      });
      continue;
    }
    if (entry.startsWith('kubeconfig:')) {
      const setting = entry.slice('kubeconfig:'.length);
      if (!SETTING_NAME.test(setting)) {
        problems.push(`CLUSTERS entry "${entry}": "${setting}" is not an app setting name`);
        continue;
      }
      const kubeconfig = get(setting);
      if (!kubeconfig) {
        problems.push(
          `CLUSTERS entry "${entry}": app setting ${setting} (the kubeconfig, e.g. a Key Vault reference) is empty or missing`,
        );
        continue;
      }
      clusters.push({ kind: 'kubeconfig', name: setting, setting, kubeconfig });
      continue;
    }
    problems.push(`CLUSTERS entry "${entry}" is neither an AKS resource id nor kubeconfig:<SETTING>`);
  }
  const names = clusters.map((c) => c.name);
  for (const dup of new Set(names.filter((n, i) => names.indexOf(n) !== i))) {
    problems.push(`CLUSTERS names cluster "${dup}" twice`);
  }

  // Workspaces (optional: used to filter events and to build portal links).
  const workspaces: WorkspaceSetting[] = [];
  for (const entry of list(get('WORKSPACES'))) {
    const m = WORKSPACE_ID.exec(entry);
    if (m?.[1] && m[2] && m[3]) {
      workspaces.push({ name: m[3], resourceId: entry, subscriptionId: m[1], resourceGroup: m[2] });
    } else {
      problems.push(
        `WORKSPACES entry "${entry}" is not a workspace resource id (/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.MachineLearningServices/workspaces/<name>)`,
      );
    }
  }

  const problemsBefore = problems.length;
  const channels = parseChannels(env, problems);
  if (Object.keys(channels).length === 0 && problems.length === problemsBefore) {
    problems.push(
      'no channel configured: set TEAMS_WEBHOOK_URL, WEBHOOK_URL and/or ACS_CONNECTION_STRING (or ACS_ENDPOINT) + ACS_SENDER_ADDRESS + EMAIL_RECIPIENTS',
    );
  }

  // Schedule and thresholds.
  const sweepSchedule = get('SWEEP_SCHEDULE') ?? DEFAULTS.SWEEP_SCHEDULE;
  if (sweepSchedule.split(/\s+/).length !== 6) {
    problems.push(
      `SWEEP_SCHEDULE "${sweepSchedule}" is not a 6-field NCRONTAB expression ({second} {minute} {hour} {day} {month} {day-of-week})`,
    );
  }
  const duration = (name: keyof typeof DEFAULTS): number => {
    const text = get(name) ?? DEFAULTS[name];
    const ms = parseDuration(text);
    if (ms === undefined) {
      problems.push(`${name} "${text}" is not a duration (e.g. 90s, 10m, 4h)`);
      return parseDuration(DEFAULTS[name]) ?? 0;
    }
    return ms;
  };
  const count = (name: keyof typeof DEFAULTS, min: number): number => {
    const text = get(name) ?? DEFAULTS[name];
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) {
      problems.push(`${name} "${text}" is not a whole number >= ${min}`);
      return Number(DEFAULTS[name]);
    }
    return n;
  };
  const name = (setting: keyof typeof DEFAULTS, pattern: RegExp, what: string): string => {
    const v = get(setting) ?? DEFAULTS[setting];
    if (!pattern.test(v))
      problems.push(
        `${setting} "${v}" is not a valid ${what} name (3–63 lower-case letters, digits, single hyphens)`,
      );
    return v;
  };

  const settings = {
    storage,
    clusters,
    workspaces,
    channels,
    sweepSchedule,
    hangAfterMs: duration('HANG_AFTER'),
    repeatAfterMs: duration('REPEAT_AFTER'),
    groupOver: count('GROUP_OVER', 1),
    outboxQueue: name('OUTBOX_QUEUE', QUEUE_NAME, 'queue'),
    imageLogRecheckQueue: name('IMAGELOG_RECHECK_QUEUE', QUEUE_NAME, 'queue'),
    imageLogRecheckDelayMs: duration('IMAGELOG_RECHECK_DELAY'),
    imageLogMaxRechecks: count('IMAGELOG_MAX_RECHECKS', 0),
    imageLogConnectionString: get('IMAGELOG_STORAGE_CONNECTION'),
    evidenceContainer: name('EVIDENCE_CONTAINER', CONTAINER_NAME, 'blob container'),
  };
  if (problems.length > 0 || !storage) throw new SettingsError(problems);
  return { ...settings, storage };
}

/** One line per setting for the start-up log; never prints secrets (URLs reduced, connection strings hidden). */
export function describeSettings(s: MonitorSettings): string[] {
  return [
    `storage: ${s.storage.kind === 'connectionString' ? 'connection string' : `managed identity (${s.storage.blobEndpoint})`}`,
    `clusters: ${s.clusters.map((c) => `${c.name} (${c.kind})`).join(', ')}`,
    `workspaces: ${s.workspaces.map((w) => w.name).join(', ') || '(any)'}`,
    `channels: ${Object.keys(s.channels).join(', ')}`,
    `sweep: ${s.sweepSchedule}; hang after ${formatDuration(s.hangAfterMs)}; repeat after ${formatDuration(s.repeatAfterMs)}`,
  ];
}
