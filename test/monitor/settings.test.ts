import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../shared/config/duration.js';
import { parseSettings, SettingsError } from '../../shared/config/settings.js';

const AKS = '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks1';
const WS =
  '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/myws';
const base = {
  AzureWebJobsStorage: 'UseDevelopmentStorage=true',
  CLUSTERS: AKS,
  TEAMS_WEBHOOK_URL: 'https://prod.example/workflows/abc?sig=SECRET',
};

function problems(env: Record<string, string>): string[] {
  try {
    parseSettings(env);
  } catch (err) {
    if (err instanceof SettingsError) return err.problems;
    throw err;
  }
  return [];
}

describe('parseSettings', () => {
  it('applies the documented defaults', () => {
    const s = parseSettings(base);
    expect(s).toMatchObject({
      sweepSchedule: '0 */2 * * * *',
      hangAfterMs: 600_000,
      repeatAfterMs: 14_400_000,
      groupOver: 3,
      outboxQueue: 'amlmon-outbox',
      evidenceContainer: 'amlmon-evidence',
      clusters: [{ kind: 'aks', name: 'aks1', resourceGroup: 'rg', subscriptionId: '0000' }],
      channels: [{ kind: 'teams', name: 'teams', url: base.TEAMS_WEBHOOK_URL }],
    });
  });

  it('reports every missing setting at once, one clear line each', () => {
    const p = problems({});
    expect(p).toHaveLength(3);
    expect(p[0]).toMatch(/^AzureWebJobsStorage is missing/);
    expect(p[1]).toMatch(/^CLUSTERS is missing/);
    expect(p[2]).toMatch(/^no channel configured/);
  });

  it('reports each invalid value by its setting name', () => {
    const p = problems({
      ...base,
      CLUSTERS: `${AKS},kubeconfig:MISSING_KUBECONFIG,bogus`,
      WORKSPACES: `${WS},not-a-workspace`,
      SWEEP_SCHEDULE: '*/2 * * * *',
      HANG_AFTER: 'ten minutes',
      REPEAT_AFTER: '0h',
      GROUP_OVER: '0',
      OUTBOX_QUEUE: 'Bad_Queue',
      WEBHOOK_URL: 'ftp://x',
    });
    expect(p).toEqual([
      expect.stringContaining('app setting MISSING_KUBECONFIG'),
      expect.stringContaining('CLUSTERS entry "bogus"'),
      expect.stringContaining('WORKSPACES entry "not-a-workspace"'),
      expect.stringContaining('WEBHOOK_URL'),
      expect.stringContaining('SWEEP_SCHEDULE'),
      expect.stringContaining('HANG_AFTER "ten minutes"'),
      expect.stringContaining('REPEAT_AFTER "0h"'),
      expect.stringContaining('GROUP_OVER "0"'),
      expect.stringContaining('OUTBOX_QUEUE "Bad_Queue"'),
    ]);
  });

  it('never echoes a secret URL query in an error', () => {
    const p = problems({
      ...base,
      TEAMS_WEBHOOK_URL: 'mailto:x?sig=SECRET',
      WEBHOOK_URL: 'gopher://h/p?token=SECRET2',
    });
    expect(p.join('\n')).not.toMatch(/SECRET/);
  });

  it('reads kubeconfig clusters from the named app setting, and identity-based storage', () => {
    const s = parseSettings({
      AzureWebJobsStorage__accountName: 'acct',
      AzureWebJobsStorage__clientId: 'cid',
      CLUSTERS: 'kubeconfig:DEV_KUBECONFIG',
      DEV_KUBECONFIG: 'apiVersion: v1\nclusters: []\n',
      WEBHOOK_URL: 'https://hooks.example/x',
      WORKSPACES: WS,
    });
    expect(s.clusters).toEqual([
      {
        kind: 'kubeconfig',
        name: 'DEV_KUBECONFIG',
        setting: 'DEV_KUBECONFIG',
        kubeconfig: 'apiVersion: v1\nclusters: []',
      },
    ]);
    expect(s.storage).toEqual({
      kind: 'identity',
      blobEndpoint: 'https://acct.blob.core.windows.net',
      queueEndpoint: 'https://acct.queue.core.windows.net',
      tableEndpoint: 'https://acct.table.core.windows.net',
      clientId: 'cid',
    });
    expect(s.workspaces).toEqual([
      { name: 'myws', resourceId: WS, subscriptionId: '0000', resourceGroup: 'rg' },
    ]);
  });

  it('checks a half-configured email channel with delivery’s setting names', () => {
    const p = problems({
      ...base,
      ACS_CONNECTION_STRING: 'endpoint=https://acs.example/;accesskey=a2V5',
      EMAIL_RECIPIENTS: 'not-an-address',
    });
    expect(p).toEqual([
      expect.stringContaining('ACS_SENDER_ADDRESS is missing'),
      expect.stringContaining('"not-an-address" is not an email address'),
    ]);
  });

  it('names a duplicate cluster', () => {
    expect(problems({ ...base, CLUSTERS: `${AKS},${AKS}` })).toEqual([
      expect.stringContaining('names cluster "aks1" twice'),
    ]);
  });
});

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['10m', 600_000],
    ['4h', 14_400_000],
    ['1h30m', 5_400_000],
    ['1d', 86_400_000],
  ])('%s is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));
  it.each(['', '10', 'm', '-5m', '0s', '10 minutes'])('rejects %j', (text) =>
    expect(parseDuration(text)).toBeUndefined(),
  );
});
