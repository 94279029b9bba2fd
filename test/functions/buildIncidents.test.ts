/**
 * Image build incidents keyed where their service runs, against real parts: Azurite (state, queues, the build log),
 * the HTTPS Azure ML stand-in (the v1 record that runs the image) and the Kubernetes scenario server.
 * - the build log's incident is the service's (cluster / namespace / service), so it shares the service's mute, ack
 *   and resolution, and the alert names the cluster;
 * - Azure ML's record saying "image build failed" and the build log make one alert in either arrival order;
 * - build incidents from before (under `image-builds`) are replaced, not left open beside the new ones;
 * - a rebuild that succeeds resolves the build incident only.
 */
import type { EventGridEvent, Timer } from '@azure/functions';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onImageLog } from '../../functions/onImageLog.js';
import { performAction } from '../../shared/actions/apply.js';
import { setRuntime } from '../../functions/runtime.js';
import { sweep } from '../../functions/sweep.js';
import { AzureMlReader } from '../../shared/azureml/reader.js';
import { loadKubeconfigTarget } from '../../shared/cluster/index.js';
import type { IncidentRecord } from '../../shared/incidents/types.js';
import { azureMlSourceFromReader } from '../../shared/monitor/azureMlSource.js';
import { clusterSourceFromTarget } from '../../shared/monitor/clusterSource.js';
import { BUILD_LOG_GRACE_MS } from '../../shared/monitor/sweep.js';
import type { OutboxMessage } from '../../shared/monitor/types.js';
import { startAzurite, type AzuriteInstance } from '../../sim/azurite.js';
import {
  standInReaderOptions,
  startAzureMlStandIn,
  type AzureMlStandIn,
} from '../../sim/standins/azureml/index.js';
import { startScenarioCluster, type ScenarioCluster } from '../../sim/standins/kubernetes/index.js';
import { makeHarness, peekAll, type Harness } from './harness.js';

const SUB = '00000000-0000-0000-0000-000000000000';
const RG = 'rg';
const FAILED_BUILD = [
  'Step 8/18 : RUN conda env create -p /azureml-envs/azureml_1 -f azureml-environment-setup/mutated_conda_dependencies.yml',
  'Pip subprocess error:',
  'ERROR: Could not find a version that satisfies the requirement torch==1.9.0+cu111 (from versions: 1.11.0, 2.5.1)',
  'ERROR: No matching distribution found for torch==1.9.0+cu111',
  '',
  'CondaEnvException: Pip failed',
  '',
].join('\n');
const BUILT =
  'Step 18/18 : CMD ["runsvdir","/var/runit"]\nSuccessfully built 3e4f5a6b7c8d\nSuccessfully tagged demoacr.azurecr.io/azureml/azureml_1:latest\n2026/11/26 10:09:00 Successfully pushed image: demoacr.azurecr.io/azureml/azureml_1:latest\n';

let azurite: AzuriteInstance;
let standIn: AzureMlStandIn;
let cluster: ScenarioCluster;

/** Workspace `ws` (storage account `<ws>storage`) runs v1 `credit-limit` on compute aks-demo; its build failed at `failedAt`. */
function workspace(ws: string, image: string, failedAt: string) {
  const error = {
    code: 'ImageBuildFailure',
    message: `Image build failed. For more details, check log file azureml-logs/ImageLogs/${image}/build.log.`,
  };
  return {
    name: ws,
    subscriptionId: SUB,
    resourceGroup: RG,
    storageAccount: `${ws.replace(/-/g, '')}storage`,
    cluster: 'aks-demo',
    namespace: `azureml-${ws}`,
    services: [
      {
        name: 'credit-limit',
        computeType: 'AKS',
        computeName: 'aks-demo',
        imageId: image,
        state: 'Failed',
        createdTime: '2026-11-26T09:40:00Z',
        updatedTime: failedAt,
        error,
        operation: { status: 'Failed', startTime: '2026-11-26T09:45:00Z', endTime: failedAt, error },
      },
    ],
    deployments: [],
  };
}

const WORKSPACES = {
  buildFirst: workspace('ws-build-first', 'img-a', '2026-11-26T09:59:00Z'),
  recordFirst: workspace('ws-record-first', 'img-b', '2026-11-26T09:59:00Z'),
  lateLog: workspace('ws-late-log', 'img-c', '2026-11-26T09:40:00Z'),
  upgrade: workspace('ws-upgrade', 'img-d', '2026-11-26T09:59:00Z'),
  muted: workspace('ws-muted', 'img-e', '2026-11-26T09:59:00Z'),
};

beforeAll(async () => {
  [azurite, standIn, cluster] = await Promise.all([
    startAzurite(),
    startAzureMlStandIn(),
    // The cluster shows nothing of credit-limit (its image was never built); an unrelated service runs there.
    startScenarioCluster({ bundles: ['examples/demo/cluster/5/churn-model'] }),
  ]);
  standIn.setWorkspaces(Object.values(WORKSPACES));
}, 60_000);

afterAll(async () => {
  setRuntime(undefined);
  await Promise.all([cluster?.close(), standIn?.close(), azurite?.stop()]);
});

const timer: Timer = {
  isPastDue: false,
  schedule: { adjustForDST: true },
  scheduleStatus: { last: '', next: '', lastUpdated: '' },
};

/** A runtime reading one workspace; its cluster is configured by the AKS id the workspace's compute names. */
function harness(ws: { name: string }): Harness {
  const source = clusterSourceFromTarget(
    'prod',
    loadKubeconfigTarget({ kubeconfig: cluster.kubeconfigPath }),
    `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.ContainerService/managedClusters/aks-demo`,
  );
  const h = makeHarness(azurite, {
    clusters: [source],
    senders: new Map([
      [
        'webhook',
        { kind: 'webhook', name: 't', send: () => Promise.resolve({ ok: true, retryable: false }) },
      ],
    ]),
  });
  h.rt.azureMl = azureMlSourceFromReader(new AzureMlReader(standInReaderOptions(standIn)), [
    { subscriptionId: SUB, resourceGroup: RG, workspace: ws.name },
  ]);
  cluster.setClock(() => h.clock.now());
  setRuntime(h.rt);
  return h;
}

/** The build log of `image` written to the workspace's storage account (Azurite) and its BlobCreated event. */
async function buildLog(h: Harness, ws: { storageAccount: string }, image: string, text: string) {
  const name = `ImageLogs/${image}/build.log`;
  const container = h.blobs.getContainerClient('azureml');
  await container.createIfNotExists();
  await container.getBlockBlobClient(name).uploadData(Buffer.from(text));
  const e = JSON.parse(
    readFileSync(new URL('./payloads/blob-created.json', import.meta.url), 'utf8'),
  ) as EventGridEvent;
  const event: EventGridEvent = {
    ...e,
    id: `${image}-${text.length}`,
    eventTime: h.clock.now().toISOString(),
    topic: `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Storage/storageAccounts/${ws.storageAccount}`,
    subject: `/blobServices/default/containers/azureml/blobs/${name}`,
    data: {
      ...e.data,
      eTag: `"0x${text.length}"`,
      url: `https://${ws.storageAccount}.blob.core.windows.net/azureml/${name}`,
      contentLength: Buffer.byteLength(text),
    },
  };
  return onImageLog(event, h.context('onImageLog'));
}

const alerts = async (h: Harness): Promise<string[]> =>
  ((await peekAll(h.outbox)) as OutboxMessage[])
    .filter((m) => m.notification.kind === 'alert')
    .flatMap((m) =>
      m.notification.incidents.map((i) => `${i.cluster} ${i.namespace}/${i.service} ${i.code}/${i.detail}`),
    );

const open = async (h: Harness): Promise<IncidentRecord[]> =>
  (await h.rt.state.incidents.list()).map((r) => r.value).filter((i) => !i.resolvedAt);

describe('image build incidents keyed where the service runs', () => {
  it('build log first: its incident is the service’s, and the record’s own "image build failed" adds nothing', async () => {
    const ws = WORKSPACES.buildFirst;
    const h = harness(ws);
    await buildLog(h, ws, 'img-a', FAILED_BUILD);
    const [inc] = await open(h);
    expect(inc).toMatchObject({
      fingerprint: 'prod|azureml-ws-build-first/credit-limit/ImageBuildFailure/PipPackageNotFound',
      cluster: 'prod',
      namespace: 'azureml-ws-build-first',
      service: 'credit-limit',
      workspace: 'ws-build-first',
      imageId: 'img-a',
    });
    h.clock.advance(2 * 60_000);
    expect((await sweep(timer, h.context('sweep'))).errors).toEqual([]);
    h.clock.advance(BUILD_LOG_GRACE_MS);
    expect((await sweep(timer, h.context('sweep'))).errors).toEqual([]);
    expect(await alerts(h)).toEqual([
      'prod azureml-ws-build-first/credit-limit ImageBuildFailure/PipPackageNotFound',
    ]);
    expect((await open(h)).map((i) => i.fingerprint)).toEqual([inc!.fingerprint]);
  });

  it('record first: the sweep waits for the build log, whose alert is the only one', async () => {
    const ws = WORKSPACES.recordFirst;
    const h = harness(ws);
    expect((await sweep(timer, h.context('sweep'))).errors).toEqual([]);
    expect(await alerts(h)).toEqual([]);
    h.clock.advance(60_000);
    await buildLog(h, ws, 'img-b', FAILED_BUILD);
    h.clock.advance(BUILD_LOG_GRACE_MS);
    expect((await sweep(timer, h.context('sweep'))).errors).toEqual([]);
    expect(await alerts(h)).toEqual([
      'prod azureml-ws-record-first/credit-limit ImageBuildFailure/PipPackageNotFound',
    ]);
  });

  it('a build log later than the wait replaces the record’s incident: one open incident, the exact cause', async () => {
    const ws = WORKSPACES.lateLog;
    const h = harness(ws);
    // The record's failure is 20 minutes old: no build log is on its way any more; the record alone alerts.
    expect((await sweep(timer, h.context('sweep'))).errors).toEqual([]);
    expect(await alerts(h)).toHaveLength(1);
    const [first] = await open(h);
    expect(first).toMatchObject({
      cluster: 'prod',
      namespace: 'azureml-ws-late-log',
      code: 'ImageBuildFailure',
    });
    expect(first!.imageId).toBeUndefined();
    await buildLog(h, ws, 'img-c', FAILED_BUILD);
    const now = await open(h);
    expect(now.map((i) => i.fingerprint)).toEqual([
      'prod|azureml-ws-late-log/credit-limit/ImageBuildFailure/PipPackageNotFound',
    ]);
    expect(now[0]!.previous).toEqual({ code: 'ImageBuildFailure', detail: first!.detail });
    // Later sweeps say nothing more.
    h.clock.advance(2 * 60_000);
    await sweep(timer, h.context('sweep'));
    expect(await alerts(h)).toHaveLength(2);
  });

  it('a build incident from before (under image-builds) is superseded by the service’s, and a rebuild resolves only builds', async () => {
    const ws = WORKSPACES.upgrade;
    const h = harness(ws);
    // As stored by an earlier version: the service named, keyed under the image-builds partition.
    const legacyRow = 'ImageLogs/credit-limit/ImageBuildFailure/PipPackageNotFound';
    await h.rt.state.incidents.create('image-builds', legacyRow, {
      fingerprint: `image-builds|${legacyRow}`,
      cluster: 'image-builds',
      workspace: 'ws-upgrade',
      namespace: 'ImageLogs',
      service: 'credit-limit',
      code: 'ImageBuildFailure',
      detail: 'PipPackageNotFound',
      status: 'Failed',
      openedAt: '2026-11-26T09:30:00.000Z',
      lastNotifiedAt: '2026-11-26T09:30:00.000Z',
      diagnosis: {
        service: 'credit-limit',
        namespace: 'ImageLogs',
        status: 'Failed',
        findings: [],
        gaps: [],
      },
      imageId: 'img-old',
    });
    // While it is open, the record's own failure is not alerted a second time.
    h.clock.advance(BUILD_LOG_GRACE_MS);
    await sweep(timer, h.context('sweep'));
    expect(await alerts(h)).toEqual([]);
    await buildLog(h, ws, 'img-d', FAILED_BUILD);
    expect((await open(h)).map((i) => i.fingerprint)).toEqual([
      'prod|azureml-ws-upgrade/credit-limit/ImageBuildFailure/PipPackageNotFound',
    ]);
    const legacy = await h.rt.state.incidents.get('image-builds', legacyRow);
    expect(legacy?.value.supersededBy).toBe(
      'prod|azureml-ws-upgrade/credit-limit/ImageBuildFailure/PipPackageNotFound',
    );
    // Another incident of the service stays open when a rebuild of the image succeeds.
    await h.rt.state.incidents.create('prod', 'azureml-ws-upgrade/credit-limit/DeploymentHung/-', {
      fingerprint: 'prod|azureml-ws-upgrade/credit-limit/DeploymentHung/-',
      cluster: 'prod',
      workspace: 'ws-upgrade',
      namespace: 'azureml-ws-upgrade',
      service: 'credit-limit',
      code: 'DeploymentHung',
      detail: null,
      status: 'Hung',
      openedAt: h.clock.now().toISOString(),
      diagnosis: {
        service: 'credit-limit',
        namespace: 'azureml-ws-upgrade',
        status: 'Hung',
        findings: [],
        gaps: [],
      },
    });
    h.clock.advance(60_000);
    expect(await buildLog(h, ws, 'img-d', BUILT)).toEqual({ kind: 'succeeded' });
    expect((await open(h)).map((i) => i.code)).toEqual(['DeploymentHung']);
  });

  it('a mute of the service, made from its other incident’s alert, holds the build alert too', async () => {
    const ws = WORKSPACES.muted;
    const h = harness(ws);
    const hung = 'prod|azureml-ws-muted/credit-limit/DeploymentHung/-';
    await h.rt.state.incidents.create('prod', 'azureml-ws-muted/credit-limit/DeploymentHung/-', {
      fingerprint: hung,
      cluster: 'prod',
      workspace: 'ws-muted',
      namespace: 'azureml-ws-muted',
      service: 'credit-limit',
      code: 'DeploymentHung',
      detail: null,
      status: 'Hung',
      openedAt: h.clock.now().toISOString(),
      diagnosis: {
        service: 'credit-limit',
        namespace: 'azureml-ws-muted',
        status: 'Hung',
        findings: [],
        gaps: [],
      },
    });
    const muted = await performAction(h.rt.state, {
      incident: hung,
      action: 'mute',
      duration: 3_600_000,
      by: 'ana@contoso.com',
      now: h.clock.now(),
    });
    expect(muted.ok).toBe(true);
    await buildLog(h, ws, 'img-e', FAILED_BUILD);
    expect(await alerts(h)).toEqual([]);
    const build = (await open(h)).find((i) => i.code === 'ImageBuildFailure');
    expect(build?.held?.text).toMatch(/muted by ana@contoso.com/);
  });
});
