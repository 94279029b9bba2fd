/**
 * Finds the Azure ML deployments in a snapshot: v1 AksWebservices (label `isazuremlapp=true`, Deployment named
 * after the service) and v2 Kubernetes online deployments (`ml.azure.com/*` labels, init container
 * `storageinitializer-modeldata`). The front end (`azureml-fe`, `azureml-fe-v2`) and other system components
 * are platform, not targets.
 */
import type {
  V1Deployment,
  V1LabelSelector,
  V1ObjectMeta,
  V1Pod,
  V1ReplicaSet,
} from '@kubernetes/client-node';
import { workspaceOfNamespace } from '../snapshot/objects.js';
import type { Snapshot } from '../snapshot/types.js';
import type { AmlDeployment, AmlFlavor } from './rule.js';

export const V1_APP_LABEL = 'isazuremlapp';
export const V2_ENDPOINT_LABEL = 'ml.azure.com/endpoint-name';
export const V2_DEPLOYMENT_LABEL = 'ml.azure.com/deployment-name';
export const V2_INIT_CONTAINER = 'storageinitializer-modeldata';

const SYSTEM_NAME =
  /^(azureml-fe|azureml-fe-v2|azureml-ingress|inference-operator|amlarc-|relayserver|gateway$|healthcheck$)/;

function labelsOf(meta: V1ObjectMeta | undefined): Record<string, string> {
  return meta?.labels ?? {};
}

function flavorOf(d: { labels: Record<string, string>; initContainers: string[] }): AmlFlavor | undefined {
  if (
    d.labels[V2_ENDPOINT_LABEL] ||
    d.labels[V2_DEPLOYMENT_LABEL] ||
    d.initContainers.includes(V2_INIT_CONTAINER)
  )
    return 'v2';
  if (d.labels[V1_APP_LABEL] === 'true') return 'v1';
  return undefined;
}

function matchesSelector(labels: Record<string, string>, selector: V1LabelSelector | undefined): boolean {
  if (!selector) return false;
  const ml = selector.matchLabels ?? {};
  if (!Object.entries(ml).every(([k, v]) => labels[k] === v)) return false;
  for (const expr of selector.matchExpressions ?? []) {
    const has = expr.key in labels;
    const val = labels[expr.key];
    switch (expr.operator) {
      case 'In':
        if (!has || !expr.values?.includes(val ?? '')) return false;
        break;
      case 'NotIn':
        if (has && expr.values?.includes(val ?? '')) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return Object.keys(ml).length > 0 || (selector.matchExpressions?.length ?? 0) > 0;
}

function ownedBy(meta: V1ObjectMeta | undefined, kind: string, name: string, uid?: string): boolean {
  return (meta?.ownerReferences ?? []).some(
    (o) => o.kind === kind && o.name === name && (!uid || !o.uid || o.uid === uid),
  );
}

function newestFirst<T extends { metadata?: V1ObjectMeta }>(items: T[]): T[] {
  return [...items].sort(
    (a, b) =>
      (b.metadata?.creationTimestamp?.getTime() ?? 0) - (a.metadata?.creationTimestamp?.getTime() ?? 0),
  );
}

function fromDeployment(snapshot: Snapshot, d: V1Deployment, flavor: AmlFlavor): AmlDeployment {
  const name = d.metadata?.name ?? '';
  const namespace = d.metadata?.namespace ?? '';
  const uid = d.metadata?.uid;
  const sameNs = <T extends { metadata?: V1ObjectMeta }>(o: T) => (o.metadata?.namespace ?? '') === namespace;
  const replicaSets = newestFirst(
    snapshot.replicaSets.filter((rs) => sameNs(rs) && ownedBy(rs.metadata, 'Deployment', name, uid)),
  );
  const rsNames = new Set(replicaSets.map((rs) => rs.metadata?.name));
  const pods = newestFirst(
    snapshot.pods.filter(
      (p) =>
        sameNs(p) &&
        ((p.metadata?.ownerReferences ?? []).some((o) => o.kind === 'ReplicaSet' && rsNames.has(o.name)) ||
          (rsNames.size === 0 && matchesSelector(labelsOf(p.metadata), d.spec?.selector))),
    ),
  );
  const labels = { ...labelsOf(d.spec?.template?.metadata), ...labelsOf(d.metadata) };
  return {
    flavor,
    name,
    namespace,
    endpoint: labels[V2_ENDPOINT_LABEL],
    deploymentName: labels[V2_DEPLOYMENT_LABEL],
    workspace: snapshot.meta.workspace ?? labels['ml.azure.com/workspace'] ?? workspaceOfNamespace(namespace),
    deployment: d,
    replicaSets,
    pods,
  };
}

/** Pods of an Azure ML app whose Deployment is not in the snapshot, grouped by their owning ReplicaSet's deployment. */
function orphanTargets(snapshot: Snapshot, claimed: Set<V1Pod>): AmlDeployment[] {
  const groups = new Map<
    string,
    { flavor: AmlFlavor; pods: V1Pod[]; rs: V1ReplicaSet[]; name: string; ns: string }
  >();
  for (const p of snapshot.pods) {
    if (claimed.has(p)) continue;
    const labels = labelsOf(p.metadata);
    const flavor = flavorOf({ labels, initContainers: (p.spec?.initContainers ?? []).map((c) => c.name) });
    if (!flavor) continue;
    const rsOwner = p.metadata?.ownerReferences?.find((o) => o.kind === 'ReplicaSet')?.name;
    const hash = labels['pod-template-hash'];
    const name =
      rsOwner && hash && rsOwner.endsWith(`-${hash}`)
        ? rsOwner.slice(0, -hash.length - 1)
        : (labels.azuremlappname ?? labels[V2_DEPLOYMENT_LABEL] ?? rsOwner ?? p.metadata?.name ?? '');
    if (SYSTEM_NAME.test(name)) continue;
    const ns = p.metadata?.namespace ?? '';
    const key = `${ns}/${name}`;
    const g = groups.get(key) ?? { flavor, pods: [], rs: [], name, ns };
    g.pods.push(p);
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => {
    const labels = labelsOf(g.pods[0]?.metadata);
    return {
      flavor: g.flavor,
      name: g.name,
      namespace: g.ns,
      endpoint: labels[V2_ENDPOINT_LABEL],
      deploymentName: labels[V2_DEPLOYMENT_LABEL],
      workspace: snapshot.meta.workspace ?? workspaceOfNamespace(g.ns),
      replicaSets: newestFirst(
        snapshot.replicaSets.filter((rs) =>
          g.pods.some((p) => ownedBy(p.metadata, 'ReplicaSet', rs.metadata?.name ?? '')),
        ),
      ),
      pods: newestFirst(g.pods),
    };
  });
}

/** Every Azure ML deployment in the snapshot, sorted by namespace then name. */
export function findAmlDeployments(snapshot: Snapshot): AmlDeployment[] {
  const targets: AmlDeployment[] = [];
  for (const d of snapshot.deployments) {
    const name = d.metadata?.name ?? '';
    if (SYSTEM_NAME.test(name)) continue;
    const labels = { ...labelsOf(d.spec?.template?.metadata), ...labelsOf(d.metadata) };
    const flavor = flavorOf({
      labels,
      initContainers: (d.spec?.template?.spec?.initContainers ?? []).map((c) => c.name),
    });
    if (flavor) targets.push(fromDeployment(snapshot, d, flavor));
  }
  const claimed = new Set(targets.flatMap((t) => t.pods));
  targets.push(...orphanTargets(snapshot, claimed));
  return targets.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}

/** Does `selector` (a Deployment name, or `<endpoint>/<deployment>` for v2) name this target? */
export function selectsTarget(t: AmlDeployment, selector: string): boolean {
  if (t.name === selector) return true;
  return (
    t.flavor === 'v2' &&
    !!t.endpoint &&
    !!t.deploymentName &&
    `${t.endpoint}/${t.deploymentName}` === selector
  );
}
