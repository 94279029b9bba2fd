/**
 * Building blocks for the schedule / pull / configure fixtures: how a pod, its events and the nodes look when the
 * scheduler, the kubelet's image puller or its config step fail, with the exact texts Kubernetes prints.
 */
import {
  amlService,
  at,
  event,
  hash,
  markNotAvailable,
  node,
  type AmlServiceObjects,
  type AmlServiceSpec,
  type K8sObject,
} from '../kit.js';

export const NOW = '2024-05-14T10:30:00Z';
export const ago = (seconds: number): string => at(NOW, -seconds);
export const WORKSPACE = 'contoso-ml';

/** The node names the kit gives pods, so nodes and pods agree. */
export const NODE_ID = hash('node', 8).replace(/\D/g, '1');
export const poolNode = (pool: string, i: number): string => `aks-${pool}-${NODE_ID}-vmss00000${i}`;

export function service(
  spec: Partial<AmlServiceSpec> & { name: string; createdAt: string },
): AmlServiceObjects {
  return amlService({ workspace: WORKSPACE, ...spec });
}

export function metaOf(svc: AmlServiceObjects): {
  service: string;
  namespace: string;
  workspace: string;
  capturedAt: string;
} {
  return { service: svc.deploymentName, namespace: svc.namespace, workspace: WORKSPACE, capturedAt: NOW };
}

export function objectsOf(svc: AmlServiceObjects): K8sObject[] {
  return [
    svc.deployment,
    svc.replicaSet,
    ...svc.pods,
    ...[svc.pvc, svc.pv, svc.configMap].filter((o): o is K8sObject => !!o),
  ];
}

/** Rollout not complete: Deployment unavailable (optionally past its deadline), ReplicaSet with no ready pod. */
export function stuck(svc: AmlServiceObjects, since: string, deadlineExceeded = false): void {
  markNotAvailable(svc.deployment, 0, { since, deadlineExceeded, rsName: svc.replicaSet.metadata.name });
  const n = svc.deployment.spec.replicas ?? 1;
  svc.replicaSet.status = { fullyLabeledReplicas: n, observedGeneration: 1, replicas: n };
}

/** A pod the scheduler could not place: Pending, no node, PodScheduled=False/Unschedulable with the message. */
export function unscheduled(pod: K8sObject, createdAt: string, message: string): void {
  delete pod.spec.nodeName;
  pod.metadata.creationTimestamp = createdAt;
  pod.status = {
    conditions: [
      {
        lastProbeTime: null,
        lastTransitionTime: createdAt,
        message,
        reason: 'Unschedulable',
        status: 'False',
        type: 'PodScheduled',
      },
    ],
    phase: 'Pending',
    qosClass: pod.status.qosClass,
  };
}

export function failedScheduling(
  pod: K8sObject,
  message: string,
  first: string,
  last: string,
  count: number,
): K8sObject {
  return event({ object: pod, reason: 'FailedScheduling', message, first, last, count });
}

export function scheduledEvent(pod: K8sObject, when: string, nodeName?: string): K8sObject {
  return event({
    object: pod,
    reason: 'Scheduled',
    type: 'Normal',
    component: 'default-scheduler',
    message: `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${nodeName ?? pod.spec.nodeName}`,
    first: when,
  });
}

export function autoscalerEvent(
  pod: K8sObject,
  reason: 'TriggeredScaleUp' | 'NotTriggerScaleUp',
  message: string,
  first: string,
  last?: string,
  count?: number,
): K8sObject {
  return event({
    object: pod,
    reason,
    type: 'Normal',
    component: 'cluster-autoscaler',
    message,
    first,
    last,
    count,
  });
}

/** Re-times a healthy pod so it was scheduled at `scheduledAt` and became ready shortly after. */
export function scheduledAt(pod: K8sObject, createdAt: string, when: string, readyAfter = 40): void {
  pod.metadata.creationTimestamp = createdAt;
  pod.status.startTime = when;
  for (const c of pod.status.conditions as K8sObject[]) {
    c.lastTransitionTime =
      c.type === 'PodScheduled' ? when : at(when, c.type === 'Initialized' ? 20 : readyAfter);
  }
  for (const cs of pod.status.containerStatuses as K8sObject[])
    cs.state = { running: { startedAt: at(when, readyAfter - 10) } };
  for (const cs of (pod.status.initContainerStatuses ?? []) as K8sObject[]) {
    cs.state.terminated.startedAt = at(when, 5);
    cs.state.terminated.finishedAt = at(when, 18);
  }
}

/** A pod on a node whose containers are not running yet (pulling, or blocked before start). */
export function notStarted(pod: K8sObject, createdAt: string, opts: { initDone?: boolean } = {}): void {
  pod.metadata.creationTimestamp = createdAt;
  pod.status.startTime = createdAt;
  pod.status.phase = 'Pending';
  for (const c of pod.status.conditions as K8sObject[]) {
    if (c.type === 'PodScheduled') c.lastTransitionTime = createdAt;
    else if (c.type === 'Initialized') {
      const init = (pod.spec.initContainers ?? []).length > 0;
      c.status = !init || opts.initDone ? 'True' : 'False';
      c.lastTransitionTime = at(createdAt, opts.initDone ? 20 : 0);
      if (c.status === 'False') {
        c.reason = 'ContainersNotInitialized';
        c.message = `containers with incomplete status: [${(pod.spec.initContainers as K8sObject[]).map((x) => x.name).join(' ')}]`;
      }
    } else {
      c.status = 'False';
      c.lastTransitionTime = createdAt;
      c.reason = 'ContainersNotReady';
      c.message = `containers with unready status: [${(pod.spec.containers as K8sObject[]).map((x) => x.name).join(' ')}]`;
    }
  }
  delete pod.status.podIP;
  delete pod.status.podIPs;
  for (const cs of pod.status.containerStatuses as K8sObject[]) {
    cs.ready = false;
    cs.started = false;
    cs.state = { waiting: { reason: 'ContainerCreating' } };
    delete cs.containerID;
    cs.imageID = '';
  }
  for (const cs of (pod.status.initContainerStatuses ?? []) as K8sObject[]) {
    if (opts.initDone) {
      cs.state.terminated.startedAt = at(createdAt, 5);
      cs.state.terminated.finishedAt = at(createdAt, 18);
    }
  }
}

export function containerStatus(pod: K8sObject, name: string): K8sObject {
  const cs = (pod.status.containerStatuses as K8sObject[]).find((c) => c.name === name);
  if (!cs) throw new Error(`no container ${name} in ${pod.metadata.name}`);
  return cs;
}

export function kubeletEvent(
  pod: K8sObject,
  container: string,
  reason: string,
  message: string,
  first: string,
  opts: { last?: string; count?: number; type?: 'Normal' | 'Warning' } = {},
): K8sObject {
  const init = (pod.spec.initContainers ?? []).some((c: K8sObject) => c.name === container);
  return event({
    object: pod,
    reason,
    message,
    first,
    last: opts.last,
    count: opts.count,
    type:
      opts.type ??
      (['Pulling', 'Pulled', 'BackOff', 'Created', 'Started'].includes(reason) ? 'Normal' : 'Warning'),
    component: 'kubelet',
    fieldPath: `spec.${init ? 'initContainers' : 'containers'}{${container}}`,
  });
}

export function imageOf(svc: AmlServiceObjects): string {
  return svc.deployment.spec.template.spec.containers[0].image as string;
}

// Nodes as AKS shows them.
export function d4Node(
  pool: string,
  i: number,
  extra: { taints?: K8sObject[]; pods?: string; labels?: Record<string, string> } = {},
): K8sObject {
  return node({
    name: poolNode(pool, i),
    pods: extra.pods,
    taints: extra.taints,
    labels: { agentpool: pool, 'kubernetes.azure.com/agentpool': pool, ...extra.labels },
  });
}

/** A Standard_NC6s_v3 node (6 vCPU, 112 GiB, one V100) in pool `pool`, optionally tainted. */
export function gpuNode(pool: string, i: number, taints?: K8sObject[], gpus = 1): K8sObject {
  const n = node({
    name: poolNode(pool, i),
    gpu: gpus || undefined,
    taints,
    labels: {
      agentpool: pool,
      'kubernetes.azure.com/agentpool': pool,
      'node.kubernetes.io/instance-type': 'Standard_NC6s_v3',
      accelerator: 'nvidia',
    },
  });
  n.status.capacity.cpu = '6';
  n.status.capacity.memory = '115490536Ki';
  n.status.allocatable.cpu = '5840m';
  n.status.allocatable.memory = '104264936Ki';
  if (!gpus) delete n.status.allocatable['nvidia.com/gpu'];
  return n;
}

export function deploymentEvent(svc: AmlServiceObjects, when: string): K8sObject {
  return event({
    object: svc.deployment,
    reason: 'ScalingReplicaSet',
    type: 'Normal',
    message: `Scaled up replica set ${svc.replicaSet.metadata.name} to ${svc.deployment.spec.replicas ?? 1}`,
    first: when,
  });
}

export function podCreatedEvent(svc: AmlServiceObjects, pod: K8sObject, when: string): K8sObject {
  return event({
    object: svc.replicaSet,
    reason: 'SuccessfulCreate',
    type: 'Normal',
    message: `Created pod: ${pod.metadata.name}`,
    first: when,
  });
}
