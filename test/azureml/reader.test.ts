/**
 * The Azure ML reader with the real SDK clients (@azure/arm-machinelearning, @azure/arm-monitor) and the v1
 * model-management REST calls against the HTTPS stand-in: workspace facts, v1 records, v2 deployments with the
 * Activity Log error of a failed write, the token checked, failures as gaps, and the calls counted per sweep.
 * What is read replays through the engine like the offline bundle.
 */
import type { AccessToken, TokenCredential } from '@azure/identity';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AzureMlReader } from '../../shared/azureml/reader.js';
import { parseWorkspaceId, WorkspaceIdError, type WorkspaceRef } from '../../shared/azureml/workspace.js';
import { diagnoseSnapshot } from '../../shared/diagnosis/engine.js';
import { loadBundle } from '../../shared/snapshot/bundle.js';
import {
  standInReaderOptions,
  startAzureMlStandIn,
  type AzureMlStandIn,
  type StandInWorkspace,
} from '../../sim/standins/azureml/index.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const REF: WorkspaceRef = {
  subscriptionId: '6b1c2d3e-4f50-4a1b-9c2d-3e4f5a6b7c8d',
  resourceGroup: 'rg-ml-prod',
  workspace: 'contoso-ml',
};

class FixedToken implements TokenCredential {
  scopes: string[] = [];
  constructor(private readonly token: string) {}
  getToken(scopes: string | string[]): Promise<AccessToken> {
    this.scopes.push(...(Array.isArray(scopes) ? scopes : [scopes]));
    return Promise.resolve({ token: this.token, expiresOnTimestamp: Date.now() + 3600_000 });
  }
}

async function json(path: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(FIXTURES, path), 'utf8')) as Record<string, unknown>;
}

let standIn: AzureMlStandIn;
let workspace: StandInWorkspace;

beforeAll(async () => {
  standIn = await startAzureMlStandIn();
  workspace = {
    name: REF.workspace,
    subscriptionId: REF.subscriptionId,
    resourceGroup: REF.resourceGroup,
    storageAccount: 'contosoml1234',
    cluster: 'aks-prod',
    namespace: 'azureml-workloads',
    services: [
      await json('DeploymentRejected.InvalidSpec.v1-update-refused-old-revision-serves/service.json'),
    ],
    deployments: [
      {
        endpoint: 'chat',
        deployment: await json(
          'DeploymentRejected.SecretsInjectionFailed.v2-update-refused-old-revision-serves/service.json',
        ),
      },
    ],
  };
  standIn.setWorkspaces([workspace]);
});

afterAll(async () => {
  await standIn?.close();
});

function reader(token = standIn.token, calls?: string[]) {
  return new AzureMlReader({
    ...standInReaderOptions(standIn, new FixedToken(token)),
    onCall: (w) => calls?.push(w),
  });
}

describe('workspace resource ids', () => {
  it('parses the ARM id and refuses anything else with a clear error', () => {
    expect(
      parseWorkspaceId(
        `/subscriptions/${REF.subscriptionId}/resourceGroups/rg-ml-prod/providers/Microsoft.MachineLearningServices/workspaces/contoso-ml`,
      ),
    ).toEqual(REF);
    expect(() => parseWorkspaceId('contoso-ml')).toThrow(WorkspaceIdError);
  });
});

describe('AzureMlReader against the stand-in', () => {
  it('reads workspace facts: storage account, registry, discovery URL, attached Kubernetes computes', async () => {
    const { value, gaps } = await reader().workspace(REF);
    expect(gaps).toEqual([]);
    expect(value.storageAccount).toMatch(/\/storageAccounts\/contosoml1234$/);
    expect(value.containerRegistry).toMatch(/\/registries\//);
    expect(value.discoveryUrl).toBe(`${standIn.url}/discovery`);
    expect(value.computes).toEqual([
      expect.objectContaining({
        name: 'aks-prod',
        computeType: 'Kubernetes',
        namespace: 'azureml-workloads',
      }),
    ]);
  });

  it('reads v1 records and v2 deployments with the failed write’s Activity Log error, within the call budget', async () => {
    const calls: string[] = [];
    const r = reader(standIn.token, calls);
    await r.workspace(REF); // facts are read once, not per sweep
    calls.length = 0;
    const { value, gaps } = await r.deployments(REF, new Date('2024-05-14T10:30:00Z'));
    expect(gaps).toEqual([]);
    const v1 = value.records.find((x) => x.flavor === 'v1');
    expect(v1).toMatchObject({
      service: 'claims-triage',
      record: { state: 'Failed', computeName: 'aks-prod' },
    });
    expect(v1?.record.error?.details?.[0]?.code).toBe('ResourceNotFound');
    // The record names its latest operation by id; the operation itself is read from model management.
    expect(v1?.record.operation).toMatchObject({
      status: 'Failed',
      startTime: '2024-05-14T10:05:00Z',
      endTime: '2024-05-14T10:07:00Z',
      error: { code: 'BadArgument' },
    });
    expect(
      standIn.requests.some((q) => /\/workspaces\/contoso-ml\/operations\/[0-9a-f-]{36}$/.test(q.path)),
    ).toBe(true);
    const v2 = value.records.find((x) => x.flavor === 'v2');
    expect(v2).toMatchObject({
      service: 'chat-blue',
      record: { state: 'Failed', endpointName: 'chat', flavor: 'v2' },
    });
    expect(v2?.record.operation).toMatchObject({
      status: 'Failed',
      startTime: '2024-05-14T10:10:00Z',
      endTime: '2024-05-14T10:10:50Z',
      error: { code: 'SecretsInjectionError' },
    });
    // discovery + v1 list + endpoints list = the workspace's sweep calls; deployments list, and for each failing
    // deployment its operation (v2: Activity Log; v1: model management's async operation).
    expect(calls.filter((c) => c !== 'discovery').sort()).toEqual([
      'activity log',
      'v1 operation',
      'v1 services',
      'v2 deployments',
      'v2 endpoints',
    ]);
    expect(standIn.requests.every((q) => q.authorized || q.path === '/discovery')).toBe(true);
  });

  it('reads a v1 operation that has ended once per reader (it never changes), a running one every time', async () => {
    const calls: string[] = [];
    const r = reader(standIn.token, calls);
    await r.deployments(REF, new Date('2024-05-14T10:30:00Z'));
    const second = await r.deployments(REF, new Date('2024-05-14T10:35:00Z'));
    expect(calls.filter((c) => c === 'v1 operation')).toHaveLength(1);
    expect(second.value.records.find((x) => x.flavor === 'v1')?.record.operation?.status).toBe('Failed');

    const running = {
      name: 'pricing',
      state: 'Transitioning',
      computeType: 'AKS',
      operation: { status: 'InProgress', startTime: '2024-05-14T10:20:00Z' },
    };
    standIn.setWorkspaces([{ ...workspace, services: [running] }]);
    try {
      calls.length = 0;
      await r.deployments(REF, new Date('2024-05-14T10:30:00Z'));
      const again = await r.deployments(REF, new Date('2024-05-14T10:35:00Z'));
      expect(calls.filter((c) => c === 'v1 operation')).toHaveLength(2);
      expect(again.value.records[0]?.record.operation).toMatchObject({
        status: 'InProgress',
        startTime: '2024-05-14T10:20:00Z',
      });
    } finally {
      standIn.setWorkspaces([workspace]);
    }
  });

  it('reads a write only inside the Activity Log window it asks for (the week before "now")', async () => {
    const later = await reader().deployments(REF, new Date('2024-06-30T00:00:00Z'));
    const blue = later.value.records.find((x) => x.service === 'chat-blue');
    expect(blue?.record.state).toBe('Failed');
    expect(blue?.record.operation).toBeUndefined();
    expect(later.gaps).toEqual([]);
  });

  it('reads the running write of a deployment still updating: when Azure ML started it', async () => {
    const updating = await json('nearmiss.DeploymentRejected.PolicyDenied.later-update-running/service.json');
    standIn.setWorkspaces([{ ...workspace, deployments: [{ endpoint: 'fraud', deployment: updating }] }]);
    try {
      const { value } = await reader().deployments(REF, new Date('2024-05-14T10:30:00Z'));
      expect(value.records.find((x) => x.service === 'fraud-green')?.record).toMatchObject({
        state: 'Updating',
        operation: { status: 'InProgress', startTime: '2024-05-14T10:28:00Z' },
      });
    } finally {
      standIn.setWorkspaces([workspace]);
    }
  });

  it('what it reads diagnoses like the offline bundle', async () => {
    const { value } = await reader().deployments(REF, new Date('2024-05-14T10:30:00Z'));
    const bundle = 'DeploymentRejected.SecretsInjectionFailed.v2-update-refused-old-revision-serves';
    const offline = await loadBundle(join(FIXTURES, bundle));
    const live = { ...offline, service: value.records.find((x) => x.service === 'chat-blue')?.record };
    const [a] = diagnoseSnapshot(offline);
    const [b] = diagnoseSnapshot(live);
    expect(b?.status).toBe('Failed');
    expect(b?.findings.map((f) => [f.code, f.detail, f.amlCode])).toEqual(
      a?.findings.map((f) => [f.code, f.detail, f.amlCode]),
    );
  });

  it('a wrong token is refused, and becomes named gaps, not a crash', async () => {
    const fresh = new AzureMlReader({
      ...standInReaderOptions(standIn, new FixedToken('not-the-token')),
    });
    const { value, gaps } = await fresh.deployments(REF, new Date());
    expect(value.records).toEqual([]);
    expect(gaps[0]).toMatch(/^azureml workspace contoso-ml: 401/);
  });

  it('never sends a token to a data-plane host that is not Azure ML’s', async () => {
    const strict = new AzureMlReader({
      credential: new FixedToken(standIn.token),
      armEndpoint: standIn.url,
      caCert: standIn.caCert,
    });
    const before = standIn.requests.filter((q) => q.path.startsWith('/modelmanagement')).length;
    const { gaps } = await strict.v1Services((await strict.workspace(REF)).value);
    expect(gaps[0]).toMatch(/refusing to send a token to 127\.0\.0\.1:\d+: not an Azure ML data-plane host/);
    expect(standIn.requests.filter((q) => q.path.startsWith('/modelmanagement')).length).toBe(before);
  });
});
