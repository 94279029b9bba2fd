/**
 * The one settings reader: every app setting (environment variable) the monitor, its channels, reports and digest
 * use, validated together. Every missing or invalid setting yields its own clear message; all of them are reported
 * at once (SettingsError). The names are listed in ./names.ts.
 *
 * Time zones: alerts show times in `REPORT_TIME_ZONE` (default UTC). The digest's day boundaries, week chart and
 * times use `DIGEST_TIME_ZONE`, falling back to `REPORT_TIME_ZONE`, then UTC: the more specific setting wins for
 * the digest, and `DIGEST_TIME_ZONE` never changes an alert.
 */
import { readInteraction, type InteractionSettings } from './actions.js';
import { formatDuration } from './duration.js';
import { readChannels, readReportSettings, type ChannelSetting, type ReportSettings } from './channels.js';
import type { DEFAULTS } from './names.js';
import { SettingsReader, type Env } from './reader.js';

export type { Env } from './reader.js';
export { DEFAULTS, SETTINGS, SETTING_NAMES, type SettingName, type SettingSpec } from './names.js';
export type {
  ChannelSetting,
  EmailChannelSetting,
  RateWindow,
  ReportSettings,
  TeamsChannelSetting,
  WebhookChannelSetting,
} from './channels.js';

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

export type StorageSetting =
  | { kind: 'connectionString'; connectionString: string }
  | {
      kind: 'identity';
      blobEndpoint: string;
      queueEndpoint: string;
      tableEndpoint: string;
      clientId?: string;
    };

export interface DigestSettings {
  /** `DIGEST_TIME_ZONE`, else `REPORT_TIME_ZONE`, else UTC. */
  timeZone: string;
  sendWhenQuiet: boolean;
  /** NCRONTAB of the digest timer. */
  schedule: string;
}

/** Every setting; `storage` is absent only when the caller did not require it (amlmon watch). */
export interface Settings {
  storage?: StorageSetting;
  clusters: ClusterSetting[];
  workspaces: WorkspaceSetting[];
  channels: ChannelSetting[];
  report: ReportSettings;
  digest: DigestSettings;
  sweepSchedule: string;
  hangAfterMs: number;
  repeatAfterMs: number;
  /** A cached list of an endpoint's v2 deployments older than this is listed again (shared/azureml/deploymentCache.ts). */
  azureMlRefreshAfterMs: number;
  /** More incidents than this in one sweep and cluster are grouped into one message. */
  groupOver: number;
  outboxQueue: string;
  imageLogRecheckQueue: string;
  imageLogRecheckDelayMs: number;
  imageLogMaxRechecks: number;
  /** Connection string for the workspace storage account: only for Azurite; in Azure the managed identity is used. */
  imageLogConnectionString?: string;
  evidenceContainer: string;
  /** `AZURE_CLIENT_ID`: a user-assigned identity for Azure calls other than storage (e.g. `ACS_ENDPOINT`). */
  azureClientId?: string;
  /** Action links, the chat endpoint's key, Easy Auth trust (./actions.ts). */
  interaction: InteractionSettings;
}

/** The Functions app's settings: storage, clusters and a channel are all required. */
export interface MonitorSettings extends Settings {
  storage: StorageSetting;
}

/** What a caller needs; the rest is optional (and still checked when set). */
export interface Required {
  storage: boolean;
  clusters: boolean;
  channel: boolean;
}

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

function list(v: string | undefined): string[] {
  return (v ?? '')
    .split(/[,;\n]/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * The settings the function triggers are registered with, read when the app loads (before validation, which
 * happens at start-up): a bad value here is reported by the start-up check.
 */
export function triggerSettings(env: Env): {
  sweepSchedule: string;
  digestSchedule: string;
  outboxQueue: string;
  imageLogRecheckQueue: string;
} {
  const r = new SettingsReader(env);
  return {
    sweepSchedule: r.text('SWEEP_SCHEDULE'),
    digestSchedule: r.text('DIGEST_SCHEDULE'),
    outboxQueue: r.text('OUTBOX_QUEUE'),
    imageLogRecheckQueue: r.text('IMAGELOG_RECHECK_QUEUE'),
  };
}

/** The Functions app's settings; throws one SettingsError listing every problem. */
export function parseSettings(env: Env): MonitorSettings {
  const settings = readSettings(env, { storage: true, clusters: true, channel: true });
  if (!settings.storage) throw new SettingsError(['AzureWebJobsStorage is missing']);
  return { ...settings, storage: settings.storage };
}

/** Every setting, requiring what `need` says; throws one SettingsError listing every problem. */
export function readSettings(env: Env, need: Required): Settings {
  const r = new SettingsReader(env);
  const get = r.get.bind(r);
  const problems = r.problems;
  // Storage: the host's own account (AzureWebJobsStorage), by connection string or identity.
  let storage: StorageSetting | undefined;
  const conn = get('AzureWebJobsStorage');
  const account = get('AzureWebJobsStorage__accountName');
  if (conn) storage = { kind: 'connectionString', connectionString: conn };
  else if (account || get('AzureWebJobsStorage__blobServiceUri')) {
    const base = (svc: 'blob' | 'queue' | 'table'): string | undefined =>
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
  } else if (need.storage) {
    problems.push(
      'AzureWebJobsStorage is missing: set a connection string (UseDevelopmentStorage=true for Azurite) or AzureWebJobsStorage__accountName for a managed identity',
    );
  }

  // Clusters.
  const clusters: ClusterSetting[] = [];
  const clusterEntries = list(get('CLUSTERS'));
  if (clusterEntries.length === 0 && need.clusters) {
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
      const kubeconfig = r.named(setting);
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
  const interaction = readInteraction(r);
  // Alerts carry the signed action links when a signing key and the app's address are set.
  const report: ReportSettings = {
    ...readReportSettings(r),
    ...(interaction.actions ? { actionLinks: interaction.actions } : {}),
  };
  const channels = readChannels(r, report);
  if (need.channel && channels.length === 0 && problems.length === problemsBefore) {
    problems.push(
      'no channel configured: set TEAMS_WEBHOOK_URL, WEBHOOK_URL and/or ACS_CONNECTION_STRING (or ACS_ENDPOINT) + ACS_SENDER_ADDRESS + EMAIL_RECIPIENTS',
    );
  }

  // Schedules and thresholds.
  const ncrontab = (setting: 'SWEEP_SCHEDULE' | 'DIGEST_SCHEDULE'): string => {
    const v = r.text(setting);
    if (v.split(/\s+/).length !== 6) {
      problems.push(
        `${setting} "${v}" is not a 6-field NCRONTAB expression ({second} {minute} {hour} {day} {month} {day-of-week})`,
      );
    }
    return v;
  };
  const name = (setting: keyof typeof DEFAULTS, pattern: RegExp, what: string): string => {
    const v = r.text(setting);
    if (!pattern.test(v))
      problems.push(
        `${setting} "${v}" is not a valid ${what} name (3–63 lower-case letters, digits, single hyphens)`,
      );
    return v;
  };
  const digestZone = r.timeZone('DIGEST_TIME_ZONE');
  const imageLogConnectionString = get('IMAGELOG_STORAGE_CONNECTION');
  const azureClientId = get('AZURE_CLIENT_ID');

  const settings: Settings = {
    ...(storage ? { storage } : {}),
    clusters,
    workspaces,
    channels,
    report,
    digest: {
      timeZone: digestZone ?? report.timeZone ?? 'UTC',
      sendWhenQuiet: r.flag('DIGEST_SEND_WHEN_QUIET'),
      schedule: ncrontab('DIGEST_SCHEDULE'),
    },
    sweepSchedule: ncrontab('SWEEP_SCHEDULE'),
    hangAfterMs: r.duration('HANG_AFTER'),
    repeatAfterMs: r.duration('REPEAT_AFTER'),
    azureMlRefreshAfterMs: r.duration('AZUREML_REFRESH_AFTER'),
    groupOver: r.count('GROUP_OVER', 1),
    outboxQueue: name('OUTBOX_QUEUE', QUEUE_NAME, 'queue'),
    imageLogRecheckQueue: name('IMAGELOG_RECHECK_QUEUE', QUEUE_NAME, 'queue'),
    imageLogRecheckDelayMs: r.duration('IMAGELOG_RECHECK_DELAY'),
    imageLogMaxRechecks: r.count('IMAGELOG_MAX_RECHECKS', 0),
    ...(imageLogConnectionString ? { imageLogConnectionString } : {}),
    evidenceContainer: name('EVIDENCE_CONTAINER', CONTAINER_NAME, 'blob container'),
    ...(azureClientId ? { azureClientId } : {}),
    interaction,
  };
  if (problems.length > 0) throw new SettingsError(problems);
  return settings;
}

/** One line per setting for the start-up log; never prints secrets (URLs reduced, connection strings hidden). */
export function describeSettings(s: MonitorSettings): string[] {
  return [
    `storage: ${s.storage.kind === 'connectionString' ? 'connection string' : `managed identity (${s.storage.blobEndpoint})`}`,
    `clusters: ${s.clusters.map((c) => `${c.name} (${c.kind})`).join(', ')}`,
    `workspaces: ${s.workspaces.map((w) => w.name).join(', ') || '(any)'}${s.workspaces.length > 0 ? `; v2 deployment lists refreshed after ${formatDuration(s.azureMlRefreshAfterMs)}` : ''}`,
    `channels: ${s.channels.map((c) => c.kind).join(', ')}`,
    `action links: ${s.interaction.actions ? `on (${s.interaction.actions.baseUrl}, good for ${formatDuration(s.interaction.actions.ttlMs)})` : 'off (no ACTION_SIGNING_KEY)'}; chat commands: ${s.interaction.outgoingWebhookKey ? 'on' : 'off (no TEAMS_OUTGOING_WEBHOOK_TOKEN)'}`,
    `sweep: ${s.sweepSchedule}; hang after ${formatDuration(s.hangAfterMs)}; repeat after ${formatDuration(s.repeatAfterMs)}`,
    `times: alerts in ${s.report.timeZone ?? 'UTC'}, digest in ${s.digest.timeZone} at ${s.digest.schedule}`,
  ];
}
