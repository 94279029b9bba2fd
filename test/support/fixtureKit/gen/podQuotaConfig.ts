/** QuotaExceeded and ContainerConfigError fixtures, plus near-misses. */
import { event, hash, type AmlServiceObjects, type K8sObject } from '../kit.js';
import type { NamedFixture } from '../write.js';
import {
  ago,
  containerStatus,
  kubeletEvent,
  metaOf,
  notStarted,
  objectsOf,
  scheduledAt,
  service,
  stuck,
} from './podShapes.js';

function resourceQuota(
  name: string,
  namespace: string,
  hard: Record<string, string>,
  used: Record<string, string>,
): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: {
      creationTimestamp: '2024-02-01T09:00:00Z',
      name,
      namespace,
      resourceVersion: '88120',
      uid: `${hash(name + namespace, 8)}-0000-4000-a000-${hash(name, 12)}`.replace(/[^0-9a-f-]/g, 'a'),
    },
    spec: { hard },
    status: { hard, used },
  };
}

/** A deployment whose ReplicaSet cannot create its pod: no pods, ReplicaFailure on RS and Deployment, events. */
function refused(
  svc: AmlServiceObjects,
  since: number,
  message: string,
  opts: { condition?: boolean; count?: number } = {},
): K8sObject[] {
  const podName = `${svc.replicaSet.metadata.name}-${hash(svc.replicaSet.metadata.name + 'x', 5)}`;
  const full = `pods "${podName}" is forbidden: ${message}`;
  svc.pods.length = 0;
  stuck(svc, ago(since));
  svc.replicaSet.status = { observedGeneration: 1, replicas: 0 };
  if (opts.condition !== false) {
    const cond = {
      lastTransitionTime: ago(since),
      message: full,
      reason: 'FailedCreate',
      status: 'True',
      type: 'ReplicaFailure',
    };
    svc.replicaSet.status.conditions = [cond];
    svc.deployment.status.conditions.push({ ...cond, lastUpdateTime: ago(since) });
  }
  return [
    event({
      object: svc.deployment,
      reason: 'ScalingReplicaSet',
      type: 'Normal',
      message: `Scaled up replica set ${svc.replicaSet.metadata.name} to 1`,
      first: ago(since + 1),
    }),
    event({
      object: svc.replicaSet,
      reason: 'FailedCreate',
      message: `Error creating: ${full}`,
      first: ago(since),
      last: ago(20),
      count: opts.count ?? 15,
    }),
  ];
}

export function quotaCases(): NamedFixture[] {
  const out: NamedFixture[] = [];
  {
    const svc = service({ flavor: 'v1', name: 'churn-model', createdAt: ago(905), memory: '4Gi' });
    const events = refused(
      svc,
      900,
      'exceeded quota: compute-resources, requested: limits.memory=4Gi, used: limits.memory=14Gi, limited: limits.memory=16Gi',
    );
    const quota = resourceQuota(
      'compute-resources',
      svc.namespace,
      { 'limits.cpu': '16', 'limits.memory': '16Gi', 'requests.cpu': '8', 'requests.memory': '12Gi' },
      { 'limits.cpu': '7', 'limits.memory': '14Gi', 'requests.cpu': '3500m', 'requests.memory': '10Gi' },
    );
    out.push({
      name: 'QuotaExceeded.none.v1-limits-memory',
      objects: [...objectsOf(svc), quota, ...events],
      meta: metaOf(svc),
      expected: {
        description:
          'v1 service with memory_gb=4 in a namespace whose quota has only 2Gi of limits.memory left; no pod exists',
        status: 'Failed',
        root: { code: 'QuotaExceeded', detail: null, evidenceIncludes: 'exceeded quota: compute-resources' },
      },
    });
  }
  {
    const svc = service({
      flavor: 'v2',
      name: 'gpu',
      endpoint: 'vision',
      createdAt: ago(605),
      gpu: 1,
      cpu: '2',
      memory: '8Gi',
    });
    const events = refused(
      svc,
      600,
      'exceeded quota: gpu-quota, requested: requests.nvidia.com/gpu=1, used: requests.nvidia.com/gpu=2, limited: requests.nvidia.com/gpu=2',
    );
    const quota = resourceQuota(
      'gpu-quota',
      svc.namespace,
      { 'requests.nvidia.com/gpu': '2' },
      { 'requests.nvidia.com/gpu': '2' },
    );
    out.push({
      name: 'QuotaExceeded.none.v2-gpu-quota',
      objects: [...objectsOf(svc), quota, ...events],
      meta: metaOf(svc),
      expected: {
        description: 'v2 GPU deployment: both GPUs of the namespace quota are used by other deployments',
        status: 'Failed',
        root: { code: 'QuotaExceeded', detail: null, evidenceIncludes: 'gpu-quota' },
      },
    });
  }
  {
    const svc = service({ flavor: 'v1', name: 'sentiment', createdAt: ago(305) });
    const events = refused(
      svc,
      300,
      'exceeded quota: pod-count, requested: pods=1, used: pods=20, limited: pods=20',
      { condition: false, count: 9 },
    );
    out.push({
      name: 'QuotaExceeded.none.v1-pod-count-events-only',
      objects: [...objectsOf(svc), ...events],
      meta: metaOf(svc),
      expected: {
        description:
          'only the FailedCreate events (no ReplicaFailure condition, no ResourceQuota object in the snapshot)',
        status: 'Failed',
        root: { code: 'QuotaExceeded', detail: null, evidenceIncludes: 'pod-count' },
      },
    });
  }
  {
    // Another deployment's ReplicaSet is refused by the quota; ours is healthy.
    const svc = service({ flavor: 'v1', name: 'churn-model', createdAt: ago(86400) });
    const other = service({ flavor: 'v1', name: 'churn-model-canary', createdAt: ago(400), memory: '4Gi' });
    const events = refused(
      other,
      400,
      'exceeded quota: compute-resources, requested: limits.memory=4Gi, used: limits.memory=14Gi, limited: limits.memory=16Gi',
    );
    out.push({
      name: 'nearmiss.QuotaExceeded.none.other-deployment-replicaset',
      objects: [...objectsOf(svc), other.deployment, other.replicaSet, ...events],
      meta: metaOf(svc),
      expected: {
        description:
          'the quota refuses a different service (churn-model-canary) in the namespace; churn-model is healthy',
        status: 'Healthy',
        absent: [{ code: 'QuotaExceeded' }],
      },
    });
  }
  {
    // FailedCreate 40 minutes ago, then the quota was raised and the pod created.
    const svc = service({ flavor: 'v2', name: 'blue', endpoint: 'churn', createdAt: ago(2700) });
    const pod = svc.pods[0]!;
    scheduledAt(pod, ago(1800), ago(1799));
    const msg = `Error creating: pods "${svc.replicaSet.metadata.name}-vq2lk" is forbidden: exceeded quota: compute-resources, requested: requests.cpu=100m, used: requests.cpu=7950m, limited: requests.cpu=8`;
    const events = [
      event({
        object: svc.replicaSet,
        reason: 'FailedCreate',
        message: msg,
        first: ago(2690),
        last: ago(1830),
        count: 18,
      }),
      event({
        object: svc.replicaSet,
        reason: 'SuccessfulCreate',
        type: 'Normal',
        message: `Created pod: ${pod.metadata.name}`,
        first: ago(1800),
      }),
    ];
    out.push({
      name: 'nearmiss.QuotaExceeded.none.resolved-after-quota-raised',
      objects: [...objectsOf(svc), ...events],
      meta: metaOf(svc),
      expected: {
        description:
          'quota refusals stopped 30 min ago when the quota was raised; the pod was created and is Ready',
        status: 'Healthy',
        absent: [{ code: 'QuotaExceeded' }],
      },
    });
  }
  return out;
}

function configBlocked(svc: AmlServiceObjects, since: number, message?: string): K8sObject {
  const pod = svc.pods[0]!;
  notStarted(pod, ago(since), { initDone: true });
  stuck(svc, ago(since), since > 600);
  const cs = containerStatus(pod, svc.appContainer);
  cs.state = { waiting: { reason: 'CreateContainerConfigError', ...(message ? { message } : {}) } };
  cs.imageID = '';
  return pod;
}

function configEvents(
  svc: AmlServiceObjects,
  pod: K8sObject,
  since: number,
  error: string,
  count: number,
): K8sObject[] {
  const image = svc.deployment.spec.template.spec.containers[0].image as string;
  return [
    kubeletEvent(
      pod,
      svc.appContainer,
      'Pulled',
      `Container image "${image}" already present on machine`,
      ago(since - 5),
      { last: ago(30), count },
    ),
    kubeletEvent(pod, svc.appContainer, 'Failed', `Error: ${error}`, ago(since - 5), {
      last: ago(30),
      count,
    }),
  ];
}

function addSecretEnv(svc: AmlServiceObjects, env: K8sObject): void {
  for (const spec of [
    svc.deployment.spec.template.spec,
    svc.replicaSet.spec.template.spec,
    ...svc.pods.map((p) => p.spec),
  ]) {
    spec.containers[0].env.push(env);
  }
}

export function configCases(): NamedFixture[] {
  const out: NamedFixture[] = [];
  {
    const svc = service({ flavor: 'v1', name: 'claims-model', createdAt: ago(1210) });
    const cm = svc.configMap!.metadata.name as string;
    const pod = configBlocked(svc, 1200, `configmap "${cm}" not found`);
    svc.configMap = undefined;
    out.push({
      name: 'ContainerConfigError.MissingConfigMap.v1-init-config-deleted',
      objects: [...objectsOf(svc), ...configEvents(svc, pod, 1200, `configmap "${cm}" not found`, 101)],
      meta: metaOf(svc),
      expected: {
        description: 'the v1 InitContainerConfig ConfigMap was deleted with a half-finished service delete',
        status: 'Failed',
        root: { code: 'ContainerConfigError', detail: 'MissingConfigMap', evidenceIncludes: 'not found' },
      },
    });
  }
  {
    const svc = service({ flavor: 'v1', name: 'pricing', createdAt: ago(400) });
    const cm = svc.configMap!;
    const pod = configBlocked(svc, 390);
    cm.data = { InitContainerConfigV2: cm.data.InitContainerConfig };
    const error = `couldn't find key InitContainerConfig in ConfigMap ${svc.namespace}/${cm.metadata.name}`;
    out.push({
      name: 'ContainerConfigError.MissingConfigMap.v1-key-missing-empty-waiting-message',
      objects: [...objectsOf(svc), ...configEvents(svc, pod, 390, error, 30)],
      meta: metaOf(svc),
      expected: {
        description:
          'ConfigMap exists but lacks the InitContainerConfig key; the waiting message is empty, the event names it',
        status: 'Failed',
        root: {
          code: 'ContainerConfigError',
          detail: 'MissingConfigMap',
          evidenceIncludes: "couldn't find key InitContainerConfig",
        },
      },
    });
  }
  {
    const svc = service({ flavor: 'v2', name: 'blue', endpoint: 'fraud-scorer', createdAt: ago(700) });
    const secret = 'fraud-scorer-blue-appinsights';
    addSecretEnv(svc, {
      name: 'APPLICATIONINSIGHTS_CONNECTION_STRING',
      valueFrom: { secretKeyRef: { key: 'connection-string', name: secret } },
    });
    const pod = configBlocked(svc, 690, `secret "${secret}" not found`);
    out.push({
      name: 'ContainerConfigError.MissingSecret.v2-secret-not-found',
      objects: [...objectsOf(svc), ...configEvents(svc, pod, 690, `secret "${secret}" not found`, 58)],
      meta: metaOf(svc),
      expected: {
        description: 'the App Insights connection-string secret the container env references does not exist',
        status: 'Failed',
        root: { code: 'ContainerConfigError', detail: 'MissingSecret', evidenceIncludes: secret },
      },
    });
  }
  {
    const svc = service({ flavor: 'v1', name: 'forecast', createdAt: ago(500) });
    const secret = 'forecast-db-credentials';
    addSecretEnv(svc, {
      name: 'DB_PASSWORD',
      valueFrom: { secretKeyRef: { key: 'password', name: secret } },
    });
    const error = `couldn't find key password in Secret ${svc.namespace}/${secret}`;
    const pod = configBlocked(svc, 480, error);
    out.push({
      name: 'ContainerConfigError.MissingSecret.v1-key-missing',
      objects: [...objectsOf(svc), ...configEvents(svc, pod, 480, error, 40)],
      meta: metaOf(svc),
      expected: {
        description: 'the secret exists but has no "password" key',
        status: 'Failed',
        root: {
          code: 'ContainerConfigError',
          detail: 'MissingSecret',
          evidenceIncludes: "couldn't find key password",
        },
      },
    });
  }
  {
    // The ConfigMap was missing for a few seconds at creation; it exists now and the kubelet will pick it up.
    const svc = service({ flavor: 'v1', name: 'segmenter', createdAt: ago(20) });
    const cm = svc.configMap!.metadata.name as string;
    const pod = configBlocked(svc, 15, `configmap "${cm}" not found`);
    svc.configMap!.metadata.creationTimestamp = ago(3);
    out.push({
      name: 'nearmiss.ContainerConfigError.MissingConfigMap.created-since',
      objects: [...objectsOf(svc), ...configEvents(svc, pod, 15, `configmap "${cm}" not found`, 2)],
      meta: metaOf(svc),
      expected: {
        description:
          'CreateContainerConfigError 10 s ago, but the ConfigMap exists in the snapshot: the next kubelet sync starts the container',
        status: 'Progressing',
        absent: [{ code: 'ContainerConfigError' }],
      },
    });
  }
  {
    const svc = service({ flavor: 'v2', name: 'green', endpoint: 'recsys', createdAt: ago(9000) });
    const secret = 'recsys-green-appinsights';
    addSecretEnv(svc, {
      name: 'APPLICATIONINSIGHTS_CONNECTION_STRING',
      valueFrom: { secretKeyRef: { key: 'connection-string', name: secret } },
    });
    const pod = svc.pods[0]!;
    scheduledAt(pod, ago(8990), ago(8989), 400);
    const events = configEvents(svc, pod, 8980, `secret "${secret}" not found`, 12).map((e) => ({
      ...e,
      lastTimestamp: ago(8650),
    }));
    out.push({
      name: 'nearmiss.ContainerConfigError.MissingSecret.recovered-hours-ago',
      objects: [...objectsOf(svc), ...events],
      meta: metaOf(svc),
      expected: {
        description:
          'the secret was created 2.5 h ago after a few failures; the pod has been Running and Ready since',
        status: 'Healthy',
        absent: [{ code: 'ContainerConfigError' }],
      },
    });
  }
  return out;
}
