// The scenario cluster driven by the real client-node over verified HTTPS: selectors, pagination, logs, auth, faults.
import { readFile } from 'node:fs/promises';
import { request, type RequestOptions } from 'node:https';
import { join } from 'node:path';
import { ApiException, AppsV1Api, CoreV1Api, EventsV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toRequestFailure } from '../../shared/cluster/errors.js';
import { startScenarioCluster, type ScenarioCluster } from '../../sim/standins/kubernetes/index.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const V1 = join(FIXTURES, 'v1-crashloop');
const V2 = join(FIXTURES, 'v2-healthy');
const NS = 'azureml-myws';
const POD = 'my-svc-5d9c7b6f48-abcde';

let cluster: ScenarioCluster;
let core: CoreV1Api;
let apps: AppsV1Api;

function clientFor(kubeconfigPath: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  return kc;
}

async function statusOf(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 200;
  } catch (error) {
    if (error instanceof ApiException) return error.code;
    throw error;
  }
}

beforeAll(async () => {
  cluster = await startScenarioCluster({ bundles: [V1, V2] });
  const kc = clientFor(cluster.kubeconfigPath);
  core = kc.makeApiClient(CoreV1Api);
  apps = kc.makeApiClient(AppsV1Api);
});

afterAll(async () => {
  await cluster.close();
});

describe('scenario cluster: reads', () => {
  it('serves HTTPS on loopback with a CA the kubeconfig carries, and a bearer token', async () => {
    expect(cluster.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const kubeconfig = await readFile(cluster.kubeconfigPath, 'utf8');
    expect(kubeconfig).toContain('certificate-authority-data');
    expect(kubeconfig).toContain(cluster.token);
    expect(kubeconfig).not.toContain('insecure-skip-tls-verify');
  });

  it('gets a deployment exactly as the bundle has it', async () => {
    const d = await apps.readNamespacedDeployment({ name: 'my-svc', namespace: NS });
    expect(d.metadata?.labels?.isazuremlapp).toBe('true');
    expect(d.status?.conditions?.find((c) => c.type === 'Available')?.reason).toBe(
      'MinimumReplicasUnavailable',
    );
    expect(d.spec?.template?.spec?.containers[0]?.env?.[0]?.valueFrom?.configMapKeyRef?.name).toBe(
      'my-svc0123-config',
    );
  });

  it('answers 404 with a Kubernetes Status for an object that is not there', async () => {
    try {
      await apps.readNamespacedDeployment({ name: 'nope', namespace: NS });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ApiException);
      const e = error as ApiException<string>;
      expect(e.code).toBe(404);
      expect(JSON.parse(e.body)).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404 });
    }
  });

  it('filters pods by label selector (equality, set and existence forms)', async () => {
    const bySvc = await core.listNamespacedPod({ namespace: NS, labelSelector: 'azuremlappname=my-svc' });
    expect(bySvc.items.map((p) => p.metadata?.name)).toEqual([POD]);
    const bySet = await core.listPodForAllNamespaces({
      labelSelector: 'azuremlappname in (my-svc,other-svc)',
    });
    expect(bySet.items).toHaveLength(2);
    const v2 = await core.listPodForAllNamespaces({ labelSelector: 'ml.azure.com/deployment-name' });
    expect(v2.items.map((p) => p.metadata?.namespace)).toEqual(['ml-compute', 'ml-compute']);
    const notV1 = await core.listPodForAllNamespaces({ labelSelector: '!isazuremlapp' });
    expect(notV1.items.every((p) => p.metadata?.namespace === 'ml-compute')).toBe(true);
  });

  it('filters by field selector and rejects fields the API server does not support', async () => {
    const events = await core.listNamespacedEvent({
      namespace: NS,
      fieldSelector: `involvedObject.name=${POD},type=Warning`,
    });
    expect(events.items.map((e) => e.reason)).toEqual(['BackOff']);
    const running = await core.listPodForAllNamespaces({
      fieldSelector: 'status.phase=Running,metadata.name!=' + POD,
    });
    expect(running.items.map((p) => p.metadata?.name)).not.toContain(POD);
    expect(await statusOf(core.listNamespacedPod({ namespace: NS, fieldSelector: 'spec.bogus=1' }))).toBe(
      400,
    );
  });

  it('serves core events as events.k8s.io/v1 too', async () => {
    const kc = clientFor(cluster.kubeconfigPath);
    const list = await kc
      .makeApiClient(EventsV1Api)
      .listNamespacedEvent({ namespace: NS, fieldSelector: `regarding.name=${POD},reason=BackOff` });
    expect(list.items).toHaveLength(1);
    expect(list.items[0]?.note).toContain('Back-off restarting failed container');
  });

  it('paginates with limit and continue', async () => {
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await core.listPodForAllNamespaces({ limit: 1, _continue: token });
      names.push(...page.items.map((p) => p.metadata?.name ?? ''));
      token = page.metadata?._continue;
      pages++;
    } while (token);
    expect(pages).toBe(4);
    expect(names).toHaveLength(4);
    expect(new Set(names).size).toBe(4);
    // A token from another query is refused, as the API server does.
    const first = await core.listPodForAllNamespaces({ limit: 1 });
    expect(
      await statusOf(
        core.listNamespacedPod({ namespace: NS, limit: 1, _continue: first.metadata?._continue }),
      ),
    ).toBe(410);
  });

  it('serves cluster-scoped nodes and namespaced config maps', async () => {
    const nodes = await core.listNode();
    expect(nodes.items.map((n) => n.metadata?.name)).toEqual(['aks-nodepool1-12345678-vmss000000']);
    const cm = await core.readNamespacedConfigMap({ name: 'my-svc0123-config', namespace: NS });
    expect(cm.data?.config).toContain('mymodel:1');
  });
});

describe('scenario cluster: logs', () => {
  it('serves current and previous logs with tailLines and limitBytes', async () => {
    const expected = await readFile(join(V1, 'logs', POD, 'my-svc.previous.log'), 'utf8');
    const previous = await core.readNamespacedPodLog({
      name: POD,
      namespace: NS,
      container: 'my-svc',
      previous: true,
    });
    expect(previous).toBe(expected);
    const tail = await core.readNamespacedPodLog({
      name: POD,
      namespace: NS,
      container: 'my-svc',
      tailLines: 2,
    });
    expect(tail).toBe(expected.split('\n').slice(-3).join('\n'));
    const limited = await core.readNamespacedPodLog({ name: POD, namespace: NS, limitBytes: 10 });
    expect(limited).toBe(expected.slice(0, 10));
  });

  it('answers 400 the way the kubelet does for logs that cannot exist', async () => {
    const healthy = 'blue-ep1-6b7c8d9f5-bbbbb';
    expect(
      await statusOf(
        core.readNamespacedPodLog({
          name: healthy,
          namespace: 'ml-compute',
          container: 'inference-server',
          previous: true,
        }),
      ),
    ).toBe(400);
    // One main container (init containers do not count): it is the default; an unknown name is refused.
    expect(await statusOf(core.readNamespacedPodLog({ name: healthy, namespace: 'ml-compute' }))).toBe(200);
    expect(
      await statusOf(
        core.readNamespacedPodLog({ name: healthy, namespace: 'ml-compute', container: 'nope' }),
      ),
    ).toBe(400);
    expect(await statusOf(core.readNamespacedPodLog({ name: 'gone', namespace: NS }))).toBe(404);
  });
});

describe('scenario cluster: auth, discovery, faults, counters', () => {
  it('rejects a wrong bearer token with 401', async () => {
    const kc = clientFor(cluster.kubeconfigPath);
    kc.users[0] = { ...kc.users[0], name: kc.users[0]?.name ?? 'u', token: 'wrong-token' };
    expect(await statusOf(kc.makeApiClient(CoreV1Api).listNode())).toBe(401);
  });

  it('serves discovery documents for every group it holds', async () => {
    const kc = clientFor(cluster.kubeconfigPath);
    const res = await fetchJson(kc, '/apis');
    const groups = (res as { groups: Array<{ name: string }> }).groups.map((g) => g.name);
    expect(groups).toEqual(expect.arrayContaining(['apps', 'events.k8s.io']));
    const v1 = (await fetchJson(kc, '/api/v1')) as { resources: Array<{ name: string }> };
    expect(v1.resources.map((r) => r.name)).toEqual(
      expect.arrayContaining(['pods', 'pods/log', 'events', 'nodes']),
    );
  });

  it('injects a status with Retry-After for a number of requests, then behaves', async () => {
    const path = `/api/v1/namespaces/${NS}/events`;
    cluster.setFaults([{ path, status: 429, retryAfterSeconds: 7, times: 1 }]);
    try {
      await core.listNamespacedEvent({ namespace: NS });
      expect.unreachable();
    } catch (error) {
      const e = error as ApiException<string>;
      expect(e.code).toBe(429);
      expect(e.headers['retry-after']).toBe('7');
    }
    const after = await core.listNamespacedEvent({ namespace: NS });
    expect(after.items.length).toBeGreaterThan(0);
    cluster.clearFaults();
  });

  it('resets, hangs and delays a path on request', async () => {
    const path = `/api/v1/namespaces/${NS}/pods`;
    cluster.setFaults([{ path, reset: true, times: 1 }]);
    // A real TCP reset, not an HTTP answer (a TLS socket cannot reset itself; this once came back as a 500).
    const reset = await core.listNamespacedPod({ namespace: NS }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(reset).not.toBeInstanceOf(ApiException);
    expect(toRequestFailure(reset, 1_000).kind).toBe('ConnectionReset');
    cluster.setFaults([{ path, hang: true, times: 1 }]);
    const hung = await Promise.race([
      core.listNamespacedPod({ namespace: NS }).then(() => 'answered'),
      new Promise((resolve) => setTimeout(() => resolve('still waiting'), 300)),
    ]);
    expect(hung).toBe('still waiting');
    cluster.setFaults([{ path, latencyMs: 150, times: 1 }]);
    const started = Date.now();
    await core.listNamespacedPod({ namespace: NS });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    cluster.clearFaults();
    expect(cluster.requests.matching(path).map((r) => r.outcome)).toEqual(
      expect.arrayContaining(['reset', 'hang', 200]),
    );
  });

  it('counts requests by path and query', async () => {
    cluster.requests.reset();
    await core.listNamespacedPod({ namespace: NS, labelSelector: 'azuremlappname=my-svc' });
    await core.listNode();
    expect(cluster.requests.total).toBe(2);
    expect(cluster.requests.count(`/api/v1/namespaces/${NS}/pods`)).toBe(1);
    expect(cluster.requests.count(/labelSelector=azuremlappname%3Dmy-svc/)).toBe(1);
  });

  it('swaps its state with setBundles and dates answers from the bundle clock', async () => {
    await cluster.setBundles([V2]);
    expect(await statusOf(apps.readNamespacedDeployment({ name: 'my-svc', namespace: NS }))).toBe(404);
    const info = await apps.readNamespacedDeploymentWithHttpInfo({
      name: 'blue-ep1',
      namespace: 'ml-compute',
    });
    expect(new Date(info.headers.date ?? '').toISOString()).toBe('2026-11-26T10:00:00.000Z');
    await cluster.setBundles([V1, V2]);
    expect(await statusOf(apps.readNamespacedDeployment({ name: 'my-svc', namespace: NS }))).toBe(200);
  });
});

async function fetchJson(kc: KubeConfig, path: string): Promise<unknown> {
  // Raw request through client-node's own TLS and auth options (discovery has no typed API in client-node).
  const opts: RequestOptions = {};
  await kc.applyToHTTPSOptions(opts);
  const server = new URL(kc.getCurrentCluster()?.server ?? '');
  return new Promise((resolve, reject) => {
    const req = request(
      { ...opts, hostname: server.hostname, port: server.port, path, method: 'GET' },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve(JSON.parse(body)));
      },
    );
    req.on('error', reject);
    req.end();
  });
}
