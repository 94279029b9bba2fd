// discover(): every Azure ML deployment in ≤ 3 cluster-wide list calls, paginated, healthy told from not.
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DiscoveryError,
  discover,
  loadKubeconfigTarget,
  type ClusterTarget,
} from '../../shared/cluster/index.js';
import { startScenarioCluster, type ScenarioCluster } from '../../sim/standins/kubernetes/index.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');

let cluster: ScenarioCluster;
let target: ClusterTarget;

beforeAll(async () => {
  cluster = await startScenarioCluster({
    bundles: [join(FIXTURES, 'v1-crashloop'), join(FIXTURES, 'v2-healthy')],
  });
  target = loadKubeconfigTarget({ kubeconfig: cluster.kubeconfigPath });
});

afterAll(async () => {
  await cluster.close();
});

afterEach(() => {
  cluster.clearFaults();
  cluster.requests.reset();
});

describe('discover', () => {
  it('finds v1 and v2 deployments (not the front end) with two list calls', async () => {
    const found = await discover(target);
    expect(found.map((d) => `${d.flavor} ${d.namespace}/${d.name} ${d.healthy}`)).toEqual([
      'v1 azureml-myws/my-svc false',
      'v1 azureml-myws/other-svc true',
      'v2 ml-compute/blue-ep1 true',
    ]);
    expect(cluster.requests.total).toBe(2);
    expect(cluster.requests.entries.every((r) => r.path === '/apis/apps/v1/deployments')).toBe(true);
    const v2 = found.find((d) => d.flavor === 'v2');
    expect(v2).toMatchObject({ endpoint: 'ep1', deploymentName: 'blue', replicas: 2, readyReplicas: 2 });
    const broken = found.find((d) => d.name === 'my-svc');
    expect(broken).toMatchObject({
      generation: 2,
      observedGeneration: 2,
      replicas: 1,
      readyReplicas: 0,
      conditions: {
        Available: {
          status: 'False',
          reason: 'MinimumReplicasUnavailable',
          lastUpdateTime: '2026-11-26T09:50:00Z',
        },
        Progressing: { status: 'True', reason: 'ReplicaSetUpdated' },
      },
    });
  });

  it('follows continue tokens page by page', async () => {
    const found = await discover(target, { pageSize: 1 });
    expect(found).toHaveLength(3);
    // v1: two items in pages of one → 2 requests; v2: one item → 1 request.
    expect(cluster.requests.total).toBe(3);
    expect(cluster.requests.entries.filter((r) => /continue=/.test(r.query))).toHaveLength(1);
  });

  it('throws a DiscoveryError with what it found when one list fails', async () => {
    cluster.setFaults([{ path: /labelSelector=ml\.azure\.com/, status: 403 }]);
    const error = await discover(target).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscoveryError);
    const e = error as DiscoveryError;
    expect(e.gaps).toEqual([
      'deployments (v2, all namespaces): 403 Forbidden (the identity lacks list on deployments)',
    ]);
    expect(e.found.map((d) => d.name)).toEqual(['my-svc', 'other-svc']);
    expect(e.clusterError).toBeUndefined();
  });

  it('names the cluster error when nothing can be listed', async () => {
    cluster.setFaults([{ path: /./, status: 401 }]);
    const error = (await discover(target).catch((e: unknown) => e)) as DiscoveryError;
    expect(error.clusterError?.kind).toBe('Unauthorized');
  });
});
