/** Cluster sources: a real cluster through the collector, or snapshots held in memory (tests, dry runs). */
import { collectSnapshot, discover } from '../cluster/index.js';
import type { ClusterTarget, DiscoveredDeployment } from '../cluster/types.js';
import { workspaceOfNamespace } from '../snapshot/objects.js';
import type { Snapshot } from '../snapshot/types.js';
import type { ClusterSource, WatchedDeployment } from './types.js';
import { watchedFromSnapshot } from './watched.js';

/** Times are compared as strings everywhere, so they are normalised to `toISOString()` form. */
function isoTime(t: string | undefined): string | undefined {
  if (t === undefined) return undefined;
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

export function watchedFromDiscovered(d: DiscoveredDeployment): WatchedDeployment {
  return {
    namespace: d.namespace,
    service: d.name,
    flavor: d.flavor,
    endpoint: d.endpoint,
    deployment: d.deploymentName,
    // v1 deploys into `azureml-<workspace>`; a v2 namespace is the compute's choice (`azureml-workloads` is no workspace).
    workspace: d.flavor !== 'v2' ? workspaceOfNamespace(d.namespace) : undefined,
    ready: d.healthy,
    progress: [
      d.generation,
      d.observedGeneration,
      d.updatedReplicas,
      d.readyReplicas,
      d.availableReplicas,
    ].join(':'),
    progressedAt: isoTime(d.conditions.Progressing?.lastUpdateTime),
  };
}

export function clusterSourceFromTarget(
  name: string,
  target: ClusterTarget,
  resourceId?: string,
): ClusterSource {
  return {
    name,
    ...(resourceId ? { resourceId } : {}),
    discover: async () => (await discover(target)).map(watchedFromDiscovered),
    collect: (d: WatchedDeployment) =>
      collectSnapshot(target, { namespace: d.namespace, service: d.service }),
  };
}

/** A cluster whose state is a snapshot (or several merged), read in-process. */
export function snapshotClusterSource(name: string, current: () => Snapshot): ClusterSource {
  return {
    name,
    discover: () => Promise.resolve(watchedFromSnapshot(current())),
    collect: () => Promise.resolve(structuredClone(current())),
  };
}
