/**
 * NodeFailure: a node the service depends on is broken — Ready=False/Unknown (NotReady), DiskPressure=True,
 * MemoryPressure=True, PIDPressure=True, NetworkUnavailable=True — and that affects the service:
 * - a pod of the service runs on such a node and is not Ready (or was evicted from it: `The node was low on
 *   resource: ephemeral-storage` → DiskPressure, `… memory` → MemoryPressure);
 * - a pod of the service is Pending because every node left carries the node-condition taint
 *   (`node.kubernetes.io/not-ready|unreachable|disk-pressure|memory-pressure`). That is reported at the schedule
 *   stage with a high specificity: the taint is the node's problem, not a toleration the pod should add.
 * A broken node that hosts nothing of ours while our pods are fine is not a finding. When the service still has
 * its minimum availability the finding is advisory (one replica lost, the service still answers).
 */
import { SPECIFICITY } from '../types.js';
import type { CoreV1Event, V1Node, V1NodeCondition } from '@kubernetes/client-node';
import {
  deploymentCondition,
  eventEvidence,
  eventTime,
  evidence,
  humanDuration,
  podCondition,
  podEvents,
  podSource,
  secondsBetween,
} from '../context.js';
import { DOCS } from '../docs.js';
import type { Rule, RuleContext } from '../rule.js';
import type { DetailOf, Evidence, RuleFinding } from '../types.js';
import { podStatusText } from '../signals/podProgress.js';
import { isPodReady, newestEvent, serviceLabel } from '../signals/podSignals.js';
import { isResourceReason, parseSchedulerMessage } from '../signals/schedulerMessage.js';

type Detail = DetailOf<'NodeFailure'>;

/** A node flapping for a few seconds (kubelet restart) is not a failure. */
export const NODE_GRACE_SECONDS = 60;
/** A node younger than this that is not ready yet is still joining (an autoscaler scale-up takes 2–5 minutes). */
export const NEW_NODE_SECONDS = 600;
/** Evictions older than this no longer explain the current state. */
export const EVICTION_WINDOW_SECONDS = 3600;

const TAINT_DETAIL: Record<string, Detail> = {
  'node.kubernetes.io/not-ready': 'NotReady',
  'node.kubernetes.io/unreachable': 'NotReady',
  'node.kubernetes.io/disk-pressure': 'DiskPressure',
  'node.kubernetes.io/memory-pressure': 'MemoryPressure',
  'node.kubernetes.io/pid-pressure': 'PIDPressure',
  'node.kubernetes.io/network-unavailable': 'NetworkUnavailable',
};

const CONDITION_OF: Record<Detail, string> = {
  NotReady: 'Ready',
  DiskPressure: 'DiskPressure',
  MemoryPressure: 'MemoryPressure',
  PIDPressure: 'PIDPressure',
  NetworkUnavailable: 'NetworkUnavailable',
};

function condition(node: V1Node, type: string): V1NodeCondition | undefined {
  return node.status?.conditions?.find((c) => c.type === type);
}

/** The node's failing conditions that have lasted past the grace period. */
function nodeProblems(node: V1Node, now: Date): Detail[] {
  const out: Detail[] = [];
  const lasting = (c: V1NodeCondition | undefined) =>
    (secondsBetween(c?.lastTransitionTime, now) ?? Infinity) >= NODE_GRACE_SECONDS;
  const ready = condition(node, 'Ready');
  if (ready && ready.status !== 'True' && lasting(ready)) out.push('NotReady');
  for (const d of ['DiskPressure', 'MemoryPressure', 'PIDPressure', 'NetworkUnavailable'] as const) {
    const c = condition(node, d);
    if (c?.status === 'True' && lasting(c)) out.push(d);
  }
  return out;
}

function nodeLine(node: V1Node, detail: Detail, now: Date): string {
  const c = condition(node, CONDITION_OF[detail]);
  const since = secondsBetween(c?.lastTransitionTime, now);
  const hb = secondsBetween(c?.lastHeartbeatTime, now);
  return (
    `${CONDITION_OF[detail]}=${c?.status ?? '?'}${c?.reason ? ` (${c.reason})` : ''}${c?.message ? `: ${c.message}` : ''}` +
    `${since !== undefined ? `; since ${humanDuration(since)}` : ''}${detail === 'NotReady' && hb !== undefined && hb > 60 ? `, last heartbeat ${humanDuration(hb)} ago` : ''}`
  );
}

function evictionDetail(message: string): Detail | undefined {
  if (/low on resource: (?:ephemeral-storage|nodefs|imagefs)|DiskPressure/i.test(message))
    return 'DiskPressure';
  if (/low on resource: memory|MemoryPressure/i.test(message)) return 'MemoryPressure';
  if (/low on resource: pids|PIDPressure/i.test(message)) return 'PIDPressure';
  return undefined;
}

interface Hit {
  detail: Detail;
  stage: 'schedule' | 'platform';
  nodes: Set<string>;
  pods: Set<string>;
  evidence: Evidence[];
  evicted: boolean;
  pending: boolean;
  /** Pods of the service still bound to the sick node and not Ready there (Terminating, Unknown), with their state. */
  stuck: Map<string, string>;
  /** Pods of the service Pending because of this node condition. */
  pendingPods: Set<string>;
  /** What the scheduler said about the other nodes (`1 Insufficient memory`): reasons other than this taint. */
  otherRefusals: Set<string>;
  /** Some other node is short of a resource: no healthy node has room, so rescheduling alone cannot help. */
  capacityShort: boolean;
  /** Pods of the service that are down because of it (not Ready on the node, evicted, or Pending). */
  affected: number;
}

function serviceAvailable(ctx: RuleContext): boolean {
  const d = ctx.target.deployment;
  if (d) {
    const want = d.spec?.replicas ?? 1;
    return deploymentCondition(d, 'Available')?.status === 'True' && (d.status?.readyReplicas ?? 0) >= want;
  }
  const current = ctx.target.pods.filter((p) => p.status?.phase !== 'Failed');
  return current.length > 0 && current.every(isPodReady);
}

/** Eviction events of the service's pods, including pods that are already gone (matched by ReplicaSet name). */
function evictionEvents(ctx: RuleContext): CoreV1Event[] {
  const rsPrefixes = ctx.target.replicaSets.map((rs) => `${rs.metadata?.name ?? '?'}-`);
  const podNames = new Set(ctx.target.pods.map((p) => p.metadata?.name));
  return ctx.snapshot.events.filter((e) => {
    const io = e.involvedObject;
    if (e.reason !== 'Evicted' || io.kind !== 'Pod') return false;
    if (io.namespace && io.namespace !== ctx.target.namespace) return false;
    const age = secondsBetween(eventTime(e), ctx.now) ?? Infinity;
    if (age > EVICTION_WINDOW_SECONDS) return false;
    return podNames.has(io.name) || rsPrefixes.some((p) => (io.name ?? '').startsWith(p));
  });
}

export const nodeFailure: Rule = {
  id: 'nodeFailure',
  stage: 'platform',
  diagnose(ctx: RuleContext): RuleFinding[] {
    const { snapshot, now } = ctx;
    const nodes = new Map(snapshot.nodes.map((n) => [n.metadata?.name ?? '', n]));
    const hits = new Map<string, Hit>();
    // One finding per detail; a Pending pod blocked by the node's taint moves it to the schedule stage.
    const hit = (detail: Detail, stage: Hit['stage']): Hit => {
      let h = hits.get(detail);
      if (!h) {
        h = {
          detail,
          stage,
          nodes: new Set(),
          pods: new Set(),
          evidence: [],
          evicted: false,
          pending: false,
          stuck: new Map(),
          pendingPods: new Set(),
          otherRefusals: new Set(),
          capacityShort: false,
          affected: 0,
        };
        hits.set(detail, h);
      }
      if (stage === 'schedule') h.stage = 'schedule';
      return h;
    };
    const addNode = (h: Hit, node: V1Node) => {
      const name = node.metadata?.name ?? '?';
      if (h.nodes.has(name)) return;
      h.nodes.add(name);
      h.evidence.push(evidence(`node/${name}/status`, nodeLine(node, h.detail, now)));
    };

    for (const pod of ctx.target.pods) {
      const podName = pod.metadata?.name ?? '?';
      const node = pod.spec?.nodeName ? nodes.get(pod.spec.nodeName) : undefined;
      // Evicted pods: the kubelet says which resource ran out.
      if (pod.status?.reason === 'Evicted') {
        const finished = podCondition(pod, 'Ready')?.lastTransitionTime ?? pod.status.startTime;
        if ((secondsBetween(finished, now) ?? 0) > EVICTION_WINDOW_SECONDS) continue;
        const detail = evictionDetail(pod.status.message ?? '');
        if (!detail) continue;
        const h = hit(detail, 'platform');
        h.evicted = true;
        h.affected++;
        h.pods.add(podName);
        h.evidence.push(
          evidence(podSource(pod, undefined, 'status'), `Evicted: ${pod.status.message ?? ''}`),
        );
        if (node && nodeProblems(node, now).includes(detail)) addNode(h, node);
        continue;
      }
      if (node) {
        if (isPodReady(pod)) {
          for (const detail of nodeProblems(node, now)) {
            // Still serving: only a risk. Recorded so the advisory below can name it.
            const h = hit(detail, 'platform');
            addNode(h, node);
            h.pods.add(podName);
          }
          continue;
        }
        for (const detail of nodeProblems(node, now)) {
          const h = hit(detail, 'platform');
          addNode(h, node);
          h.affected++;
          h.pods.add(podName);
          h.stuck.set(podName, podStatusText(pod));
          h.evidence.push(
            evidence(
              podSource(pod, undefined, 'status'),
              `${podStatusText(pod)}, not Ready, on node ${node.metadata?.name ?? '?'}`,
            ),
          );
        }
        continue;
      }
      if (pod.spec?.nodeName) continue; // its node is not in the snapshot: nothing to judge
      // Pending: which node-condition taints keep it off every node?
      const events = podEvents(snapshot, pod);
      const failed = newestEvent(events, 'FailedScheduling');
      const cond = podCondition(pod, 'PodScheduled');
      const text = (cond?.status === 'False' ? cond.message : undefined) || failed?.message;
      const parsed = parseSchedulerMessage(text);
      const details = new Set<Detail>();
      // Several reasons: judge by the nodes that could otherwise host the pod. When other nodes are short of a
      // resource and the unhealthy ones are new (the autoscaler just added them for this pod and they are still
      // coming up), the node condition is a consequence of the capacity shortage, not a node failure.
      const resourceShort = (parsed?.reasons ?? []).some(isResourceReason);
      const scaledUp = newestEvent(events, 'TriggeredScaleUp');
      const youngTainted = (key: string) => {
        const tainted = snapshot.nodes.filter((n) => (n.spec?.taints ?? []).some((t) => t.key === key));
        return (
          tainted.length > 0 &&
          tainted.every(
            (n) => (secondsBetween(n.metadata?.creationTimestamp, now) ?? Infinity) < NEW_NODE_SECONDS,
          )
        );
      };
      for (const r of parsed?.reasons ?? []) {
        const d = r.taint ? TAINT_DETAIL[r.taint.key] : undefined;
        if (!d || !r.taint) continue;
        if (resourceShort && (scaledUp || youngTainted(r.taint.key))) continue;
        details.add(d);
      }
      if (
        !parsed &&
        snapshot.nodes.length > 0 &&
        snapshot.nodes.every((n) => nodeProblems(n, now).includes('NotReady'))
      ) {
        details.add('NotReady');
      }
      for (const detail of details) {
        const h = hit(detail, 'schedule');
        h.pending = true;
        h.affected++;
        h.pods.add(podName);
        h.pendingPods.add(podName);
        // Judge by the scheduler's message per node: the reasons that are not this condition's taint say why
        // the other nodes refuse the pod (a resource shortage there means no healthy node has room).
        for (const r of parsed?.reasons ?? []) {
          if (r.taint && TAINT_DETAIL[r.taint.key] === detail) continue;
          if (r.count === undefined && !isResourceReason(r)) continue;
          h.otherRefusals.add(r.count !== undefined ? `${r.count} ${r.text}` : r.text);
          if (isResourceReason(r)) h.capacityShort = true;
        }
        if (failed) h.evidence.push(eventEvidence(failed));
        else if (text)
          h.evidence.push(evidence(podSource(pod, undefined, 'status'), `PodScheduled=False: ${text}`));
        for (const n of snapshot.nodes) if (nodeProblems(n, now).includes(detail)) addNode(h, n);
      }
    }
    for (const e of evictionEvents(ctx)) {
      const detail = evictionDetail(e.message ?? '');
      if (!detail) continue;
      const h = hit(detail, 'platform');
      if (h.pods.has(e.involvedObject.name ?? '')) continue;
      h.evicted = true;
      h.affected++;
      h.pods.add(e.involvedObject.name ?? '?');
      h.evidence.push(eventEvidence(e));
      const hostName = e.source?.host;
      const host = hostName ? nodes.get(hostName) : undefined;
      if (host && nodeProblems(host, now).includes(detail)) addNode(h, host);
    }

    const available = serviceAvailable(ctx);
    const out: RuleFinding[] = [];
    for (const h of hits.values()) {
      // A sick node under Ready pods with nothing lost yet is a risk only: advisory, never the root cause.
      out.push(finding(ctx, h, available || h.affected === 0));
    }
    return out;
  },
};

const WORDS: Record<Detail, { state: string; short: string }> = {
  NotReady: { state: 'NotReady', short: 'is NotReady' },
  DiskPressure: { state: 'DiskPressure', short: 'is out of disk space (DiskPressure)' },
  MemoryPressure: { state: 'MemoryPressure', short: 'is out of memory (MemoryPressure)' },
  PIDPressure: { state: 'PIDPressure', short: 'is out of process ids (PIDPressure)' },
  NetworkUnavailable: {
    state: 'NetworkUnavailable',
    short: 'has no pod network (NetworkUnavailable)',
  },
};

function remedy(h: Hit, ctx: RuleContext): string[] {
  const nodes = [...h.nodes];
  const first = nodes[0] ?? '<node>';
  switch (h.detail) {
    case 'NotReady':
      return [
        `Inspect the node: \`kubectl describe node ${first}\` (kubelet, container runtime, network) and AKS Diagnose and solve problems → Node health; AKS auto-repair restarts or reimages a node NotReady for more than ~10 minutes`,
        h.pending
          ? // Pending: no node takes the pod, so waiting for the toleration to expire moves nothing.
            `The service has no serving replica until a node can take its pod: recover or replace ${nodes.length > 1 ? 'the nodes' : 'the node'} (\`az vmss restart\` / \`az vmss reimage\` on ${nodes.length > 1 ? 'their instances' : 'its instance'}) ${h.capacityShort ? `and add capacity (\`az aks nodepool scale --node-count <current+1>\`, or the cluster autoscaler): the other nodes refuse the pod (${[...h.otherRefusals].join(', ')}), so it will not move there on its own` : 'or scale the pool (`az aks nodepool scale`) so a healthy node joins'}`
          : `If it stays NotReady, cordon and drain it (\`kubectl drain ${first} --ignore-daemonsets --delete-emptydir-data\`) or replace it (\`az aks nodepool scale\` / \`az vmss reimage\`); the service's pods are rescheduled onto healthy nodes after the 300 s not-ready toleration`,
      ];
    case 'DiskPressure':
      return [
        `Free disk on ${nodes.join(', ') || 'the node'}: remove unused images (\`crictl rmi --prune\` on the node) — Azure ML model images are large — and clear pods' scratch space`,
        `Give scoring pods an ephemeral-storage limit and use nodes with a larger OS disk (\`az aks nodepool add --node-osdisk-size 256\`), then redeploy ${serviceLabel(ctx.target)}`,
      ];
    case 'MemoryPressure':
      return [
        `Find what uses the memory on ${nodes.join(', ') || 'the node'}: \`kubectl top pods -A --sort-by=memory\`; pods without memory limits are evicted first`,
        `Set memory requests equal to limits for the service (${ctx.target.flavor === 'v1' ? 'memory_gb in AksWebservice.deploy_configuration' : 'the instance type'}) and use a larger VM size or more nodes`,
      ];
    case 'PIDPressure':
      return [
        `Find the pod that forks without bound on ${nodes.join(', ') || 'the node'}: \`kubectl describe node ${first}\` and \`ps -e --no-headers | wc -l\` on it; too many gunicorn workers or threads in a scoring container is a common cause`,
        `Limit processes (WORKER_COUNT for the scoring server, a pod pids limit) and restart or replace the node; the kubelet evicts pods until it recovers`,
      ];
    case 'NetworkUnavailable':
      return [
        `The node's pod network is not configured: \`kubectl describe node ${first}\` (condition NetworkUnavailable, its reason) and check the CNI pods on it (\`kubectl get pods -n kube-system -o wide --field-selector spec.nodeName=${first}\`)`,
        `With kubenet, check the cluster's route table is still associated with the node subnet; otherwise reimage the node (\`az vmss reimage\`) or scale the pool to replace it`,
      ];
  }
}

function finding(ctx: RuleContext, h: Hit, advisory: boolean): RuleFinding {
  const nodes = [...h.nodes];
  const pods = [...h.pods];
  const w = WORDS[h.detail];
  const nodeText =
    nodes.length === 1
      ? `Node ${nodes[0]}`
      : nodes.length
        ? `${nodes.length} nodes (${nodes.join(', ')})`
        : 'A node';
  let title: string;
  let how: string;
  const is = nodes.length > 1 ? `are ${w.state}` : w.short;
  if (h.pending && h.evicted) {
    title = `${nodeText} ${is}: the service's pod was evicted and its replacement cannot be scheduled`;
    how = `the kubelet evicted ${pods.filter((p) => p).slice(-1)[0] ?? 'a pod'} to reclaim ${h.detail === 'DiskPressure' ? 'disk (ephemeral-storage)' : h.detail === 'MemoryPressure' ? 'memory' : 'resources'}, and the replacement stays Pending because the node carries the ${w.state} taint`;
  } else if (h.pending) {
    const pending = [...h.pendingPods];
    const stuck = [...h.stuck].map(([pod, state]) => `pod ${pod} is ${state} on it, not Ready`);
    const others = [...h.otherRefusals];
    title = `No node can take the service's pod: ${nodes.length ? `${nodeText} ${is}` : `the nodes are ${w.state}`}${h.capacityShort ? ' and no other node has room' : ''}`;
    how =
      (stuck.length ? `${stuck.join('; ')}; its replacement ` : 'pod ') +
      `${pending.join(', ')} ${pending.length > 1 ? 'are' : 'is'} Pending: the scheduler keeps ${pending.length > 1 ? 'them' : 'it'} off ${nodes.length > 1 ? 'those nodes' : nodes.length ? 'that node' : 'the nodes'} because of the ${w.state} taint the kubelet/node controller sets` +
      (others.length ? ` and refuses the other nodes (${others.join(', ')})` : '');
  } else if (h.evicted) {
    title = `${nodeText} ${is}: the service's pod ${pods[0] ?? ''} was evicted`;
    how = `the kubelet evicted ${pods.join(', ')} to reclaim ${h.detail === 'DiskPressure' ? 'disk (ephemeral-storage)' : h.detail === 'PIDPressure' ? 'process ids' : 'memory'}`;
  } else {
    title = `${nodeText} hosting the service ${is}`;
    how = `${pods.join(', ')} ${pods.length > 1 ? 'run' : 'runs'} there and ${h.affected ? 'is not Ready' : 'is at risk'}`;
  }
  return {
    code: 'NodeFailure',
    detail: h.detail,
    severity: advisory ? 'warning' : 'critical',
    title,
    explanation:
      `${nodeText} ${nodes.length > 1 ? 'report' : 'reports'} ${w.state}; ${how}. ` +
      (advisory
        ? 'The service still answers from its Ready pods, so this is a risk rather than the outage itself. '
        : 'The service is not available while this lasts. ') +
      `Platform stage: the node, not the model or its configuration, needs attention.`,
    evidence: h.evidence.slice(0, 6),
    remedy: remedy(h, ctx),
    docs:
      h.detail === 'NotReady'
        ? [DOCS.aksNodeNotReady, DOCS.troubleshootKubernetesCompute]
        : h.detail === 'NetworkUnavailable'
          ? [DOCS.aksNodeNotReady]
          : [DOCS.k8sNodePressureEviction, ...(h.detail === 'MemoryPressure' ? [DOCS.aksNodePressure] : [])],
    stage: h.stage,
    specificity: h.stage === 'schedule' ? SPECIFICITY.overriding : SPECIFICITY.decisive,
    ...(advisory ? { role: 'advisory' as const } : {}),
  };
}
