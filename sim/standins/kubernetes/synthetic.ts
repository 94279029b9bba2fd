/**
 * Synthetic cluster states for benchmarks and plan tests: an Azure ML service in one of the common failure states,
 * built as the raw objects kubectl would print (then typed by `addObjects`), and whole clusters of many services for
 * discovery. Deterministic: the same arguments give the same objects.
 */
import { createHash } from 'node:crypto';
import { addObjects } from '../../../shared/snapshot/objects.js';
import { emptySnapshot, logKey, type Snapshot } from '../../../shared/snapshot/types.js';

export const SYNTHETIC_NOW = '2026-11-26T10:00:00Z';
const CREATED = '2026-11-26T09:40:00Z';
const NODE = 'aks-nodepool1-12345678-vmss000000';

export const SERVICE_STATES = [
  'healthy',
  'crashLoop',
  'oomKilled',
  'imagePull',
  'unschedulable',
  'mountFailure',
  'quotaExceeded',
  'frontendDown',
  'storageInitFailure',
] as const;
export type ServiceState = (typeof SERVICE_STATES)[number];

type Json = Record<string, unknown>;

function hashOf(text: string, length: number): string {
  // Kubernetes name suffixes use [bcdfghjklmnpqrstvwxz2456789]; any lowercase alphanumerics do for matching.
  return createHash('sha256')
    .update(text)
    .digest('hex')
    .replace(/[^a-z0-9]/g, '')
    .slice(0, length);
}

interface ServiceNames {
  name: string;
  namespace: string;
  rs: string;
  pod: string;
  claim: string;
  configMap: string;
  container: string;
  labels: Record<string, string>;
  selector: Record<string, string>;
}

function namesOf(namespace: string, name: string, flavor: 'v1' | 'v2'): ServiceNames {
  const rs = `${name}-${hashOf(`${namespace}/${name}`, 10)}`;
  const labels: Record<string, string> =
    flavor === 'v1'
      ? { isazuremlapp: 'true', azuremlappname: name }
      : { 'ml.azure.com/endpoint-name': `${name}-ep`, 'ml.azure.com/deployment-name': 'blue' };
  const selector = flavor === 'v1' ? { azuremlappname: name } : labels;
  return {
    name,
    namespace,
    rs,
    pod: `${rs}-${hashOf(`${namespace}/${name}/pod`, 5)}`,
    claim: `${name}0123-pvc`,
    configMap: `${name}0123-config`,
    container: flavor === 'v1' ? name : 'inference-server',
    labels,
    selector,
  };
}

function condition(type: string, status: string, reason: string, message = ''): Json {
  return { type, status, reason, message, lastUpdateTime: CREATED, lastTransitionTime: CREATED };
}

function event(
  n: ServiceNames,
  kind: string,
  objectName: string,
  reason: string,
  message: string,
  type = 'Warning',
): Json {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${objectName}.${hashOf(reason + message, 8)}`, namespace: n.namespace },
    involvedObject: {
      kind,
      name: objectName,
      namespace: n.namespace,
      apiVersion: kind === 'Pod' ? 'v1' : 'apps/v1',
    },
    reason,
    message,
    type,
    count: 5,
    firstTimestamp: '2026-11-26T09:41:00Z',
    lastTimestamp: '2026-11-26T09:58:00Z',
    source: { component: kind === 'Pod' ? 'kubelet' : 'replicaset-controller' },
  };
}

function deployment(
  n: ServiceNames,
  flavor: 'v1' | 'v2',
  ready: boolean,
  extraConditions: Json[] = [],
): Json {
  const container: Json = {
    name: n.container,
    image: `myacr.azurecr.io/azureml/azureml_${hashOf(n.name, 16)}:1`,
    resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } },
    volumeMounts: [{ name: 'staging', mountPath: '/var/azureml-app' }],
  };
  if (flavor === 'v1') {
    container.env = [
      { name: 'InitContainerConfig', valueFrom: { configMapKeyRef: { name: n.configMap, key: 'config' } } },
    ];
  }
  const spec: Json = {
    containers: [container],
    volumes: [{ name: 'staging', persistentVolumeClaim: { claimName: n.claim, readOnly: true } }],
  };
  if (flavor === 'v2') {
    spec.initContainers = [
      {
        name: 'storageinitializer-modeldata',
        image: 'mcr.microsoft.com/mir/mir-storageinitializer:1',
        envFrom: [{ configMapRef: { name: n.configMap } }],
      },
    ];
  }
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: n.name,
      namespace: n.namespace,
      generation: 1,
      labels: n.labels,
      creationTimestamp: CREATED,
    },
    spec: {
      replicas: 1,
      progressDeadlineSeconds: 600,
      selector: { matchLabels: n.selector },
      template: { metadata: { labels: n.labels }, spec },
    },
    status: {
      observedGeneration: 1,
      replicas: 1,
      updatedReplicas: 1,
      ...(ready ? { readyReplicas: 1, availableReplicas: 1 } : { unavailableReplicas: 1 }),
      conditions: [
        ready
          ? condition('Available', 'True', 'MinimumReplicasAvailable')
          : condition(
              'Available',
              'False',
              'MinimumReplicasUnavailable',
              'Deployment does not have minimum availability.',
            ),
        condition('Progressing', 'True', ready ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated'),
        ...extraConditions,
      ],
    },
  };
}

function pod(n: ServiceNames, flavor: 'v1' | 'v2', status: Json, scheduled = true): Json {
  const spec: Json = {
    containers: [{ name: n.container, image: 'myacr.azurecr.io/azureml/app:1' }],
    volumes: [{ name: 'staging', persistentVolumeClaim: { claimName: n.claim, readOnly: true } }],
    ...(scheduled ? { nodeName: NODE } : {}),
  };
  if (flavor === 'v2')
    spec.initContainers = [{ name: 'storageinitializer-modeldata', image: 'mcr.microsoft.com/mir/si:1' }];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: n.pod,
      namespace: n.namespace,
      labels: { ...n.labels, 'pod-template-hash': n.rs.slice(n.name.length + 1) },
      creationTimestamp: CREATED,
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: n.rs, uid: hashOf(n.rs, 12), controller: true },
      ],
    },
    spec,
    status,
  };
}

function containerStatus(n: ServiceNames, fields: Json): Json {
  return { name: n.container, image: 'myacr.azurecr.io/azureml/app:1', imageID: '', ...fields };
}

const CRASH_LOG = [
  '2026-11-26T09:57:01,123 | root | INFO | Starting up app insights client',
  "2026-11-26T09:57:03,789 | root | INFO | Invoking user's init function",
  "2026-11-26T09:57:04,001 | root | ERROR | User's init function failed",
  'Traceback (most recent call last):',
  '  File "/var/azureml-app/score.py", line 3, in <module>',
  '    import sklearn',
  "ModuleNotFoundError: No module named 'sklearn'",
  '',
].join('\n');

export interface SyntheticService {
  objects: Json[];
  logs: Array<{ pod: string; container: string; current?: string; previous?: string }>;
}

function runningReady(n: ServiceNames): Json {
  return {
    phase: 'Running',
    conditions: [condition('PodScheduled', 'True', ''), condition('Ready', 'True', '')],
    containerStatuses: [
      containerStatus(n, {
        ready: true,
        started: true,
        restartCount: 0,
        state: { running: { startedAt: CREATED } },
      }),
    ],
  };
}

function crashing(n: ServiceNames, reason: string, exitCode: number): Json {
  return {
    phase: 'Running',
    conditions: [condition('PodScheduled', 'True', ''), condition('Ready', 'False', 'ContainersNotReady')],
    containerStatuses: [
      containerStatus(n, {
        ready: false,
        started: false,
        restartCount: 6,
        state: {
          waiting: { reason: 'CrashLoopBackOff', message: `back-off 5m0s restarting failed container` },
        },
        lastState: {
          terminated: {
            exitCode,
            reason,
            startedAt: '2026-11-26T09:57:00Z',
            finishedAt: '2026-11-26T09:57:20Z',
          },
        },
      }),
    ],
  };
}

function waitingStatus(n: ServiceNames, reason: string, message: string, scheduled = true): Json {
  return {
    phase: 'Pending',
    conditions: [condition('PodScheduled', scheduled ? 'True' : 'False', scheduled ? '' : 'Unschedulable')],
    ...(scheduled
      ? {
          containerStatuses: [
            containerStatus(n, {
              ready: false,
              started: false,
              restartCount: 0,
              state: { waiting: { reason, message } },
            }),
          ],
        }
      : {}),
  };
}

/** One Azure ML service in a given state, with what the cluster around it needs (node, router, claims, quota). */
export function syntheticService(
  namespace: string,
  name: string,
  state: ServiceState,
  flavor: 'v1' | 'v2' = 'v1',
): SyntheticService {
  const n = namesOf(namespace, name, flavor);
  const logs: SyntheticService['logs'] = [];
  const objects: Json[] = [];
  switch (state) {
    case 'healthy':
    case 'frontendDown':
      objects.push(deployment(n, flavor, true), pod(n, flavor, runningReady(n)));
      logs.push({ pod: n.pod, container: n.container, current: "Users's init has completed successfully\n" });
      break;
    case 'crashLoop':
      objects.push(deployment(n, flavor, false), pod(n, flavor, crashing(n, 'Error', 1)));
      objects.push(event(n, 'Pod', n.pod, 'BackOff', `Back-off restarting failed container ${n.container}`));
      logs.push({ pod: n.pod, container: n.container, previous: CRASH_LOG });
      break;
    case 'oomKilled':
      objects.push(deployment(n, flavor, false), pod(n, flavor, crashing(n, 'OOMKilled', 137)));
      objects.push(event(n, 'Pod', n.pod, 'BackOff', `Back-off restarting failed container ${n.container}`));
      logs.push({ pod: n.pod, container: n.container, previous: 'loading model\n' });
      break;
    case 'imagePull':
      objects.push(
        deployment(n, flavor, false),
        pod(
          n,
          flavor,
          waitingStatus(n, 'ImagePullBackOff', 'Back-off pulling image "myacr.azurecr.io/azureml/app:1"'),
        ),
        event(
          n,
          'Pod',
          n.pod,
          'Failed',
          'Failed to pull image "myacr.azurecr.io/azureml/app:1": rpc error: code = NotFound desc = failed to resolve reference "myacr.azurecr.io/azureml/app:1": myacr.azurecr.io/azureml/app:1: not found',
        ),
      );
      break;
    case 'unschedulable':
      objects.push(
        deployment(n, flavor, false),
        pod(n, flavor, waitingStatus(n, '', '', false), false),
        event(
          n,
          'Pod',
          n.pod,
          'FailedScheduling',
          '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
        ),
      );
      break;
    case 'mountFailure':
      objects.push(
        deployment(n, flavor, false),
        pod(n, flavor, waitingStatus(n, 'ContainerCreating', '')),
        event(
          n,
          'Pod',
          n.pod,
          'FailedMount',
          `MountVolume.SetUp failed for volume "${n.claim}-pv" : rpc error: code = Internal desc = blobfuse: mount failed: 403 This request is not authorized to perform this operation.`,
        ),
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: n.claim, namespace },
          spec: {
            accessModes: ['ReadOnlyMany'],
            volumeName: `${n.claim}-pv`,
            resources: { requests: { storage: '1Gi' } },
          },
          status: { phase: 'Bound' },
        },
        {
          apiVersion: 'v1',
          kind: 'PersistentVolume',
          metadata: { name: `${n.claim}-pv` },
          spec: {
            accessModes: ['ReadOnlyMany'],
            capacity: { storage: '1Gi' },
            csi: { driver: 'blob.csi.azure.com', volumeHandle: `${n.claim}-pv` },
            claimRef: { name: n.claim, namespace },
          },
          status: { phase: 'Bound' },
        },
      );
      break;
    case 'quotaExceeded': {
      const message = `pods "${n.rs}-x" is forbidden: exceeded quota: azureml-quota, requested: requests.cpu=500m, used: requests.cpu=4, limited: requests.cpu=4`;
      objects.push(
        deployment(n, flavor, false, [condition('ReplicaFailure', 'True', 'FailedCreate', message)]),
        event(n, 'ReplicaSet', n.rs, 'FailedCreate', `Error creating: ${message}`),
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          metadata: { name: n.rs, namespace, labels: n.labels },
          spec: { replicas: 1, selector: { matchLabels: n.selector } },
          status: { replicas: 0, conditions: [condition('ReplicaFailure', 'True', 'FailedCreate', message)] },
        },
        {
          apiVersion: 'v1',
          kind: 'ResourceQuota',
          metadata: { name: 'azureml-quota', namespace },
          spec: { hard: { 'requests.cpu': '4' } },
          status: { hard: { 'requests.cpu': '4' }, used: { 'requests.cpu': '4' } },
        },
      );
      break;
    }
    case 'storageInitFailure': {
      const status: Json = {
        phase: 'Pending',
        conditions: [
          condition('PodScheduled', 'True', ''),
          condition('Initialized', 'False', 'ContainersNotInitialized'),
        ],
        initContainerStatuses: [
          {
            name: 'storageinitializer-modeldata',
            image: 'mcr.microsoft.com/mir/si:1',
            imageID: '',
            ready: false,
            restartCount: 4,
            state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off' } },
            lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: '2026-11-26T09:58:00Z' } },
          },
        ],
        containerStatuses: [
          containerStatus(n, {
            ready: false,
            restartCount: 0,
            state: { waiting: { reason: 'PodInitializing' } },
          }),
        ],
      };
      const log =
        'Downloading model\nError: AuthorizationPermissionMismatch: This request is not authorized to perform this operation using this permission.\n';
      objects.push(deployment(n, 'v2', false), pod(n, 'v2', status));
      logs.push({ pod: n.pod, container: 'storageinitializer-modeldata', previous: log });
      break;
    }
  }
  // v1: the InitContainerConfig ConfigMap; v2: the one the storage initializer reads.
  objects.push({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: n.configMap, namespace },
    data: { config: '{"Models":{},"MountPath":"/var/azureml-app"}' },
  });
  const fe = router(flavor, state !== 'frontendDown');
  objects.push(...fe.objects);
  logs.push(...fe.logs);
  return { objects, logs };
}

/** The front end: available with one serving pod, or down with its pod crash-looping on a missing TLS secret. */
function router(flavor: 'v1' | 'v2', available: boolean): SyntheticService {
  const name = flavor === 'v1' ? 'azureml-fe' : 'azureml-fe-v2';
  const namespace = flavor === 'v1' ? 'default' : 'azureml';
  const rs = `${name}-${hashOf(name, 10)}`;
  const podName = `${rs}-${hashOf(`${name}/pod`, 5)}`;
  const labels = { app: name };
  const status: Json = available
    ? {
        phase: 'Running',
        conditions: [condition('Ready', 'True', '')],
        containerStatuses: [
          {
            name: 'azureml-fe',
            image: 'mcr.microsoft.com/azureml/fe:1',
            imageID: '',
            ready: true,
            restartCount: 0,
            state: { running: { startedAt: CREATED } },
          },
        ],
      }
    : {
        phase: 'Running',
        conditions: [condition('Ready', 'False', 'ContainersNotReady')],
        containerStatuses: [
          {
            name: 'azureml-fe',
            image: 'mcr.microsoft.com/azureml/fe:1',
            imageID: '',
            ready: false,
            restartCount: 9,
            state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s' } },
            lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: '2026-11-26T09:58:00Z' } },
          },
        ],
      };
  return {
    objects: [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace, generation: 1, labels },
        spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels } } },
        status: {
          observedGeneration: 1,
          replicas: 1,
          ...(available ? { readyReplicas: 1, availableReplicas: 1 } : { unavailableReplicas: 1 }),
          conditions: [
            available
              ? condition('Available', 'True', 'MinimumReplicasAvailable')
              : condition('Available', 'False', 'MinimumReplicasUnavailable'),
          ],
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: podName,
          namespace,
          labels,
          creationTimestamp: '2026-11-26T08:00:00Z',
          ownerReferences: [
            { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs, uid: hashOf(rs, 12), controller: true },
          ],
        },
        spec: {
          nodeName: NODE,
          containers: [{ name: 'azureml-fe', image: 'mcr.microsoft.com/azureml/fe:1' }],
        },
        status,
      },
    ],
    logs: available
      ? [{ pod: podName, container: 'azureml-fe', current: '2026-11-26T09:59:00.000Z INFO  routing ok\n' }]
      : [
          {
            pod: podName,
            container: 'azureml-fe',
            previous: 'Error: open /etc/tls/cert.pem: no such file or directory\n',
          },
        ],
  };
}

function node(): Json {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: NODE, labels: { 'kubernetes.io/os': 'linux' } },
    status: {
      allocatable: { cpu: '1900m', memory: '5Gi', pods: '110' },
      conditions: [
        { type: 'Ready', status: 'True', reason: 'KubeletReady', lastTransitionTime: '2026-11-26T08:00:00Z' },
      ],
    },
  };
}

/** A Snapshot holding the given services (and one node), dated SYNTHETIC_NOW. */
export function syntheticSnapshot(services: readonly SyntheticService[]): Snapshot {
  const snapshot = emptySnapshot({ capturedAt: SYNTHETIC_NOW });
  const seen = new Set<string>();
  const objects: Json[] = [node()];
  for (const s of services) {
    for (const o of s.objects) {
      const meta = (o.metadata ?? {}) as { name?: string; namespace?: string };
      const key = `${String(o.kind)}/${meta.namespace ?? ''}/${meta.name ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      objects.push(o);
    }
    for (const l of s.logs) {
      snapshot.logs.set(logKey(l.pod, l.container), {
        ...(l.current !== undefined ? { current: l.current } : {}),
        ...(l.previous !== undefined ? { previous: l.previous } : {}),
      });
    }
  }
  addObjects(snapshot, objects);
  return snapshot;
}

/**
 * A cluster of `services` Azure ML deployments over `namespaces` namespaces, `unhealthyShare` of them crash-looping,
 * the rest healthy; every fifth service is a v2 deployment. For discovery benchmarks.
 */
export function syntheticCluster(services: number, namespaces: number, unhealthyShare: number): Snapshot {
  const list: SyntheticService[] = [];
  const unhealthyEvery = Math.max(1, Math.round(1 / unhealthyShare));
  for (let i = 0; i < services; i++) {
    const namespace = `azureml-ws${String(i % namespaces).padStart(2, '0')}`;
    const state: ServiceState = i % unhealthyEvery === 0 ? 'crashLoop' : 'healthy';
    list.push(
      syntheticService(namespace, `svc-${String(i).padStart(4, '0')}`, state, i % 5 === 4 ? 'v2' : 'v1'),
    );
  }
  return syntheticSnapshot(list);
}
