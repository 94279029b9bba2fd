import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULTS,
  parseSettings,
  readSettings,
  SETTING_NAMES,
  SettingsError,
  triggerSettings,
  type Env,
} from '../../shared/config/settings.js';

const base = {
  AzureWebJobsStorage: 'UseDevelopmentStorage=true',
  CLUSTERS: '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks1',
  TEAMS_WEBHOOK_URL: 'https://prod.example/workflows/abc?sig=SECRET',
};
const optional = { storage: false, clusters: false, channel: false };

function problems(env: Env): string[] {
  try {
    readSettings(env, optional);
  } catch (err) {
    if (err instanceof SettingsError) return err.problems;
    throw err;
  }
  return [];
}

describe('channels', () => {
  it('builds each configured channel with its limits; nothing configured is no channel', () => {
    expect(readSettings({}, optional).channels).toEqual([]);
    const { channels } = readSettings(
      {
        ACS_CONNECTION_STRING: 'endpoint=https://acs.example/;accesskey=a2V5',
        ACS_SENDER_ADDRESS: 'DoNotReply@x.azurecomm.net',
        EMAIL_RECIPIENTS: 'oncall@x.com',
        EMAIL_RATE_PER_MINUTE: '5',
        TEAMS_WEBHOOK_URL: 'https://prod.example/workflows/1?sig=s',
        WEBHOOK_URL: 'https://hooks.example/amlmon',
        WEBHOOK_SECRET: 'k',
        REPORT_TIME_ZONE: 'Europe/Berlin',
      },
      optional,
    );
    expect(channels.map((c) => c.kind)).toEqual(['email', 'teams', 'webhook']);
    const [email, , webhook] = channels;
    expect(email).toMatchObject({
      kind: 'email',
      connectionString: 'endpoint=https://acs.example/;accesskey=a2V5',
      senderAddress: 'DoNotReply@x.azurecomm.net',
      recipients: [{ to: ['oncall@x.com'] }],
      throttle: [
        { limit: 5, windowMs: 60_000 },
        { limit: 100, windowMs: 3_600_000 },
      ],
      pollIntervalMs: 10_000,
      maxPolls: 3,
      timeoutMs: 30_000,
      report: { timeZone: 'Europe/Berlin' },
    });
    expect(email).not.toHaveProperty('endpoint');
    expect(webhook).toMatchObject({ kind: 'webhook', url: 'https://hooks.example/amlmon', secret: 'k' });
  });

  it('an ACS_ENDPOINT email channel signs in with the identity (no connection string)', () => {
    const [email] = readSettings(
      {
        ACS_ENDPOINT: 'https://acs.example.communication.azure.com',
        ACS_SENDER_ADDRESS: 'DoNotReply@x.azurecomm.net',
        EMAIL_RECIPIENTS: 'oncall@x.com',
        AZURE_CLIENT_ID: 'cid',
      },
      optional,
    ).channels;
    expect(email).toMatchObject({ kind: 'email', endpoint: 'https://acs.example.communication.azure.com' });
    expect(email).not.toHaveProperty('connectionString');
  });

  it('a half-configured email channel, a bad number or an unreadable CA file is named', () => {
    expect(
      problems({ ACS_CONNECTION_STRING: 'endpoint=https://a/;accesskey=a2V5', EMAIL_RECIPIENTS: 'a@x.com' }),
    ).toEqual([expect.stringContaining('ACS_SENDER_ADDRESS is missing')]);
    expect(problems({ TEAMS_WEBHOOK_URL: 'https://t.example', NOTIFY_TIMEOUT_MS: 'soon' })).toEqual([
      'NOTIFY_TIMEOUT_MS "soon" is not a whole number >= 1',
    ]);
    expect(problems({ TEAMS_WEBHOOK_URL: 'https://t.example', TEAMS_MAX_CARD_BYTES: '100' })).toEqual([
      'TEAMS_MAX_CARD_BYTES "100" is not a whole number >= 2000',
    ]);
    expect(problems({ NOTIFY_EXTRA_CA_FILE: '/nonexistent/ca.pem' })).toEqual([
      expect.stringMatching(/^NOTIFY_EXTRA_CA_FILE "\/nonexistent\/ca.pem" cannot be read: .*ENOENT/),
    ]);
  });
});

describe('time zones', () => {
  const zones = (env: Env): { alerts: string | undefined; digest: string } => {
    const s = readSettings({ TEAMS_WEBHOOK_URL: 'https://t.example', ...env }, optional);
    return { alerts: s.channels[0]?.report.timeZone, digest: s.digest.timeZone };
  };

  it('alerts use REPORT_TIME_ZONE only; the digest prefers DIGEST_TIME_ZONE, then REPORT_TIME_ZONE, then UTC', () => {
    expect(zones({})).toEqual({ alerts: undefined, digest: 'UTC' });
    expect(zones({ REPORT_TIME_ZONE: 'Europe/Berlin' })).toEqual({
      alerts: 'Europe/Berlin',
      digest: 'Europe/Berlin',
    });
    // The digest's own setting never leaks into alerts.
    expect(zones({ DIGEST_TIME_ZONE: 'America/New_York' })).toEqual({
      alerts: undefined,
      digest: 'America/New_York',
    });
    expect(zones({ REPORT_TIME_ZONE: 'Europe/Berlin', DIGEST_TIME_ZONE: 'America/New_York' })).toEqual({
      alerts: 'Europe/Berlin',
      digest: 'America/New_York',
    });
  });

  it('a zone that is not IANA is a problem naming its setting', () => {
    expect(problems({ REPORT_TIME_ZONE: 'CEST+2', DIGEST_TIME_ZONE: 'Mars/Olympus' })).toEqual([
      expect.stringContaining('REPORT_TIME_ZONE "CEST+2" is not an IANA time zone'),
      expect.stringContaining('DIGEST_TIME_ZONE "Mars/Olympus" is not an IANA time zone'),
    ]);
  });

  it('DIGEST_SEND_WHEN_QUIET is true or false', () => {
    expect(readSettings({}, optional).digest.sendWhenQuiet).toBe(true);
    expect(readSettings({ DIGEST_SEND_WHEN_QUIET: 'FALSE' }, optional).digest.sendWhenQuiet).toBe(false);
    expect(problems({ DIGEST_SEND_WHEN_QUIET: 'no' })).toEqual([
      'DIGEST_SEND_WHEN_QUIET "no" is neither true nor false',
    ]);
  });
});

describe('what is required', () => {
  it('the Functions app needs storage, clusters and a channel; watch needs none of them', () => {
    expect(() => parseSettings({})).toThrow(SettingsError);
    expect(readSettings({}, optional)).toMatchObject({ clusters: [], channels: [] });
    expect(readSettings({}, optional).storage).toBeUndefined();
    expect(parseSettings(base).storage).toEqual({
      kind: 'connectionString',
      connectionString: 'UseDevelopmentStorage=true',
    });
  });

  it('trigger settings fall back to the defaults when absent or blank', () => {
    expect(triggerSettings({ SWEEP_SCHEDULE: ' ', OUTBOX_QUEUE: 'my-outbox' })).toEqual({
      sweepSchedule: DEFAULTS.SWEEP_SCHEDULE,
      digestSchedule: '0 0 8 * * *',
      outboxQueue: 'my-outbox',
      imageLogRecheckQueue: 'amlmon-imagelog-recheck',
    });
    expect(problems({ DIGEST_SCHEDULE: '0 8 * * *' })).toEqual([
      expect.stringContaining('DIGEST_SCHEDULE "0 8 * * *" is not a 6-field NCRONTAB expression'),
    ]);
  });
});

describe('the list of setting names', () => {
  function sources(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return sources(path);
      return path.endsWith('.ts') ? [path] : [];
    });
  }

  it('holds every environment variable the Functions app and shared code read', () => {
    const read = new Set<string>();
    for (const file of [...sources('functions'), ...sources('shared')]) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\benv\.([A-Z][A-Za-z0-9_]*)/g)) read.add(m[1]!);
      for (const m of text.matchAll(/\benv\[['"]([^'"]+)['"]\]/g)) read.add(m[1]!);
      for (const m of text.matchAll(/\bget\(env, '([^']+)'\)/g)) read.add(m[1]!);
      for (const m of text.matchAll(/\b(?:r|reader)\.(?:get|text|duration|count|flag|timeZone)\('([^']+)'/g))
        read.add(m[1]!);
    }
    expect(read.size).toBeGreaterThan(20);
    const listed = new Set<string>(SETTING_NAMES);
    expect([...read].filter((name) => !listed.has(name))).toEqual([]);
  });

  it('names each setting once, and every documented setting is in the README', () => {
    expect(new Set(SETTING_NAMES).size).toBe(SETTING_NAMES.length);
    const readme = readFileSync('README.md', 'utf8');
    expect(
      SETTING_NAMES.filter(
        (name) => !readme.includes(`\`${name}\``) && !name.startsWith('AzureWebJobsStorage__'),
      ),
    ).toEqual([]);
  });
});

describe('local.settings.example.json', () => {
  it('is valid as it stands, and names only settings the reader knows', () => {
    const { Values } = JSON.parse(readFileSync('local.settings.example.json', 'utf8')) as {
      Values: Record<string, string>;
    };
    const s = parseSettings(Values);
    // The host's own setting, and the setting a CLUSTERS kubeconfig:<SETTING> entry names.
    const known = new Set<string>([
      ...SETTING_NAMES,
      'FUNCTIONS_WORKER_RUNTIME',
      ...s.clusters.flatMap((c) => (c.kind === 'kubeconfig' ? [c.setting] : [])),
    ]);
    expect(Object.keys(Values).filter((name) => !known.has(name))).toEqual([]);
  });
});
