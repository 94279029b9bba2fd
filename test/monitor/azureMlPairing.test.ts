/**
 * The sweep's Azure ML half against real parts: two scenario clusters (HTTPS API servers), two workspaces on the
 * HTTPS Azure ML stand-in (read by the real SDK clients) and Azurite as the workspace storage account.
 * - records pair with a cluster through the workspace's attached computes (compute → AKS cluster id → the cluster
 *   configured by that id), with and without `computeName`, never with a same-named Deployment on another cluster;
 * - a deployment whose diagnosis suspects a download/mount/model-file failure gets its blobs checked in its
 *   workspace's storage account, the diagnosis names the missing blob and the archived bundle carries blobs.json.
 */
import { BlobServiceClient } from '@azure/storage-blob';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AzureMlReader } from '../../shared/azureml/reader.js';
import { loadKubeconfigTarget } from '../../shared/cluster/index.js';
import { diagnoseSnapshot } from '../../shared/diagnosis/engine.js';
import type { IncidentRecord } from '../../shared/incidents/types.js';
import { azureMlSourceFromReader } from '../../shared/monitor/azureMlSource.js';
import { clusterSourceFromTarget } from '../../shared/monitor/clusterSource.js';
import { directoryEvidenceArchive, MemoryOutbox, noRecheck } from '../../shared/monitor/local.js';
import { runSweep } from '../../shared/monitor/sweep.js';
import type { MonitorRuntime } from '../../shared/monitor/types.js';
import type { BlobCheck } from '../../shared/snapshot/types.js';
import { memoryState } from '../../shared/state/store.js';
import { SimulatedClock } from '../../shared/time/clock.js';
import { startAzurite, type AzuriteInstance } from '../../sim/azurite.js';
import {
  standInReaderOptions,
  startAzureMlStandIn,
  type AzureMlStandIn,
} from '../../sim/standins/azureml/index.js';
import { startScenarioCluster, type ScenarioCluster } from '../../sim/standins/kubernetes/index.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const V2_DOWNLOAD = join(FIXTURES, 'ModelDownloadFailure.BlobNotFound.v2-no-logs-blobs-json-404');
const V1_MODEL_FILE = join(FIXTURES, 'ScoringInitFailure.ModelFileNotFound.v1-get-model-path');
const SUB = '6b1c2d3e-4f50-4a1b-9c2d-3e4f5a6b7c8d';
const RG = 'rg-ml-prod';
const aksId = (name: string): string =>
  `/subscriptions/${SUB}/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/${name}`;
const MODEL_PATH = 'LocalUpload/8c1f2e3d/tax-model/model.onnx';

let standIn: AzureMlStandIn;
let azurite: AzuriteInstance;
let east: ScenarioCluster;
let west: ScenarioCluster;
let out: string;

const v1 = (name: string, extra: Record<string, unknown>): Record<string, unknown> => ({
  name,
  id: name,
  computeType: 'AKS',
  createdTime: '2026-11-20T15:00:00Z',
  updatedTime: '2026-11-20T15:10:00Z',
  ...extra,
});

beforeAll(async () => {
  const clock = (): Date => new Date('2026-11-20T15:40:00Z');
  [standIn, azurite, east, west] = await Promise.all([
    startAzureMlStandIn(),
    startAzurite(),
    // east runs tax-ep-blue (v2, tax-ws) whose storage initializer fails;
    startScenarioCluster({ bundles: [V2_DOWNLOAD], clock }),
    // west runs contoso-ml's mnist-svc (v1) and a Deployment that happens to be called tax-ep-blue too.
    startScenarioCluster({ bundles: [V1_MODEL_FILE, V2_DOWNLOAD], clock }),
  ]);
  out = await mkdtemp(join(tmpdir(), 'amlmon-pairing-'));
  const bad = { code: 'BadArgument', message: 'Invalid value for num_replicas: -1' };
  standIn.setWorkspaces([
    {
      name: 'contoso-ml',
      subscriptionId: SUB,
      resourceGroup: RG,
      // Two attached computes, on two clusters: a record without computeName may run on either.
      computes: [
        { name: 'k8s-north', clusterId: aksId('aks-north'), namespace: 'azureml-workloads' },
        { name: 'k8s-east', clusterId: aksId('aks-east'), namespace: 'azureml-workloads' },
        { name: 'k8s-west', clusterId: aksId('aks-west'), namespace: 'azureml-contoso-ml' },
      ],
      services: [
        // No computeName: west shows it in k8s-west's namespace, so west owns it.
        v1('mnist-svc', {
          state: 'Transitioning',
          operation: { status: 'InProgress', startTime: '2026-11-20T15:10:00Z' },
        }),
        // No computeName and no Kubernetes objects anywhere: watched once, by the last cluster it may run on.
        v1('risk-score', {
          state: 'Failed',
          error: bad,
          operation: {
            status: 'Failed',
            startTime: '2026-11-20T15:30:00Z',
            endTime: '2026-11-20T15:31:00Z',
            error: bad,
          },
        }),
        // Its compute is attached to no configured cluster: not watched by either.
        v1('orphan-svc', {
          computeName: 'k8s-north',
          state: 'Failed',
          error: bad,
          operation: {
            status: 'Failed',
            startTime: '2026-11-20T15:30:00Z',
            endTime: '2026-11-20T15:31:00Z',
            error: bad,
          },
        }),
        // computeName k8s-east: watched on east from its record alone.
        v1('slow-model', {
          computeName: 'k8s-east',
          state: 'Transitioning',
          operation: { status: 'InProgress', startTime: '2026-11-20T15:05:00Z' },
        }),
      ],
      deployments: [],
    },
    {
      name: 'tax-ws',
      subscriptionId: SUB,
      resourceGroup: RG,
      storageAccount: 'taxwsstorage',
      computes: [{ name: 'k8s-prod', clusterId: aksId('aks-east'), namespace: 'azureml-workloads' }],
      services: [],
      deployments: [
        {
          endpoint: 'tax-ep',
          compute: 'k8s-prod',
          deployment: {
            name: 'blue',
            properties: {
              provisioningState: 'Creating',
              model: `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.MachineLearningServices/workspaces/tax-ws/models/tax-model/versions/1`,
            },
            systemData: { createdAt: '2026-11-20T15:20:00Z', lastModifiedAt: '2026-11-20T15:20:00Z' },
          },
        },
      ],
      models: {
        'tax-model:1': `azureml://subscriptions/${SUB}/resourcegroups/${RG}/workspaces/tax-ws/datastores/workspaceblobstore/paths/${MODEL_PATH}`,
      },
      datastores: { workspaceblobstore: 'azureml' },
    },
  ]);
  // The workspace storage account exists, its model blob does not.
  await BlobServiceClient.fromConnectionString(azurite.connectionString)
    .getContainerClient('azureml')
    .create();
}, 60_000);

afterAll(async () => {
  await Promise.all([standIn?.close(), azurite?.stop(), east?.close(), west?.close()]);
  if (out) await rm(out, { recursive: true, force: true });
});

function runtime(): MonitorRuntime & { outbox: MemoryOutbox } {
  const source = (name: string, cluster: ScenarioCluster, aks: string) =>
    clusterSourceFromTarget(name, loadKubeconfigTarget({ kubeconfig: cluster.kubeconfigPath }), aksId(aks));
  const reader = new AzureMlReader(standInReaderOptions(standIn));
  return {
    clock: new SimulatedClock('2026-11-20T15:40:00Z'),
    state: memoryState(),
    // Configured under names unlike their computes': only the AKS ids pair them.
    clusters: [source('prod-east', east, 'aks-east'), source('prod-west', west, 'aks-west')],
    outbox: new MemoryOutbox(),
    recheck: noRecheck,
    imageLogs: { readTail: () => Promise.reject(new Error('unused')) },
    evidence: directoryEvidenceArchive(out),
    senders: new Map([
      [
        'webhook',
        { kind: 'webhook', name: 't', send: () => Promise.resolve({ ok: true, retryable: false }) },
      ],
    ]),
    diagnose: diagnoseSnapshot,
    options: {
      hangAfterMs: 600_000,
      repeatAfterMs: 14_400_000,
      groupOver: 10,
      imageLogRecheckDelayMs: 0,
      imageLogMaxRechecks: 0,
      imageLogTailBytes: 0,
      workspaces: [],
    },
    log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    azureMl: azureMlSourceFromReader(
      reader,
      ['contoso-ml', 'tax-ws'].map((workspace) => ({ subscriptionId: SUB, resourceGroup: RG, workspace })),
      { blobAccess: () => ({ kind: 'connectionString', connectionString: azurite.connectionString }) },
    ),
  };
}

async function incidents(rt: MonitorRuntime): Promise<IncidentRecord[]> {
  const all = [
    ...(await rt.state.incidents.list('prod-east')),
    ...(await rt.state.incidents.list('prod-west')),
  ];
  return all.map((r) => r.value).filter((i) => !i.resolvedAt);
}

describe('sweep: Azure ML records paired through attached computes, blobs checked', () => {
  let open: IncidentRecord[];
  let rt: MonitorRuntime;
  beforeAll(async () => {
    rt = runtime();
    const summary = await runSweep(rt);
    expect(summary.errors).toEqual([]);
    open = await incidents(rt);
  }, 120_000);

  const one = (cluster: string, service: string): IncidentRecord | undefined =>
    open.find((i) => i.cluster === cluster && i.service === service);

  it('pairs each record with the cluster its compute is attached to, with and without computeName', () => {
    expect(
      open
        .map((i) => `${i.cluster} ${i.workspace ?? '-'} ${i.namespace}/${i.service} ${i.code}/${i.detail}`)
        .sort(),
    ).toEqual(
      [
        'prod-east tax-ws azureml-workloads/tax-ep-blue ModelDownloadFailure/BlobNotFound',
        // From the record alone: computeName k8s-east, 35 minutes in progress.
        'prod-east contoso-ml azureml-contoso-ml/slow-model DeploymentHung/null',
        // Same name as east's, but no record of tax-ws runs on west: judged from the cluster alone.
        'prod-west - azureml-workloads/tax-ep-blue ModelDownloadFailure/InitContainerFailed',
        'prod-west contoso-ml azureml-contoso-ml/mnist-svc ScoringInitFailure/ModelFileNotFound',
        // No computeName, no objects: once, on the last cluster it may run on, in that compute's namespace.
        'prod-west contoso-ml azureml-contoso-ml/risk-score DeploymentRejected/InvalidSpec',
      ].sort(),
    );
  });

  it('checks the model blob in the workspace storage account and names it in the finding and the bundle', async () => {
    const inc = one('prod-east', 'tax-ep-blue')!;
    const evidence = inc.diagnosis.findings[0]!.evidence.map((e) => e.text).join('\n');
    expect(evidence).toContain(`blobs.json: azureml/${MODEL_PATH} 404`);
    expect(inc.evidenceUrl).toBeDefined();
    const blobs = JSON.parse(await readFile(join(inc.evidenceUrl!, 'blobs.json'), 'utf8')) as BlobCheck[];
    expect(blobs).toEqual([{ container: 'azureml', path: MODEL_PATH, status: 404, size: null }]);
    // The model version and its datastore were looked up with the bearer token; west's same-named one was not.
    const lookups = standIn.requests.filter((r) => /\/models\/|\/datastores\//.test(r.path));
    expect(lookups.length).toBe(2);
    expect(lookups.every((r) => r.authorized)).toBe(true);
  });

  it('does not check blobs of a deployment whose diagnosis suspects no download trouble', () => {
    expect(one('prod-east', 'slow-model')!.diagnosis).not.toHaveProperty('blobs');
  });

  it('a cluster that cannot be listed changes nothing the other clusters watch from a record', async () => {
    east.setFaults([{ path: /deployments/, status: 403 }]);
    try {
      (rt.clock as SimulatedClock).advance(120_000);
      const summary = await runSweep(rt);
      expect(summary.errors).toEqual([expect.stringMatching(/^cluster prod-east: /)]);
      const west = (await incidents(rt)).filter((i) => i.cluster === 'prod-west').map((i) => i.service);
      expect(west.sort()).toEqual(['mnist-svc', 'risk-score', 'tax-ep-blue']);
    } finally {
      east.clearFaults();
    }
  });
});
