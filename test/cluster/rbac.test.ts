// infra/rbac.yaml is enough for every request the collector and discovery make, and grants nothing more than the
// read-only list the monitor needs.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectSnapshot, discover, loadKubeconfigTarget } from '../../shared/cluster/index.js';
import { startScenarioCluster, type ScenarioCluster } from '../../sim/standins/kubernetes/index.js';
import {
  SERVICE_STATES,
  syntheticService,
  syntheticSnapshot,
} from '../../sim/standins/kubernetes/synthetic.js';

const RBAC = join(import.meta.dirname, '..', '..', 'infra', 'rbac.yaml');

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

/** `/api/v1/namespaces/ns/pods/p/log` → { group: '', resource: 'pods/log', verb: 'get' } */
function access(path: string): { group: string; resource: string; verb: string } {
  const parts = path.split('/').filter(Boolean);
  const group = parts[0] === 'api' ? '' : (parts[1] ?? '');
  let rest = parts.slice(parts[0] === 'api' ? 2 : 3);
  if (rest[0] === 'namespaces' && rest.length >= 3) rest = rest.slice(2);
  const [resource = '', name, sub] = rest;
  return { group, resource: sub ? `${resource}/${sub}` : resource, verb: name ? 'get' : 'list' };
}

let cluster: ScenarioCluster;
let rules: Rule[];

beforeAll(async () => {
  const services = SERVICE_STATES.map((state, i) =>
    syntheticService('azureml-ws', `svc${i}`, state, state === 'storageInitFailure' ? 'v2' : 'v1'),
  );
  cluster = await startScenarioCluster({ bundles: [syntheticSnapshot(services)] });
  const docs = parseAllDocuments(await readFile(RBAC, 'utf8')).map(
    (d) => d.toJS() as { kind: string; rules?: Rule[] },
  );
  rules = docs.find((d) => d.kind === 'ClusterRole')?.rules ?? [];
});

afterAll(async () => {
  await cluster.close();
});

describe('infra/rbac.yaml', () => {
  it('grants only get and list, on exactly the resources the issue names', () => {
    expect(new Set(rules.flatMap((r) => r.verbs))).toEqual(new Set(['get', 'list']));
    expect(rules.flatMap((r) => r.resources).sort()).toEqual(
      [
        'configmaps',
        'deployments',
        'events',
        // Listed when a service's Deployment is missing (ComputeAttachFailure/NamespaceNotFound).
        'namespaces',
        'nodes',
        'persistentvolumeclaims',
        'persistentvolumes',
        'pods',
        'pods/log',
        'replicasets',
        'resourcequotas',
      ].sort(),
    );
  });

  it('allows every request of every collection plan and of discovery', async () => {
    const target = loadKubeconfigTarget({ kubeconfig: cluster.kubeconfigPath });
    for (let i = 0; i < SERVICE_STATES.length; i++) {
      await collectSnapshot(target, { namespace: 'azureml-ws', service: `svc${i}` });
    }
    await discover(target);
    const needed = new Set(cluster.requests.entries.map((r) => JSON.stringify(access(r.path))));
    expect(needed.size).toBeGreaterThan(8);
    for (const n of needed) {
      const { group, resource, verb } = JSON.parse(n) as { group: string; resource: string; verb: string };
      const allowed = rules.some(
        (r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb),
      );
      expect(allowed, `${verb} ${group || 'core'}/${resource}`).toBe(true);
    }
  });
});
