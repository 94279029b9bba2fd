/**
 * Parses the scheduler's "why not" text into per-reason node counts. Handles every wording Kubernetes has used:
 * - 1.17+: `0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {sku: gpu}. preemption: …`
 * - older: `… 2 node(s) had taint {sku: gpu}, that the pod didn't tolerate.` / `3 node(s) didn't match node selector.`
 * - ≤1.9: `No nodes are available that match all of the predicates: Insufficient cpu (3), MatchNodeSelector (1).`
 * - Azure ML wrappers: `OutOfQuota: Kubernetes unschedulable. Details:0/1 nodes are available: 1 Too many pods...`
 * A node is counted once per failing filter, except resource fits, where one node can be "Insufficient cpu" and
 * "Insufficient memory" at the same time, so counts may add up to more than the total.
 */

export type SchedulingReasonKind =
  | 'cpu'
  | 'memory'
  | 'gpu'
  | 'extended'
  | 'pods'
  | 'nodeSelector'
  | 'affinity'
  | 'taint'
  | 'cordoned'
  | 'volume'
  | 'ports'
  | 'other';

export interface NodeTaintText {
  key: string;
  value?: string;
}

export interface SchedulingReason {
  kind: SchedulingReasonKind;
  /** Nodes that failed this way; absent for pre-filter reasons ("pod has unbound immediate PersistentVolumeClaims"). */
  count?: number;
  /** For `Insufficient <resource>`: the resource name (`cpu`, `nvidia.com/gpu`, `microsoft.com/fpga_catapult`). */
  resource?: string;
  /** For taint reasons: the taint as printed (`{sku: gpu}` → key `sku`, value `gpu`). */
  taint?: NodeTaintText;
  /** The reason as the scheduler printed it. */
  text: string;
}

export interface SchedulerMessage {
  available?: number;
  total?: number;
  reasons: SchedulingReason[];
}

const RESOURCE_KINDS: ReadonlySet<SchedulingReasonKind> = new Set([
  'cpu',
  'memory',
  'gpu',
  'extended',
  'pods',
]);

export function isResourceReason(r: SchedulingReason): boolean {
  return RESOURCE_KINDS.has(r.kind);
}

function parseTaint(inner: string): NodeTaintText {
  const i = inner.indexOf(':');
  if (i < 0) return { key: inner.trim() };
  const value = inner.slice(i + 1).trim();
  return { key: inner.slice(0, i).trim(), ...(value ? { value } : {}) };
}

export function classifyReason(text: string, count?: number): SchedulingReason {
  const base = { text, ...(count !== undefined ? { count } : {}) };
  const insufficient = /^Insufficient\s+(\S+?)\.?$/i.exec(text) ?? /\bInsufficient\s+(\S+)/i.exec(text);
  if (insufficient?.[1]) {
    const resource = insufficient[1].replace(/[.,]+$/, '');
    const kind: SchedulingReasonKind =
      resource === 'cpu'
        ? 'cpu'
        : resource === 'memory'
          ? 'memory'
          : resource === 'pods'
            ? 'pods'
            : /gpu|i915/i.test(resource)
              ? 'gpu'
              : 'extended';
    return { ...base, kind, resource };
  }
  if (/too many pods/i.test(text)) return { ...base, kind: 'pods', resource: 'pods' };
  const taint = /taint \{([^}]*)\}/i.exec(text);
  if (taint) {
    const t = parseTaint(taint[1] ?? '');
    return { ...base, kind: t.key === 'node.kubernetes.io/unschedulable' ? 'cordoned' : 'taint', taint: t };
  }
  if (/PodToleratesNodeTaints|TaintToleration/i.test(text)) return { ...base, kind: 'taint' };
  if (/were unschedulable|NodeUnschedulable|node\(s\) unschedulable/i.test(text))
    return { ...base, kind: 'cordoned' };
  if (
    /PersistentVolumeClaim|persistent volume|volume node affinity|max volume count|VolumeBinding|VolumeZone|volume/i.test(
      text,
    )
  )
    return { ...base, kind: 'volume' };
  if (/pod (anti-)?affinity|InterPodAffinity|topology spread/i.test(text))
    return { ...base, kind: 'affinity' };
  if (/node selector|node affinity|MatchNodeSelector|NodeAffinity/i.test(text))
    return { ...base, kind: 'nodeSelector' };
  if (/free ports|HostPorts|NodePorts/i.test(text)) return { ...base, kind: 'ports' };
  return { ...base, kind: 'other' };
}

/** The first "N/M nodes are available: …" clause, without the trailing "preemption: …" part. */
function parseModern(message: string): SchedulerMessage | undefined {
  const head = /(\d+)\/(\d+) nodes are available:\s*/.exec(message);
  if (!head) return undefined;
  let body = message.slice(head.index + head[0].length);
  const preemption = body.search(/\.?\s*preemption:/i);
  if (preemption >= 0) body = body.slice(0, preemption);
  body = body.replace(/[.\s]+$/, '');
  // Items are separated by ", " followed by a count; a taint's "…}, that the pod didn't tolerate" has no count.
  const items = body
    .split(/,\s*(?=\d+\s)/)
    .map((s) => s.trim())
    .filter(Boolean);
  const reasons = items.map((item) => {
    const m = /^(\d+)\s+(.*)$/s.exec(item);
    return m ? classifyReason((m[2] ?? '').trim(), Number(m[1])) : classifyReason(item);
  });
  return { available: Number(head[1]), total: Number(head[2]), reasons };
}

/** Kubernetes ≤1.9: `No nodes are available that match all of the predicates: Insufficient cpu (3), …`. */
function parseLegacy(message: string): SchedulerMessage | undefined {
  const head = /No nodes are available that match all of the (?:following )?predicates:+\s*/i.exec(message);
  if (!head) return undefined;
  const body = message.slice(head.index + head[0].length).replace(/[.\s]+$/, '');
  const reasons: SchedulingReason[] = [];
  for (const m of body.matchAll(/([^,()]+?)\s*\((\d+)\)/g)) {
    reasons.push(classifyReason((m[1] ?? '').trim(), Number(m[2])));
  }
  return { available: 0, reasons };
}

/** Parses a scheduler message; undefined when the text is not one (so callers can fall back to other signals). */
export function parseSchedulerMessage(message: string | undefined): SchedulerMessage | undefined {
  if (!message) return undefined;
  return parseModern(message) ?? parseLegacy(message);
}

/** True when the scheduler is only waiting for a volume: the mount stage owns that, scheduling is a consequence. */
export function blockedOnVolumes(parsed: SchedulerMessage): boolean {
  return parsed.reasons.some(
    (r) => r.kind === 'volume' && (r.count === undefined || r.count === parsed.total),
  );
}
