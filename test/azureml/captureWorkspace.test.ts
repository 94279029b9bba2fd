/**
 * `amlmon capture --workspace`: Azure ML's record (HTTPS stand-in, real SDK clients) and the model blob's check
 * (real Azurite) are written into the bundle as service.json and blobs.json, and `amlmon diagnose <bundle>` gives the
 * same answer as `amlmon diagnose --workspace` live.
 */
import { BlobServiceClient } from '@azure/storage-blob';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCapture } from '../../cli/commands/capture.js';
import { runDiagnose } from '../../cli/commands/diagnose.js';
import { AzureMlReader } from '../../shared/azureml/reader.js';
import { SimulatedClock } from '../../shared/time/clock.js';
import type { Diagnosis } from '../../shared/diagnosis/types.js';
import type { BlobCheck } from '../../shared/snapshot/types.js';
import { startAzurite, type AzuriteInstance } from '../../sim/azurite.js';
import {
  standInReaderOptions,
  startAzureMlStandIn,
  type AzureMlStandIn,
} from '../../sim/standins/azureml/index.js';
import { startScenarioCluster, type ScenarioCluster } from '../../sim/standins/kubernetes/index.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const SUB = '6b1c2d3e-4f50-4a1b-9c2d-3e4f5a6b7c8d';
const WS = `/subscriptions/${SUB}/resourceGroups/rg-ml-prod/providers/Microsoft.MachineLearningServices/workspaces/contoso-ml`;
const BUNDLE = 'DeploymentRejected.InvalidSpec.v2-create-refused-nothing-in-cluster';
const CONTAINER = 'azureml-blobstore-contoso-ml';

let standIn: AzureMlStandIn;
let azurite: AzuriteInstance;
let out: string;
let cluster: ScenarioCluster;
const V1_BUNDLE = 'ScoringInitFailure.ModelFileNotFound.v1-get-model-path';
const V1_MODEL = 'ExperimentRun/dcid.6962pbpwkjt4/outputs/model.pkl';

beforeAll(async () => {
  [standIn, azurite, cluster] = await Promise.all([
    startAzureMlStandIn(),
    startAzurite(),
    startScenarioCluster({ bundles: [join(FIXTURES, V1_BUNDLE)] }),
  ]);
  out = await mkdtemp(join(tmpdir(), 'amlmon-capture-ws-'));
  const record = JSON.parse(await readFile(join(FIXTURES, BUNDLE, 'service.json'), 'utf8')) as {
    properties: Record<string, unknown>;
  };
  const present = {
    ...record,
    name: 'blue',
    properties: {
      ...record.properties,
      model: `${WS}/models/fraud-model/versions/2`,
    },
  };
  standIn.setWorkspaces([
    {
      name: 'contoso-ml',
      subscriptionId: SUB,
      resourceGroup: 'rg-ml-prod',
      cluster: 'aks-prod',
      namespace: 'azureml-workloads',
      services: [
        {
          name: 'mnist-svc',
          state: 'Failed',
          computeType: 'AKS',
          computeName: 'aks-prod',
          createdTime: '2024-05-14T10:00:00Z',
          updatedTime: '2024-05-14T10:05:00Z',
        },
      ],
      deployments: [
        { endpoint: 'fraud', deployment: record },
        { endpoint: 'fraud', deployment: present },
      ],
      models: {
        // fraud-model:3's files were never uploaded (or were deleted); fraud-model:2 is a folder that exists.
        'fraud-model:3': `azureml://subscriptions/${SUB}/resourcegroups/rg-ml-prod/workspaces/contoso-ml/datastores/workspaceblobstore/paths/LocalUpload/3f2e/fraud-model/`,
        'fraud-model:2': `azureml://subscriptions/${SUB}/resourcegroups/rg-ml-prod/workspaces/contoso-ml/datastores/workspaceblobstore/paths/LocalUpload/1a0b/fraud-model/`,
      },
    },
  ]);
  const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(
    CONTAINER,
  );
  await container.create();
  await container.getBlockBlobClient('LocalUpload/1a0b/fraud-model/model.pkl').upload('x'.repeat(64), 64);
  const v1 = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient('azureml');
  await v1.create();
  await v1.getBlockBlobClient(V1_MODEL).upload('m'.repeat(32), 32);
}, 60_000);

afterAll(async () => {
  await Promise.all([standIn?.close(), azurite?.stop(), cluster?.close()]);
  if (out) await rm(out, { recursive: true, force: true });
});

function deps() {
  return {
    azureMl: () => new AzureMlReader(standInReaderOptions(standIn)),
    // The bundle's moment: the Activity Log is read for the week before it, as it would have been then.
    clock: new SimulatedClock('2024-05-14T10:30:00Z'),
    blobAccess: () => ({ kind: 'connectionString' as const, connectionString: azurite.connectionString }),
  };
}

/** The diagnosis without what legitimately differs between two runs (detection time). */
function comparable(d: Diagnosis): unknown {
  const { detectedAt: _detected, ...rest } = d as Diagnosis & { detectedAt?: string };
  return { ...rest, capturedAt: undefined };
}

describe('amlmon capture --workspace', () => {
  it('writes service.json and blobs.json (the missing model folder is a 404) and replays as the live answer', async () => {
    const dir = join(out, 'green');
    const { snapshot } = await runCapture(
      { workspace: WS, service: 'fraud/green', out: dir },
      undefined,
      deps(),
    );
    expect(snapshot.service?.state).toBe('Failed');
    const blobs = JSON.parse(await readFile(join(dir, 'blobs.json'), 'utf8')) as BlobCheck[];
    expect(blobs).toEqual([
      { path: 'LocalUpload/3f2e/fraud-model', container: CONTAINER, status: 404, size: null },
    ]);
    const service = JSON.parse(await readFile(join(dir, 'service.json'), 'utf8')) as { state?: string };
    expect(service.state).toBe('Failed');

    const live = JSON.parse(
      await runDiagnose(undefined, { workspace: WS, service: 'fraud/green', json: true }, false, deps()),
    ) as Diagnosis;
    const offline = JSON.parse(await runDiagnose(dir, { json: true }, false)) as Diagnosis;
    expect(live.findings[0]?.amlCode).toBe('InvalidDeploymentSpec');
    expect(comparable(offline)).toEqual(comparable(live));
    // The model lookups went to the stand-in with the bearer token.
    const lookups = standIn.requests.filter((r) => /\/models\/|\/datastores\//.test(r.path));
    expect(lookups.length).toBeGreaterThanOrEqual(2);
    expect(lookups.every((r) => r.authorized)).toBe(true);
  });

  it('records a model folder that exists as 200 with its size', async () => {
    const dir = join(out, 'blue');
    await runCapture({ workspace: WS, service: 'fraud/blue', out: dir }, undefined, deps());
    const blobs = JSON.parse(await readFile(join(dir, 'blobs.json'), 'utf8')) as BlobCheck[];
    expect(blobs).toEqual([
      { path: 'LocalUpload/1a0b/fraud-model', container: CONTAINER, status: 200, size: 64 },
    ]);
  });

  it('v1 with --kubeconfig: checks every InitContainerConfig path the cluster half names', async () => {
    const dir = join(out, 'mnist-svc');
    const opts = {
      kubeconfig: cluster.kubeconfigPath,
      namespace: 'azureml-contoso-ml',
      service: 'mnist-svc',
      workspace: WS,
    };
    const { snapshot } = await runCapture({ ...opts, out: dir }, undefined, deps());
    expect(snapshot.service?.state).toBe('Failed');
    const blobs = JSON.parse(await readFile(join(dir, 'blobs.json'), 'utf8')) as BlobCheck[];
    expect(blobs).toEqual([
      { path: V1_MODEL, container: 'azureml', status: 200, size: 32 },
      { path: 'LocalUpload/w6tpcbpgwjwz/tmpmxz672.py', container: 'azureml', status: 404, size: null },
    ]);
    const live = JSON.parse(
      await runDiagnose(undefined, { ...opts, json: true }, false, deps()),
    ) as Diagnosis;
    const offline = JSON.parse(await runDiagnose(dir, { json: true }, false)) as Diagnosis;
    expect(offline.findings.map((f) => [f.code, f.detail])).toEqual(
      live.findings.map((f) => [f.code, f.detail]),
    );
    expect(offline.status).toBe(live.status);
  });

  it('needs --kubeconfig or --workspace', async () => {
    await expect(runCapture({ service: 'x', out: join(out, 'x') })).rejects.toThrow(
      /--kubeconfig \(with --namespace\) or --workspace/,
    );
  });
});
