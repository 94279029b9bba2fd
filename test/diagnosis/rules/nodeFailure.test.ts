import { describe, expect, it } from 'vitest';
import { NODE_GRACE_SECONDS, nodeFailure } from '../../../shared/diagnosis/rules/nodeFailure.js';
import { contextOf, evidenceText, fixturesOf, run } from './podRuleHarness.js';

interface Case {
  detail: 'NotReady' | 'DiskPressure' | 'MemoryPressure' | 'PIDPressure' | 'NetworkUnavailable';
  stage: 'schedule' | 'platform';
  title: RegExp;
  evidence: string[];
  remedy: RegExp;
}

const NODE = /aks-nodepool1-\d+-vmss00000\d/.source;

const CASES: Record<string, Case> = {
  'NodeFailure.PIDPressure.v1-node-out-of-pids': {
    detail: 'PIDPressure',
    stage: 'platform',
    title: new RegExp(`^Node ${NODE} hosting the service is out of process ids \\(PIDPressure\\)$`),
    evidence: ['PIDPressure=True (KubeletHasInsufficientPID)', 'Running, not Ready, on node'],
    remedy: /WORKER_COUNT/,
  },
  'NodeFailure.PIDPressure.v2-evicted-low-on-pids': {
    detail: 'PIDPressure',
    stage: 'platform',
    title: /is out of process ids \(PIDPressure\): the service's pod fraud-blue-\w+-\w+ was evicted$/,
    evidence: ['Evicted: The node was low on resource: pids.', 'PIDPressure=True'],
    remedy: /ps -e --no-headers/,
  },
  'NodeFailure.NetworkUnavailable.v1-kubenet-route-missing': {
    detail: 'NetworkUnavailable',
    stage: 'platform',
    title: new RegExp(`^Node ${NODE} hosting the service has no pod network \\(NetworkUnavailable\\)$`),
    evidence: ['NetworkUnavailable=True (NoRouteCreated): RouteController failed to create a route'],
    remedy: /route table/,
  },
  'NodeFailure.NetworkUnavailable.v2-pending-all-nodes-no-network': {
    detail: 'NetworkUnavailable',
    stage: 'schedule',
    title: /^No node can take the service's pod: 2 nodes \(.*\) are NetworkUnavailable$/,
    evidence: ['node.kubernetes.io/network-unavailable', 'NoRouteCreated'],
    remedy: /CNI pods/,
  },
  'NodeFailure.NotReady.v1-kubelet-stopped-posting': {
    detail: 'NotReady',
    stage: 'platform',
    title: new RegExp(`^Node ${NODE} hosting the service is NotReady$`),
    evidence: [
      'Ready=Unknown (NodeStatusUnknown): Kubelet stopped posting node status.; since 4m 10s',
      'Running, not Ready, on node',
    ],
    remedy: /kubectl describe node aks-nodepool1-\d+-vmss000000[\s\S]*kubectl drain/,
  },
  'NodeFailure.NotReady.v2-pending-all-nodes-not-ready': {
    detail: 'NotReady',
    stage: 'schedule',
    title: /^No node can take the service's pod: 2 nodes \(.*\) are NotReady$/,
    evidence: [
      'untolerated taint {node.kubernetes.io/not-ready: }',
      'Ready=False (KubeletNotReady)',
      'cni plugin not initialized',
    ],
    remedy: /kubectl describe node/,
  },
  'NodeFailure.NotReady.v1-record-healthy-node-notready': {
    detail: 'NotReady',
    stage: 'schedule',
    title: new RegExp(
      `^No node can take the service's pod: Node ${NODE} is NotReady and no other node has room$`,
    ),
    evidence: ['1 Insufficient memory', 'Kubelet stopped posting node status', 'Terminating, not Ready'],
    // No healthy node has room: waiting for the toleration to expire moves nothing, capacity must come back.
    remedy: /az aks nodepool scale --node-count[\s\S]*1 Insufficient memory/,
  },
  'NodeFailure.DiskPressure.v1-evicted-replacement-pending': {
    detail: 'DiskPressure',
    stage: 'schedule',
    title: new RegExp(
      `^Node ${NODE} is out of disk space \\(DiskPressure\\): the service's pod was evicted and its replacement cannot be scheduled$`,
    ),
    evidence: [
      'node.kubernetes.io/disk-pressure',
      'Evicted: The node was low on resource: ephemeral-storage',
      'DiskPressure=True (KubeletHasDiskPressure)',
    ],
    remedy: /crictl rmi --prune[\s\S]*--node-osdisk-size/,
  },
  'NodeFailure.DiskPressure.v2-admission-rejected': {
    detail: 'DiskPressure',
    stage: 'schedule',
    title: /are DiskPressure: the service's pod was evicted and its replacement cannot be scheduled$/,
    evidence: ['The node had condition: [DiskPressure]', 'node.kubernetes.io/disk-pressure'],
    remedy: /ephemeral-storage limit/,
  },
  'NodeFailure.MemoryPressure.v1-evicted-memory': {
    detail: 'MemoryPressure',
    stage: 'schedule',
    title: /is out of memory \(MemoryPressure\): the service's pod was evicted/,
    evidence: ['low on resource: memory', 'memory-pressure', 'MemoryPressure=True'],
    remedy: /memory_gb in AksWebservice\.deploy_configuration/,
  },
  'NodeFailure.MemoryPressure.v2-evicted-pod-gone': {
    detail: 'MemoryPressure',
    stage: 'schedule',
    title: /is out of memory \(MemoryPressure\)/,
    evidence: ['Evicted: The node was low on resource: memory', 'memory-pressure'],
    remedy: /the instance type/,
  },
};

const { triggers, nearMisses } = fixturesOf('NodeFailure');

describe('nodeFailure over its fixtures', () => {
  it('has a case for every triggering fixture', () => {
    expect(triggers.sort()).toEqual(Object.keys(CASES).sort());
    expect(nearMisses.length).toBeGreaterThanOrEqual(3);
  });

  it.each(Object.entries(CASES))('%s', async (name, c) => {
    const findings = await run(nodeFailure, name);
    expect(findings).toHaveLength(1);
    const f = findings[0]!;
    expect(f.code).toBe('NodeFailure');
    expect(f.detail).toBe(c.detail);
    expect(f.stage).toBe(c.stage);
    expect(f.role ?? 'cause').toBe('cause');
    expect(f.severity).toBe('critical');
    expect(f.title).toMatch(c.title);
    for (const e of c.evidence) expect(evidenceText(f)).toContain(e);
    expect(f.remedy.join('\n')).toMatch(c.remedy);
  });

  it.each(nearMisses)('%s: no finding', async (name) => {
    expect(await run(nodeFailure, name)).toEqual([]);
  });
});

describe('nodeFailure judgement', () => {
  it('a pending pod blocked by a node-condition taint outranks a generic taint finding', async () => {
    const [f] = await run(nodeFailure, 'NodeFailure.NotReady.v2-pending-all-nodes-not-ready');
    expect(f!.specificity).toBeGreaterThan(90);
  });

  it('names the stuck pod on the node, the Pending replacement and why every other node refuses it', async () => {
    const [f] = await run(nodeFailure, 'NodeFailure.NotReady.v1-record-healthy-node-notready');
    expect(f!.explanation).toMatch(
      /pod price-opt-1f1f1f1f1f-dead1 is Terminating on it, not Ready; its replacement price-opt-1f1f1f1f1f-new22 is Pending: .*NotReady taint.* refuses the other nodes \(1 Insufficient memory\)/,
    );
    expect(f!.remedy.join('\n')).not.toMatch(/rescheduled onto healthy nodes/);
  });

  it('a node that flapped for a few seconds is not NotReady yet', async () => {
    const ctx = await contextOf('NodeFailure.NotReady.v1-kubelet-stopped-posting');
    for (const n of ctx.snapshot.nodes) {
      for (const c of n.status?.conditions ?? [])
        c.lastTransitionTime = new Date(ctx.now.getTime() - (NODE_GRACE_SECONDS - 20) * 1000);
    }
    expect(nodeFailure.diagnose(ctx)).toEqual([]);
  });

  it('a sick node under a still-Ready pod is advisory only', async () => {
    const ctx = await contextOf('nearmiss.NodeFailure.MemoryPressure.pressure-on-another-node');
    const sick = ctx.snapshot.nodes.find((n) =>
      n.status?.conditions?.some((c) => c.type === 'MemoryPressure' && c.status === 'True'),
    )!;
    ctx.target.pods[0]!.spec!.nodeName = sick.metadata!.name;
    const [f] = nodeFailure.diagnose(ctx);
    expect(f?.detail).toBe('MemoryPressure');
    expect(f?.role).toBe('advisory');
    expect(f?.severity).toBe('warning');
  });

  it('an eviction older than an hour no longer counts', async () => {
    const ctx = await contextOf('NodeFailure.MemoryPressure.v2-evicted-pod-gone');
    for (const e of ctx.snapshot.events)
      if (e.reason === 'Evicted')
        e.lastTimestamp = e.firstTimestamp = new Date(ctx.now.getTime() - 2 * 3600_000);
    const [f] = nodeFailure.diagnose(ctx);
    // The replacement is still kept off the node by its taint, but the eviction is no longer evidence.
    expect(evidenceText(f!)).not.toContain('Evicted:');
  });
});
