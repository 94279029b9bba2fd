/**
 * Which PodUnschedulable detail explains a scheduler message best, refined with the snapshot's nodes.
 *
 * The scheduler reports, per node, the first filter that rejected it (taints and node selector run before resource
 * fit), so nodes counted as "Insufficient X" are the ones the pod is meant to run on: a resource reason therefore
 * wins over a taint or selector reason, unless the nodes that are big enough are exactly the ones kept away by a
 * taint or selector (e.g. the GPU pool is tainted `sku=gpu` and the pod has no toleration).
 */
import { SPECIFICITY } from '../types.js';
import type { V1Pod } from '@kubernetes/client-node';
import { evidence, podSource } from '../context.js';
import type { DetailOf, Evidence } from '../types.js';
import {
  instanceType,
  largestNode,
  nodePool,
  nodesBigEnough,
  podRequests,
  taintText,
  type NodeView,
  type ResourceAmounts,
} from './placement.js';
import { formatAmount, formatResource, formatShort } from './quantity.js';
import { isResourceReason, type SchedulerMessage, type SchedulingReason } from './schedulerMessage.js';

export type UnschedulableDetail = DetailOf<'PodUnschedulable'>;

export interface UnschedulableDecision {
  detail: UnschedulableDetail | null;
  specificity: number;
  /** The resource a resource detail is about (`cpu`, `memory`, `pods`, `nvidia.com/gpu`, …). */
  resource?: string;
  requested?: number;
  available?: number;
  total?: number;
  /** Nodes rejected for the chosen reason, from the scheduler's count. */
  failingNodes?: number;
  /** The biggest node for `resource` (eligible nodes first). */
  largest?: NodeView;
  /** No node offers the resource at all (no GPU pool, device plugin missing). */
  noNodeOffers?: boolean;
  /** A node's VM size is a GPU/FPGA size but it advertises none of the resource: the device plugin is missing. */
  devicePluginMissing?: NodeView[];
  /** Nodes are big enough when empty, so they are full with other pods. */
  nodesFull?: boolean;
  /** Taints the pod does not tolerate, as `key=value:Effect`, with how many nodes carry each. */
  taints?: { text: string; nodes: number; key: string }[];
  cordoned?: string[];
  /** nodeSelector entries no node satisfies, and what the nodes have for those keys. */
  selector?: { key: string; value: string; nodeValues: string[] }[];
  affinity?: boolean;
  /**
   * Every taint in the way is one Kubernetes sets on unhealthy nodes (not-ready, disk-pressure, …): the node is the
   * cause (NodeFailure), the unschedulable pod only its consequence.
   */
  nodeHealthOnly?: boolean;
  /** One or two sentences on what the nodes show. */
  why: string;
  nodeEvidence: Evidence[];
}

/** Taints Kubernetes itself puts on unhealthy nodes (not a placement choice anyone made). */
export const NODE_HEALTH_TAINT =
  /^node\.kubernetes\.io\/(not-ready|unreachable|disk-pressure|memory-pressure|pid-pressure|network-unavailable)$/;

function sumCounts(reasons: SchedulingReason[]): number {
  return reasons.reduce((n, r) => n + (r.count ?? 0), 0);
}

/** GPU and other extended resources first (the pod asked for something special), then the most-cited of the rest. */
function pickResource(reasons: SchedulingReason[]): SchedulingReason | undefined {
  const special = reasons.find((r) => r.kind === 'gpu') ?? reasons.find((r) => r.kind === 'extended');
  if (special) return special;
  const order = ['memory', 'cpu', 'pods'];
  return [...reasons].sort(
    (a, b) => (b.count ?? 0) - (a.count ?? 0) || order.indexOf(a.kind) - order.indexOf(b.kind),
  )[0];
}

function resourceKey(r: SchedulingReason): string {
  return r.resource ?? (r.kind === 'pods' ? 'pods' : r.kind);
}

function requestsText(req: ResourceAmounts): string {
  return [...req.entries()].map(([k, v]) => `${k}=${formatShort(k, v)}`).join(', ');
}

function nodeLine(v: NodeView, resources: string[]): Evidence {
  const alloc = resources.map((r) => `${r}=${formatShort(r, v.allocatable.get(r) ?? 0)}`).join(', ');
  const where = [instanceType(v.node), nodePool(v.node) ? `pool ${nodePool(v.node)}` : undefined]
    .filter(Boolean)
    .join(', ');
  return evidence(`node/${v.name}`, `${where ? `${where}; ` : ''}allocatable ${alloc}`);
}

function requestEvidence(pod: V1Pod | undefined, req: ResourceAmounts): Evidence[] {
  return pod && req.size
    ? [evidence(podSource(pod, undefined, 'spec'), `requests ${requestsText(req)}`)]
    : [];
}

function resourceDecision(
  reason: SchedulingReason,
  parsed: SchedulerMessage | undefined,
  pod: V1Pod | undefined,
  req: ResourceAmounts,
  views: NodeView[],
  specificity: number,
): UnschedulableDecision {
  const resource = resourceKey(reason);
  const detail: UnschedulableDetail =
    reason.kind === 'gpu'
      ? 'InsufficientGpu'
      : reason.kind === 'extended'
        ? 'InsufficientExtendedResource'
        : reason.kind === 'memory'
          ? 'InsufficientMemory'
          : reason.kind === 'pods'
            ? 'TooManyPods'
            : 'InsufficientCpu';
  const requested = resource === 'pods' ? 1 : req.get(resource);
  const eligible = views.filter((v) => v.eligible);
  const pool = eligible.length ? eligible : views;
  const largest = largestNode(pool, resource);
  const d: UnschedulableDecision = {
    detail,
    specificity,
    resource,
    requested,
    available: parsed?.available,
    total: parsed?.total,
    failingNodes: reason.count,
    largest,
    why: '',
    nodeEvidence: [],
  };
  const sentences: string[] = [];
  const shown = [
    resource,
    ...(['cpu', 'memory'].includes(resource) ? [resource === 'cpu' ? 'memory' : 'cpu'] : []),
  ];
  if (views.length) {
    if (detail === 'InsufficientGpu' || detail === 'InsufficientExtendedResource') {
      d.noNodeOffers = views.every((v) => !(v.allocatable.get(resource) ?? 0));
      if (d.noNodeOffers) {
        const special = views.filter((v) => /^Standard_N|^Standard_PB/i.test(instanceType(v.node) ?? ''));
        if (special.length) d.devicePluginMissing = special;
        sentences.push(
          special.length
            ? `Node(s) ${special.map((v) => `${v.name} (${instanceType(v.node)})`).join(', ')} have the hardware but advertise no ${resource}, so the device plugin is not running on them.`
            : `None of the ${views.length} node(s) in the snapshot offers ${resource} at all${sizesClause(views)}.`,
        );
        // The node shown (and described in the confirm commands) is one the pod could use, not a tainted system node.
        const shown = special[0] ?? largest ?? views.find((v) => v.eligible) ?? (views[0] as NodeView);
        d.nodeEvidence.push(nodeLine(shown, [resource]));
      } else if (largest) {
        const offered = views.reduce((n, v) => n + (v.allocatable.get(resource) ?? 0), 0);
        d.nodesFull = true;
        sentences.push(
          `The cluster offers ${offered} ${resource} in total (largest node ${largest.name}: ${largest.allocatable.get(resource) ?? 0}) and all of it is allocated to other pods.`,
        );
        d.nodeEvidence.push(nodeLine(largest, [resource]));
      }
    } else if (largest && requested !== undefined) {
      const have = largest.allocatable.get(resource) ?? 0;
      if (have < requested) {
        sentences.push(
          `The pod requests ${formatResource(resource, requested)} but the largest ${eligible.length ? 'eligible ' : ''}node (${largest.name}, ${instanceType(largest.node) ?? 'unknown size'}) has only ${formatResource(resource, have)} allocatable, so no current node can ever hold it.`,
        );
      } else {
        d.nodesFull = true;
        const big = nodesBigEnough(pool, resource, requested).length;
        sentences.push(
          resource === 'pods'
            ? `The nodes allow at most ${have} pods each and are at that limit.`
            : `${big} node(s) are big enough for the pod's ${formatResource(resource, requested)} when empty, so they are full with other pods.`,
        );
      }
      d.nodeEvidence.push(nodeLine(largest, shown));
    }
  } else if (requested !== undefined && resource !== 'pods') {
    sentences.push(
      `The pod requests ${formatAmount(resource, requested)}; the snapshot has no Node objects to compare with.`,
    );
  }
  d.nodeEvidence.unshift(...(resource === 'pods' ? [] : requestEvidence(pod, req)));
  d.why = sentences.join(' ');
  return d;
}

function taintDecision(
  parsed: SchedulerMessage | undefined,
  reasons: SchedulingReason[],
  pod: V1Pod | undefined,
  req: ResourceAmounts,
  views: NodeView[],
  specificity: number,
): UnschedulableDecision {
  const counts = new Map<string, { text: string; nodes: number; key: string }>();
  const cordoned: string[] = [];
  const blocked = views.filter((v) => v.taints.length || v.cordoned);
  for (const v of blocked) {
    if (v.cordoned) cordoned.push(v.name);
    for (const t of v.taints) {
      // The cordon taint is reported as "cordoned", not as a taint to tolerate.
      if (t.key === 'node.kubernetes.io/unschedulable') continue;
      const text = taintText(t);
      const c = counts.get(text) ?? { text, nodes: 0, key: t.key };
      c.nodes++;
      counts.set(text, c);
    }
  }
  if (!counts.size) {
    for (const r of reasons) {
      if (r.kind === 'taint' && r.taint) {
        const text = taintText(r.taint);
        counts.set(text, { text, nodes: r.count ?? 0, key: r.taint.key });
      }
    }
  }
  const taints = [...counts.values()].sort((a, b) => b.nodes - a.nodes);
  const failing = sumCounts(reasons.filter((r) => r.kind === 'taint' || r.kind === 'cordoned'));
  const health = taints.filter((t) => NODE_HEALTH_TAINT.test(t.key));
  const sentences: string[] = [];
  if (taints.length) {
    sentences.push(
      `${taints.map((t) => `${t.nodes ? `${t.nodes} node(s) carry` : 'Nodes carry'} taint ${t.text}`).join('; ')}, and the pod has no matching toleration.`,
    );
  }
  if (health.length)
    sentences.push(
      'These taints are set by Kubernetes on unhealthy nodes (NotReady, unreachable or under pressure).',
    );
  if (cordoned.length || reasons.some((r) => r.kind === 'cordoned')) {
    sentences.push(
      `${cordoned.length ? cordoned.join(', ') : 'Some nodes'} are cordoned (marked unschedulable).`,
    );
  }
  if (
    views.length &&
    pod &&
    [...req.keys()].some((k) => /gpu/.test(k)) &&
    blocked.some((v) => [...v.allocatable.keys()].some((k) => /gpu/.test(k)))
  ) {
    sentences.push('The tainted nodes are the ones with GPUs the pod asks for.');
  }
  const nodeEvidence = [
    ...blocked
      .slice(0, 2)
      .map((v) =>
        evidence(
          `node/${v.name}`,
          `${instanceType(v.node) ?? ''}${v.cordoned ? ' unschedulable=true' : ''} taints ${v.taints.map(taintText).join(', ') || 'none'}`.trim(),
        ),
      ),
  ];
  if (pod) {
    const tol = (pod.spec?.tolerations ?? []).map(
      (t) => `${t.key ?? '*'}${t.operator === 'Exists' ? '' : `=${t.value ?? ''}`}:${t.effect ?? '*'}`,
    );
    nodeEvidence.push(evidence(podSource(pod, undefined, 'spec'), `tolerations ${tol.join(', ') || 'none'}`));
  }
  const nodeHealthOnly =
    taints.length > 0 && taints.every((t) => NODE_HEALTH_TAINT.test(t.key)) && !cordoned.length;
  // Only cordons in the way (no taint a toleration could get past): nobody chose to keep the pod off those nodes.
  const onlyCordoned =
    taints.length === 0 && (cordoned.length > 0 || reasons.some((r) => r.kind === 'cordoned'));
  return {
    detail: onlyCordoned ? 'NodesCordoned' : 'TaintNotTolerated',
    specificity,
    nodeHealthOnly,
    available: parsed?.available,
    total: parsed?.total,
    failingNodes: failing || blocked.length || undefined,
    taints,
    cordoned,
    why: sentences.join(' '),
    nodeEvidence,
  };
}

function selectorDecision(
  parsed: SchedulerMessage | undefined,
  reasons: SchedulingReason[],
  pod: V1Pod | undefined,
  views: NodeView[],
  specificity: number,
): UnschedulableDecision {
  const selector = Object.entries(pod?.spec?.nodeSelector ?? {})
    .map(([key, value]) => ({
      key,
      value,
      nodeValues: [
        ...new Set(views.map((v) => v.node.metadata?.labels?.[key]).filter((x): x is string => !!x)),
      ],
    }))
    .filter(
      (s) => !views.length || !s.nodeValues.includes(s.value) || views.every((v) => v.mismatches.length),
    );
  const affinity = reasons.some((r) => r.kind === 'affinity') || (!selector.length && !!pod?.spec?.affinity);
  // Pod (anti-)affinity or topology spread, not the node's labels, keeps the pod out.
  const podAffinity =
    !selector.length &&
    sumCounts(reasons.filter((r) => r.kind === 'affinity')) > 0 &&
    sumCounts(reasons.filter((r) => r.kind === 'affinity')) >=
      sumCounts(reasons.filter((r) => r.kind === 'nodeSelector'));
  const sentences: string[] = [];
  if (selector.length) {
    sentences.push(
      selector
        .map((s) =>
          views.length
            ? `The pod's nodeSelector ${s.key}=${s.value} matches no node (${s.nodeValues.length ? `nodes have ${s.key}=${s.nodeValues.join(', ')}` : `no node has the label ${s.key}`}).`
            : `The pod's nodeSelector is ${s.key}=${s.value}.`,
        )
        .join(' '),
    );
  } else if (podAffinity) {
    sentences.push(
      "The pod's pod (anti-)affinity or topology spread rules exclude every node: the pods it must (not) be placed with leave no node that qualifies.",
    );
  } else if (affinity) {
    sentences.push("The pod's node affinity or pod (anti-)affinity rules exclude every node.");
  }
  const nodeEvidence: Evidence[] = [];
  if (pod && Object.keys(pod.spec?.nodeSelector ?? {}).length) {
    nodeEvidence.push(
      evidence(
        podSource(pod, undefined, 'spec'),
        `nodeSelector ${Object.entries(pod.spec?.nodeSelector ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')}`,
      ),
    );
  }
  const keys = selector.map((s) => s.key);
  for (const v of views.slice(0, 2)) {
    const labels = v.node.metadata?.labels ?? {};
    const shown = (keys.length ? keys : ['agentpool']).map((k) => `${k}=${labels[k] ?? '(none)'}`).join(', ');
    nodeEvidence.push(evidence(`node/${v.name}`, `labels ${shown}`));
  }
  return {
    detail: podAffinity ? 'AffinityMismatch' : 'NodeSelectorMismatch',
    specificity,
    available: parsed?.available,
    total: parsed?.total,
    failingNodes:
      sumCounts(reasons.filter((r) => r.kind === 'nodeSelector' || r.kind === 'affinity')) || undefined,
    selector,
    affinity,
    why: sentences.join(' '),
    nodeEvidence,
  };
}

/** For texts that are not scheduler messages (v1 "CPU/Memory resource insufficient"): the nodes decide cpu vs memory. */
function fromText(
  text: string,
  pod: V1Pod | undefined,
  req: ResourceAmounts,
  views: NodeView[],
): UnschedulableDecision {
  const synthetic = (kind: SchedulingReason['kind'], resource: string): SchedulingReason => ({
    kind,
    resource,
    text,
  });
  const gpu = /(\S*gpu\S*)/i.exec(text);
  if (gpu)
    return resourceDecision(
      synthetic('gpu', gpu[1]?.replace(/[.,]$/, '') ?? 'nvidia.com/gpu'),
      undefined,
      pod,
      req,
      views,
      50,
    );
  const ext = /Insufficient ([\w.-]+\/[\w.-]+)/.exec(text);
  if (ext?.[1]) return resourceDecision(synthetic('extended', ext[1]), undefined, pod, req, views, 50);
  if (/too many pods/i.test(text))
    return resourceDecision(synthetic('pods', 'pods'), undefined, pod, req, views, 50);
  if (/node selector|affinity/i.test(text)) return selectorDecision(undefined, [], pod, views, 50);
  if (/taint/i.test(text)) return taintDecision(undefined, [], pod, req, views, 50);
  const cpu = /\bcpu\b/i.test(text);
  const mem = /\bmemory\b/i.test(text);
  if (cpu || mem || /resource/i.test(text)) {
    // Which one is short: the one the largest node cannot hold, else memory when only memory is named.
    const short = (r: string) => {
      const need = req.get(r);
      const big = largestNode(views, r);
      return need !== undefined && big !== undefined && (big.allocatable.get(r) ?? 0) < need;
    };
    const kind =
      short('memory') && !short('cpu') ? 'memory' : short('cpu') ? 'cpu' : mem && !cpu ? 'memory' : 'cpu';
    // "didn't have available resources" names no resource: guess nothing unless the nodes show which one is short.
    if (cpu || mem || short('cpu') || short('memory')) {
      return resourceDecision(synthetic(kind, kind), undefined, pod, req, views, 50);
    }
  }
  return {
    detail: null,
    specificity: SPECIFICITY.generic,
    why: 'Neither the message nor the nodes in the snapshot say which resource or placement rule is short.',
    nodeEvidence: requestEvidence(pod, req),
  };
}

export function decideUnschedulable(
  parsed: SchedulerMessage | undefined,
  text: string,
  pod: V1Pod | undefined,
  views: NodeView[],
): UnschedulableDecision {
  const req = pod ? podRequests(pod) : new Map<string, number>();
  const reasons = (parsed?.reasons ?? []).filter((r) => r.kind !== 'volume');
  const placementTaint = reasons.filter((r) => r.kind === 'taint' || r.kind === 'cordoned');
  const placementSelector = reasons.filter((r) => r.kind === 'nodeSelector' || r.kind === 'affinity');
  const primary = pickResource(reasons.filter(isResourceReason));

  if (primary) {
    const resource = resourceKey(primary);
    const requested = resource === 'pods' ? undefined : req.get(resource);
    if (views.length && requested) {
      // The nodes that could hold the pod are all kept away by taints or selectors: that is the real cause.
      const big = nodesBigEnough(views, resource, requested);
      if (big.length && big.every((v) => !v.eligible)) {
        return big.some((v) => v.taints.length || v.cordoned)
          ? taintDecision(parsed, placementTaint, pod, req, views, 90)
          : selectorDecision(parsed, placementSelector, pod, views, 90);
      }
    }
    if (!views.length && primary.kind === 'gpu') {
      const gpuTaint = placementTaint.some((r) =>
        /gpu|nvidia/i.test(`${r.taint?.key ?? ''}=${r.taint?.value ?? ''}`),
      );
      if (gpuTaint) return taintDecision(parsed, placementTaint, pod, req, views, 90);
    }
    return resourceDecision(primary, parsed, pod, req, views, 90);
  }
  if (placementTaint.length || placementSelector.length) {
    return sumCounts(placementTaint) > sumCounts(placementSelector)
      ? taintDecision(parsed, placementTaint, pod, req, views, 90)
      : selectorDecision(parsed, placementSelector, pod, views, 90);
  }
  return fromText(text, pod, req, views);
}

/** " (sizes: a, b)" from the nodes' instance-type labels; nothing when no node carries one (no "?" placeholders). */
function sizesClause(views: NodeView[]): string {
  const sizes = [...new Set(views.map((v) => instanceType(v.node)).filter((t): t is string => Boolean(t)))];
  return sizes.length ? ` (sizes: ${sizes.join(', ')})` : '';
}
