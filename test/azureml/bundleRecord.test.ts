/**
 * Azure ML's side of a bundle: `service.json` (v1 record, v2 ARM online deployment, both with `operation`) and
 * `blobs.json` are read into typed data and written back so a bundle replays offline with the same record.
 */
import { mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BundleError, loadBundle, writeBundle } from '../../shared/snapshot/bundle.js';
import { amlService } from '../support/fixtureKit/kit.js';
import { kubectlYaml } from '../support/fixtureKit/write.js';

async function bundle(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'amlmon-aml-'));
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(join(dir, rel, '..'), { recursive: true });
    await writeFile(join(dir, rel), content);
  }
  return dir;
}

const svc = amlService({ name: 'churn-svc', createdAt: '2024-05-01T10:00:00Z' });
const yaml = kubectlYaml([svc.deployment, svc.replicaSet, ...svc.pods]);

const v1Record = {
  name: 'churn-svc',
  computeType: 'AKS',
  computeName: 'aks-prod',
  state: 'Failed',
  createdTime: '2024-04-01T08:00:00.1234567Z',
  updatedTime: '2024-05-01T10:05:00Z',
  imageDetails: { id: 'churn-svc:7' },
  error: {
    code: 'DeploymentFailed',
    message: 'Deployment request failed due to insufficient compute resource.',
    details: [{ code: 'InsufficientResources', message: 'sig=abcdef0123456789secret' }],
  },
  operation: { status: 'Failed', startTime: '2024-05-01T10:00:00Z', endTime: '2024-05-01T10:05:00Z' },
};

const v2Deployment = {
  id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/onlineEndpoints/fraud/deployments/blue',
  name: 'blue',
  type: 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments',
  properties: {
    endpointComputeType: 'Kubernetes',
    provisioningState: 'Failed',
    instanceType: 'defaultinstancetype',
    model:
      '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/models/fraud/versions/4',
    environmentId: 'azureml:sklearn-env:2',
  },
  systemData: { createdAt: '2024-05-01T09:00:00Z', lastModifiedAt: '2024-05-01T10:00:00Z' },
  operation: {
    status: 'Canceled',
    startTime: '2024-05-01T10:00:00Z',
    endTime: '2024-05-01T10:02:00Z',
    error: { code: 'OperationCanceled', message: 'The operation was canceled.' },
  },
};

describe('service.json', () => {
  it('reads the v1 record with its times, image, compute and operation', async () => {
    const s = await loadBundle(
      await bundle({ 'snapshot.yaml': yaml, 'service.json': JSON.stringify(v1Record) }),
    );
    expect(s.service).toMatchObject({
      flavor: 'v1',
      name: 'churn-svc',
      state: 'Failed',
      computeName: 'aks-prod',
      imageId: 'churn-svc:7',
      createdTime: '2024-04-01T08:00:00.1234567Z',
      updatedTime: '2024-05-01T10:05:00Z',
      error: { code: 'DeploymentFailed', details: [{ code: 'InsufficientResources' }] },
      operation: { status: 'Failed', startTime: '2024-05-01T10:00:00Z', endTime: '2024-05-01T10:05:00Z' },
    });
  });

  it('reads the v2 ARM online deployment: provisioning state, endpoint, instance type, model, environment', async () => {
    const s = await loadBundle(
      await bundle({ 'snapshot.yaml': yaml, 'service.json': JSON.stringify(v2Deployment) }),
    );
    expect(s.service).toEqual({
      flavor: 'v2',
      name: 'blue',
      state: 'Failed',
      endpointName: 'fraud',
      instanceType: 'defaultinstancetype',
      model: 'fraud:4',
      environmentId: 'azureml:sklearn-env:2',
      createdTime: '2024-05-01T09:00:00Z',
      updatedTime: '2024-05-01T10:00:00Z',
      operation: {
        status: 'Canceled',
        startTime: '2024-05-01T10:00:00Z',
        endTime: '2024-05-01T10:02:00Z',
        error: { code: 'OperationCanceled', message: 'The operation was canceled.' },
      },
    });
  });

  it('writes the record back so it replays identically, with secrets in messages redacted', async () => {
    const first = await loadBundle(
      await bundle({ 'snapshot.yaml': yaml, 'service.json': JSON.stringify(v1Record) }),
    );
    const out = await mkdtemp(join(tmpdir(), 'amlmon-aml-out-'));
    await writeBundle(out, first);
    const written = await readFile(join(out, 'service.json'), 'utf8');
    expect(written).not.toContain('abcdef0123456789secret');
    const second = await loadBundle(out);
    expect({ ...second.service, error: undefined }).toEqual({ ...first.service, error: undefined });
    expect(second.service?.error?.code).toBe('DeploymentFailed');
  });

  it('a bad operation time is one clear error naming the file and field', async () => {
    const dir = await bundle({
      'snapshot.yaml': yaml,
      'service.json': JSON.stringify({
        ...v1Record,
        operation: { status: 'Failed', startTime: 'yesterday' },
      }),
    });
    const err = await loadBundle(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BundleError);
    expect((err as BundleError).message).toBe(
      'service.json: operation.startTime "yesterday" is not an RFC 3339 time',
    );
  });
});

describe('blobs.json', () => {
  const checks = [
    { path: 'ExperimentRun/dcid.run1/outputs/model.onnx', container: 'azureml', status: 200, size: 5242880 },
    { path: 'LocalUpload/abc/score.py', container: 'azureml', status: 404, size: null },
    {
      path: 'models/fraud/4/model.pkl',
      container: 'workspaceblobstore',
      status: null,
      size: null,
      error: 'timeout',
    },
  ];

  it('is absent when nothing was checked, and reads and writes back what was', async () => {
    const none = await loadBundle(await bundle({ 'snapshot.yaml': yaml }));
    expect(none.blobs).toBeUndefined();
    const s = await loadBundle(await bundle({ 'snapshot.yaml': yaml, 'blobs.json': JSON.stringify(checks) }));
    expect(s.blobs).toEqual(checks);
    const out = await mkdtemp(join(tmpdir(), 'amlmon-aml-out-'));
    await writeBundle(out, s);
    expect((await loadBundle(out)).blobs).toEqual(checks);
  });

  it('an empty list means there was nothing to check', async () => {
    const s = await loadBundle(await bundle({ 'snapshot.yaml': yaml, 'blobs.json': '[]' }));
    expect(s.blobs).toEqual([]);
  });

  it.each([
    ['{}', 'blobs.json: must be a JSON array like [{"path","container","status","size"}]'],
    ['[{"container":"azureml"}]', 'blobs.json: entry 0 needs "path" and "container" strings'],
    [
      '[{"path":"m","container":"azureml","status":500,"size":1}]',
      'blobs.json: entry 0: status must be 200, 403, 404 or null, not 500',
    ],
    [
      '[{"path":"m","container":"azureml","status":200,"size":-1}]',
      'blobs.json: entry 0: size must be a byte count or null, not -1',
    ],
  ])('rejects %s', async (text, message) => {
    const err = await loadBundle(await bundle({ 'snapshot.yaml': yaml, 'blobs.json': text })).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BundleError);
    expect((err as BundleError).message).toBe(message);
  });
});
