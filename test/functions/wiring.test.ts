/** The Functions app wires itself from app settings (process.env) on first invocation, or says what is wrong. */
import type { Timer } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setRuntime } from '../../functions/runtime.js';
import { sweep } from '../../functions/sweep.js';
import { SettingsError } from '../../shared/config/settings.js';
import { azureState } from '../../shared/state/azureState.js';
import { startHttpSink, type HttpSink } from '../../sim/standins/httpSink.js';
import { startAzurite, type AzuriteInstance } from '../../sim/azurite.js';
import { startScenarioCluster, type ScenarioCluster } from '../../sim/standins/kubernetes/index.js';
import { makeHarness } from './harness.js';

const timer: Timer = {
  isPastDue: false,
  schedule: { adjustForDST: true },
  scheduleStatus: { last: '', next: '', lastUpdated: '' },
};
let azurite: AzuriteInstance;
let cluster: ScenarioCluster;
let sink: HttpSink;
const saved = { ...process.env };

beforeAll(async () => {
  azurite = await startAzurite();
  cluster = await startScenarioCluster({
    bundles: ['examples/demo/cluster/0/fraud-score', 'examples/demo/cluster/0/platform'],
  });
  sink = await startHttpSink();
});
afterAll(async () => {
  process.env = saved;
  setRuntime(undefined);
  await sink?.close();
  await cluster?.close();
  await azurite?.stop();
});

describe('runtime from app settings', () => {
  it('reports every settings problem at once and fails the invocation', async () => {
    setRuntime(undefined);
    process.env = {
      ...saved,
      AzureWebJobsStorage: '',
      CLUSTERS: '',
      TEAMS_WEBHOOK_URL: '',
      WEBHOOK_URL: '',
      ACS_CONNECTION_STRING: '',
      ACS_ENDPOINT: '',
    };
    const h = makeHarness(azurite);
    await expect(sweep(timer, h.context('sweep'))).rejects.toBeInstanceOf(SettingsError);
    const line = h.logs.find((l) => l.level === 'error')?.message ?? '';
    expect(line).toContain('amlmon is not configured');
    expect(line).toContain('AzureWebJobsStorage is missing');
    expect(line).toContain('CLUSTERS is missing');
    expect(line).toContain('no channel configured');
  });

  it('sweeps the kubeconfig cluster named in CLUSTERS into the host storage and queues the alert for WEBHOOK_URL', async () => {
    setRuntime(undefined);
    process.env = {
      ...saved,
      AzureWebJobsStorage: azurite.connectionString,
      CLUSTERS: 'kubeconfig:DEV_KUBECONFIG',
      DEV_KUBECONFIG: cluster.kubeconfigPath,
      WEBHOOK_URL: `${sink.url}/hook`,
      TEAMS_WEBHOOK_URL: '',
      ACS_CONNECTION_STRING: '',
      ACS_ENDPOINT: '',
    };
    const h = makeHarness(azurite);
    const summary = await sweep(timer, h.context('sweep'));
    expect(summary).toMatchObject({ clusters: 1, deployments: 1, diagnosed: 1, errors: [] });
    const incidents = await azureState({ connectionString: azurite.connectionString }).incidents.list(
      'DEV_KUBECONFIG',
    );
    expect(incidents.map((i) => i.value.code)).toEqual(['ScoringInitFailure']);
    expect(summary.notifications).toHaveLength(1);
    setRuntime(undefined);
  });
});
