import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import {
  podUnschedulable,
  SCALE_UP_WINDOW_SECONDS,
} from '../../../shared/diagnosis/rules/podUnschedulable.js';
import { contextOf, evidenceText, expectationOf, fixturesOf, run } from './podRuleHarness.js';

interface Case {
  detail: string;
  title: RegExp;
  evidence: string[];
  remedy: RegExp;
  /** 90 unless said: a record-only refusal classified from its wording is 50. */
  specificity?: number;
}

const CASES: Record<string, Case> = {
  'PodUnschedulable.InsufficientGpu.v1-no-gpu-node-system-pool-tainted': {
    detail: 'InsufficientGpu',
    title: /nvidia\.com\/gpu/,
    // The node shown is a CPU node the pod could use, not the tainted system node.
    evidence: ['3 Insufficient nvidia.com/gpu', 'node/aks-cpupool-2222-vmss000000'],
    remedy: /GPU node pool/,
  },
  'PodUnschedulable.InsufficientCpu.v2-autoscaler-new-node-not-ready-yet': {
    detail: 'InsufficientCpu',
    title: /cpu/i,
    evidence: ['2 Insufficient cpu', 'TriggeredScaleUp'],
    remedy: /node pool|instance type/,
  },
  'PodUnschedulable.AffinityMismatch.v2-anti-affinity-one-per-node': {
    detail: 'AffinityMismatch',
    title: /^No node satisfies the pod's pod \(anti-\)affinity/,
    evidence: ["3 node(s) didn't match pod anti-affinity rules"],
    remedy: /one replica per node[\s\S]*preferredDuringScheduling/,
  },
  'PodUnschedulable.AffinityMismatch.v1-pod-affinity-target-gone': {
    detail: 'AffinityMismatch',
    title: /pod \(anti-\)affinity or topology spread rules/,
    evidence: ["didn't match pod affinity rules"],
    remedy: /spec\.affinity/,
  },
  'PodUnschedulable.NodesCordoned.v2-upgrade-left-pool-cordoned': {
    detail: 'NodesCordoned',
    title: /^3 node\(s\) are cordoned/,
    evidence: ['node.kubernetes.io/unschedulable', 'unschedulable=true'],
    remedy: /kubectl uncordon .*vmss000000 .*vmss000001 .*vmss000002/,
  },
  'PodUnschedulable.InsufficientCpu.v1-record-only-update-refused-old-revision-serves': {
    detail: 'InsufficientCpu',
    title: /enough cpu free/,
    evidence: ['insufficient compute resource', '(3 CPU Cores, 2GB Memory)'],
    remedy: /cpu_cores/,
    specificity: 50,
  },
  'PodUnschedulable.InsufficientMemory.v2-record-only-outofquota-old-revision-serves': {
    detail: 'InsufficientMemory',
    title: /^0\/2 nodes have enough memory free/,
    evidence: ['OutOfQuota: Kubernetes unschedulable', '2 Insufficient memory'],
    remedy: /instance type/,
  },
  'PodUnschedulable.InsufficientCpu.v1-request-exceeds-node': {
    detail: 'InsufficientCpu',
    title: /requests 6 CPU but the largest node has only 3\.86 CPU allocatable/,
    evidence: ['3 Insufficient cpu', 'requests cpu=6', 'Standard_D4s_v3'],
    remedy: /Standard_D8s_v3.*cpu_cores/,
  },
  'PodUnschedulable.InsufficientCpu.v2-pool-full-autoscaler-at-max': {
    detail: 'InsufficientCpu',
    title: /^0\/3 nodes have 2\.05 CPU free/,
    evidence: ['NotTriggerScaleUp', 'max node group size reached'],
    remedy: /big enough but full.*nodepool1/,
  },
  'PodUnschedulable.InsufficientCpu.v1-cpu-pool-full-gpu-pool-tainted': {
    detail: 'InsufficientCpu',
    title: /^0\/3 nodes have 2 CPU free/,
    evidence: ['1 Insufficient cpu, 2 node(s) had untolerated taint {sku: gpu}'],
    remedy: /scale out node pool nodepool1/,
  },
  'PodUnschedulable.InsufficientMemory.v1-service-error-5min': {
    detail: 'InsufficientMemory',
    title: /requests 24Gi memory but the largest node has only 12\.3Gi/,
    evidence: ['2 Insufficient memory', 'service.json'],
    remedy: /memory_gb/,
  },
  'PodUnschedulable.InsufficientMemory.v2-cpu-and-memory-short': {
    detail: 'InsufficientMemory',
    title: /^0\/3 nodes have 6\.1Gi of memory free/,
    evidence: ['3 Insufficient memory'],
    remedy: /instance type/,
  },
  'PodUnschedulable.InsufficientGpu.v1-no-gpu-node-pool': {
    detail: 'InsufficientGpu',
    title: /requests 1 nvidia\.com\/gpu but no node offers it/,
    evidence: ['3 Insufficient nvidia.com/gpu', 'nvidia.com/gpu=0'],
    remedy: /Standard_NC6s_v3.*drop gpu_cores/,
  },
  'PodUnschedulable.InsufficientGpu.v2-gpu-pool-fully-allocated': {
    detail: 'InsufficientGpu',
    title: /^0\/3 nodes have a free nvidia\.com\/gpu/,
    evidence: ['Standard_NC6s_v3', 'nvidia.com/gpu=1'],
    remedy: /already allocated.*gpupool/,
  },
  'PodUnschedulable.InsufficientExtendedResource.v1-fpga-catapult': {
    detail: 'InsufficientExtendedResource',
    title: /microsoft\.com\/fpga_catapult but no node offers it/,
    evidence: ['Insufficient microsoft.com/fpga_catapult'],
    remedy: /FPGA quota/,
  },
  'PodUnschedulable.InsufficientExtendedResource.k8s-1-9-predicates-wording': {
    detail: 'InsufficientExtendedResource',
    title: /^No node has a free microsoft\.com\/fpga_catapult/,
    evidence: ['No nodes are available that match all of the predicates'],
    remedy: /FPGA/,
  },
  'PodUnschedulable.NodeSelectorMismatch.v2-instance-type-selector': {
    detail: 'NodeSelectorMismatch',
    title: /node selector ml\.azure\.com\/pool=cpu-large/,
    evidence: ['nodeSelector ml.azure.com/pool=cpu-large', 'labels ml.azure.com/pool=(none)'],
    remedy: /InstanceType's nodeSelector/,
  },
  'PodUnschedulable.NodeSelectorMismatch.v1-old-wording-no-nodes': {
    detail: 'NodeSelectorMismatch',
    title: /node selector agentpool=inference/,
    evidence: ["didn't match node selector"],
    remedy: /--labels agentpool=inference/,
  },
  'PodUnschedulable.TaintNotTolerated.v2-gpu-pool-tainted': {
    detail: 'TaintNotTolerated',
    title: /^2 node\(s\) have taint sku=gpu:NoSchedule/,
    evidence: ['taints sku=gpu:NoSchedule', 'tolerations'],
    remedy: /toleration for sku=gpu:NoSchedule to the instance type/,
  },
  'PodUnschedulable.TaintNotTolerated.v1-old-wording-dedicated-pool': {
    detail: 'TaintNotTolerated',
    title: /taint dedicated=batch/,
    evidence: ["that the pod didn't tolerate"],
    remedy: /v1 sets no tolerations/,
  },
  'PodUnschedulable.NodesCordoned.v1-all-nodes-cordoned': {
    detail: 'NodesCordoned',
    title: /2 node\(s\) are cordoned/,
    evidence: ['were unschedulable', 'unschedulable=true'],
    remedy: /kubectl uncordon/,
  },
  'PodUnschedulable.TooManyPods.v2-outofquota-single-node': {
    detail: 'TooManyPods',
    title: /^0\/1 nodes can take another pod/,
    evidence: ['1 Too many pods', 'OutOfQuota: Kubernetes unschedulable', 'pods=30'],
    remedy: /--max-pods/,
  },
  'PodUnschedulable.TooManyPods.v1-three-nodes-at-max-pods': {
    detail: 'TooManyPods',
    title: /^0\/3 nodes can take another pod/,
    evidence: ['3 Too many pods'],
    remedy: /30 per node/,
  },
};

const { triggers, nearMisses } = fixturesOf('PodUnschedulable');

describe('podUnschedulable over its fixtures', () => {
  it('has a case for every triggering fixture, and two per detail', () => {
    expect(Object.keys(CASES).sort()).toEqual(triggers);
    const perDetail = new Map<string, number>();
    for (const c of Object.values(CASES)) perDetail.set(c.detail, (perDetail.get(c.detail) ?? 0) + 1);
    expect(perDetail.size).toBe(9);
    for (const n of perDetail.values()) expect(n).toBeGreaterThanOrEqual(2);
  });

  it.each(Object.entries(CASES))('%s', async (name, c) => {
    const findings = await run(podUnschedulable, name);
    expect(findings).toHaveLength(1);
    const f = findings[0]!;
    expect(f.code).toBe('PodUnschedulable');
    expect(f.detail).toBe(c.detail);
    expect(f.stage).toBe('schedule');
    expect(f.severity).toBe('critical');
    expect(f.role).toBe('cause');
    expect(f.specificity).toBe(c.specificity ?? 90);
    expect(f.title).toMatch(c.title);
    for (const line of c.evidence) expect(evidenceText(f)).toContain(line);
    expect(f.remedy.join('\n')).toMatch(c.remedy);
    expect(f.docs.length).toBeGreaterThan(0);
    expect(expectationOf(name).root?.detail).toBe(c.detail);
  });

  it('names node sizes only from the nodes\' labels (no "(sizes: ?)" when they carry none)', async () => {
    const [f] = await run(
      podUnschedulable,
      'PodUnschedulable.InsufficientGpu.v1-no-gpu-node-system-pool-tainted',
    );
    expect(f?.explanation).toContain('None of the 4 node(s) in the snapshot offers nvidia.com/gpu at all.');
    expect(f?.explanation).not.toContain('sizes');
  });

  it.each(nearMisses)('near-miss %s does not trigger', async (name) => {
    expect(await run(podUnschedulable, name)).toEqual([]);
  });
});

describe('podUnschedulable time awareness', () => {
  it('a scale-up in flight holds the finding back, only while the window lasts', async () => {
    const name = 'nearmiss.PodUnschedulable.InsufficientCpu.scale-up-in-flight-4m';
    const ctx = await contextOf(name);
    expect(podUnschedulable.diagnose(ctx)).toEqual([]);
    const later = { ...ctx, now: new Date(ctx.now.getTime() + SCALE_UP_WINDOW_SECONDS * 1000) };
    const [f] = podUnschedulable.diagnose(later);
    expect(f?.detail).toBe('InsufficientCpu');
    expect(f?.explanation).toMatch(/triggered a scale-up 13m 50s ago, longer than the 10m/);
  });

  it('without the TriggeredScaleUp event the same pod is a failure', async () => {
    const ctx = await contextOf('nearmiss.PodUnschedulable.InsufficientCpu.scale-up-in-flight-4m');
    ctx.snapshot.events = ctx.snapshot.events.filter((e) => e.reason !== 'TriggeredScaleUp');
    expect(podUnschedulable.diagnose(ctx).map((f) => f.detail)).toEqual(['InsufficientCpu']);
  });

  it('a NotTriggerScaleUp after the scale-up ends the grace at once', async () => {
    const ctx = await contextOf('nearmiss.PodUnschedulable.InsufficientCpu.scale-up-triggered-20s');
    const pod = ctx.target.pods[0]!;
    const refused: CoreV1Event = {
      metadata: { name: 'x' },
      involvedObject: {
        kind: 'Pod',
        name: pod.metadata?.name,
        namespace: pod.metadata?.namespace,
        uid: pod.metadata?.uid,
      },
      reason: 'NotTriggerScaleUp',
      type: 'Normal',
      message: "pod didn't trigger scale-up: 1 max node group size reached",
      lastTimestamp: new Date(ctx.now.getTime() - 2000),
      firstTimestamp: new Date(ctx.now.getTime() - 2000),
    };
    ctx.snapshot.events.push(refused);
    const [f] = podUnschedulable.diagnose(ctx);
    expect(f?.detail).toBe('InsufficientCpu');
    expect(evidenceText(f!)).toContain('NotTriggerScaleUp');
  });

  it('a 10 s old pod is inside the grace; a minute later it is a failure', async () => {
    const ctx = await contextOf('nearmiss.PodUnschedulable.TooManyPods.created-10s-ago');
    expect(podUnschedulable.diagnose(ctx)).toEqual([]);
    const [f] = podUnschedulable.diagnose({ ...ctx, now: new Date(ctx.now.getTime() + 60_000) });
    expect(f?.detail).toBe('TooManyPods');
  });

  it('a fresh extra replica inside its grace does not hide a replica stuck for minutes', async () => {
    const ctx = await contextOf('PodUnschedulable.InsufficientCpu.v1-request-exceeds-node');
    const stuckPod = ctx.target.pods[0]!;
    const fresh: V1Pod = structuredClone(stuckPod);
    fresh.metadata = {
      ...fresh.metadata,
      name: `${stuckPod.metadata?.name}-new`,
      uid: 'fresh-uid',
      creationTimestamp: new Date(ctx.now.getTime() - 5000),
    };
    for (const c of fresh.status!.conditions!) c.lastTransitionTime = new Date(ctx.now.getTime() - 5000);
    ctx.target.pods.unshift(fresh);
    const [f] = podUnschedulable.diagnose(ctx);
    expect(f?.detail).toBe('InsufficientCpu');
    expect(f?.explanation).toContain(stuckPod.metadata!.name!);
  });

  it('waits for a terminating replica to release the GPU, and not once it is gone', async () => {
    const ctx = await contextOf('nearmiss.PodUnschedulable.InsufficientGpu.rolling-update-waits-for-old-pod');
    expect(podUnschedulable.diagnose(ctx)).toEqual([]);
    for (const p of ctx.target.pods) delete p.metadata?.deletionTimestamp;
    const [f] = podUnschedulable.diagnose(ctx);
    expect(f?.detail).toBe('InsufficientGpu');
    // The ready pod belongs to the old revision: the update is blocked, which is a failure, not an advisory.
    expect(f?.role).toBe('cause');
  });
});

describe('podUnschedulable other signals', () => {
  it('reports only a blocked scale-out as an advisory warning when a ready replica of the same revision serves', async () => {
    const ctx = await contextOf('PodUnschedulable.InsufficientCpu.v1-request-exceeds-node');
    const pending = ctx.target.pods[0]!;
    const ready: V1Pod = structuredClone(pending);
    ready.metadata = { ...ready.metadata, name: `${pending.metadata?.name}-ready`, uid: 'ready-uid' };
    ready.spec = { ...ready.spec!, nodeName: 'aks-nodepool1-0-vmss000000' };
    ready.status = {
      phase: 'Running',
      conditions: [
        { type: 'Ready', status: 'True' },
        { type: 'PodScheduled', status: 'True' },
      ],
    };
    ctx.target.pods.push(ready);
    const [f] = podUnschedulable.diagnose(ctx);
    expect(f?.severity).toBe('warning');
    expect(f?.role).toBe('advisory');
    expect(f?.explanation).toMatch(/only the scale-out is blocked/);
    expect(f?.remedy[0]).toMatch(/autoscale_max_replicas/);
  });

  it('falls back to the Azure ML service error when no pod exists', async () => {
    const ctx = await contextOf('PodUnschedulable.InsufficientGpu.v1-no-gpu-node-pool');
    ctx.target.pods = [];
    const [f] = podUnschedulable.diagnose(ctx);
    expect(f?.detail).toBe('InsufficientGpu');
    expect(f?.evidence.every((e) => e.source === 'service.json')).toBe(true);
  });

  it('ignores a stale service error once a pod got a node', async () => {
    const ctx = await contextOf('nearmiss.PodUnschedulable.InsufficientMemory.scheduled-later-now-running');
    ctx.snapshot.service = {
      state: 'Unschedulable',
      error: {
        code: 'KubernetesError',
        details: [{ code: 'Unschedulable', message: '0/3 nodes are available: 3 Insufficient memory.' }],
      },
    };
    expect(podUnschedulable.diagnose(ctx)).toEqual([]);
  });

  it('classifies the v1 "CPU/Memory resource insufficient" text with the nodes', async () => {
    const ctx = await contextOf('PodUnschedulable.InsufficientMemory.v1-service-error-5min');
    ctx.target.pods = [];
    ctx.snapshot.service = {
      state: 'Unschedulable',
      error: {
        message:
          'Unschedulable: CPU/Memory resource insufficient, 1 replicas unschedulable. Please add more node(s) with SKU more than 1.1 CPU Cores and 2.6GB Memory to host your replicas OR reduce your replica count and service resource requirements.',
      },
    };
    const [f] = podUnschedulable.diagnose(ctx);
    expect(f?.code).toBe('PodUnschedulable');
    expect(f?.specificity).toBe(50);
  });

  it('is only a consequence when every taint in the way marks an unhealthy node', async () => {
    const ctx = await contextOf('PodUnschedulable.TaintNotTolerated.v1-old-wording-dedicated-pool');
    const msg = '0/3 nodes are available: 3 node(s) had untolerated taint {node.kubernetes.io/not-ready: }.';
    for (const c of ctx.target.pods[0]!.status!.conditions!) if (c.type === 'PodScheduled') c.message = msg;
    for (const e of ctx.snapshot.events) if (e.reason === 'FailedScheduling') e.message = msg;
    const [f] = podUnschedulable.diagnose(ctx);
    expect(f?.detail).toBe('TaintNotTolerated');
    expect(f?.role).toBe('consequence');
    expect(f?.remedy.join('\n')).toMatch(/unhealthy nodes/);
  });

  it('names no detail when the service error names no resource and there are no nodes', async () => {
    const ctx = await contextOf('PodUnschedulable.NodeSelectorMismatch.v1-old-wording-no-nodes');
    ctx.target.pods = [];
    ctx.snapshot.service = {
      state: 'Failed',
      error: {
        code: 'DeploymentFailed',
        message:
          "Couldn't Schedule because the kubernetes cluster didn't have available resources after trying for 00:05:00.",
      },
    };
    const [f] = podUnschedulable.diagnose(ctx);
    expect(f?.detail).toBeNull();
    expect(f?.specificity).toBe(10);
    expect(f?.remedy.join('\n')).toMatch(/kubectl describe pod/);
  });

  it('spots GPU nodes whose device plugin is missing', async () => {
    const ctx = await contextOf('PodUnschedulable.InsufficientGpu.v1-no-gpu-node-pool');
    ctx.snapshot.nodes.push({
      metadata: {
        name: 'aks-gpupool-1-vmss000000',
        labels: { 'node.kubernetes.io/instance-type': 'Standard_NC6s_v3', agentpool: 'gpupool' },
      },
      status: { allocatable: { cpu: '5840m', memory: '104264936Ki', pods: '110' } },
    });
    const [f] = podUnschedulable.diagnose(ctx);
    expect(f?.detail).toBe('InsufficientGpu');
    expect(f?.remedy.join('\n')).toMatch(/aks-gpupool-1-vmss000000 are Standard_NC6s_v3 VMs .*device plugin/);
  });

  it('leaves a pod waiting only for its PVC to the mount stage', async () => {
    expect(await run(podUnschedulable, 'nearmiss.PodUnschedulable.none.unbound-pvc-is-mount-stage')).toEqual(
      [],
    );
  });
});

describe('podUnschedulable from the record alone', () => {
  it('says the update was refused while the old revision serves, since the operation started, and claims no node facts', async () => {
    const ctx = await contextOf(
      'PodUnschedulable.InsufficientCpu.v1-record-only-update-refused-old-revision-serves',
    );
    const [f] = podUnschedulable.diagnose(ctx);
    expect(f?.detail).toBe('InsufficientCpu');
    expect(f?.explanation).toMatch(/refused the update[\s\S]*previous revision keeps serving/);
    expect(f?.explanation).not.toMatch(/is Pending/);
    // No pod of the new revision exists, so nothing says whether the nodes are too small or only full.
    expect(f?.remedy.join('\n')).not.toMatch(/big enough but full/);
    expect(f?.remedy[0]).toMatch(/kubectl describe nodes/);
    expect(f?.since).toBe(ctx.snapshot.service?.operation?.startTime ?? ctx.snapshot.service?.updatedTime);
    expect(f?.since).toBeTruthy();
  });
});
