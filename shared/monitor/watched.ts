/** Finds the Azure ML deployments in a snapshot and how far their rollout got (for in-process cluster sources). */
import type { V1Deployment } from '@kubernetes/client-node';
import { workspaceOfNamespace } from '../snapshot/objects.js';
import type { Snapshot } from '../snapshot/types.js';
import type { WatchedDeployment } from './types.js';

const V2_ENDPOINT = 'ml.azure.com/endpoint-name';
const V2_DEPLOYMENT = 'ml.azure.com/deployment-name';

/** A rollout is done when the latest generation is observed and every desired replica is updated, ready and available. */
export function rolloutDone(d: V1Deployment): boolean {
  const desired = d.spec?.replicas ?? 1;
  const s = d.status ?? {};
  const observed = (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0);
  return (
    observed &&
    desired > 0 &&
    (s.updatedReplicas ?? 0) >= desired &&
    (s.readyReplicas ?? 0) >= desired &&
    (s.availableReplicas ?? 0) >= desired &&
    (s.replicas ?? 0) <= desired
  );
}

export function progressSignature(d: V1Deployment): string {
  const s = d.status ?? {};
  return [
    d.metadata?.generation,
    s.observedGeneration,
    s.updatedReplicas,
    s.readyReplicas,
    s.availableReplicas,
  ]
    .map((n) => n ?? 0)
    .join(':');
}

function progressedAt(d: V1Deployment): string | undefined {
  const c = d.status?.conditions?.find((x) => x.type === 'Progressing');
  const t = c?.lastUpdateTime ?? c?.lastTransitionTime;
  if (t === undefined) return undefined;
  const date = t instanceof Date ? t : new Date(String(t));
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export function watchedFromDeployment(d: V1Deployment): WatchedDeployment | undefined {
  const labels = d.metadata?.labels ?? {};
  const name = d.metadata?.name;
  const namespace = d.metadata?.namespace ?? 'default';
  if (!name) return undefined;
  const v2 = labels[V2_ENDPOINT] !== undefined && labels[V2_DEPLOYMENT] !== undefined;
  const v1 = labels.isazuremlapp === 'true';
  if (!v1 && !v2) return undefined;
  return {
    namespace,
    service: name,
    flavor: v2 ? 'v2' : 'v1',
    endpoint: v2 ? labels[V2_ENDPOINT] : undefined,
    deployment: v2 ? labels[V2_DEPLOYMENT] : undefined,
    workspace:
      labels['ml.azure.com/workspace'] ??
      // v1 deploys into `azureml-<workspace>`; a v2 namespace (`azureml-workloads`) names no workspace.
      (v2 ? undefined : workspaceOfNamespace(namespace)),
    ready: rolloutDone(d),
    progress: progressSignature(d),
    progressedAt: progressedAt(d),
  };
}

export function watchedFromSnapshot(snapshot: Snapshot): WatchedDeployment[] {
  return snapshot.deployments
    .map(watchedFromDeployment)
    .filter((w): w is WatchedDeployment => w !== undefined);
}
