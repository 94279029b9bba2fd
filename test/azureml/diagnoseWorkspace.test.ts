/**
 * `amlmon diagnose --workspace <resource id> --service <name>`: Azure ML's record read live (real SDK clients against
 * the HTTPS stand-in) and diagnosed like the offline bundle holding the same record.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDiagnose } from '../../cli/commands/diagnose.js';
import { AzureMlReader } from '../../shared/azureml/reader.js';
import { SimulatedClock } from '../../shared/time/clock.js';
import type { Diagnosis } from '../../shared/diagnosis/types.js';
import {
  standInReaderOptions,
  startAzureMlStandIn,
  type AzureMlStandIn,
} from '../../sim/standins/azureml/index.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const SUB = '6b1c2d3e-4f50-4a1b-9c2d-3e4f5a6b7c8d';
const WS = `/subscriptions/${SUB}/resourceGroups/rg-ml-prod/providers/Microsoft.MachineLearningServices/workspaces/contoso-ml`;
const BUNDLE = 'DeploymentRejected.InvalidSpec.v2-create-refused-nothing-in-cluster';

let standIn: AzureMlStandIn;

beforeAll(async () => {
  standIn = await startAzureMlStandIn();
  const record = JSON.parse(await readFile(join(FIXTURES, BUNDLE, 'service.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  standIn.setWorkspaces([
    {
      name: 'contoso-ml',
      subscriptionId: SUB,
      resourceGroup: 'rg-ml-prod',
      cluster: 'aks-prod',
      namespace: 'azureml-workloads',
      services: [],
      deployments: [{ endpoint: 'fraud', deployment: record }],
    },
  ]);
});

afterAll(async () => {
  await standIn?.close();
});

function deps() {
  return {
    azureMl: () => new AzureMlReader(standInReaderOptions(standIn)),
    // The bundle's moment: the Activity Log is read for the week before it, as it would have been then.
    clock: new SimulatedClock('2024-05-14T10:30:00Z'),
  };
}

describe('amlmon diagnose --workspace', () => {
  it('diagnoses a deployment Azure ML refused before anything reached the cluster, like the offline bundle', async () => {
    const live = JSON.parse(
      await runDiagnose(undefined, { workspace: WS, service: 'fraud/green', json: true }, false, deps()),
    ) as Diagnosis;
    const offline = JSON.parse(await runDiagnose(join(FIXTURES, BUNDLE), { json: true }, false)) as Diagnosis;
    expect(live.service).toBe('fraud-green');
    expect(live.namespace).toBe('azureml-workloads');
    expect(live.status).toBe('Failed');
    expect(live.amlState).toBe('Failed');
    expect(live.findings.map((f) => [f.code, f.detail, f.amlCode])).toEqual(
      offline.findings.map((f) => [f.code, f.detail, f.amlCode]),
    );
    expect(live.findings[0]?.amlCode).toBe('InvalidDeploymentSpec');
  });

  it('names a service the workspace does not have as a gap', async () => {
    const d = JSON.parse(
      await runDiagnose(undefined, { workspace: WS, service: 'nope', json: true }, false, deps()),
    ) as Diagnosis;
    expect(d.status).toBe('Unknown');
    expect(d.gaps).toContain('azureml: no Kubernetes deployment nope in workspace contoso-ml');
  });

  it('refuses a workspace that is not an ARM resource id, as a usage error', async () => {
    await expect(
      runDiagnose(undefined, { workspace: 'contoso-ml', service: 'x' }, false, deps()),
    ).rejects.toThrow(/--workspace .*is not an Azure ML workspace resource id/);
  });
});
