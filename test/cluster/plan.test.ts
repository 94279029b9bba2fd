// The request plan per common failure state: what is read, in how many requests and waves, and that the live
// diagnosis equals the diagnosis of the full cluster state the scenario cluster serves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collectSnapshot,
  loadKubeconfigTarget,
  type ClusterTarget,
  type RequestTrace,
} from '../../shared/cluster/index.js';
import { diagnoseSnapshot } from '../../shared/diagnosis/engine.js';
import { startScenarioCluster, type ScenarioCluster } from '../../sim/standins/kubernetes/index.js';
import {
  SERVICE_STATES,
  syntheticService,
  syntheticSnapshot,
  type ServiceState,
} from '../../sim/standins/kubernetes/synthetic.js';

const NS = 'azureml-ws';

/** Paths (without the namespace prefix) each state must read beyond the deployment, events and pods. */
const EXPECTED_EXTRA: Record<ServiceState, RegExp[]> = {
  healthy: [
    /deployments\/azureml-fe$/,
    /\/log$/,
    /namespaces\/default\/pods$/,
    /default\/pods\/azureml-fe-.*\/log$/,
  ],
  crashLoop: [/\/log$/, /configmaps\//],
  oomKilled: [/\/log$/],
  imagePull: [],
  unschedulable: [/\/api\/v1\/nodes$/],
  mountFailure: [/persistentvolumeclaims\//, /\/api\/v1\/persistentvolumes$/],
  quotaExceeded: [/replicasets$/, /resourcequotas$/],
  frontendDown: [
    /deployments\/azureml-fe$/,
    /namespaces\/default\/pods$/,
    /namespaces\/default\/events$/,
    /\/api\/v1\/nodes$/,
    /default\/pods\/azureml-fe-.*\/log$/,
  ],
  storageInitFailure: [/\/log$/, /configmaps\//],
};

let cluster: ScenarioCluster;
let target: ClusterTarget;

beforeAll(async () => {
  cluster = await startScenarioCluster({ bundles: [] });
  target = loadKubeconfigTarget({ kubeconfig: cluster.kubeconfigPath });
});

afterAll(async () => {
  await cluster.close();
});

describe.each(SERVICE_STATES)('plan for %s', (state) => {
  it('stays within its budget, reads what the state needs, and diagnoses like the full state', async () => {
    const flavor = state === 'storageInitFailure' ? 'v2' : 'v1';
    const full = syntheticSnapshot([syntheticService(NS, 'svc', state, flavor)]);
    await cluster.setBundles([full]);
    cluster.requests.reset();
    const traces: RequestTrace[] = [];
    const live = await collectSnapshot(target, {
      namespace: NS,
      service: 'svc',
      onRequest: (t) => traces.push(t),
    });

    expect(live.meta.gaps).toBeUndefined();
    // The service's own failures: ≤ 6 requests in ≤ 3 waves. The router (down, or checked for overload while the
    // service serves) costs a fourth wave.
    const routerCase = state === 'frontendDown' || state === 'healthy';
    expect(cluster.requests.total).toBeLessThanOrEqual(routerCase ? 8 : 6);
    const waves = Math.max(...traces.map((t) => t.wave));
    if (routerCase) expect(waves).toBe(4);
    else expect(waves).toBeLessThanOrEqual(3);
    const paths = cluster.requests.entries.map((r) => r.path);
    for (const pattern of EXPECTED_EXTRA[state])
      expect(
        paths.some((p) => pattern.test(p)),
        String(pattern),
      ).toBe(true);
    expect(
      paths.some((p) => p.startsWith('/api/v1/nodes')),
      'nodes read',
    ).toBe(state === 'unschedulable' || state === 'frontendDown');
    // The init configuration is read only when the code or the model download failed by itself.
    expect(
      paths.some((p) => /configmaps\//.test(p)),
      'config read',
    ).toBe(state === 'crashLoop' || state === 'storageInitFailure');

    const expected = diagnoseSnapshot(full, { service: 'svc' });
    expect(diagnoseSnapshot(live, { service: 'svc' })).toEqual(expected);
  });
});
