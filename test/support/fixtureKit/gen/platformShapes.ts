/**
 * Building blocks for the platform fixtures (mount, download, front end, nodes, hangs, cluster access): pods stuck
 * before their containers start, v2 storage-initializer states, the azureml-fe routers, nodes with failing
 * conditions. Reuses the pod fixtures' shapes (podShapes.ts) so every fixture shares one clock and one node naming.
 */
import { at, event, hash, node, uid, type AmlServiceObjects, type K8sObject } from '../kit.js';
import { ago, NOW, poolNode } from './podShapes.js';

export { ago, NOW };

export const V2_INIT = 'storageinitializer-modeldata';

/** A Ready=True/… node named as the kit names pod nodes, with condition overrides that began `sinceSeconds` ago. */
export function clusterNode(
  i: number,
  conditions: Record<string, string> = {},
  sinceSeconds = 0,
  pool = 'nodepool1',
): K8sObject {
  const n = node({ name: poolNode(pool, i), conditions, heartbeat: ago(20) });
  for (const c of n.status.conditions as K8sObject[]) {
    if (conditions[c.type] !== undefined) c.lastTransitionTime = ago(sinceSeconds);
    if (c.type === 'Ready' && conditions.Ready === 'Unknown') {
      c.message = 'Kubelet stopped posting node status.';
      c.lastHeartbeatTime = ago(sinceSeconds + 40);
    }
  }
  if (conditions.Ready !== undefined && conditions.Ready !== 'True') {
    // The node lifecycle controller taints a node that is not ready.
    n.spec.taints = [
      conditions.Ready === 'Unknown'
        ? { effect: 'NoSchedule', key: 'node.kubernetes.io/unreachable', timeAdded: ago(sinceSeconds) }
        : { effect: 'NoSchedule', key: 'node.kubernetes.io/not-ready', timeAdded: ago(sinceSeconds) },
    ];
  }
  if (conditions.DiskPressure === 'True')
    n.spec.taints = [
      { effect: 'NoSchedule', key: 'node.kubernetes.io/disk-pressure', timeAdded: ago(sinceSeconds) },
    ];
  if (conditions.MemoryPressure === 'True')
    n.spec.taints = [
      { effect: 'NoSchedule', key: 'node.kubernetes.io/memory-pressure', timeAdded: ago(sinceSeconds) },
    ];
  return n;
}

/** v2: puts the pod's storage initializer into the given state and holds the app containers at PodInitializing. */
export function initState(
  pod: K8sObject,
  state: K8sObject,
  opts: { lastState?: K8sObject; restarts?: number; createdAt: string },
): void {
  pod.metadata.creationTimestamp = opts.createdAt;
  pod.status.startTime = opts.createdAt;
  pod.status.phase = 'Pending';
  const init = (pod.status.initContainerStatuses as K8sObject[])[0]!;
  init.state = state;
  init.lastState = opts.lastState ?? {};
  init.restartCount = opts.restarts ?? 0;
  init.ready = false;
  for (const c of pod.status.conditions as K8sObject[]) {
    if (c.type === 'PodScheduled') c.lastTransitionTime = opts.createdAt;
    else if (c.type === 'Initialized') {
      c.status = 'False';
      c.reason = 'ContainersNotInitialized';
      c.message = `containers with incomplete status: [${V2_INIT}]`;
      c.lastTransitionTime = opts.createdAt;
    } else {
      c.status = 'False';
      c.reason = 'ContainersNotReady';
      c.message = `containers with unready status: [${(pod.spec.containers as K8sObject[]).map((x) => x.name).join(' ')}]`;
      c.lastTransitionTime = opts.createdAt;
    }
  }
  delete pod.status.podIP;
  delete pod.status.podIPs;
  for (const cs of pod.status.containerStatuses as K8sObject[]) {
    cs.ready = false;
    cs.started = false;
    cs.state = { waiting: { reason: 'PodInitializing' } };
    delete cs.containerID;
    cs.imageID = '';
  }
}

export function containerId(seed: string): string {
  return `containerd://${hash(seed, 32).replace(/[^a-f0-9]/g, 'e')}`;
}

/** The v2 init container's env entry, so a fixture can give the manifest URL a SAS. */
export function setManifestUrl(svc: AmlServiceObjects, url: string): void {
  for (const spec of [
    svc.deployment.spec.template.spec,
    svc.replicaSet.spec.template.spec,
    ...svc.pods.map((p) => p.spec),
  ]) {
    const env = (spec.initContainers as K8sObject[])[0]!.env as K8sObject[];
    env.find((e) => e.name === 'STORAGE_MANIFEST_URL')!.value = url;
  }
}

export function manifestUrl(svc: AmlServiceObjects): string {
  const env = (svc.pods[0]!.spec.initContainers as K8sObject[])[0]!.env as K8sObject[];
  return env.find((e) => e.name === 'STORAGE_MANIFEST_URL')!.value as string;
}

export interface FrontEndSpec {
  flavor: 'v1' | 'v2';
  replicas: number;
  createdAt: string;
  /** One entry per replica: how that pod looks. Defaults to Running and Ready on node i. */
  pods?: (((pod: K8sObject, i: number) => void) | undefined)[];
}

export interface FrontEnd {
  deployment: K8sObject;
  replicaSet: K8sObject;
  pods: K8sObject[];
}

/** The Azure ML router: v1 `default/azureml-fe`, v2 `azureml/azureml-fe-v2`, as its Deployment, ReplicaSet and pods. */
export function frontEnd(spec: FrontEndSpec): FrontEnd {
  const name = spec.flavor === 'v1' ? 'azureml-fe' : 'azureml-fe-v2';
  const namespace = spec.flavor === 'v1' ? 'default' : 'azureml';
  const tpl = hash(name + 'tpl', 10);
  const rsName = `${name}-${tpl}`;
  const labels =
    spec.flavor === 'v1'
      ? { app: 'azureml-fe' }
      : { 'ml.azure.com/scoring-fe': 'true', app: 'azureml-fe-v2' };
  const depUid = uid(`${namespace}/${name}`);
  const rsUid = uid(`${namespace}/${rsName}`);
  const image =
    spec.flavor === 'v1'
      ? 'mcr.microsoft.com/azureml/azureml-fe:1.52.0'
      : 'mcr.microsoft.com/azureml/amlarc/docker/azureml-fe:1.1.49';
  const podSpec: K8sObject = {
    affinity:
      spec.flavor === 'v2'
        ? {
            podAntiAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [
                {
                  labelSelector: { matchLabels: { 'ml.azure.com/scoring-fe': 'true' } },
                  topologyKey: 'kubernetes.io/hostname',
                },
              ],
            },
          }
        : undefined,
    containers: [
      {
        image,
        imagePullPolicy: 'IfNotPresent',
        name: 'azureml-fe',
        ports: [{ containerPort: spec.flavor === 'v1' ? 9001 : 8001, name: 'http', protocol: 'TCP' }],
        readinessProbe: {
          failureThreshold: 3,
          httpGet: { path: '/api/health', port: 'http', scheme: 'HTTP' },
          periodSeconds: 10,
          successThreshold: 1,
          timeoutSeconds: 1,
        },
        resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '900m', memory: '800Mi' } },
        volumeMounts: [{ mountPath: '/etc/azureml-fe/ssl', name: 'azuremlfessl', readOnly: true }],
      },
    ],
    dnsPolicy: 'ClusterFirst',
    restartPolicy: 'Always',
    schedulerName: 'default-scheduler',
    serviceAccount: 'azureml-fe',
    serviceAccountName: 'azureml-fe',
    terminationGracePeriodSeconds: 30,
    volumes: [{ name: 'azuremlfessl', secret: { defaultMode: 420, secretName: 'azuremlfessl' } }],
  };
  const deployment: K8sObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      annotations: { 'deployment.kubernetes.io/revision': '1' },
      creationTimestamp: spec.createdAt,
      generation: 1,
      labels,
      name,
      namespace,
      resourceVersion: '5120',
      uid: depUid,
    },
    spec: {
      progressDeadlineSeconds: 600,
      replicas: spec.replicas,
      revisionHistoryLimit: 10,
      selector: { matchLabels: labels },
      strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' },
      template: { metadata: { creationTimestamp: null, labels }, spec: structuredClone(podSpec) },
    },
    status: {
      availableReplicas: spec.replicas,
      conditions: [
        {
          lastTransitionTime: at(spec.createdAt, 60),
          lastUpdateTime: at(spec.createdAt, 60),
          message: 'Deployment has minimum availability.',
          reason: 'MinimumReplicasAvailable',
          status: 'True',
          type: 'Available',
        },
        {
          lastTransitionTime: spec.createdAt,
          lastUpdateTime: at(spec.createdAt, 60),
          message: `ReplicaSet "${rsName}" has successfully progressed.`,
          reason: 'NewReplicaSetAvailable',
          status: 'True',
          type: 'Progressing',
        },
      ],
      observedGeneration: 1,
      readyReplicas: spec.replicas,
      replicas: spec.replicas,
      updatedReplicas: spec.replicas,
    },
  };
  const replicaSet: K8sObject = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      creationTimestamp: spec.createdAt,
      generation: 1,
      labels: { ...labels, 'pod-template-hash': tpl },
      name: rsName,
      namespace,
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          blockOwnerDeletion: true,
          controller: true,
          kind: 'Deployment',
          name,
          uid: depUid,
        },
      ],
      resourceVersion: '5121',
      uid: rsUid,
    },
    spec: {
      replicas: spec.replicas,
      selector: { matchLabels: { ...labels, 'pod-template-hash': tpl } },
      template: {
        metadata: { labels: { ...labels, 'pod-template-hash': tpl } },
        spec: structuredClone(podSpec),
      },
    },
    status: {
      availableReplicas: spec.replicas,
      fullyLabeledReplicas: spec.replicas,
      observedGeneration: 1,
      readyReplicas: spec.replicas,
      replicas: spec.replicas,
    },
  };
  const pods: K8sObject[] = [];
  for (let i = 0; i < spec.replicas; i++) {
    const podName = `${rsName}-${hash(`${rsName}-${i}`, 5)}`;
    const started = at(spec.createdAt, 5 + i);
    const pod: K8sObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        creationTimestamp: started,
        generateName: `${rsName}-`,
        labels: { ...labels, 'pod-template-hash': tpl },
        name: podName,
        namespace,
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            blockOwnerDeletion: true,
            controller: true,
            kind: 'ReplicaSet',
            name: rsName,
            uid: rsUid,
          },
        ],
        resourceVersion: String(5200 + i),
        uid: uid(`${namespace}/${podName}`),
      },
      spec: { ...structuredClone(podSpec), nodeName: poolNode('nodepool1', i % 3) },
      status: {
        conditions: [
          { lastProbeTime: null, lastTransitionTime: started, status: 'True', type: 'Initialized' },
          { lastProbeTime: null, lastTransitionTime: at(started, 30), status: 'True', type: 'Ready' },
          {
            lastProbeTime: null,
            lastTransitionTime: at(started, 30),
            status: 'True',
            type: 'ContainersReady',
          },
          { lastProbeTime: null, lastTransitionTime: started, status: 'True', type: 'PodScheduled' },
        ],
        containerStatuses: [
          {
            containerID: containerId(podName),
            image,
            imageID: `${image.split(':')[0]}@sha256:${hash(image, 32)}`,
            lastState: {},
            name: 'azureml-fe',
            ready: true,
            restartCount: 0,
            started: true,
            state: { running: { startedAt: at(started, 10) } },
          },
        ],
        hostIP: `10.240.0.${4 + (i % 3)}`,
        phase: 'Running',
        podIP: `10.244.${i % 3}.${5 + i}`,
        qosClass: 'Burstable',
        startTime: started,
      },
    };
    spec.pods?.[i]?.(pod, i);
    pods.push(pod);
  }
  return { deployment, replicaSet, pods };
}

/** Marks a router Deployment unavailable since `since`, with `ready` of its replicas available. */
export function frontEndUnavailable(fe: FrontEnd, ready: number, since: string): void {
  const st = fe.deployment.status;
  st.availableReplicas = ready || undefined;
  st.readyReplicas = ready || undefined;
  st.unavailableReplicas = fe.deployment.spec.replicas - ready;
  st.conditions[0] = {
    lastTransitionTime: since,
    lastUpdateTime: since,
    message: 'Deployment does not have minimum availability.',
    reason: 'MinimumReplicasUnavailable',
    status: 'False',
    type: 'Available',
  };
  fe.replicaSet.status.availableReplicas = ready || undefined;
  fe.replicaSet.status.readyReplicas = ready || undefined;
}

export function frontEndObjects(fe: FrontEnd): K8sObject[] {
  return [fe.deployment, fe.replicaSet, ...fe.pods];
}

/** A pod event from a system component (scheduler, kubelet). */
export function podEvent(
  pod: K8sObject,
  reason: string,
  message: string,
  first: string,
  opts: { last?: string; count?: number; type?: 'Normal' | 'Warning'; component?: string } = {},
): K8sObject {
  return event({
    object: pod,
    reason,
    message,
    first,
    last: opts.last,
    count: opts.count,
    type: opts.type,
    component: opts.component,
  });
}
