/**
 * The sweep timer against the scenario cluster (real HTTPS API server, real client) and Azurite: concurrent sweeps,
 * recovery, hang detection, deleted deployments, an unreachable cluster.
 */
import type { Timer } from '@azure/functions';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setRuntime } from '../../functions/runtime.js';
import { sweep } from '../../functions/sweep.js';
import { loadKubeconfigTarget } from '../../shared/cluster/index.js';
import { clusterSourceFromTarget } from '../../shared/monitor/clusterSource.js';
import { lastSweepFromState } from '../../shared/state/store.js';
import type { ClusterSource, OutboxMessage } from '../../shared/monitor/types.js';
import { startAzurite, type AzuriteInstance } from '../../sim/azurite.js';
import { startScenarioCluster, type ScenarioCluster } from '../../sim/standins/kubernetes/index.js';
import { makeHarness, peekAll, type Harness } from './harness.js';

const DEMO = 'examples/demo/cluster';
const CRASHLOOP = [`${DEMO}/0/fraud-score`, `${DEMO}/0/platform`];
const RECOVERED = [`${DEMO}/5/fraud-score`, `${DEMO}/5/platform`];
const HANGING = [`${DEMO}/0/blue-recsys`, `${DEMO}/0/platform`];

const timer = (isPastDue = false): Timer => ({
  isPastDue,
  schedule: { adjustForDST: true },
  scheduleStatus: {
    last: '2026-11-26T09:58:00.000Z',
    next: '2026-11-26T10:02:00.000Z',
    lastUpdated: '2026-11-26T09:58:00.000Z',
  },
});

let azurite: AzuriteInstance;
let cluster: ScenarioCluster;
let source: ClusterSource;
const senders = new Map([
  [
    'webhook',
    { kind: 'webhook' as const, name: 'test', send: () => Promise.resolve({ ok: true, retryable: false }) },
  ],
]);

beforeAll(async () => {
  azurite = await startAzurite();
  cluster = await startScenarioCluster({ bundles: CRASHLOOP });
  source = clusterSourceFromTarget('aks-test', loadKubeconfigTarget({ kubeconfig: cluster.kubeconfigPath }));
});
afterAll(async () => {
  setRuntime(undefined);
  await cluster?.close();
  await azurite?.stop();
});
beforeEach(() => cluster.clearFaults());

function harness(prefix?: string): Harness {
  const h = makeHarness(azurite, { clusters: [source], senders, prefix });
  cluster.setClock(() => h.clock.now());
  return h;
}

async function runSweep(h: Harness) {
  setRuntime(h.rt);
  return sweep(timer(), h.context('sweep'));
}

const queuedAlerts = async (h: Harness) =>
  ((await peekAll(h.outbox)) as OutboxMessage[]).map((m) => [
    m.notification.kind,
    ...m.notification.incidents.map((i) => `${i.service}:${i.code}`),
  ]);

describe('sweep', () => {
  it('two concurrent sweeps open one incident and queue one alert', async () => {
    await cluster.setBundles(CRASHLOOP);
    const a = harness('concurrent1');
    const b = harness('concurrent1'); // same tables and queues: two instances of the app
    setRuntime(a.rt);
    const [sa, sb] = await Promise.all([runSweep(a), sweep(timer(), b.context('sweep'))]);
    expect(sa.errors).toEqual([]);
    expect(sb.errors).toEqual([]);
    const incidents = await a.rt.state.incidents.list();
    expect(incidents.map((i) => [i.value.service, i.value.code, i.value.detail])).toEqual([
      ['fraud-score', 'ScoringInitFailure', 'MissingPythonModule'],
    ]);
    expect(await queuedAlerts(a)).toEqual([['alert', 'fraud-score:ScoringInitFailure']]);
    expect(incidents[0]?.value.evidenceUrl).toMatch(
      /\/concurrent1-evidence\/aks-test\/azureml-demo-ws\/fraud-score\//,
    );
  });

  it('a persisting problem is not re-alerted; a recovery sends a resolved notice', async () => {
    await cluster.setBundles(CRASHLOOP);
    const h = harness();
    await runSweep(h);
    h.clock.advance(120_000);
    await runSweep(h);
    expect(await queuedAlerts(h)).toEqual([['alert', 'fraud-score:ScoringInitFailure']]);
    await cluster.setBundles(RECOVERED);
    h.clock.advance(120_000);
    const s = await runSweep(h);
    expect(s.diagnosed).toBe(0); // healthy deployments are not diagnosed
    expect(await queuedAlerts(h)).toEqual([
      ['alert', 'fraud-score:ScoringInitFailure'],
      ['resolved', 'fraud-score:ScoringInitFailure'],
    ]);
    const rec = await h.rt.state.deployments.get('aks-test', 'azureml-demo-ws/fraud-score');
    expect(rec?.value).toMatchObject({ status: 'Healthy', healthyAt: '2026-11-26T10:04:00.000Z' });
  });

  it('repeats an open alert after REPEAT_AFTER', async () => {
    await cluster.setBundles(CRASHLOOP);
    const h = harness();
    await runSweep(h);
    h.clock.advance(4 * 3_600_000);
    await runSweep(h);
    expect((await queuedAlerts(h)).map((a) => a[0])).toEqual(['alert', 'alert']);
  });

  it('opens DeploymentHung once a deployment made no progress for HANG_AFTER, not before', async () => {
    await cluster.setBundles(HANGING);
    const h = harness();
    h.clock.set(new Date('2026-11-26T10:04:00Z')); // 6 minutes after the rollout's last progress
    await runSweep(h);
    expect(await queuedAlerts(h)).toEqual([]);
    h.clock.set(new Date('2026-11-26T10:08:00Z'));
    await runSweep(h);
    expect(await queuedAlerts(h)).toEqual([['alert', 'blue-recsys:DeploymentHung']]);
    const incident = (await h.rt.state.incidents.list())[0]?.value;
    expect(incident?.diagnosis.status).toBe('Hung');
    // The first signal is the last progress; the finding carries the engine's evidence, not just the clock.
    expect(incident?.diagnosis.findings[0]?.since).toBe('2026-11-26T09:58:00.000Z');
    // The stall is said once, in the title; the threshold once, in the evidence.
    expect(incident?.diagnosis.findings[0]?.title).toMatch(/is stuck: no rollout progress for 10m$/);
    expect(incident?.diagnosis.findings[0]?.explanation).not.toContain('threshold');
  });

  it('resolves the incidents of a deployment that was deleted', async () => {
    await cluster.setBundles(CRASHLOOP);
    const h = harness();
    await runSweep(h);
    await cluster.setBundles([`${DEMO}/0/platform`]);
    h.clock.advance(120_000);
    await runSweep(h);
    expect((await queuedAlerts(h)).map((a) => a[0])).toEqual(['alert', 'resolved']);
    expect((await h.rt.state.deployments.get('aks-test', 'azureml-demo-ws/fraud-score'))?.value.deleted).toBe(
      true,
    );
  });

  it('a cluster that refuses discovery raises ClusterUnreachable once, resolves nothing else, and clears when it answers', async () => {
    await cluster.setBundles(CRASHLOOP);
    const h = harness();
    await runSweep(h);
    cluster.setFaults([{ path: /deployments/, status: 403 }]);
    for (let i = 0; i < 2; i += 1) {
      h.clock.advance(120_000);
      const s = await runSweep(h);
      expect(s.errors).toEqual([expect.stringContaining('aks-test')]);
    }
    expect(await queuedAlerts(h)).toEqual([
      ['alert', 'fraud-score:ScoringInitFailure'],
      ['alert', '(cluster):ClusterUnreachable'],
    ]);
    const incidents = (await h.rt.state.incidents.list()).map((r) => r.value);
    expect(incidents.find((i) => i.service === 'fraud-score')?.resolvedAt).toBeUndefined();
    expect(incidents.find((i) => i.code === 'ClusterUnreachable')?.detail).toBe('Forbidden');
    const lastSweep = lastSweepFromState(h.rt.state, ['aks-test']);
    expect(await lastSweep()).toEqual({
      at: '2026-11-26T10:04:00.000Z',
      clustersReachable: [],
      clustersUnreachable: ['aks-test'],
    });
    cluster.clearFaults();
    h.clock.advance(120_000);
    await runSweep(h);
    expect((await queuedAlerts(h))[2]).toEqual(['resolved', '(cluster):ClusterUnreachable']);
    expect(await lastSweep()).toEqual({
      at: '2026-11-26T10:06:00.000Z',
      clustersReachable: ['aks-test'],
      clustersUnreachable: [],
    });
  });

  it('says so when the timer run is late', async () => {
    await cluster.setBundles([`${DEMO}/0/platform`]);
    const h = harness();
    setRuntime(h.rt);
    await sweep(timer(true), h.context('sweep'));
    expect(h.logs.some((l) => l.level === 'warning' && l.message.includes('late'))).toBe(true);
  });
});
