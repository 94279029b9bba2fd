/** PodUnschedulable fixtures: every detail twice (v1/v2, several Kubernetes wordings) plus near-misses. */
import { at, event, type K8sObject } from '../kit.js';
import type { NamedFixture } from '../write.js';
import {
  NOW,
  ago,
  autoscalerEvent,
  d4Node,
  deploymentEvent,
  failedScheduling,
  gpuNode,
  kubeletEvent,
  imageOf,
  metaOf,
  notStarted,
  objectsOf,
  podCreatedEvent,
  poolNode,
  scheduledAt,
  scheduledEvent,
  service,
  stuck,
  unscheduled,
} from './podShapes.js';

const PREEMPT_NO_VICTIMS = (n: number) =>
  ` preemption: 0/${n} nodes are available: ${n} No preemption victims found for incoming pod.`;
const PREEMPT_NOT_HELPFUL = (n: number) =>
  ` preemption: 0/${n} nodes are available: ${n} Preemption is not helpful for scheduling.`;

/** A deployment whose only pod has been unschedulable since `since` seconds ago, with the scheduler's events. */
function pendingCase(opts: {
  flavor: 'v1' | 'v2';
  name: string;
  endpoint?: string;
  since: number;
  message: string;
  count: number;
  spec?: Record<string, unknown>;
  resources?: (c: K8sObject) => void;
  nodeSelector?: Record<string, string>;
}) {
  const created = ago(opts.since + 2);
  const svc = service({
    flavor: opts.flavor,
    name: opts.name,
    endpoint: opts.endpoint,
    createdAt: created,
    ...opts.spec,
  });
  const pod = svc.pods[0]!;
  for (const o of [pod.spec, svc.deployment.spec.template.spec, svc.replicaSet.spec.template.spec]) {
    if (opts.resources) opts.resources(o.containers[0]);
    if (opts.nodeSelector) o.nodeSelector = opts.nodeSelector;
  }
  unscheduled(pod, ago(opts.since), opts.message);
  stuck(svc, ago(opts.since), opts.since > 600);
  const events: K8sObject[] = [
    deploymentEvent(svc, created),
    podCreatedEvent(svc, pod, ago(opts.since)),
    failedScheduling(pod, opts.message, ago(opts.since), ago(Math.min(opts.since, 25)), opts.count),
  ];
  return { svc, pod, events };
}

function unschedulableTriggers(): NamedFixture[] {
  const out: NamedFixture[] = [];

  {
    const msg = `0/3 nodes are available: 3 Insufficient cpu.${PREEMPT_NO_VICTIMS(3)}`;
    const { svc, events } = pendingCase({
      flavor: 'v1',
      name: 'churn-model',
      since: 740,
      message: msg,
      count: 16,
      spec: { cpu: '6', memory: '8Gi' },
    });
    out.push({
      name: 'PodUnschedulable.InsufficientCpu.v1-request-exceeds-node',
      objects: [
        ...objectsOf(svc),
        ...events,
        d4Node('nodepool1', 0),
        d4Node('nodepool1', 1),
        d4Node('nodepool1', 2),
      ],
      meta: metaOf(svc),
      expected: {
        description:
          'v1 service requests 6 CPU (cpu_cores=6) on a pool of Standard_D4s_v3 (3.86 CPU allocatable): no node can ever hold it',
        status: 'Failed',
        root: { code: 'PodUnschedulable', detail: 'InsufficientCpu', evidenceIncludes: '3 Insufficient cpu' },
      },
    });
  }
  {
    const msg = '0/3 nodes are available: 3 Insufficient cpu.';
    const { svc, pod, events } = pendingCase({
      flavor: 'v2',
      name: 'blue',
      endpoint: 'fraud-scorer',
      since: 380,
      message: msg,
      count: 9,
      spec: { cpu: '2', memory: '4Gi' },
    });
    events.push(
      autoscalerEvent(
        pod,
        'NotTriggerScaleUp',
        "pod didn't trigger scale-up: 1 max node group size reached",
        ago(370),
        ago(40),
        22,
      ),
    );
    out.push({
      name: 'PodUnschedulable.InsufficientCpu.v2-pool-full-autoscaler-at-max',
      objects: [
        ...objectsOf(svc),
        ...events,
        d4Node('nodepool1', 0),
        d4Node('nodepool1', 1),
        d4Node('nodepool1', 2),
      ],
      meta: metaOf(svc),
      expected: {
        description:
          'v2 deployment requests 2 CPU; nodes are big enough but full and the autoscaler is at its max node count',
        status: 'Failed',
        root: {
          code: 'PodUnschedulable',
          detail: 'InsufficientCpu',
          evidenceIncludes: 'max node group size reached',
        },
      },
    });
  }
  {
    const msg = `0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {sku: gpu}.${PREEMPT_NOT_HELPFUL(3).replace(' 3 Preemption', ' 1 No preemption victims found for incoming pod, 2 Preemption')}`;
    const { svc, events } = pendingCase({
      flavor: 'v1',
      name: 'doc-classifier',
      since: 420,
      message: msg,
      count: 8,
      spec: { cpu: '2', memory: '3Gi' },
    });
    const taint = [{ effect: 'NoSchedule', key: 'sku', value: 'gpu' }];
    out.push({
      name: 'PodUnschedulable.InsufficientCpu.v1-cpu-pool-full-gpu-pool-tainted',
      objects: [
        ...objectsOf(svc),
        ...events,
        d4Node('nodepool1', 0),
        gpuNode('gpupool', 0, taint),
        gpuNode('gpupool', 1, taint),
      ],
      meta: metaOf(svc),
      expected: {
        description:
          'the only untainted node is full; the tainted GPU pool is correctly off limits, so the cause is CPU, not the taint',
        status: 'Failed',
        root: { code: 'PodUnschedulable', detail: 'InsufficientCpu' },
      },
    });
  }
  {
    const msg = '0/2 nodes are available: 2 Insufficient memory.';
    const { svc, events } = pendingCase({
      flavor: 'v1',
      name: 'llm-summarizer',
      since: 900,
      message: msg,
      count: 21,
      spec: { cpu: '1', memory: '24Gi' },
    });
    out.push({
      name: 'PodUnschedulable.InsufficientMemory.v1-service-error-5min',
      objects: [...objectsOf(svc), ...events, d4Node('nodepool1', 0), d4Node('nodepool1', 1)],
      meta: metaOf(svc),
      service: {
        name: 'llm-summarizer',
        state: 'Unschedulable',
        error: {
          code: 'KubernetesError',
          statusCode: 400,
          message: 'Kubernetes Deployment Error',
          details: [
            { code: 'Unschedulable', message: msg },
            {
              code: 'DeploymentFailed',
              message:
                "Couldn't Schedule because the kubernetes cluster didn't have available resources after trying for 00:05:00.\nYou can address this error by either adding more nodes, changing the SKU of your nodes or changing the resource requirements of your service.\nPlease refer to https://aka.ms/debugimage#container-cannot-be-scheduled for more information.",
            },
          ],
        },
      },
      expected: {
        description:
          'v1 memory_gb=24 on Standard_D4s_v3 nodes (12.3Gi allocatable); Azure ML gave up after 5 minutes',
        status: 'Failed',
        root: {
          code: 'PodUnschedulable',
          detail: 'InsufficientMemory',
          evidenceIncludes: 'Insufficient memory',
        },
      },
    });
  }
  {
    const msg = `0/3 nodes are available: 1 Insufficient cpu, 3 Insufficient memory.${PREEMPT_NO_VICTIMS(3)}`;
    const { svc, events } = pendingCase({
      flavor: 'v2',
      name: 'green',
      endpoint: 'recsys',
      since: 300,
      message: msg,
      count: 7,
      spec: { cpu: '1500m', memory: '6Gi' },
    });
    out.push({
      name: 'PodUnschedulable.InsufficientMemory.v2-cpu-and-memory-short',
      objects: [
        ...objectsOf(svc),
        ...events,
        d4Node('nodepool1', 0),
        d4Node('nodepool1', 1),
        d4Node('nodepool1', 2),
      ],
      meta: metaOf(svc),
      expected: {
        description: 'every node lacks memory, one also cpu: memory is the binding constraint',
        status: 'Failed',
        root: { code: 'PodUnschedulable', detail: 'InsufficientMemory' },
      },
    });
  }
  {
    const msg = '0/3 nodes are available: 3 Insufficient nvidia.com/gpu.';
    const { svc, events } = pendingCase({
      flavor: 'v1',
      name: 'image-tagger',
      since: 660,
      message: msg,
      count: 15,
      spec: { cpu: '1', memory: '4Gi', gpu: 1 },
    });
    out.push({
      name: 'PodUnschedulable.InsufficientGpu.v1-no-gpu-node-pool',
      objects: [
        ...objectsOf(svc),
        ...events,
        d4Node('nodepool1', 0),
        d4Node('nodepool1', 1),
        d4Node('nodepool1', 2),
      ],
      meta: metaOf(svc),
      service: {
        name: 'image-tagger',
        state: 'Failed',
        error: {
          code: 'KubernetesError',
          statusCode: 400,
          message: 'Kubernetes Deployment Error',
          details: [{ code: 'Unschedulable', message: msg }],
        },
      },
      expected: {
        description: 'gpu_cores=1 on a cluster with only Standard_D4s_v3 nodes (MLN#487 shape)',
        status: 'Failed',
        root: { code: 'PodUnschedulable', detail: 'InsufficientGpu', evidenceIncludes: 'nvidia.com/gpu' },
      },
    });
  }
  {
    const msg = `0/3 nodes are available: 3 Insufficient nvidia.com/gpu.${PREEMPT_NO_VICTIMS(3)}`;
    const { svc, pod, events } = pendingCase({
      flavor: 'v2',
      name: 'gpu',
      endpoint: 'vision',
      since: 520,
      message: msg,
      count: 12,
      spec: { cpu: '2', memory: '8Gi', gpu: 1 },
    });
    events.push(
      autoscalerEvent(
        pod,
        'NotTriggerScaleUp',
        "pod didn't trigger scale-up: 1 max node group size reached, 1 Insufficient nvidia.com/gpu",
        ago(500),
        ago(30),
        17,
      ),
    );
    out.push({
      name: 'PodUnschedulable.InsufficientGpu.v2-gpu-pool-fully-allocated',
      objects: [
        ...objectsOf(svc),
        ...events,
        d4Node('nodepool1', 0),
        d4Node('nodepool1', 1),
        gpuNode('gpupool', 0),
      ],
      meta: metaOf(svc),
      expected: {
        description: 'the single-GPU node is taken by another pod and the GPU pool is at its max size',
        status: 'Failed',
        root: { code: 'PodUnschedulable', detail: 'InsufficientGpu' },
      },
    });
  }
  {
    const fpga = (c: K8sObject) => {
      c.resources.requests['microsoft.com/fpga_catapult'] = '1';
      c.resources.limits['microsoft.com/fpga_catapult'] = '1';
    };
    const msg = '0/3 nodes are available: 3 Insufficient microsoft.com/fpga_catapult.';
    const { svc, events } = pendingCase({
      flavor: 'v1',
      name: 'resnet50-fpga',
      since: 610,
      message: msg,
      count: 14,
      resources: fpga,
    });
    out.push({
      name: 'PodUnschedulable.InsufficientExtendedResource.v1-fpga-catapult',
      objects: [
        ...objectsOf(svc),
        ...events,
        d4Node('nodepool1', 0),
        d4Node('nodepool1', 1),
        d4Node('nodepool1', 2),
      ],
      meta: metaOf(svc),
      service: {
        name: 'resnet50-fpga',
        state: 'Failed',
        error: {
          code: 'KubernetesError',
          statusCode: 400,
          message: 'Kubernetes Deployment Error',
          details: [
            { code: 'Unschedulable', message: msg },
            {
              code: 'DeploymentFailed',
              message:
                "Couldn't schedule because the kubernetes cluster didn't have available resources after trying for 00:05:00.\nPlease refer to https://aka.ms/debugimage#container-cannot-be-scheduled for more information.",
            },
          ],
        },
      },
      expected: {
        description: 'FPGA-accelerated model (MLN#1207) on a cluster without FPGA nodes',
        status: 'Failed',
        root: {
          code: 'PodUnschedulable',
          detail: 'InsufficientExtendedResource',
          evidenceIncludes: 'fpga_catapult',
        },
      },
    });
  }
  {
    const fpga = (c: K8sObject) => {
      c.resources.requests['microsoft.com/fpga_catapult'] = '1';
      c.resources.limits['microsoft.com/fpga_catapult'] = '1';
    };
    const msg =
      'No nodes are available that match all of the predicates: Insufficient microsoft.com/fpga_catapult (2), PodToleratesNodeTaints (1).';
    const { svc, events } = pendingCase({
      flavor: 'v1',
      name: 'fpga-legacy',
      since: 1500,
      message: msg,
      count: 40,
      resources: fpga,
    });
    out.push({
      name: 'PodUnschedulable.InsufficientExtendedResource.k8s-1-9-predicates-wording',
      objects: [...objectsOf(svc), ...events],
      meta: metaOf(svc),
      expected: {
        description: 'Kubernetes 1.9 scheduler wording, no Node objects in the snapshot',
        status: 'Failed',
        root: { code: 'PodUnschedulable', detail: 'InsufficientExtendedResource' },
      },
    });
  }
  {
    const msg = `0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.${PREEMPT_NOT_HELPFUL(3)}`;
    const { svc, events } = pendingCase({
      flavor: 'v2',
      name: 'blue',
      endpoint: 'credit-risk',
      since: 450,
      message: msg,
      count: 10,
      nodeSelector: { 'ml.azure.com/pool': 'cpu-large' },
    });
    out.push({
      name: 'PodUnschedulable.NodeSelectorMismatch.v2-instance-type-selector',
      objects: [
        ...objectsOf(svc),
        ...events,
        d4Node('nodepool1', 0),
        d4Node('nodepool1', 1),
        d4Node('nodepool1', 2),
      ],
      meta: metaOf(svc),
      expected: {
        description: "the instance type's nodeSelector ml.azure.com/pool=cpu-large matches no node",
        status: 'Failed',
        root: {
          code: 'PodUnschedulable',
          detail: 'NodeSelectorMismatch',
          evidenceIncludes: 'ml.azure.com/pool=cpu-large',
        },
      },
    });
  }
  {
    const msg = "0/2 nodes are available: 2 node(s) didn't match node selector.";
    const { svc, events } = pendingCase({
      flavor: 'v1',
      name: 'sentiment',
      since: 1300,
      message: msg,
      count: 33,
      nodeSelector: { agentpool: 'inference' },
    });
    out.push({
      name: 'PodUnschedulable.NodeSelectorMismatch.v1-old-wording-no-nodes',
      objects: [...objectsOf(svc), ...events],
      meta: metaOf(svc),
      expected: {
        description:
          'Kubernetes 1.1x wording; the snapshot has no Node objects (collector lacked list nodes)',
        status: 'Failed',
        root: { code: 'PodUnschedulable', detail: 'NodeSelectorMismatch' },
      },
    });
  }
  {
    const msg = `0/3 nodes are available: 1 Insufficient nvidia.com/gpu, 2 node(s) had untolerated taint {sku: gpu}.${PREEMPT_NOT_HELPFUL(3)}`;
    const { svc, events } = pendingCase({
      flavor: 'v2',
      name: 'gpu-t4',
      endpoint: 'ocr',
      since: 480,
      message: msg,
      count: 11,
      spec: { cpu: '2', memory: '8Gi', gpu: 1 },
    });
    const taint = [{ effect: 'NoSchedule', key: 'sku', value: 'gpu' }];
    out.push({
      name: 'PodUnschedulable.TaintNotTolerated.v2-gpu-pool-tainted',
      objects: [
        ...objectsOf(svc),
        ...events,
        d4Node('nodepool1', 0),
        gpuNode('gpupool', 0, taint),
        gpuNode('gpupool', 1, taint),
      ],
      meta: metaOf(svc),
      expected: {
        description:
          'the GPU nodes exist but carry sku=gpu:NoSchedule and the instance type has no toleration',
        status: 'Failed',
        root: {
          code: 'PodUnschedulable',
          detail: 'TaintNotTolerated',
          evidenceIncludes: 'sku=gpu:NoSchedule',
        },
      },
    });
  }
  {
    const msg =
      "0/3 nodes are available: 3 node(s) had taint {dedicated: batch}, that the pod didn't tolerate.";
    const { svc, events } = pendingCase({
      flavor: 'v1',
      name: 'forecast',
      since: 800,
      message: msg,
      count: 19,
    });
    out.push({
      name: 'PodUnschedulable.TaintNotTolerated.v1-old-wording-dedicated-pool',
      objects: [...objectsOf(svc), ...events],
      meta: metaOf(svc),
      expected: {
        description: 'pre-1.22 wording; every node is tainted dedicated=batch and v1 cannot set tolerations',
        status: 'Failed',
        root: { code: 'PodUnschedulable', detail: 'TaintNotTolerated' },
      },
    });
  }
  {
    const msg = `0/2 nodes are available: 2 node(s) were unschedulable.${PREEMPT_NOT_HELPFUL(2)}`;
    const { svc, events } = pendingCase({
      flavor: 'v1',
      name: 'pricing',
      since: 700,
      message: msg,
      count: 15,
    });
    const cordon = [{ effect: 'NoSchedule', key: 'node.kubernetes.io/unschedulable', timeAdded: ago(3600) }];
    const nodes = [d4Node('nodepool1', 0, { taints: cordon }), d4Node('nodepool1', 1, { taints: cordon })];
    for (const n of nodes) n.spec.unschedulable = true;
    out.push({
      name: 'PodUnschedulable.NodesCordoned.v1-all-nodes-cordoned',
      objects: [...objectsOf(svc), ...events, ...nodes],
      meta: metaOf(svc),
      expected: {
        description: 'both nodes were cordoned for maintenance an hour ago and never uncordoned',
        status: 'Failed',
        root: { code: 'PodUnschedulable', detail: 'NodesCordoned', evidenceIncludes: 'unschedulable' },
      },
    });
  }
  {
    const msg = '0/1 nodes are available: 1 Too many pods.';
    const { svc, events } = pendingCase({
      flavor: 'v2',
      name: 'blue',
      endpoint: 'churn',
      since: 650,
      message: msg,
      count: 14,
    });
    out.push({
      name: 'PodUnschedulable.TooManyPods.v2-outofquota-single-node',
      objects: [...objectsOf(svc), ...events, d4Node('nodepool1', 0, { pods: '30' })],
      meta: metaOf(svc),
      service: {
        name: 'blue',
        provisioning_state: 'Failed',
        error: {
          code: 'OutOfQuota',
          message: `OutOfQuota: Kubernetes unschedulable. Details:${msg}..`,
        },
      },
      expected: {
        description:
          'a one-node Azure CNI cluster (max 30 pods) is full; v2 reports OutOfQuota: Kubernetes unschedulable',
        status: 'Failed',
        root: { code: 'PodUnschedulable', detail: 'TooManyPods', evidenceIncludes: 'Too many pods' },
      },
    });
  }
  {
    const msg = `0/3 nodes are available: 3 Too many pods.${PREEMPT_NO_VICTIMS(3)}.`;
    const { svc, events } = pendingCase({
      flavor: 'v1',
      name: 'anomaly',
      since: 360,
      message: msg,
      count: 8,
    });
    out.push({
      name: 'PodUnschedulable.TooManyPods.v1-three-nodes-at-max-pods',
      objects: [
        ...objectsOf(svc),
        ...events,
        ...[0, 1, 2].map((i) => d4Node('nodepool1', i, { pods: '30' })),
      ],
      meta: metaOf(svc),
      expected: {
        description: 'three nodes at their 30-pod limit; 1.26+ wording with the doubled final dot',
        status: 'Failed',
        root: { code: 'PodUnschedulable', detail: 'TooManyPods' },
      },
    });
  }
  return out;
}

function unschedulableNearMisses(): NamedFixture[] {
  const out: NamedFixture[] = [];
  {
    const msg = `0/3 nodes are available: 3 Insufficient cpu.${PREEMPT_NO_VICTIMS(3)}`;
    const { svc, pod, events } = pendingCase({
      flavor: 'v2',
      name: 'blue',
      endpoint: 'search-rank',
      since: 20,
      message: msg,
      count: 2,
      spec: { cpu: '2', memory: '4Gi' },
    });
    events.push(
      autoscalerEvent(
        pod,
        'TriggeredScaleUp',
        'pod triggered scale-up: [{aks-nodepool1-38475620-vmss 3->4 (max: 6)}]',
        ago(12),
      ),
    );
    out.push({
      name: 'nearmiss.PodUnschedulable.InsufficientCpu.scale-up-triggered-20s',
      objects: [
        ...objectsOf(svc),
        ...events,
        d4Node('nodepool1', 0),
        d4Node('nodepool1', 1),
        d4Node('nodepool1', 2),
      ],
      meta: metaOf(svc),
      expected: {
        description: 'pending 20 s; the cluster autoscaler is already adding a node',
        status: 'Progressing',
        absent: [{ code: 'PodUnschedulable' }],
      },
    });
  }
  {
    const msg = `0/3 nodes are available: 3 Insufficient cpu.${PREEMPT_NO_VICTIMS(3)}`;
    const { svc, pod, events } = pendingCase({
      flavor: 'v1',
      name: 'ranker',
      since: 240,
      message: msg,
      count: 6,
      spec: { cpu: '2', memory: '4Gi' },
    });
    events.push(
      autoscalerEvent(
        pod,
        'TriggeredScaleUp',
        'pod triggered scale-up: [{aks-nodepool1-38475620-vmss 3->4 (max: 6)}]',
        ago(230),
      ),
    );
    out.push({
      name: 'nearmiss.PodUnschedulable.InsufficientCpu.scale-up-in-flight-4m',
      objects: [
        ...objectsOf(svc),
        ...events,
        d4Node('nodepool1', 0),
        d4Node('nodepool1', 1),
        d4Node('nodepool1', 2),
      ],
      meta: metaOf(svc),
      expected: {
        description:
          'pending 4 min after a scale-up was triggered: a new AKS node takes 2-5 min, still inside the 10 min window',
        status: 'Progressing',
        absent: [{ code: 'PodUnschedulable' }],
      },
    });
  }
  {
    // Scheduled after a first failure two hours ago, now Running and Ready.
    const created = ago(7300);
    const svc = service({ flavor: 'v1', name: 'credit-limit', createdAt: created, memory: '6Gi' });
    const pod = svc.pods[0]!;
    scheduledAt(pod, ago(7290), ago(7120));
    const msg = '0/3 nodes are available: 3 Insufficient memory.';
    const events = [
      failedScheduling(pod, msg, ago(7290), ago(7150), 4),
      autoscalerEvent(
        pod,
        'TriggeredScaleUp',
        'pod triggered scale-up: [{aks-nodepool1-38475620-vmss 3->4 (max: 5)}]',
        ago(7280),
      ),
      scheduledEvent(pod, ago(7120)),
    ];
    out.push({
      name: 'nearmiss.PodUnschedulable.InsufficientMemory.scheduled-later-now-running',
      objects: [
        ...objectsOf(svc),
        ...events,
        d4Node('nodepool1', 0),
        d4Node('nodepool1', 1),
        d4Node('nodepool1', 2),
      ],
      meta: metaOf(svc),
      expected: {
        description: 'FailedScheduling two hours ago, followed by Scheduled; the pod is Running and Ready',
        status: 'Healthy',
        absent: [{ code: 'PodUnschedulable' }],
      },
    });
  }
  {
    // Rolling update on a single-GPU node: the new pod waits for the old one to release the GPU.
    const created = ago(86400);
    const svc = service({
      flavor: 'v1',
      name: 'segmenter',
      createdAt: created,
      gpu: 1,
      cpu: '2',
      memory: '8Gi',
    });
    const old = svc.pods[0]!;
    const oldRs = svc.replicaSet;
    const newSvc = service({
      flavor: 'v1',
      name: 'segmenter',
      createdAt: ago(45),
      gpu: 1,
      cpu: '2',
      memory: '8Gi',
    });
    // Same Deployment, a second ReplicaSet (revision 2) with its own pod.
    const newRs = structuredClone(oldRs);
    newRs.metadata.name = `${oldRs.metadata.name.slice(0, -10)}7c9d5f8b4x`;
    newRs.metadata.uid = `${oldRs.metadata.uid.slice(0, -4)}9f1e`;
    newRs.metadata.creationTimestamp = ago(45);
    newRs.metadata.annotations['deployment.kubernetes.io/revision'] = '2';
    newRs.status = { fullyLabeledReplicas: 1, observedGeneration: 1, replicas: 1 };
    const pod = newSvc.pods[0]!;
    pod.metadata.name = `${newRs.metadata.name}-x2k9p`;
    pod.metadata.uid = `${pod.metadata.uid.slice(0, -4)}77aa`;
    pod.metadata.ownerReferences[0].name = newRs.metadata.name;
    pod.metadata.ownerReferences[0].uid = newRs.metadata.uid;
    const msg = `0/1 nodes are available: 1 Insufficient nvidia.com/gpu.${PREEMPT_NO_VICTIMS(1)}`;
    unscheduled(pod, ago(40), msg);
    old.metadata.deletionTimestamp = at(NOW, 10);
    old.metadata.deletionGracePeriodSeconds = 30;
    oldRs.spec.replicas = 0;
    oldRs.metadata.annotations['deployment.kubernetes.io/revision'] = '1';
    svc.deployment.metadata.generation = 2;
    svc.deployment.metadata.annotations['deployment.kubernetes.io/revision'] = '2';
    svc.deployment.status.observedGeneration = 2;
    stuck(svc, ago(45));
    svc.deployment.status.updatedReplicas = 1;
    oldRs.status = { observedGeneration: 2, replicas: 0 };
    const events = [
      event({
        object: svc.deployment,
        reason: 'ScalingReplicaSet',
        type: 'Normal',
        message: `Scaled down replica set ${oldRs.metadata.name} to 0 from 1`,
        first: ago(44),
      }),
      event({
        object: svc.deployment,
        reason: 'ScalingReplicaSet',
        type: 'Normal',
        message: `Scaled up replica set ${newRs.metadata.name} to 1`,
        first: ago(45),
      }),
      failedScheduling(pod, msg, ago(40), ago(8), 3),
      kubeletEvent(old, 'segmenter', 'Killing', 'Stopping container segmenter', ago(20), { type: 'Normal' }),
    ];
    out.push({
      name: 'nearmiss.PodUnschedulable.InsufficientGpu.rolling-update-waits-for-old-pod',
      objects: [
        svc.deployment,
        oldRs,
        newRs,
        old,
        pod,
        svc.pvc!,
        svc.pv!,
        svc.configMap!,
        ...events,
        gpuNode('gpupool', 0),
      ],
      meta: metaOf(svc),
      expected: {
        description:
          'the new revision waits 40 s for the old pod (terminating, deletionTimestamp in 10 s) to free the only GPU',
        status: 'Progressing',
        absent: [{ code: 'PodUnschedulable' }],
      },
    });
  }
  {
    // FailedScheduling for an FPGA three minutes ago, a node was added and the pod is now pulling its image.
    const svc = service({
      flavor: 'v1',
      name: 'fpga-detector',
      createdAt: ago(200),
      nodeName: poolNode('fpgapool', 0),
    });
    const pod = svc.pods[0]!;
    for (const o of [pod.spec, svc.deployment.spec.template.spec, svc.replicaSet.spec.template.spec]) {
      o.containers[0].resources.requests['microsoft.com/fpga_catapult'] = '1';
      o.containers[0].resources.limits['microsoft.com/fpga_catapult'] = '1';
    }
    notStarted(pod, ago(195));
    stuck(svc, ago(195));
    const msg = '0/3 nodes are available: 3 Insufficient microsoft.com/fpga_catapult.';
    const events = [
      failedScheduling(pod, msg, ago(195), ago(120), 5),
      scheduledEvent(pod, ago(50)),
      kubeletEvent(pod, 'fpga-detector', 'Pulling', `Pulling image "${imageOf(svc)}"`, ago(45)),
    ];
    out.push({
      name: 'nearmiss.PodUnschedulable.InsufficientExtendedResource.scheduled-now-pulling',
      objects: [...objectsOf(svc), ...events],
      meta: metaOf(svc),
      expected: {
        description: 'FailedScheduling, then Scheduled 50 s ago; the image is being pulled',
        status: 'Progressing',
        absent: [{ code: 'PodUnschedulable' }],
      },
    });
  }
  {
    const created = ago(3000);
    const svc = service({
      flavor: 'v2',
      name: 'blue',
      endpoint: 'spam',
      createdAt: created,
      nodeSelector: { 'ml.azure.com/pool': 'cpu-large' },
    });
    const pod = svc.pods[0]!;
    pod.spec.nodeName = poolNode('cpularge', 0);
    scheduledAt(pod, ago(2990), ago(1800));
    const msg = `0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.${PREEMPT_NOT_HELPFUL(3)}`;
    const events = [failedScheduling(pod, msg, ago(2990), ago(1830), 25), scheduledEvent(pod, ago(1800))];
    out.push({
      name: 'nearmiss.PodUnschedulable.NodeSelectorMismatch.scheduled-after-pool-labelled',
      objects: [
        ...objectsOf(svc),
        ...events,
        d4Node('nodepool1', 0),
        d4Node('cpularge', 0, {
          labels: { 'ml.azure.com/pool': 'cpu-large', 'node.kubernetes.io/instance-type': 'Standard_D8s_v3' },
        }),
      ],
      meta: metaOf(svc),
      expected: {
        description: 'the selector mismatch was fixed by labelling a pool 30 min ago; the pod has run since',
        status: 'Healthy',
        absent: [{ code: 'PodUnschedulable' }],
      },
    });
  }
  {
    const created = ago(5400);
    const svc = service({ flavor: 'v1', name: 'nlp-ner', createdAt: created });
    const pod = svc.pods[0]!;
    scheduledAt(pod, ago(5390), ago(5300));
    const msg = '0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }.';
    const events = [failedScheduling(pod, msg, ago(5390), ago(5310), 3), scheduledEvent(pod, ago(5300))];
    out.push({
      name: 'nearmiss.PodUnschedulable.TaintNotTolerated.node-booting-then-scheduled',
      objects: [...objectsOf(svc), ...events, d4Node('nodepool1', 0)],
      meta: metaOf(svc),
      expected: {
        description:
          'the only node was still NotReady when the pod was created 90 min ago; scheduled a minute later',
        status: 'Healthy',
        absent: [{ code: 'PodUnschedulable' }],
      },
    });
  }
  {
    const msg = '0/3 nodes are available: 3 Too many pods.';
    const { svc, events } = pendingCase({
      flavor: 'v2',
      name: 'green',
      endpoint: 'churn',
      since: 10,
      message: msg,
      count: 1,
    });
    out.push({
      name: 'nearmiss.PodUnschedulable.TooManyPods.created-10s-ago',
      objects: [
        ...objectsOf(svc),
        ...events,
        ...[0, 1, 2].map((i) => d4Node('nodepool1', i, { pods: '30' })),
      ],
      meta: metaOf(svc),
      expected: {
        description:
          'the pod is 10 s old: inside the scheduling grace, the autoscaler has not had time to react',
        status: 'Progressing',
        absent: [{ code: 'PodUnschedulable' }],
      },
    });
  }
  {
    // A non-Azure ML pod in the same namespace cannot be scheduled; our service is fine.
    const svc = service({ flavor: 'v1', name: 'churn-model', createdAt: ago(86400) });
    const other = structuredClone(svc.pods[0]!);
    other.metadata.name = 'feature-backfill-5b7d9c6f4-q8wzt';
    other.metadata.uid = '7b1f9a3e-2c4d-4e6f-8a9b-0c1d2e3f4a5b';
    other.metadata.labels = { app: 'feature-backfill', 'pod-template-hash': '5b7d9c6f4' };
    other.metadata.ownerReferences = [
      {
        apiVersion: 'apps/v1',
        blockOwnerDeletion: true,
        controller: true,
        kind: 'ReplicaSet',
        name: 'feature-backfill-5b7d9c6f4',
        uid: '0a0b0c0d-1e1f-4a2b-8c3d-4e5f6a7b8c9d',
      },
    ];
    other.spec.containers[0].name = 'backfill';
    const msg = '0/3 nodes are available: 3 Insufficient cpu.';
    unscheduled(other, ago(1800), msg);
    out.push({
      name: 'nearmiss.PodUnschedulable.InsufficientCpu.other-app-pending-same-namespace',
      objects: [...objectsOf(svc), other, failedScheduling(other, msg, ago(1800), ago(30), 40)],
      meta: metaOf(svc),
      expected: {
        description: 'a batch pod (not Azure ML) in the namespace is unschedulable; the service is healthy',
        status: 'Healthy',
        absent: [{ code: 'PodUnschedulable' }],
      },
    });
  }
  {
    // Unbound PVC: the scheduler waits for the volume, which is the mount stage's problem.
    const msg = `0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims.${PREEMPT_NOT_HELPFUL(3)}`;
    const { svc, events } = pendingCase({
      flavor: 'v1',
      name: 'claims-model',
      since: 900,
      message: msg,
      count: 20,
    });
    const pvc = svc.pvc!;
    delete pvc.spec.volumeName;
    delete pvc.metadata.annotations;
    pvc.status = { phase: 'Pending' };
    events.push(
      event({
        object: pvc,
        reason: 'FailedBinding',
        message: 'no persistent volumes available for this claim and no storage class is set',
        first: ago(905),
        last: ago(15),
        count: 61,
        component: 'persistentvolume-controller',
      }),
    );
    out.push({
      name: 'nearmiss.PodUnschedulable.none.unbound-pvc-is-mount-stage',
      objects: [
        svc.deployment,
        svc.replicaSet,
        ...svc.pods,
        pvc,
        svc.configMap!,
        ...events,
        d4Node('nodepool1', 0),
        d4Node('nodepool1', 1),
        d4Node('nodepool1', 2),
      ],
      meta: metaOf(svc),
      expected: {
        description:
          'the pod is Pending only because its staging PVC is unbound (PV missing): ClaimPending, not PodUnschedulable',
        status: 'Failed',
        root: { code: 'ModelMountFailure', detail: 'ClaimPending' },
        absent: [{ code: 'PodUnschedulable' }],
      },
    });
  }
  return out;
}

export function unschedulableCases(): NamedFixture[] {
  return [...unschedulableTriggers(), ...unschedulableNearMisses()];
}
