/**
 * Builders for realistic fixture bundles: Kubernetes objects exactly as `kubectl get -o yaml` prints them
 * (full metadata, ownerReferences, container statuses, events with involvedObject/count/timestamps).
 * Fixture generators call these, then mutate the returned plain objects for their case, then `writeFixture`.
 */
import { createHash } from 'node:crypto';

export type Json = Record<string, unknown>;
// Plain, mutable kubectl-shaped objects: fixtures poke at arbitrary fields, so they are loosely typed on purpose.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type K8sObject = Record<string, any>;

/** Deterministic uid / hash from a seed, so regenerated fixtures do not churn. */
export function uid(seed: string): string {
  const h = createHash('sha1').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function hash(seed: string, len = 10): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const h = createHash('sha1').update(seed).digest();
  return Array.from(h.subarray(0, len), (b) => alphabet[b % alphabet.length]).join('');
}

/** Adds seconds to an RFC 3339 time and prints it as the API server does (no fractional seconds). */
export function at(base: string, plusSeconds: number): string {
  return new Date(Date.parse(base) + plusSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export interface AmlServiceSpec {
  flavor?: 'v1' | 'v2';
  /** v1: the service name. v2: the deployment name (the Kubernetes Deployment is `<endpoint>-<deployment>`). */
  name: string;
  /** v2 only. */
  endpoint?: string;
  workspace?: string;
  namespace?: string;
  /** When the deployment was created (RFC 3339). */
  createdAt: string;
  replicas?: number;
  cpu?: string;
  memory?: string;
  cpuLimit?: string;
  memoryLimit?: string;
  gpu?: number;
  acr?: string;
  nodeName?: string;
  nodeSelector?: Record<string, string>;
}

export interface AmlServiceObjects {
  namespace: string;
  deploymentName: string;
  deployment: K8sObject;
  replicaSet: K8sObject;
  /** One pod per replica, all Running/Ready by default; mutate `status` for the failure at hand. */
  pods: K8sObject[];
  pvc?: K8sObject;
  pv?: K8sObject;
  configMap?: K8sObject;
  /** The app container's name (`<service>` for v1, `inference-server` for v2). */
  appContainer: string;
}

const V1_LIVENESS = {
  failureThreshold: 3,
  initialDelaySeconds: 310,
  periodSeconds: 10,
  successThreshold: 1,
  timeoutSeconds: 2,
};
const V2_PROBE = {
  failureThreshold: 30,
  initialDelaySeconds: 10,
  periodSeconds: 10,
  successThreshold: 1,
  timeoutSeconds: 2,
};

function resources(spec: AmlServiceSpec): K8sObject {
  const requests: K8sObject = { cpu: spec.cpu ?? '100m', memory: spec.memory ?? '512Mi' };
  const limits: K8sObject = {
    cpu: spec.cpuLimit ?? spec.cpu ?? '100m',
    memory: spec.memoryLimit ?? spec.memory ?? '512Mi',
  };
  if (spec.gpu) {
    requests['nvidia.com/gpu'] = String(spec.gpu);
    limits['nvidia.com/gpu'] = String(spec.gpu);
  }
  return { limits, requests };
}

/** A v1 AksWebservice or a v2 Kubernetes online deployment, healthy, with everything that hangs off it. */
export function amlService(spec: AmlServiceSpec): AmlServiceObjects {
  const flavor = spec.flavor ?? 'v1';
  const workspace = spec.workspace ?? 'contoso-ml';
  const namespace = spec.namespace ?? (flavor === 'v1' ? `azureml-${workspace}` : 'azureml-workloads');
  const deploymentName = flavor === 'v1' ? spec.name : `${spec.endpoint ?? 'endpoint'}-${spec.name}`;
  const replicas = spec.replicas ?? 1;
  const created = spec.createdAt;
  const acr = spec.acr ?? 'contosoacr4f2a';
  const image = `${acr}.azurecr.io/azureml/azureml_${hash(deploymentName + 'img', 32).replace(/[^a-f0-9]/g, 'a')}:latest`;
  const templateHash = hash(deploymentName + 'tpl', 10);
  const rsName = `${deploymentName}-${templateHash}`;
  const depUid = uid(`${namespace}/${deploymentName}`);
  const rsUid = uid(`${namespace}/${rsName}`);
  const id = hash(deploymentName + 'id', 8);

  const labels: K8sObject =
    flavor === 'v1'
      ? { azuremlappname: spec.name, isazuremlapp: 'true', webservicename: spec.name }
      : {
          'ml.azure.com/compute': 'aks-compute',
          'ml.azure.com/deployment-name': spec.name,
          'ml.azure.com/endpoint-name': spec.endpoint ?? 'endpoint',
          'ml.azure.com/workspace': workspace,
          isazuremlapp: 'true',
        };
  const selector =
    flavor === 'v1'
      ? { azuremlappname: spec.name }
      : {
          'ml.azure.com/deployment-name': spec.name,
          'ml.azure.com/endpoint-name': spec.endpoint ?? 'endpoint',
        };
  const appContainer = flavor === 'v1' ? spec.name : 'inference-server';

  const pvcName = `${spec.name}${id}-pvc`;
  const cmName = `${spec.name}${id}-config`;
  const volumes: K8sObject[] =
    flavor === 'v1'
      ? [{ name: 'staging', persistentVolumeClaim: { claimName: pvcName, readOnly: true } }]
      : [{ emptyDir: {}, name: 'model-mount' }];
  const env: K8sObject[] =
    flavor === 'v1'
      ? [
          {
            name: 'InitContainerConfig',
            valueFrom: { configMapKeyRef: { key: 'InitContainerConfig', name: cmName } },
          },
          { name: 'AZUREML_ENTRY_SCRIPT', value: 'main.py' },
          { name: 'SCORING_TIMEOUT_MS', value: '60000' },
        ]
      : [
          { name: 'AZUREML_MODEL_DIR', value: '/var/azureml-app/azureml-models' },
          { name: 'AZUREML_ENTRY_SCRIPT', value: 'score.py' },
          { name: 'AZUREML_INFERENCE_SERVER_HTTP_ENABLED', value: 'True' },
        ];
  const probe = flavor === 'v1' ? V1_LIVENESS : V2_PROBE;
  const port = flavor === 'v1' ? 31311 : 5001;
  const app: K8sObject = {
    env,
    image,
    imagePullPolicy: 'IfNotPresent',
    livenessProbe: { ...probe, httpGet: { path: '/', port, scheme: 'HTTP' } },
    name: appContainer,
    ports: [{ containerPort: port, name: 'scoring', protocol: 'TCP' }],
    readinessProbe: { ...probe, httpGet: { path: flavor === 'v1' ? '/' : '/', port, scheme: 'HTTP' } },
    resources: resources(spec),
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    volumeMounts: [
      {
        mountPath: '/var/azureml-app',
        name: flavor === 'v1' ? 'staging' : 'model-mount',
        readOnly: flavor === 'v1',
      },
    ],
  };
  const initContainers: K8sObject[] | undefined =
    flavor === 'v2'
      ? [
          {
            env: [
              {
                name: 'STORAGE_MANIFEST_URL',
                value: `https://contosoml1234.blob.core.windows.net/azureml/${spec.name}_model_config_map.json_${uid(deploymentName)}`,
              },
              { name: 'STORAGE_DOWNLOAD_PATH', value: '/var/azureml-app' },
              { name: 'STORAGE_CREDENTIAL_TYPE', value: 'Amlarc' },
              {
                name: 'STORAGE_CREDENTIAL_ENDPOINT',
                value: 'https://amlarc-identity-proxy-service.azureml.svc.cluster.local/token',
              },
              { name: 'STORAGE_CREDENTIAL_TOKENFILE', value: '/identity/sidecar_token' },
            ],
            image: 'mcr.microsoft.com/mir/mir-storageinitializer:20220601.1',
            imagePullPolicy: 'IfNotPresent',
            name: 'storageinitializer-modeldata',
            resources: {
              limits: { cpu: '100m', memory: '500Mi' },
              requests: { cpu: '100m', memory: '500Mi' },
            },
            terminationMessagePath: '/dev/termination-log',
            terminationMessagePolicy: 'File',
            volumeMounts: [{ mountPath: '/var/azureml-app', name: 'model-mount' }],
          },
        ]
      : undefined;
  const podSpec: K8sObject = {
    containers: [app],
    dnsPolicy: 'ClusterFirst',
    enableServiceLinks: true,
    ...(initContainers ? { initContainers } : {}),
    imagePullSecrets: [{ name: `${acr}acrkey` }],
    ...(spec.nodeSelector ? { nodeSelector: spec.nodeSelector } : {}),
    preemptionPolicy: 'PreemptLowerPriority',
    priority: 0,
    restartPolicy: 'Always',
    schedulerName: 'default-scheduler',
    securityContext: {},
    serviceAccount: 'default',
    serviceAccountName: 'default',
    terminationGracePeriodSeconds: 30,
    tolerations: [
      {
        effect: 'NoExecute',
        key: 'node.kubernetes.io/not-ready',
        operator: 'Exists',
        tolerationSeconds: 300,
      },
      {
        effect: 'NoExecute',
        key: 'node.kubernetes.io/unreachable',
        operator: 'Exists',
        tolerationSeconds: 300,
      },
    ],
    volumes,
  };
  if (flavor === 'v2') {
    podSpec.containers.push({
      image: 'mcr.microsoft.com/mir/mir-identity-sidecar:20220601.1',
      imagePullPolicy: 'IfNotPresent',
      name: 'identity-sidecar',
      resources: { limits: { cpu: '50m', memory: '100Mi' }, requests: { cpu: '50m', memory: '100Mi' } },
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
    });
  }

  const deployment: K8sObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      annotations: { 'deployment.kubernetes.io/revision': '1' },
      creationTimestamp: created,
      generation: 1,
      labels,
      name: deploymentName,
      namespace,
      resourceVersion: String(100000 + parseInt(hash(deploymentName, 4).replace(/\D/g, '1') || '1', 10)),
      uid: depUid,
    },
    spec: {
      progressDeadlineSeconds: 600,
      replicas,
      revisionHistoryLimit: 10,
      selector: { matchLabels: selector },
      strategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: 1 }, type: 'RollingUpdate' },
      template: { metadata: { creationTimestamp: null, labels }, spec: structuredClone(podSpec) },
    },
    status: {
      availableReplicas: replicas,
      conditions: [
        {
          lastTransitionTime: at(created, 60),
          lastUpdateTime: at(created, 60),
          message: 'Deployment has minimum availability.',
          reason: 'MinimumReplicasAvailable',
          status: 'True',
          type: 'Available',
        },
        {
          lastTransitionTime: at(created, 0),
          lastUpdateTime: at(created, 60),
          message: `ReplicaSet "${rsName}" has successfully progressed.`,
          reason: 'NewReplicaSetAvailable',
          status: 'True',
          type: 'Progressing',
        },
      ],
      observedGeneration: 1,
      readyReplicas: replicas,
      replicas,
      updatedReplicas: replicas,
    },
  };
  const replicaSet: K8sObject = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      annotations: {
        'deployment.kubernetes.io/desired-replicas': String(replicas),
        'deployment.kubernetes.io/max-replicas': String(replicas + 1),
        'deployment.kubernetes.io/revision': '1',
      },
      creationTimestamp: created,
      generation: 1,
      labels: { ...labels, 'pod-template-hash': templateHash },
      name: rsName,
      namespace,
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          blockOwnerDeletion: true,
          controller: true,
          kind: 'Deployment',
          name: deploymentName,
          uid: depUid,
        },
      ],
      resourceVersion: '100200',
      uid: rsUid,
    },
    spec: {
      replicas,
      selector: { matchLabels: { ...selector, 'pod-template-hash': templateHash } },
      template: {
        metadata: { creationTimestamp: null, labels: { ...labels, 'pod-template-hash': templateHash } },
        spec: structuredClone(podSpec),
      },
    },
    status: {
      availableReplicas: replicas,
      fullyLabeledReplicas: replicas,
      observedGeneration: 1,
      readyReplicas: replicas,
      replicas,
    },
  };
  const pods: K8sObject[] = [];
  for (let i = 0; i < replicas; i++) {
    const podName = `${rsName}-${hash(`${rsName}-${i}`, 5)}`;
    const started = at(created, 2 + i);
    const running = at(created, 40 + i);
    const initStatuses =
      flavor === 'v2'
        ? [
            {
              containerID: `containerd://${hash(podName + 'init', 32)}`,
              image: 'mcr.microsoft.com/mir/mir-storageinitializer:20220601.1',
              imageID: 'mcr.microsoft.com/mir/mir-storageinitializer@sha256:' + hash(podName + 'initimg', 32),
              lastState: {},
              name: 'storageinitializer-modeldata',
              ready: true,
              restartCount: 0,
              started: false,
              state: {
                terminated: {
                  containerID: `containerd://${hash(podName + 'init', 32)}`,
                  exitCode: 0,
                  finishedAt: at(created, 25 + i),
                  reason: 'Completed',
                  startedAt: at(created, 8 + i),
                },
              },
            },
          ]
        : undefined;
    const statuses = podSpec.containers.map((c: K8sObject) => ({
      containerID: `containerd://${hash(podName + c.name, 32)}`,
      image: c.image,
      imageID: `${String(c.image).split(':')[0]}@sha256:${hash(podName + c.name + 'img', 32)}`,
      lastState: {},
      name: c.name,
      ready: true,
      restartCount: 0,
      started: true,
      state: { running: { startedAt: at(created, 30 + i) } },
    }));
    pods.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        creationTimestamp: started,
        generateName: `${rsName}-`,
        labels: { ...labels, 'pod-template-hash': templateHash },
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
        resourceVersion: String(100300 + i),
        uid: uid(`${namespace}/${podName}`),
      },
      spec: {
        ...structuredClone(podSpec),
        nodeName: spec.nodeName ?? `aks-nodepool1-${hash('node', 8).replace(/\D/g, '1')}-vmss00000${i % 3}`,
      },
      status: {
        conditions: [
          {
            lastProbeTime: null,
            lastTransitionTime: at(created, 25 + i),
            status: 'True',
            type: 'Initialized',
          },
          { lastProbeTime: null, lastTransitionTime: running, status: 'True', type: 'Ready' },
          { lastProbeTime: null, lastTransitionTime: running, status: 'True', type: 'ContainersReady' },
          { lastProbeTime: null, lastTransitionTime: started, status: 'True', type: 'PodScheduled' },
        ],
        containerStatuses: statuses,
        hostIP: `10.240.0.${4 + (i % 3)}`,
        ...(initStatuses ? { initContainerStatuses: initStatuses } : {}),
        phase: 'Running',
        podIP: `10.244.${i % 3}.${17 + i}`,
        podIPs: [{ ip: `10.244.${i % 3}.${17 + i}` }],
        qosClass: 'Guaranteed',
        startTime: started,
      },
    });
  }

  const out: AmlServiceObjects = { namespace, deploymentName, deployment, replicaSet, pods, appContainer };
  if (flavor === 'v1') {
    const pvName = `pv-${pvcName}`;
    out.pvc = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        annotations: { 'pv.kubernetes.io/bind-completed': 'yes' },
        creationTimestamp: at(created, -5),
        finalizers: ['kubernetes.io/pvc-protection'],
        name: pvcName,
        namespace,
        resourceVersion: '100050',
        uid: uid(`${namespace}/${pvcName}`),
      },
      spec: {
        accessModes: ['ReadOnlyMany'],
        resources: { requests: { storage: '10Gi' } },
        storageClassName: '',
        volumeMode: 'Filesystem',
        volumeName: pvName,
      },
      status: { accessModes: ['ReadOnlyMany'], capacity: { storage: '10Gi' }, phase: 'Bound' },
    };
    out.pv = {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: {
        annotations: { 'pv.kubernetes.io/bound-by-controller': 'yes' },
        creationTimestamp: at(created, -5),
        finalizers: ['kubernetes.io/pv-protection'],
        name: pvName,
        resourceVersion: '100040',
        uid: uid(pvName),
      },
      spec: {
        accessModes: ['ReadOnlyMany'],
        capacity: { storage: '10Gi' },
        claimRef: {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          name: pvcName,
          namespace,
          uid: uid(`${namespace}/${pvcName}`),
        },
        csi: {
          driver: 'blob.csi.azure.com',
          nodeStageSecretRef: { name: `${spec.name}${id}-storage-secret`, namespace },
          volumeAttributes: { containerName: 'azureml', storageAccount: 'contosoml1234' },
          volumeHandle: `${spec.name}${id}-volume`,
        },
        persistentVolumeReclaimPolicy: 'Retain',
        volumeMode: 'Filesystem',
      },
      status: { phase: 'Bound' },
    };
    out.configMap = {
      apiVersion: 'v1',
      data: {
        InitContainerConfig: JSON.stringify({
          Models: {
            [`${spec.name}-model:1`]: [
              {
                Path: `ExperimentRun/dcid.${hash(spec.name + 'run', 12)}/outputs/model.pkl`,
                ContainerPath: `./azureml-models/${spec.name}-model/1/model.pkl`,
                UnpackType: 0,
              },
            ],
          },
          Dependency: [
            {
              Path: `LocalUpload/${hash(spec.name + 'up', 12)}/tmp${hash(spec.name, 6)}.py`,
              ContainerPath: '/main.py',
              UnpackType: 0,
            },
          ],
          MountPath: '/var/azureml-app',
        }),
      },
      kind: 'ConfigMap',
      metadata: {
        creationTimestamp: at(created, -5),
        name: cmName,
        namespace,
        resourceVersion: '100030',
        uid: uid(`${namespace}/${cmName}`),
      },
    };
  }
  return out;
}

export interface EventSpec {
  object: K8sObject;
  reason: string;
  message: string;
  type?: 'Normal' | 'Warning';
  first: string;
  last?: string;
  count?: number;
  component?: string;
  fieldPath?: string;
}

/** A core v1 Event about `object`, as `kubectl get events -o yaml` prints it. */
export function event(spec: EventSpec): K8sObject {
  const o = spec.object;
  const name = `${o.metadata.name}.${hash(spec.reason + spec.first + spec.message, 16).replace(/[^a-f0-9]/g, '0')}`;
  const component =
    spec.component ??
    (spec.reason === 'FailedScheduling'
      ? 'default-scheduler'
      : o.kind === 'Pod'
        ? 'kubelet'
        : o.kind === 'Deployment'
          ? 'deployment-controller'
          : o.kind === 'ReplicaSet'
            ? 'replicaset-controller'
            : 'persistentvolume-controller');
  return {
    apiVersion: 'v1',
    count: spec.count ?? 1,
    eventTime: null,
    firstTimestamp: spec.first,
    involvedObject: {
      apiVersion: o.apiVersion,
      kind: o.kind,
      name: o.metadata.name,
      ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
      resourceVersion: o.metadata.resourceVersion,
      uid: o.metadata.uid,
      ...(spec.fieldPath ? { fieldPath: spec.fieldPath } : {}),
    },
    kind: 'Event',
    lastTimestamp: spec.last ?? spec.first,
    message: spec.message,
    metadata: {
      creationTimestamp: spec.first,
      name,
      namespace: o.metadata.namespace ?? 'default',
      resourceVersion: String(200000 + (parseInt(hash(name, 3).replace(/\D/g, '7'), 10) || 7)),
      uid: uid(name),
    },
    reason: spec.reason,
    reportingComponent: component === 'kubelet' ? '' : component,
    reportingInstance: '',
    source:
      component === 'kubelet'
        ? { component, host: o.spec?.nodeName ?? 'aks-nodepool1-vmss000000' }
        : { component },
    type: spec.type ?? 'Warning',
  };
}

export interface NodeSpec {
  name: string;
  createdAt?: string;
  cpu?: string;
  memory?: string;
  gpu?: number;
  pods?: string;
  labels?: Record<string, string>;
  taints?: K8sObject[];
  /** Condition overrides, e.g. `{ Ready: 'False', DiskPressure: 'True' }`. */
  conditions?: Record<string, string>;
  heartbeat?: string;
}

export function node(spec: NodeSpec): K8sObject {
  const created = spec.createdAt ?? '2024-01-01T00:00:00Z';
  const hb = spec.heartbeat ?? created;
  const cond = (
    type: string,
    dflt: string,
    reasonTrue: string,
    reasonFalse: string,
    msgTrue: string,
    msgFalse: string,
  ) => {
    const status = spec.conditions?.[type] ?? dflt;
    return {
      lastHeartbeatTime: hb,
      lastTransitionTime: created,
      message: status === 'True' ? msgTrue : msgFalse,
      reason: status === 'True' ? reasonTrue : status === 'Unknown' ? 'NodeStatusUnknown' : reasonFalse,
      status,
      type,
    };
  };
  const capacity: K8sObject = {
    cpu: spec.cpu ?? '4',
    'ephemeral-storage': '129886128Ki',
    memory: spec.memory ?? '16393244Ki',
    pods: spec.pods ?? '110',
  };
  if (spec.gpu) capacity['nvidia.com/gpu'] = String(spec.gpu);
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      creationTimestamp: created,
      labels: {
        agentpool: 'nodepool1',
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.azure.com/agentpool': 'nodepool1',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': spec.name,
        'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': 'Standard_D4s_v3',
        ...spec.labels,
      },
      name: spec.name,
      resourceVersion: '99000',
      uid: uid(spec.name),
    },
    spec: {
      providerID: `azure:///subscriptions/0000/resourceGroups/mc_rg/providers/Microsoft.Compute/virtualMachineScaleSets/aks-nodepool1/virtualMachines/0`,
      ...(spec.taints ? { taints: spec.taints } : {}),
    },
    status: {
      allocatable: { ...capacity, cpu: spec.cpu ? spec.cpu : '3860m', memory: spec.memory ?? '12880924Ki' },
      capacity,
      conditions: [
        cond(
          'MemoryPressure',
          'False',
          'KubeletHasInsufficientMemory',
          'KubeletHasSufficientMemory',
          'kubelet has insufficient memory available',
          'kubelet has sufficient memory available',
        ),
        cond(
          'DiskPressure',
          'False',
          'KubeletHasDiskPressure',
          'KubeletHasNoDiskPressure',
          'kubelet has disk pressure',
          'kubelet has no disk pressure',
        ),
        cond(
          'PIDPressure',
          'False',
          'KubeletHasInsufficientPID',
          'KubeletHasSufficientPID',
          'kubelet has insufficient PID available',
          'kubelet has sufficient PID available',
        ),
        cond(
          'Ready',
          'True',
          'KubeletReady',
          'KubeletNotReady',
          'kubelet is posting ready status',
          'container runtime network not ready: NetworkReady=false',
        ),
      ],
      nodeInfo: {
        architecture: 'amd64',
        containerRuntimeVersion: 'containerd://1.7.15-1',
        kernelVersion: '5.15.0-1064-azure',
        kubeProxyVersion: 'v1.28.9',
        kubeletVersion: 'v1.28.9',
        operatingSystem: 'linux',
        osImage: 'Ubuntu 22.04.4 LTS',
      },
    },
  };
}

// Container state helpers, for `pod.status.containerStatuses[i].state` / `lastState`.
export const running = (startedAt: string): K8sObject => ({ running: { startedAt } });
export const waiting = (reason: string, message?: string): K8sObject => ({
  waiting: { ...(message ? { message } : {}), reason },
});
export const terminated = (
  reason: string,
  exitCode: number,
  startedAt: string,
  finishedAt: string,
  containerID = 'containerd://0f3c',
): K8sObject => ({
  terminated: { containerID, exitCode, finishedAt, reason, startedAt },
});

/** Marks a pod not ready (Ready/ContainersReady False) as the kubelet reports it. */
export function markNotReady(pod: K8sObject, since: string, containers: string[]): void {
  for (const c of pod.status.conditions as K8sObject[]) {
    if (c.type === 'Ready' || c.type === 'ContainersReady') {
      c.status = 'False';
      c.lastTransitionTime = since;
      c.reason = 'ContainersNotReady';
      c.message = `containers with unready status: [${containers.join(' ')}]`;
    }
  }
  for (const cs of pod.status.containerStatuses as K8sObject[])
    if (containers.includes(cs.name)) cs.ready = false;
}

/** Makes a deployment report a rollout that is not complete (and optionally past its deadline). */
export function markNotAvailable(
  deployment: K8sObject,
  ready: number,
  opts: { since: string; deadlineExceeded?: boolean; rsName?: string },
): void {
  const st = deployment.status;
  st.readyReplicas = ready || undefined;
  st.availableReplicas = ready || undefined;
  st.unavailableReplicas = (deployment.spec.replicas ?? 1) - ready;
  if (!ready) {
    delete st.readyReplicas;
    delete st.availableReplicas;
  }
  st.conditions = [
    {
      lastTransitionTime: opts.since,
      lastUpdateTime: opts.since,
      message: ready
        ? 'Deployment has minimum availability.'
        : 'Deployment does not have minimum availability.',
      reason: ready ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
      status: ready ? 'True' : 'False',
      type: 'Available',
    },
    opts.deadlineExceeded
      ? {
          lastTransitionTime: at(opts.since, 600),
          lastUpdateTime: at(opts.since, 600),
          message: `ReplicaSet "${opts.rsName ?? deployment.metadata.name}" has timed out progressing.`,
          reason: 'ProgressDeadlineExceeded',
          status: 'False',
          type: 'Progressing',
        }
      : {
          lastTransitionTime: deployment.metadata.creationTimestamp,
          lastUpdateTime: opts.since,
          message: `ReplicaSet "${opts.rsName ?? deployment.metadata.name}" is progressing.`,
          reason: 'ReplicaSetUpdated',
          status: 'True',
          type: 'Progressing',
        },
  ];
}
