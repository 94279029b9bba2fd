/**
 * What a pod asks of a node (requests, node selector, tolerations) against what the snapshot's nodes offer
 * (allocatable, labels, taints). Used to turn a scheduler reason into a specific remedy ("the largest node has
 * 3.86 CPU allocatable, the pod requests 6"). Capacity only: pods already running on a node are not subtracted,
 * because a snapshot does not hold every pod of the cluster.
 */
import type { V1Node, V1Pod, V1Taint, V1Toleration } from '@kubernetes/client-node';
import { parseQuantity } from './quantity.js';

export type ResourceAmounts = Map<string, number>;

function addInto(into: ResourceAmounts, res: Record<string, string> | undefined, max = false): void {
  for (const [k, v] of Object.entries(res ?? {})) {
    const n = parseQuantity(v);
    if (n === undefined) continue;
    into.set(k, max ? Math.max(into.get(k) ?? 0, n) : (into.get(k) ?? 0) + n);
  }
}

/**
 * The pod's effective request per resource, as the scheduler computes it: the sum over app containers, raised to
 * the largest init container's request. A container with only limits is requested at its limits.
 */
export function podRequests(pod: V1Pod): ResourceAmounts {
  const sum: ResourceAmounts = new Map();
  for (const c of pod.spec?.containers ?? [])
    addInto(sum, { ...c.resources?.limits, ...c.resources?.requests });
  for (const c of pod.spec?.initContainers ?? [])
    addInto(sum, { ...c.resources?.limits, ...c.resources?.requests }, true);
  addInto(sum, pod.spec?.overhead);
  return sum;
}

export function nodeAllocatable(node: V1Node): ResourceAmounts {
  const out: ResourceAmounts = new Map();
  addInto(out, node.status?.allocatable ?? node.status?.capacity);
  return out;
}

export function nodeName(node: V1Node): string {
  return node.metadata?.name ?? '?';
}

export function instanceType(node: V1Node): string | undefined {
  const l = node.metadata?.labels ?? {};
  return l['node.kubernetes.io/instance-type'] ?? l['beta.kubernetes.io/instance-type'];
}

export function nodePool(node: V1Node): string | undefined {
  const l = node.metadata?.labels ?? {};
  return l['kubernetes.azure.com/agentpool'] ?? l['agentpool'];
}

function tolerates(t: V1Toleration, taint: V1Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.operator === 'Exists') return !t.key || t.key === taint.key;
  return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
}

/** Taints that keep the pod off the node: NoSchedule/NoExecute ones no toleration of the pod matches. */
export function untoleratedTaints(pod: V1Pod, node: V1Node): V1Taint[] {
  const tolerations = pod.spec?.tolerations ?? [];
  return (node.spec?.taints ?? []).filter(
    (taint) => taint.effect !== 'PreferNoSchedule' && !tolerations.some((t) => tolerates(t, taint)),
  );
}

/** The pod's nodeSelector entries the node's labels do not satisfy. */
export function selectorMismatches(pod: V1Pod, node: V1Node): [string, string][] {
  const labels = node.metadata?.labels ?? {};
  return Object.entries(pod.spec?.nodeSelector ?? {}).filter(([k, v]) => labels[k] !== v);
}

/** Printable taint: `sku=gpu:NoSchedule`. */
export function taintText(t: { key: string; value?: string; effect?: string }): string {
  return `${t.key}${t.value ? `=${t.value}` : ''}${t.effect ? `:${t.effect}` : ''}`;
}

export interface NodeView {
  node: V1Node;
  name: string;
  allocatable: ResourceAmounts;
  /** Nothing in its taints, cordon or labels keeps the pod away. */
  eligible: boolean;
  taints: V1Taint[];
  mismatches: [string, string][];
  cordoned: boolean;
}

export function viewNodes(pod: V1Pod, nodes: V1Node[]): NodeView[] {
  return nodes.map((node) => {
    const taints = untoleratedTaints(pod, node);
    const mismatches = selectorMismatches(pod, node);
    const cordoned = node.spec?.unschedulable === true;
    return {
      node,
      name: nodeName(node),
      allocatable: nodeAllocatable(node),
      eligible: !taints.length && !mismatches.length && !cordoned,
      taints,
      mismatches,
      cordoned,
    };
  });
}

/** Nodes whose allocatable could hold the pod's request of `resource` if they were empty. */
export function nodesBigEnough(views: NodeView[], resource: string, requested: number): NodeView[] {
  return views.filter((v) => (v.allocatable.get(resource) ?? 0) >= requested);
}

/** The node with the most allocatable `resource`, if any node has it. */
export function largestNode(views: NodeView[], resource: string): NodeView | undefined {
  let best: NodeView | undefined;
  for (const v of views)
    if ((v.allocatable.get(resource) ?? 0) > (best?.allocatable.get(resource) ?? 0)) best = v;
  return best;
}

/**
 * A general-purpose AKS VM size that would fit the request with room for system pods (allocatable is roughly
 * capacity minus 10–25 %), for "add a node pool such as …" remedies.
 */
export function suggestVmSize(cpu: number | undefined, memoryBytes: number | undefined): string {
  const gib = (memoryBytes ?? 0) / 2 ** 30;
  const c = cpu ?? 0;
  const sizes: [string, number, number][] = [
    ['Standard_D4s_v3', 4, 16],
    ['Standard_D8s_v3', 8, 32],
    ['Standard_E8s_v3', 8, 64],
    ['Standard_D16s_v3', 16, 64],
    ['Standard_E16s_v3', 16, 128],
    ['Standard_D32s_v3', 32, 128],
    ['Standard_E32s_v3', 32, 256],
    ['Standard_E64s_v3', 64, 432],
  ];
  const fit = sizes.find(([, vcpu, mem]) => vcpu * 0.85 >= c && mem * 0.75 >= gib);
  return fit?.[0] ?? 'Standard_E64s_v3';
}
