/**
 * The app settings of infra/ against the settings the code reads (shared/config/names.ts): every setting the code
 * needs is set, none is set that no code reads, secrets only as Key Vault references, defaults that agree.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { SETTINGS } from '../../shared/config/names.js';
import {
  checkSettings,
  parameterDefaults,
  templateSettings,
  type CodeSetting,
  type ParsedFile,
  type SettingsPolicy,
} from './checks.js';
import { loadInfra, snippet } from './load.js';

/** Settings the template sets that the app's code does not read. */
const POLICY: SettingsPolicy = {
  host: new Map([
    ['AzureWebJobsStorage__credential', 'Functions host: identity-based AzureWebJobsStorage'],
    ['APPLICATIONINSIGHTS_CONNECTION_STRING', 'Functions host: telemetry destination'],
    ['APPLICATIONINSIGHTS_AUTHENTICATION_STRING', 'Functions host: Entra ID authentication for telemetry'],
  ]),
  notInAzure: new Map([
    [
      'AzureWebJobsStorage',
      'a connection string: Azurite only; Azure uses the identity (AzureWebJobsStorage__*)',
    ],
    ['AzureWebJobsStorage__accountName', 'the template sets the three service URIs instead'],
    ['IMAGELOG_STORAGE_CONNECTION', 'Azurite only; Azure reads workspace storage with the identity'],
    ['ACS_CONNECTION_STRING', 'a key: Azure sends with the identity (ACS_ENDPOINT)'],
    ['NOTIFY_EXTRA_CA_FILE', 'local stand-ins with their own CA only'],
    ['AMLMON_CHART_FONT', 'local font override; the package ships its font'],
    ['REPORT_DOCS_URL', 'optional link; no default to deploy'],
    ['DIGEST_TIME_ZONE', 'optional; falls back to REPORT_TIME_ZONE, which the template sets'],
    ['GROUP_OVER', 'tuning; the code default applies'],
    ['AZUREML_REFRESH_AFTER', 'tuning; the code default (30m) applies'],
    ['ACTION_LINK_TTL', 'tuning; the code default (7d) applies'],
    ['WEBSITE_AUTH_ENABLED', 'set by App Service itself when its authentication is turned on'],
    ['OUTBOX_QUEUE', 'the code default names the queue the trigger binds to'],
    ['IMAGELOG_RECHECK_QUEUE', 'the code default names the queue the trigger binds to'],
    ['IMAGELOG_RECHECK_DELAY', 'tuning; the code default applies'],
    ['IMAGELOG_MAX_RECHECKS', 'tuning; the code default applies'],
    ['EMAIL_RATE_PER_MINUTE', 'tuning; the code default applies'],
    ['EMAIL_RATE_PER_HOUR', 'tuning; the code default applies'],
    ['EMAIL_POLL_INTERVAL_MS', 'tuning; the code default applies'],
    ['EMAIL_MAX_POLLS', 'tuning; the code default applies'],
    ['TEAMS_MAX_CARD_BYTES', 'tuning; the code default applies'],
    ['NOTIFY_TIMEOUT_MS', 'tuning; the code default applies'],
    ['REPORT_PRODUCT_NAME', 'branding; the code default applies'],
    ['DIGEST_SEND_WHEN_QUIET', 'the code default applies'],
    // Set only with their channel (a conditional appSettings* variable); listed here for the check's sake.
  ]),
};

let files: ParsedFile[] = [];
let main: ParsedFile;

beforeAll(async () => {
  ({ files, main } = await loadInfra());
});

describe('app settings', () => {
  const code: CodeSetting[] = SETTINGS.map((s) => ({ ...s }));

  it('sets every setting the code needs, and none the code does not read', () => {
    const set = templateSettings(files);
    expect(set.has('CLUSTERS')).toBe(true);
    expect(checkSettings(set, code, parameterDefaults(main.tree), POLICY)).toEqual([]);
  });

  it('lists in the policy only settings the code really reads', () => {
    const names = new Set(code.map((s) => s.name));
    expect([...POLICY.notInAzure.keys()].filter((n) => !names.has(n))).toEqual([]);
  });

  it('catches a misspelt setting, a secret in plain text, a drifted default and a forgotten setting', async () => {
    const bad = await snippet(
      [
        "param sweepSchedule string = '0 */5 * * * *'",
        "@secure()\nparam teams string = ''",
        'var appSettingsBad = {',
        "  CLUSTER: 'x'",
        '  TEAMS_WEBHOOK_URL: teams',
        '  SWEEP_SCHEDULE: sweepSchedule',
        "  WEBSITE_AUTH_ENABLED: 'true'",
        '}',
      ].join('\n'),
    );
    // A platform setting as shared/config lists them (the Functions host sets it when Easy Auth is on).
    const withPlatform: CodeSetting[] = [...code, { name: 'WEBSITE_AUTH_ENABLED', group: 'platform' }];
    const problems = checkSettings(
      templateSettings([bad]),
      withPlatform,
      parameterDefaults(bad.tree),
      POLICY,
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('app setting CLUSTER is set, but no code reads it'),
        expect.stringContaining('TEAMS_WEBHOOK_URL holds a secret but is not a Key Vault reference'),
        expect.stringContaining('SWEEP_SCHEDULE defaults to "0 */5 * * * *"'),
        expect.stringContaining('app setting CLUSTERS is required by the code'),
        expect.stringContaining(
          'app setting HANG_AFTER is read by the code but the template neither sets it',
        ),
        expect.stringContaining(
          'WEBSITE_AUTH_ENABLED is set by the Functions platform; the template must not set it',
        ),
      ]),
    );
  });
});
