/**
 * `amlmon simulate` with Azure ML's half: `azureml/<k>/` scenario files served by the HTTPS Azure ML stand-in, read by
 * the sweep through the real SDK clients, paired with what the scenario cluster shows.
 */
import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runSimulation, type SimulationResult } from '../../sim/runner.js';
import { loadScenario, ScenarioError } from '../../sim/scenario.js';

const INSUFFICIENT =
  'Deployment request failed due to insufficient compute resource. For the specified compute target, 1 replica cannot be created per specified CPU/Memory configuration(3 CPU Cores, 2GB Memory).';

async function put(root: string, path: string, body: unknown): Promise<void> {
  const file = join(root, path);
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, JSON.stringify(body, null, 2));
}

function v1(name: string, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    name,
    id: name,
    computeType: 'AKS',
    computeName: 'aks-demo',
    createdTime: '2026-11-20T08:00:00Z',
    imageId: `${name}:3`,
    ...extra,
  };
}

async function scenario(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'amlmon-sim-aml-'));
  await put(dir, 'scenario.json', {
    start: '2026-11-26T10:00:00Z',
    sweeps: 4,
    sweepInterval: '2m',
    workspaces: [{ name: 'demo-ws', storageAccount: 'demowsstorage7f3a', cluster: 'aks-demo' }],
  });
  // The cluster: churn-model's old revision serving, all replicas ready.
  await mkdir(join(dir, 'cluster', '0'), { recursive: true });
  await cp('examples/demo/cluster/5/churn-model', join(dir, 'cluster', '0', 'churn-model'), {
    recursive: true,
  });
  const refused = {
    code: 'DeploymentFailed',
    statusCode: 400,
    message: INSUFFICIENT,
  };
  // Sweep 0 on: churn-model's update refused for capacity (only the record says so).
  await put(
    dir,
    'azureml/0/demo-ws/services/churn-model.json',
    v1('churn-model', {
      state: 'Failed',
      updatedTime: '2026-11-26T09:55:00Z',
      error: refused,
      operation: {
        status: 'Failed',
        startTime: '2026-11-26T09:50:00Z',
        endTime: '2026-11-26T09:55:00Z',
        error: refused,
      },
    }),
  );
  // risk-score: refused as an invalid spec, no Kubernetes object ever created.
  const bad = { code: 'BadArgument', message: 'Invalid value for num_replicas: -1' };
  await put(
    dir,
    'azureml/0/demo-ws/services/risk-score.json',
    v1('risk-score', {
      state: 'Failed',
      updatedTime: '2026-11-26T09:40:00Z',
      error: bad,
      operation: {
        status: 'Failed',
        startTime: '2026-11-26T09:39:00Z',
        endTime: '2026-11-26T09:40:00Z',
        error: bad,
      },
    }),
  );
  // credit-limit: its image build fails (the demo's build log, in demo-ws's storage account).
  await cp('examples/demo/events/image-build-failed.json', join(dir, 'events', 'image-build-failed.json'));
  await cp('examples/demo/blobs', join(dir, 'blobs'), { recursive: true });
  const buildFailed = {
    code: 'ImageBuildFailure',
    message:
      'Image build failed. For more details, check log file azureml-logs/ImageLogs/2f7c9e1a-4b3d-4c8e-9a6f-1d2e3f4a5b6c/build.log.',
  };
  await put(
    dir,
    'azureml/0/demo-ws/services/credit-limit.json',
    v1('credit-limit', {
      imageId: '2f7c9e1a-4b3d-4c8e-9a6f-1d2e3f4a5b6c',
      state: 'Failed',
      updatedTime: '2026-11-26T09:59:00Z',
      error: buildFailed,
      operation: {
        status: 'Failed',
        startTime: '2026-11-26T09:52:00Z',
        endTime: '2026-11-26T09:59:00Z',
        error: buildFailed,
      },
    }),
  );
  // slow-model: Azure ML started creating it at 09:45 and nothing exists in the cluster yet: hung 15 min at 10:00.
  await put(
    dir,
    'azureml/0/demo-ws/services/slow-model.json',
    v1('slow-model', {
      state: 'Transitioning',
      updatedTime: '2026-11-26T09:45:00Z',
      operation: { status: 'InProgress', startTime: '2026-11-26T09:45:00Z' },
    }),
  );
  // pricing: an update cancelled at 09:58, a later one starts at 10:01 and succeeds by 10:04 (no alert).
  const canceled = { code: 'OperationCanceled', message: 'The operation was canceled by a newer request.' };
  await put(
    dir,
    'azureml/0/demo-ws/services/pricing.json',
    v1('pricing', {
      state: 'Transitioning',
      updatedTime: '2026-11-26T09:58:00Z',
      operation: {
        status: 'Canceled',
        startTime: '2026-11-26T09:55:00Z',
        endTime: '2026-11-26T09:58:00Z',
        error: canceled,
      },
    }),
  );
  for (const k of ['1', '2']) {
    await cp(
      join(dir, 'azureml/0/demo-ws/services/slow-model.json'),
      join(dir, `azureml/${k}/demo-ws/services/slow-model.json`),
    );
    await cp(
      join(dir, 'azureml/0/demo-ws/services/credit-limit.json'),
      join(dir, `azureml/${k}/demo-ws/services/credit-limit.json`),
    );
    await cp(
      join(dir, 'azureml/0/demo-ws/services/churn-model.json'),
      join(dir, `azureml/${k}/demo-ws/services/churn-model.json`),
    );
    await cp(
      join(dir, 'azureml/0/demo-ws/services/risk-score.json'),
      join(dir, `azureml/${k}/demo-ws/services/risk-score.json`),
    );
  }
  await put(
    dir,
    'azureml/1/demo-ws/services/pricing.json',
    v1('pricing', {
      state: 'Transitioning',
      updatedTime: '2026-11-26T10:01:00Z',
      operation: { status: 'InProgress', startTime: '2026-11-26T10:01:00Z' },
    }),
  );
  await put(
    dir,
    'azureml/2/demo-ws/services/pricing.json',
    v1('pricing', {
      state: 'Healthy',
      updatedTime: '2026-11-26T10:04:00Z',
      operation: { status: 'Succeeded', startTime: '2026-11-26T10:01:00Z', endTime: '2026-11-26T10:04:00Z' },
    }),
  );
  return dir;
}

describe('amlmon simulate with azureml/ scenario files', () => {
  let result: SimulationResult;
  beforeAll(async () => {
    result = await runSimulation(await scenario());
  }, 120_000);

  it('alerts the build failure by its service, the capacity refusal while the old revision serves, and a deployment with no Kubernetes objects', () => {
    const seen = result.deliveries
      .filter((d) => d.channel === 'email')
      .map((d) => `${d.at.slice(11, 16)} ${d.kind} ${d.workspace ?? '-'} ${d.service} ${d.code}/${d.detail}`);
    expect(seen).toEqual([
      // The build log names its service (the record running that image) and workspace (its storage account);
      // the record's own "image build failed" is that same incident, not a second alert.
      '10:00 alert demo-ws credit-limit ImageBuildFailure/PipPackageNotFound',
      '10:00 alert demo-ws churn-model PodUnschedulable/InsufficientCpu',
      '10:00 alert demo-ws risk-score DeploymentRejected/InvalidSpec',
      // The hang clock starts when Azure ML started the operation (09:45), not when the monitor first looked.
      '10:00 alert demo-ws slow-model DeploymentHung/null',
    ]);
    expect(result.deliveries.find((d) => d.service === 'slow-model')?.since).toBe('2026-11-26T09:45:00.000Z');
    const churn = result.deliveries.find((d) => d.service === 'churn-model')!;
    expect(churn.amlCode).toBe('DeploymentFailed');
    expect(result.poisoned).toBe(0);
  });

  it('says nothing of an update cancelled and then superseded by a successful one', () => {
    expect(result.deliveries.filter((d) => d.service === 'pricing')).toEqual([]);
  });
});

describe('an update cancelled, then succeeded by a later one, with no Kubernetes objects of its own', () => {
  let result: SimulationResult;
  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'amlmon-sim-aml-cancel-'));
    // Past HANG_AFTER (10m) after the success at 10:04, and a digest after that.
    await put(dir, 'scenario.json', {
      start: '2026-11-26T10:00:00Z',
      sweeps: 10,
      sweepInterval: '2m',
      digestAt: '2026-11-26T10:17:00Z',
      workspaces: [{ name: 'demo-ws', storageAccount: 'demowsstorage7f3a', cluster: 'aks-demo' }],
    });
    await mkdir(join(dir, 'cluster', '0'), { recursive: true });
    for (const k of ['0', '1', '2'])
      await cp(
        `examples/demo/azureml/${k}/demo-ws/services/pricing.json`,
        join(dir, `azureml/${k}/demo-ws/services/pricing.json`),
      );
    result = await runSimulation(dir, { outDir: join(dir, 'out') });
  }, 120_000);

  it('is never alerted (Azure ML says Healthy and Succeeded: not a hang once HANG_AFTER passes)', () => {
    expect(result.deliveries.filter((d) => d.kind !== 'digest')).toEqual([]);
  });

  it('counts as attempted and succeeded in the digest', async () => {
    const file = result.written.find((f) => f.includes('digest') && f.endsWith('.txt'));
    const text = await readFile(file ?? '', 'utf8');
    // workspace | attempted | succeeded | failed | hung | incidents opened | resolved
    expect(text).toContain('demo-ws | 1 | 1 | 0 | 0 | 0 | 0 |');
  });
});

describe('scenario workspaces', () => {
  it('names a bad workspaces entry', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'amlmon-sim-aml-bad-'));
    await put(dir, 'scenario.json', {
      start: '2026-11-26T10:00:00Z',
      sweeps: 1,
      sweepInterval: '2m',
      workspaces: [{ name: 'demo-ws', cluser: 'typo' }],
    });
    await mkdir(join(dir, 'cluster', '0'), { recursive: true });
    await expect(loadScenario(dir)).rejects.toThrow(ScenarioError);
    await expect(loadScenario(dir)).rejects.toThrow(/workspaces\[0\]" has unknown field\(s\): cluser/);
  });
});
