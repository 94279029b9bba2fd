/** Which configured cluster runs a record (shared/monitor/pairing.ts): the decisions alone, no I/O. */
import { describe, expect, it } from 'vitest';
import type { AmlDeploymentRecord } from '../../shared/azureml/reader.js';
import { clusterOfCompute, placeRecords, recordOf } from '../../shared/monitor/pairing.js';
import type { AzureMlWorkspaceView, ClusterSource } from '../../shared/monitor/types.js';

const aks = (name: string): string =>
  `/subscriptions/s/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/${name}`;
const cluster = (name: string, resourceId?: string): ClusterSource => ({
  name,
  ...(resourceId ? { resourceId } : {}),
  discover: () => Promise.resolve([]),
  collect: () => Promise.reject(new Error('unused')),
});
const v1 = (name: string, computeName?: string): AmlDeploymentRecord => ({
  flavor: 'v1',
  service: name,
  record: { name, ...(computeName ? { computeName } : {}) },
  ...(computeName ? { compute: computeName } : {}),
});
const v2 = (endpoint: string, deployment: string, compute?: string): AmlDeploymentRecord => ({
  flavor: 'v2',
  service: `${endpoint}-${deployment}`,
  record: { name: deployment, endpointName: endpoint },
  ...(compute ? { compute } : {}),
});
const view = (
  workspace: string,
  computes: AzureMlWorkspaceView['computes'],
  records: AmlDeploymentRecord[],
): AzureMlWorkspaceView => ({ workspace, computes, records, gaps: [] });

describe('clusterOfCompute', () => {
  const byId = [cluster('prod', aks('aks-prod')), cluster('dev', aks('aks-dev'))];
  it('matches a cluster configured by its ARM id, whatever the names (case-insensitive)', () => {
    expect(clusterOfCompute(byId, { name: 'k8s', resourceId: aks('AKS-PROD') })?.name).toBe('prod');
  });
  it('never matches a cluster configured by another ARM id by name', () => {
    expect(clusterOfCompute(byId, { name: 'prod', resourceId: aks('aks-other') })).toBeUndefined();
  });
  it('matches a kubeconfig cluster named like the compute or its AKS cluster', () => {
    const kube = [cluster('edge'), cluster('aks-lab')];
    expect(clusterOfCompute(kube, { name: 'edge' })?.name).toBe('edge');
    expect(clusterOfCompute(kube, { name: 'k8s-lab', resourceId: aks('aks-lab') })?.name).toBe('aks-lab');
  });
});

describe('placeRecords', () => {
  const clusters = [cluster('east', aks('aks-east')), cluster('west', aks('aks-west'))];
  const computes = [
    { name: 'k8s-west', resourceId: aks('aks-west'), namespace: 'team-a' },
    { name: 'k8s-east', resourceId: aks('aks-east'), namespace: 'team-b' },
  ];

  it('a record naming its compute runs on that compute’s cluster; v2 in the compute’s namespace, v1 in azureml-<ws>', () => {
    const placed = placeRecords(clusters, [
      view('ws', computes, [v2('ep', 'blue', 'k8s-west'), v1('svc', 'k8s-east')]),
    ]);
    expect(placed.map((p) => [p.aml.service, p.candidates])).toEqual([
      ['ep-blue', [{ cluster: 'west', namespace: 'team-a' }]],
      ['svc', [{ cluster: 'east', namespace: 'azureml-ws' }]],
    ]);
  });

  it('a record naming no compute may run on any of the workspace’s, in configuration order', () => {
    const [p] = placeRecords(clusters, [view('ws', computes, [v2('ep', 'green')])]);
    expect(p!.candidates).toEqual([
      { cluster: 'east', namespace: 'team-b' },
      { cluster: 'west', namespace: 'team-a' },
    ]);
    // The cluster that shows it in a compute's namespace owns it; elsewhere a same-named Deployment is not it.
    expect(recordOf([p!], 'west', { namespace: 'team-a', service: 'ep-green' })).toBe(p);
    expect(recordOf([p!], 'west', { namespace: 'team-a', service: 'ep-blue' })).toBeUndefined();
  });

  it('a compute the workspace does not list, or one on no configured cluster, places nowhere', () => {
    const placed = placeRecords(clusters, [
      view(
        'ws',
        [...computes, { name: 'k8s-north', resourceId: aks('aks-north') }],
        [v1('a', 'k8s-north'), v1('b', 'gone')],
      ),
    ]);
    expect(placed.map((p) => p.candidates)).toEqual([[], []]);
  });

  it('with one cluster configured, a record whose compute maps to no cluster still pairs with it', () => {
    const [p] = placeRecords([cluster('scenario')], [view('ws', computes, [v2('ep', 'blue', 'k8s-west')])]);
    expect(p!.candidates).toEqual([{ cluster: 'scenario', namespace: 'team-a' }]);
  });
});
