/**
 * Every app setting (environment variable) the monitor reads, with its default. The settings reader
 * (./settings.ts) reads settings only by these names, so this list is complete by construction; infrastructure
 * (infra/) checks its app settings against it, and test/config/names.test.ts checks that no other code reads an
 * unlisted variable.
 */

export type SettingGroup =
  | 'storage'
  | 'monitor'
  | 'channels'
  | 'reports'
  | 'digest'
  | 'triggers'
  /** Action links and chat commands. */
  | 'interaction'
  /** Set by the Azure Functions platform itself (e.g. WEBSITE_AUTH_ENABLED), never by the deployment. */
  | 'platform';

export interface SettingSpec {
  readonly name: string;
  readonly group: SettingGroup;
  /** The value used when the setting is absent or empty; absent when there is none. */
  readonly default?: string;
  /** Holds a secret (a key, a signed URL, a connection string): never logged, a Key Vault reference in Azure. */
  readonly secret?: boolean;
  /** Needed in every deployment (the others are optional or needed only with their channel). */
  readonly required?: boolean;
}

export const SETTINGS = [
  { name: 'AzureWebJobsStorage', group: 'storage', secret: true },
  { name: 'AzureWebJobsStorage__accountName', group: 'storage' },
  { name: 'AzureWebJobsStorage__blobServiceUri', group: 'storage' },
  { name: 'AzureWebJobsStorage__queueServiceUri', group: 'storage' },
  { name: 'AzureWebJobsStorage__tableServiceUri', group: 'storage' },
  { name: 'AzureWebJobsStorage__clientId', group: 'storage' },
  { name: 'CLUSTERS', group: 'monitor', required: true },
  { name: 'WORKSPACES', group: 'monitor' },
  { name: 'AZUREML_REFRESH_AFTER', group: 'monitor', default: '30m' },
  { name: 'SWEEP_SCHEDULE', group: 'triggers', default: '0 */2 * * * *' },
  { name: 'HANG_AFTER', group: 'monitor', default: '10m' },
  { name: 'REPEAT_AFTER', group: 'monitor', default: '4h' },
  { name: 'GROUP_OVER', group: 'monitor', default: '3' },
  { name: 'OUTBOX_QUEUE', group: 'triggers', default: 'amlmon-outbox' },
  { name: 'IMAGELOG_RECHECK_QUEUE', group: 'triggers', default: 'amlmon-imagelog-recheck' },
  { name: 'IMAGELOG_RECHECK_DELAY', group: 'monitor', default: '1m' },
  { name: 'IMAGELOG_MAX_RECHECKS', group: 'monitor', default: '10' },
  { name: 'IMAGELOG_STORAGE_CONNECTION', group: 'monitor', secret: true },
  { name: 'EVIDENCE_CONTAINER', group: 'monitor', default: 'amlmon-evidence' },
  { name: 'ACS_CONNECTION_STRING', group: 'channels', secret: true },
  { name: 'ACS_ENDPOINT', group: 'channels' },
  { name: 'AZURE_CLIENT_ID', group: 'channels' },
  { name: 'ACS_SENDER_ADDRESS', group: 'channels' },
  { name: 'EMAIL_RECIPIENTS', group: 'channels' },
  { name: 'EMAIL_RATE_PER_MINUTE', group: 'channels', default: '30' },
  { name: 'EMAIL_RATE_PER_HOUR', group: 'channels', default: '100' },
  { name: 'EMAIL_POLL_INTERVAL_MS', group: 'channels', default: '10000' },
  { name: 'EMAIL_MAX_POLLS', group: 'channels', default: '3' },
  { name: 'TEAMS_WEBHOOK_URL', group: 'channels', secret: true },
  { name: 'TEAMS_MAX_CARD_BYTES', group: 'channels', default: '20000' },
  { name: 'WEBHOOK_URL', group: 'channels', secret: true },
  { name: 'WEBHOOK_SECRET', group: 'channels', secret: true },
  { name: 'NOTIFY_TIMEOUT_MS', group: 'channels', default: '30000' },
  { name: 'NOTIFY_EXTRA_CA_FILE', group: 'channels' },
  { name: 'REPORT_DOCS_URL', group: 'reports' },
  { name: 'REPORT_TIME_ZONE', group: 'reports', default: 'UTC' },
  { name: 'REPORT_PRODUCT_NAME', group: 'reports', default: 'amlmon' },
  { name: 'EVIDENCE_STORAGE_ACCOUNT_ID', group: 'reports' },
  { name: 'AMLMON_CHART_FONT', group: 'reports' },
  { name: 'DIGEST_SCHEDULE', group: 'triggers', default: '0 0 8 * * *' },
  { name: 'DIGEST_TIME_ZONE', group: 'digest' },
  { name: 'DIGEST_SEND_WHEN_QUIET', group: 'digest', default: 'true' },
  { name: 'ACTION_SIGNING_KEY', group: 'interaction', secret: true },
  { name: 'PUBLIC_BASE_URL', group: 'interaction' },
  { name: 'ACTION_LINK_TTL', group: 'interaction', default: '7d' },
  { name: 'TEAMS_OUTGOING_WEBHOOK_TOKEN', group: 'interaction', secret: true },
  { name: 'WEBSITE_AUTH_ENABLED', group: 'platform' },
] as const satisfies readonly SettingSpec[];

export type SettingName = (typeof SETTINGS)[number]['name'];

export const SETTING_NAMES: readonly SettingName[] = SETTINGS.map((s) => s.name);

/**
 * Settings whose names the deployment chooses: `CLUSTERS` entries `kubeconfig:<SETTING>` name the app setting that
 * holds that cluster's kubeconfig. Any such name is read too.
 */
export const NAMED_BY_CLUSTERS = 'kubeconfig:<SETTING>';

type Defaulted = Extract<(typeof SETTINGS)[number], { default: string }>;

/** The default of every setting that has one, by name. */
export const DEFAULTS = Object.fromEntries(
  SETTINGS.flatMap((s) => ('default' in s ? [[s.name, s.default]] : [])),
) as { readonly [K in Defaulted['name']]: Extract<Defaulted, { name: K }>['default'] };
