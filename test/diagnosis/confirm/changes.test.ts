import type { V1ReplicaSet } from '@kubernetes/client-node';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { revisionChanges } from '../../../shared/diagnosis/confirm/changes.js';
import { diagnoseSnapshot } from '../../../shared/diagnosis/engine.js';
import type { AmlDeployment } from '../../../shared/diagnosis/rule.js';
import { loadBundle } from '../../../shared/diagnosis/bundle.js';

function rs(
  revision: number,
  ready: number,
  container: Record<string, unknown>,
  nodeSelector?: Record<string, string>,
): V1ReplicaSet {
  return {
    metadata: {
      name: `svc-${revision}`,
      annotations: { 'deployment.kubernetes.io/revision': String(revision) },
    },
    spec: {
      selector: {},
      template: {
        spec: { containers: [{ name: 'svc', ...container }], ...(nodeSelector ? { nodeSelector } : {}) },
      },
    },
    status: { replicas: ready, readyReplicas: ready },
  } as V1ReplicaSet;
}

function target(replicaSets: V1ReplicaSet[]): AmlDeployment {
  return { flavor: 'v1', name: 'svc', namespace: 'ns', replicaSets, pods: [] };
}

describe('revisionChanges', () => {
  it('compares the newest revision with the last ready one: image, env names (never values), resources, probes, node selector', () => {
    const good = rs(
      2,
      1,
      {
        image: 'acr/img:1',
        env: [
          { name: 'AZUREML_MODEL_DIR', value: 'models/m/1' },
          { name: 'OLD_FLAG', value: 'x' },
        ],
        resources: { requests: { cpu: '100m', memory: '512Mi' } },
        readinessProbe: { httpGet: { path: '/', port: 5001 }, periodSeconds: 1 },
      },
      { agentpool: 'cpu' },
    );
    const failing = rs(
      4,
      0,
      {
        image: 'acr/img:2',
        env: [
          { name: 'AZUREML_MODEL_DIR', value: 'models/m/2' },
          { name: 'API_KEY', value: 'hunter2-secret' },
        ],
        resources: { requests: { cpu: '100m', memory: '1Gi' } },
        readinessProbe: { httpGet: { path: '/', port: 5001 }, periodSeconds: 5 },
      },
      { agentpool: 'gpu' },
    );
    const neverReady = rs(3, 0, { image: 'acr/img:bad' });
    const changes = revisionChanges(target([good, failing, neverReady]))!;
    const byField = Object.fromEntries(changes.map((c) => [c.field, c]));
    expect(byField['container svc: image']).toEqual({
      field: 'container svc: image',
      before: 'acr/img:1',
      after: 'acr/img:2',
    });
    expect(byField['container svc: environment variable names']).toEqual({
      field: 'container svc: environment variable names',
      before: 'had OLD_FLAG',
      after: 'adds API_KEY',
    });
    expect(byField['container svc: resources']?.after).toBe('requests cpu=100m, memory=1Gi');
    expect(byField['container svc: readiness probe']?.before).toContain('periodSeconds 1');
    expect(byField['node selector']).toEqual({
      field: 'node selector',
      before: 'agentpool=cpu',
      after: 'agentpool=gpu',
    });
    expect(JSON.stringify(changes)).not.toContain('hunter2');
    expect(JSON.stringify(changes)).not.toContain('models/m/');
  });

  it('is null with no earlier revision, and empty when nothing differs', () => {
    expect(revisionChanges(target([rs(1, 0, { image: 'a' })]))).toBeNull();
    expect(revisionChanges(target([rs(1, 1, { image: 'a' }), rs(2, 0, { image: 'a' })]))).toEqual([]);
  });

  it('the demo crash loop names the new image', async () => {
    const bundle = join(
      import.meta.dirname,
      '..',
      '..',
      '..',
      'examples',
      'demo',
      'cluster',
      '0',
      'fraud-score',
    );
    const [d] = diagnoseSnapshot(await loadBundle(bundle));
    expect(d!.changes).toEqual([
      {
        field: 'container fraud-score: image',
        before: 'demoacr.azurecr.io/azureml/azureml_a41c07e2b39d4f5e8c6b2a1d0e9f8c7b:1',
        after: 'demoacr.azurecr.io/azureml/azureml_5e0c3f9a1b2d4c6e8f0a1b2c3d4e5f60:1',
      },
    ]);
    expect(d!.findings[0]!.since).toBe('2026-11-26T09:54:40.000Z');
  });
});
