// collectSnapshot over real HTTPS against the scenario cluster: the request plan, its budget, and errors as data.
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  collectSnapshot,
  loadKubeconfigTarget,
  type ClusterTarget,
  type RequestTrace,
} from '../../shared/cluster/index.js';
import { startScenarioCluster, type ScenarioCluster } from '../../sim/standins/kubernetes/index.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const V1 = join(FIXTURES, 'v1-crashloop');
const V2 = join(FIXTURES, 'v2-healthy');
const NS = 'azureml-myws';
const POD = 'my-svc-5d9c7b6f48-abcde';

let cluster: ScenarioCluster;
let target: ClusterTarget;

beforeAll(async () => {
  cluster = await startScenarioCluster({ bundles: [V1, V2] });
  target = loadKubeconfigTarget({ kubeconfig: cluster.kubeconfigPath });
});

afterAll(async () => {
  await cluster.close();
});

afterEach(() => {
  cluster.clearFaults();
  cluster.setTokens([cluster.token]);
  cluster.requests.reset();
});

function traced(): { traces: RequestTrace[]; onRequest: (t: RequestTrace) => void } {
  const traces: RequestTrace[] = [];
  return { traces, onRequest: (t) => traces.push(t) };
}

describe('collectSnapshot: the request plan', () => {
  it('collects a crash-looping v1 service in ≤ 7 requests and ≤ 3 waves', async () => {
    const { traces, onRequest } = traced();
    const s = await collectSnapshot(target, { namespace: NS, service: 'my-svc', onRequest });

    expect(s.deployments.map((d) => d.metadata?.name)).toEqual(['my-svc']);
    expect(s.pods.map((p) => p.metadata?.name)).toEqual([POD]);
    // Only this service's events, though the namespace holds another service's too.
    expect(s.events.map((e) => e.involvedObject?.name)).toEqual([POD, POD]);
    expect(s.logs.get(`${POD}/my-svc`)?.previous).toContain("ModuleNotFoundError: No module named 'sklearn'");
    // Waiting to restart: there is no current instance; its last one is read once, as the previous log.
    expect(s.logs.get(`${POD}/my-svc`)?.current).toBeUndefined();
    // A crash points at the model or code: the InitContainerConfig ConfigMap is read.
    expect(s.configMaps.map((c) => c.metadata?.name)).toEqual(['my-svc0123-config']);
    // Nothing points at scheduling or volumes: no nodes, no claims.
    expect(s.nodes).toEqual([]);
    expect(s.persistentVolumeClaims).toEqual([]);
    expect(s.meta).toMatchObject({ service: 'my-svc', namespace: NS, capturedAt: '2026-11-26T10:00:00Z' });
    expect(s.meta.gaps).toBeUndefined();
    expect(s.meta.clusterError).toBeUndefined();

    // 7: the Deployment was updated (generation > 1), so its ReplicaSet history is read for `changes`.
    expect(cluster.requests.count(/\/replicasets/)).toBe(1);
    expect(cluster.requests.total).toBeLessThanOrEqual(7);
    expect(traces.length).toBe(cluster.requests.total);
    expect(Math.max(...traces.map((t) => t.wave))).toBeLessThanOrEqual(3);
    expect(cluster.requests.count(/\/log\?/)).toBe(1);
    expect(cluster.requests.count(/\/log\?.*previous=true/)).toBe(1);
    expect(cluster.requests.matching(/\/log\?/).every((r) => /tailLines=500/.test(r.query))).toBe(true);
    expect(cluster.requests.matching(/\/log\?/).every((r) => /limitBytes=\d+/.test(r.query))).toBe(true);
  });

  it('selects a v2 deployment by <endpoint>/<deployment>; a serving service gets the Degraded checks', async () => {
    const { traces, onRequest } = traced();
    const s = await collectSnapshot(target, { namespace: 'ml-compute', service: 'ep1/blue', onRequest });
    expect(s.meta.service).toBe('blue-ep1');
    expect(s.pods).toHaveLength(2);
    expect(s.deployments.map((d) => `${d.metadata?.namespace}/${d.metadata?.name}`)).toEqual([
      'ml-compute/blue-ep1',
      'azureml/azureml-fe-v2',
    ]);
    // Nothing fails: the scoring log of each ready pod is read (a ready service can still be Degraded), no config.
    expect([...s.logs.keys()].sort()).toEqual([
      'blue-ep1-6b7c8d9f5-aaaaa/inference-server',
      'blue-ep1-6b7c8d9f5-bbbbb/inference-server',
    ]);
    expect(s.logs.get('blue-ep1-6b7c8d9f5-aaaaa/inference-server')?.current).toBe('line1\nline2\nline3\n');
    expect(s.configMaps).toEqual([]);
    // dep + events | pods + router | 2 scoring logs + router pods. The bundle has no router pods, so no router log.
    expect(cluster.requests.total).toBe(7);
    expect(Math.max(...traces.map((t) => t.wave))).toBe(3);
    expect(cluster.requests.count('/api/v1/namespaces/azureml/pods')).toBe(1);
  });
});

describe('collectSnapshot: errors become data', () => {
  it('names a forbidden request as a gap and still collects the rest', async () => {
    cluster.setFaults([{ path: `/api/v1/namespaces/${NS}/events`, status: 403 }]);
    const s = await collectSnapshot(target, { namespace: NS, service: 'my-svc' });
    expect(s.meta.gaps).toEqual(['events: 403 Forbidden (the identity lacks list on events)']);
    expect(s.meta.clusterError).toBeUndefined();
    expect(s.pods).toHaveLength(1);
    expect(s.logs.get(`${POD}/my-svc`)?.previous).toContain('sklearn');
  });

  it('reports a missing deployment as a 404 gap', async () => {
    const s = await collectSnapshot(target, { namespace: NS, service: 'no-such-svc' });
    expect(s.meta.gaps).toEqual(['deployment no-such-svc: 404 NotFound']);
    expect(s.pods).toEqual([]);
    expect(s.meta.clusterError).toBeUndefined();
  });

  it('retries 429 honouring Retry-After, then succeeds without a gap', async () => {
    const path = `/api/v1/namespaces/${NS}/pods`;
    cluster.setFaults([{ path, status: 429, retryAfterSeconds: 1, times: 1 }]);
    const started = Date.now();
    const s = await collectSnapshot(target, { namespace: NS, service: 'my-svc' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(s.meta.gaps).toBeUndefined();
    expect(s.pods).toHaveLength(1);
    expect(cluster.requests.count(path)).toBe(2);
  });

  it('retries 5xx and connection resets, and gives up with a gap when they persist', async () => {
    const cm = `/api/v1/namespaces/${NS}/configmaps/my-svc0123-config`;
    const pods = `/api/v1/namespaces/${NS}/pods`;
    cluster.setFaults([
      { path: cm, status: 503 },
      { path: pods, reset: true, times: 1 },
    ]);
    const s = await collectSnapshot(target, { namespace: NS, service: 'my-svc', timeBudgetMs: 20_000 });
    expect(s.pods).toHaveLength(1);
    expect(cluster.requests.count(pods)).toBe(2);
    expect(s.meta.gaps).toEqual(['configmap my-svc0123-config: 503 ServiceUnavailable']);
    expect(cluster.requests.count(cm)).toBe(4);
  });

  it('turns a hanging request into a timeout gap within the request timeout', async () => {
    cluster.setFaults([{ path: `/api/v1/namespaces/${NS}/pods/${POD}/log`, hang: true }]);
    const s = await collectSnapshot(target, { namespace: NS, service: 'my-svc', requestTimeoutMs: 500 });
    expect(s.meta.gaps).toEqual([`previous log ${POD}/my-svc: timeout after 500ms`]);
    expect(s.pods).toHaveLength(1);
  });

  it('reports a 404 on the previous log as a gap', async () => {
    cluster.setFaults([{ path: `/api/v1/namespaces/${NS}/pods/${POD}/log`, status: 404 }]);
    const s = await collectSnapshot(target, { namespace: NS, service: 'my-svc' });
    expect(s.meta.gaps).toEqual([`previous log ${POD}/my-svc: 404 NotFound`]);
  });

  it('says Unauthorized when the cluster rejects the credentials', async () => {
    cluster.setTokens(['some-other-token']);
    const s = await collectSnapshot(target, { namespace: NS, service: 'my-svc' });
    expect(s.meta.clusterError?.kind).toBe('Unauthorized');
    expect(s.pods).toEqual([]);
    expect(JSON.stringify(s.meta)).not.toContain(cluster.token);
    expect(cluster.requests.total).toBe(2);
  });

  it('says Forbidden when every first request is forbidden', async () => {
    cluster.setFaults([{ path: /./, status: 403 }]);
    const s = await collectSnapshot(target, { namespace: NS, service: 'my-svc' });
    expect(s.meta.clusterError?.kind).toBe('Forbidden');
  });

  it('says Timeout when the API server does not answer, within the time budget', async () => {
    cluster.setFaults([{ path: /./, hang: true }]);
    const started = Date.now();
    const s = await collectSnapshot(target, { namespace: NS, service: 'my-svc', requestTimeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(s.meta.clusterError?.kind).toBe('Timeout');
  });

  it('says Timeout when nothing listens at the address', async () => {
    const closed = await startScenarioCluster({ bundles: [V2] });
    const deadTarget = loadKubeconfigTarget({ kubeconfig: closed.kubeconfigPath });
    await deadTarget.kubeConfig();
    const yaml = await import('node:fs/promises').then((fs) => fs.readFile(closed.kubeconfigPath, 'utf8'));
    await closed.close();
    const s = await collectSnapshot(loadKubeconfigTarget({ kubeconfig: yaml }), {
      namespace: NS,
      service: 'my-svc',
      timeBudgetMs: 5_000,
    });
    expect(s.meta.clusterError?.kind).toBe('Timeout');
    expect(s.meta.gaps?.[0]).toMatch(/unreachable \(ECONNREFUSED\)/);
  });
});
