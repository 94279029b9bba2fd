/**
 * The sweep's Azure ML reads through the deployment cache, with the real SDK clients against the HTTPS stand-in:
 * two calls per workspace in steady state, and a cached v2 deployment list read again when an ARM write event names
 * one of its deployments, when the cluster shows a deployment it lacks, while a deployment is moving, when the
 * endpoint itself changed, and after the refresh period; a failing deployment's Activity Log is read once per change.
 */
import type { AccessToken, TokenCredential } from '@azure/identity';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DeploymentHints } from '../../shared/azureml/deploymentCache.js';
import { AzureMlReader } from '../../shared/azureml/reader.js';
import type { WorkspaceRef } from '../../shared/azureml/workspace.js';
import { diagnoseSnapshot } from '../../shared/diagnosis/engine.js';
import { parseWorkspaceEvent } from '../../shared/events/parse.js';
import { azureMlSourceFromReader } from '../../shared/monitor/azureMlSource.js';
import { snapshotClusterSource } from '../../shared/monitor/clusterSource.js';
import { MemoryOutbox, noRecheck } from '../../shared/monitor/local.js';
import { runSweep } from '../../shared/monitor/sweep.js';
import type { AzureMlWorkspaceView, MonitorRuntime } from '../../shared/monitor/types.js';
import { handleWorkspaceEvent } from '../../shared/monitor/workspaceEvents.js';
import { loadBundle } from '../../shared/snapshot/bundle.js';
import { emptySnapshot, type Snapshot } from '../../shared/snapshot/types.js';
import { memoryState } from '../../shared/state/store.js';
import { SimulatedClock } from '../../shared/time/clock.js';
import {
  standInReaderOptions,
  startAzureMlStandIn,
  type AzureMlStandIn,
  type StandInWorkspace,
} from '../../sim/standins/azureml/index.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
/** A v2 deployment refused while the old revision serves: its cluster objects label it `chat`/`blue` in contoso-ml. */
const BLUE_BUNDLE = 'DeploymentRejected.SecretsInjectionFailed.v2-update-refused-old-revision-serves';
const REF: WorkspaceRef = {
  subscriptionId: '6b1c2d3e-4f50-4a1b-9c2d-3e4f5a6b7c8d',
  resourceGroup: 'rg-ml-prod',
  workspace: 'contoso-ml',
};
const START = '2024-05-14T10:30:00Z';
const MIN = 60_000;
const REFRESH = 30 * MIN;
/** The workspace's own calls (facts, computes, discovery): once per process. */
const ONCE = ['computes', 'discovery', 'workspace'];

class SwitchableToken implements TokenCredential {
  constructor(public token: string) {}
  getToken(): Promise<AccessToken> {
    return Promise.resolve({ token: this.token, expiresOnTimestamp: Date.now() + 3600_000 });
  }
}

function deployment(
  name: string,
  state: string,
  lastModifiedAt: string,
  operation?: Record<string, unknown>,
): Record<string, unknown> {
  return {
    name,
    kind: 'Kubernetes',
    properties: { provisioningState: state, instanceType: 'defaultinstancetype' },
    systemData: { createdAt: '2024-05-01T08:00:00Z', lastModifiedAt },
    ...(operation ? { operation } : {}),
  };
}

function failedOp(code: string, startTime: string, endTime: string): Record<string, unknown> {
  return { status: 'Failed', startTime, endTime, error: { code, message: `${code} at ${startTime}` } };
}

let standIn: AzureMlStandIn;
let blue: Record<string, unknown>;

beforeAll(async () => {
  standIn = await startAzureMlStandIn();
  blue = JSON.parse(await readFile(join(FIXTURES, BLUE_BUNDLE, 'service.json'), 'utf8')) as Record<
    string,
    unknown
  >;
});

afterAll(async () => {
  await standIn?.close();
});

/** One workspace: a healthy v1 service; endpoint `chat` (green serving), endpoint `ranker` (main refused). */
let ws: StandInWorkspace;
let calls: string[];
let credential: SwitchableToken;
let clock: SimulatedClock;

beforeEach(() => {
  ws = {
    name: REF.workspace,
    subscriptionId: REF.subscriptionId,
    resourceGroup: REF.resourceGroup,
    cluster: 'aks-compute',
    namespace: 'azureml-workloads',
    services: [{ name: 'fraud', state: 'Healthy', computeType: 'AKS', computeName: 'aks-compute' }],
    deployments: [
      { endpoint: 'chat', deployment: deployment('green', 'Succeeded', '2024-05-10T09:00:00Z') },
      {
        endpoint: 'ranker',
        deployment: deployment(
          'main',
          'Failed',
          '2024-05-14T09:05:00Z',
          failedOp('OutOfQuota', '2024-05-14T09:00:00Z', '2024-05-14T09:05:00Z'),
        ),
      },
    ],
  };
  standIn.setWorkspaces([ws]);
  calls = [];
  credential = new SwitchableToken(standIn.token);
  clock = new SimulatedClock(START);
});

function source(options: { refreshAfterMs?: number } = {}) {
  const reader = new AzureMlReader({
    ...standInReaderOptions(standIn, credential),
    onCall: (w) => calls.push(w),
  });
  return azureMlSourceFromReader(reader, [REF], { refreshAfterMs: options.refreshAfterMs ?? REFRESH });
}

/** One sweep's read: the calls it made (sorted) and the records by service name. */
async function sweepRead(src: ReturnType<typeof source>, hints?: DeploymentHints) {
  calls.length = 0;
  const [view] = await src.list(clock.now(), hints);
  return {
    calls: [...calls].sort(),
    view: view!,
    record: (s: string) => view!.records.find((r) => r.service === s),
  };
}

function setDeployment(endpoint: string, d: Record<string, unknown>): void {
  const i = ws.deployments.findIndex((x) => x.endpoint === endpoint && x.deployment.name === d.name);
  if (i >= 0) ws.deployments[i] = { endpoint, deployment: d };
  else ws.deployments.push({ endpoint, deployment: d });
}

describe('Azure ML calls per sweep through the deployment cache', () => {
  it('cold: one list per endpoint and one Activity Log read per failing deployment; then 2 calls per sweep', async () => {
    const src = source();
    const cold = await sweepRead(src);
    expect(cold.view.gaps).toEqual([]);
    expect(cold.calls).toEqual(
      [...ONCE, 'v1 services', 'v2 endpoints', 'v2 deployments', 'v2 deployments', 'activity log'].sort(),
    );
    expect(cold.record('ranker-main')?.record.operation?.error?.code).toBe('OutOfQuota');

    for (let sweep = 1; sweep <= 3; sweep++) {
      clock.advance(2 * MIN);
      const before = standIn.requests.length;
      const steady = await sweepRead(src);
      expect(steady.calls).toEqual(['v1 services', 'v2 endpoints']);
      // The stand-in saw exactly those two requests: nothing is counted that was not sent, or sent uncounted.
      expect(standIn.requests.slice(before).map((q) => q.path.split('/').pop())).toEqual(
        expect.arrayContaining(['services', 'onlineEndpoints']),
      );
      expect(standIn.requests.length - before).toBe(2);
      // The same answer as the cold read, the refused write's error included.
      expect(steady.view.records).toEqual(cold.view.records);
    }
    expect(src.cache.size).toEqual({ endpoints: 2, operations: 1 });
  });

  it('workspaces of one region read the discovery document once, even side by side', async () => {
    const second: StandInWorkspace = { ...ws, name: 'contoso-ml-2', deployments: [], services: [] };
    standIn.setWorkspaces([ws, second]);
    const reader = new AzureMlReader({
      ...standInReaderOptions(standIn, credential),
      onCall: (w) => calls.push(w),
    });
    const both = azureMlSourceFromReader(reader, [REF, { ...REF, workspace: 'contoso-ml-2' }], {
      refreshAfterMs: REFRESH,
    });
    const views = await both.list(clock.now());
    expect(views.map((v) => v.gaps)).toEqual([[], []]);
    expect(calls.filter((c) => c === 'discovery')).toHaveLength(1);
    expect(calls.filter((c) => c === 'v1 services')).toHaveLength(2);
  });

  it('a new failure without an event is found within the refresh period (the Clock decides)', async () => {
    const src = source();
    await sweepRead(src);
    setDeployment(
      'chat',
      deployment(
        'green',
        'Failed',
        '2024-05-14T10:31:00Z',
        failedOp('BadArgument', '2024-05-14T10:30:30Z', '2024-05-14T10:31:00Z'),
      ),
    );
    clock.advance(REFRESH - MIN);
    const stale = await sweepRead(src);
    expect(stale.calls).toEqual(['v1 services', 'v2 endpoints']);
    expect(stale.record('chat-green')?.record.state).toBe('Succeeded');

    clock.advance(MIN);
    const refreshed = await sweepRead(src);
    // Refreshes are spread: one endpoint per workspace and sweep, the one listed longest ago (a tie: list order).
    expect(src.cache.lastRelists.get(REF.workspace)).toEqual([{ endpoint: 'chat', reason: 'refresh' }]);
    expect(refreshed.calls).toEqual(['v1 services', 'v2 endpoints', 'v2 deployments', 'activity log'].sort());
    expect(refreshed.record('chat-green')?.record).toMatchObject({
      state: 'Failed',
      operation: { status: 'Failed', error: { code: 'BadArgument' } },
    });
    // ranker/main did not change: its Activity Log answer is reused.
    expect(refreshed.record('ranker-main')?.record.operation?.error?.code).toBe('OutOfQuota');

    clock.advance(2 * MIN);
    const next = await sweepRead(src);
    expect(src.cache.lastRelists.get(REF.workspace)).toEqual([{ endpoint: 'ranker', reason: 'refresh' }]);
    expect(next.calls).toEqual(['v1 services', 'v2 endpoints', 'v2 deployments'].sort());
    clock.advance(2 * MIN);
    expect((await sweepRead(src)).calls).toEqual(['v1 services', 'v2 endpoints']);
  });

  it('a list older than twice the refresh period is refreshed even when another endpoint is refreshed too', async () => {
    const src = source();
    await sweepRead(src);
    clock.advance(2 * REFRESH);
    await sweepRead(src);
    expect(src.cache.lastRelists.get(REF.workspace)).toEqual([
      { endpoint: 'chat', reason: 'refresh' },
      { endpoint: 'ranker', reason: 'refresh' },
    ]);
  });

  it('a deployment still moving is listed every sweep until it settles; its write is read once per revision', async () => {
    const src = source();
    const started = { status: 'InProgress', startTime: '2024-05-14T10:29:00Z' };
    setDeployment('chat', deployment('green', 'Updating', '2024-05-14T10:29:00Z', started));
    const cold = await sweepRead(src);
    // The running write's start (when the hang clock starts) comes from its Activity Log `Started` entry.
    const op = cold.record('chat-green')?.record.operation;
    expect(op?.status).toBe('InProgress');
    expect(Date.parse(op?.startTime ?? '')).toBe(Date.parse(started.startTime));
    expect(cold.calls.filter((c) => c === 'activity log')).toHaveLength(2);
    clock.advance(2 * MIN);
    const moving = await sweepRead(src);
    expect(moving.calls).toEqual(['v1 services', 'v2 deployments', 'v2 endpoints']);
    expect(src.cache.lastRelists.get(REF.workspace)).toEqual([{ endpoint: 'chat', reason: 'in progress' }]);
    expect(moving.record('chat-green')?.record.operation).toEqual(op);

    setDeployment(
      'chat',
      deployment(
        'green',
        'Failed',
        '2024-05-14T10:33:00Z',
        failedOp('OperationCanceled', '2024-05-14T10:29:00Z', '2024-05-14T10:33:00Z'),
      ),
    );
    clock.advance(2 * MIN);
    const failed = await sweepRead(src);
    expect(failed.calls).toEqual(['activity log', 'v1 services', 'v2 deployments', 'v2 endpoints']);
    expect(failed.record('chat-green')?.record.operation?.error?.code).toBe('OperationCanceled');
    clock.advance(2 * MIN);
    expect((await sweepRead(src)).calls).toEqual(['v1 services', 'v2 endpoints']);
  });

  it('an Activity Log answer that is not final yet is read again, once per sweep, until it is', async () => {
    const src = source();
    // Failed in ARM, but the Activity Log holds only the write's `Started` entry so far.
    setDeployment(
      'ranker',
      deployment('main', 'Failed', '2024-05-14T09:05:00Z', {
        status: 'InProgress',
        startTime: '2024-05-14T09:00:00Z',
      }),
    );
    await sweepRead(src);
    clock.advance(2 * MIN);
    const pending = await sweepRead(src);
    expect(pending.calls).toEqual(['activity log', 'v1 services', 'v2 endpoints']);
    setDeployment(
      'ranker',
      deployment(
        'main',
        'Failed',
        '2024-05-14T09:05:00Z',
        failedOp('OutOfQuota', '2024-05-14T09:00:00Z', '2024-05-14T09:05:00Z'),
      ),
    );
    clock.advance(2 * MIN);
    expect((await sweepRead(src)).record('ranker-main')?.record.operation?.error?.code).toBe('OutOfQuota');
    clock.advance(2 * MIN);
    expect((await sweepRead(src)).calls).toEqual(['v1 services', 'v2 endpoints']);
  });

  it('an endpoint whose own state or traffic changed is listed again', async () => {
    const src = source();
    ws.endpoints = { chat: { traffic: { green: 100 }, lastModifiedAt: '2024-05-10T09:00:00Z' } };
    await sweepRead(src);
    clock.advance(2 * MIN);
    expect((await sweepRead(src)).calls).toEqual(['v1 services', 'v2 endpoints']);
    ws.endpoints = { chat: { traffic: { green: 90, blue: 10 }, lastModifiedAt: '2024-05-14T10:33:00Z' } };
    clock.advance(2 * MIN);
    expect((await sweepRead(src)).calls).toEqual(['v1 services', 'v2 deployments', 'v2 endpoints']);
    expect(src.cache.lastRelists.get(REF.workspace)).toEqual([
      { endpoint: 'chat', reason: 'endpoint changed' },
    ]);
  });

  it('a deployment the cluster shows that the cache lacks is listed once, not every sweep', async () => {
    const src = source();
    await sweepRead(src);
    const ghost: DeploymentHints = {
      cluster: [{ workspace: REF.workspace, endpoint: 'chat', deployment: 'left-behind' }],
    };
    clock.advance(2 * MIN);
    expect((await sweepRead(src, ghost)).calls).toEqual(['v1 services', 'v2 deployments', 'v2 endpoints']);
    expect(src.cache.lastRelists.get(REF.workspace)).toEqual([{ endpoint: 'chat', reason: 'cluster' }]);
    // Azure ML does not know it: the next sweeps do not ask again (until the refresh period).
    clock.advance(2 * MIN);
    expect((await sweepRead(src, ghost)).calls).toEqual(['v1 services', 'v2 endpoints']);
    // Another workspace's endpoint of the same name is not this one's.
    clock.advance(2 * MIN);
    const other: DeploymentHints = {
      cluster: [{ workspace: 'other-ws', endpoint: 'chat', deployment: 'x' }],
    };
    expect((await sweepRead(src, other)).calls).toEqual(['v1 services', 'v2 endpoints']);
  });

  it('a deployment the cluster stops showing is listed again (deleted?), and gone from the answer', async () => {
    const src = source();
    const shows: DeploymentHints = {
      cluster: [{ workspace: REF.workspace, endpoint: 'chat', deployment: 'green' }],
    };
    await sweepRead(src, shows);
    clock.advance(2 * MIN);
    expect((await sweepRead(src, shows)).calls).toEqual(['v1 services', 'v2 endpoints']);
    // A read without hints (an image-log event's) says nothing about the cluster.
    expect((await sweepRead(src)).calls).toEqual(['v1 services', 'v2 endpoints']);
    // A cluster that could not be listed hides nothing: no list.
    clock.advance(2 * MIN);
    expect((await sweepRead(src, { cluster: [], clusterIncomplete: true })).calls).toEqual([
      'v1 services',
      'v2 endpoints',
    ]);
    ws.deployments = ws.deployments.filter((d) => d.deployment.name !== 'green');
    ws.endpoints = { chat: {} };
    clock.advance(2 * MIN);
    const deleted = await sweepRead(src, { cluster: [] });
    expect(deleted.calls).toEqual(['v1 services', 'v2 deployments', 'v2 endpoints']);
    expect(src.cache.lastRelists.get(REF.workspace)).toEqual([{ endpoint: 'chat', reason: 'cluster' }]);
    expect(deleted.record('chat-green')).toBeUndefined();
    clock.advance(2 * MIN);
    expect((await sweepRead(src, { cluster: [] })).calls).toEqual(['v1 services', 'v2 endpoints']);
  });

  it('what could not be listed keeps the last answer, named as such, and is listed again next sweep', async () => {
    const src = source();
    const cold = await sweepRead(src);
    credential.token = 'revoked';
    clock.advance(2 * MIN);
    const failed = await sweepRead(src);
    expect(failed.view.gaps).toEqual([
      expect.stringMatching(/^azureml v1 services of contoso-ml: 401/),
      expect.stringMatching(/^azureml v2 endpoints of contoso-ml: 401/),
      `azureml v2 deployments of chat: as listed at ${START.replace('Z', '.000Z')}`,
      `azureml v2 deployments of ranker: as listed at ${START.replace('Z', '.000Z')}`,
    ]);
    expect(failed.view.records).toEqual(cold.view.records.filter((r) => r.flavor === 'v2'));
    credential.token = standIn.token;
    clock.advance(2 * MIN);
    expect((await sweepRead(src)).calls).toEqual(['v1 services', 'v2 endpoints']);
  });

  it('is bounded: with room for one endpoint the other is listed again, and the answer stays whole', async () => {
    const reader = new AzureMlReader({
      ...standInReaderOptions(standIn, credential),
      onCall: (w) => calls.push(w),
    });
    const { AzureMlDeploymentCache } = await import('../../shared/azureml/deploymentCache.js');
    const cache = new AzureMlDeploymentCache(reader, {
      refreshAfterMs: REFRESH,
      maxEndpoints: 1,
      maxOperations: 1,
    });
    const first = await cache.deployments(REF, clock.now());
    clock.advance(2 * MIN);
    calls.length = 0;
    const second = await cache.deployments(REF, clock.now());
    expect(cache.size).toEqual({ endpoints: 1, operations: 1 });
    expect(calls.filter((c) => c === 'v2 deployments')).toHaveLength(2);
    expect(second.value.records).toEqual(first.value.records);
  });
});

/** The monitor's own sweep: the Functions app's wiring with memory state, a scenario cluster and the stand-in. */
function runtime(src: ReturnType<typeof source>, cluster: () => Snapshot, seen: AzureMlWorkspaceView[][]) {
  const rt: MonitorRuntime = {
    clock,
    state: memoryState(),
    clusters: [snapshotClusterSource('aks-compute', cluster)],
    outbox: new MemoryOutbox(),
    recheck: noRecheck,
    imageLogs: { readTail: () => Promise.reject(new Error('unused')) },
    evidence: { archive: (key) => Promise.resolve(`mem://${key}`) },
    senders: new Map([
      [
        'webhook',
        { kind: 'webhook', name: 't', send: () => Promise.resolve({ ok: true, retryable: false }) },
      ],
    ]),
    diagnose: diagnoseSnapshot,
    azureMl: {
      list: async (now, hints) => {
        const views = await src.list(now, hints);
        seen.push(views);
        return views;
      },
    },
    options: {
      hangAfterMs: 600_000,
      repeatAfterMs: 14_400_000,
      groupOver: 3,
      imageLogRecheckDelayMs: 0,
      imageLogMaxRechecks: 0,
      imageLogTailBytes: 0,
      workspaces: [REF.workspace],
    },
    log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
  };
  return rt;
}

function armWrite(endpoint: string, name: string, outcome: 'Success' | 'Failure', at: Date): unknown {
  const uri = `/subscriptions/${REF.subscriptionId}/resourceGroups/${REF.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${REF.workspace}/onlineEndpoints/${endpoint}/deployments/${name}`;
  return {
    topic: `/subscriptions/${REF.subscriptionId}/resourceGroups/${REF.resourceGroup}`,
    subject: uri,
    eventType: `Microsoft.Resources.ResourceWrite${outcome}`,
    eventTime: at.toISOString(),
    id: `evt-${endpoint}-${name}-${at.getTime()}`,
    data: {
      correlationId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
      resourceProvider: 'Microsoft.MachineLearningServices',
      resourceUri: uri,
      operationName: 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments/write',
      status: outcome === 'Success' ? 'Succeeded' : 'Failed',
      subscriptionId: REF.subscriptionId,
    },
    dataVersion: '2',
    metadataVersion: '1',
  };
}

describe('the sweep drives the cache', () => {
  it('an ARM write event invalidates the endpoint: the new failure is found in the next sweep', async () => {
    const src = source();
    const seen: AzureMlWorkspaceView[][] = [];
    const rt = runtime(src, () => emptySnapshot(), seen);
    await runSweep(rt);
    clock.advance(2 * MIN);
    calls.length = 0;
    await runSweep(rt);
    expect(calls.sort()).toEqual(['v1 services', 'v2 endpoints']);

    // green's update is refused; ARM says so in an event, and the event path records it.
    setDeployment(
      'chat',
      deployment(
        'green',
        'Failed',
        '2024-05-14T10:33:10Z',
        failedOp('BadArgument', '2024-05-14T10:33:00Z', '2024-05-14T10:33:10Z'),
      ),
    );
    clock.advance(MIN);
    const event = parseWorkspaceEvent(armWrite('chat', 'green', 'Failure', clock.now()), {
      now: clock.now(),
    });
    if (!event.ok) throw new Error(event.error);
    expect(await handleWorkspaceEvent(rt, event.value)).toBe('applied');

    clock.advance(MIN);
    calls.length = 0;
    await runSweep(rt);
    expect(calls.sort()).toEqual(['activity log', 'v1 services', 'v2 deployments', 'v2 endpoints']);
    expect(src.cache.lastRelists.get(REF.workspace)).toEqual([{ endpoint: 'chat', reason: 'write' }]);
    const green = seen.at(-1)?.[0]?.records.find((r) => r.service === 'chat-green');
    expect(green?.record).toMatchObject({ state: 'Failed', operation: { error: { code: 'BadArgument' } } });

    // The same event, still in the state table, is not a reason any more.
    clock.advance(2 * MIN);
    calls.length = 0;
    await runSweep(rt);
    expect(calls.sort()).toEqual(['v1 services', 'v2 endpoints']);
  });

  it('a v2 deployment the cluster shows that the cache lacks is listed in the same sweep and diagnosed', async () => {
    const src = source();
    const seen: AzureMlWorkspaceView[][] = [];
    const offline = await loadBundle(join(FIXTURES, BLUE_BUNDLE));
    let cluster: Snapshot = emptySnapshot();
    const rt = runtime(src, () => cluster, seen);
    await runSweep(rt);
    clock.advance(2 * MIN);

    // blue appears in Azure ML (refused) and in the cluster, with no event seen for it.
    setDeployment('chat', blue);
    cluster = offline;
    calls.length = 0;
    const summary = await runSweep(rt);
    expect(calls.sort()).toEqual(['activity log', 'v1 services', 'v2 deployments', 'v2 endpoints']);
    expect(src.cache.lastRelists.get(REF.workspace)).toEqual([{ endpoint: 'chat', reason: 'cluster' }]);
    const record = seen.at(-1)?.[0]?.records.find((r) => r.service === 'chat-blue');
    expect(record?.record.operation?.error?.code).toBe('SecretsInjectionError');
    const alerted = summary.notifications.flatMap((n) => n.incidents);
    expect(alerted.map((i) => [i.service, i.code])).toContainEqual(['chat-blue', 'DeploymentRejected']);

    clock.advance(2 * MIN);
    calls.length = 0;
    await runSweep(rt);
    expect(calls.sort()).toEqual(['v1 services', 'v2 endpoints']);
  });

  it('a cluster deployment without a workspace label (namespace azureml-workloads) still counts', async () => {
    const src = source();
    const offline = await loadBundle(join(FIXTURES, BLUE_BUNDLE));
    for (const d of offline.deployments) delete d.metadata?.labels?.['ml.azure.com/workspace'];
    let cluster: Snapshot = emptySnapshot();
    const rt = runtime(src, () => cluster, []);
    await runSweep(rt);
    clock.advance(2 * MIN);
    setDeployment('chat', blue);
    cluster = offline;
    calls.length = 0;
    await runSweep(rt);
    expect(src.cache.lastRelists.get(REF.workspace)).toEqual([{ endpoint: 'chat', reason: 'cluster' }]);
  });
});
