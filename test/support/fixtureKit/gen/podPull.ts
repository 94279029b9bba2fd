/** ImagePullFailure fixtures: containerd and Docker-era kubelet wordings, v1 and v2, plus near-misses. */
import type { AmlServiceObjects, K8sObject } from '../kit.js';
import type { NamedFixture } from '../write.js';
import {
  ago,
  containerStatus,
  imageOf,
  kubeletEvent,
  metaOf,
  notStarted,
  objectsOf,
  scheduledAt,
  service,
  stuck,
} from './podShapes.js';

/** A deployment whose app container waits in `reason` with `message`, since `since` seconds ago. */
function pulling(flavor: 'v1' | 'v2', name: string, since: number, endpoint?: string) {
  const svc = service({ flavor, name, endpoint, createdAt: ago(since + 3) });
  const pod = svc.pods[0]!;
  notStarted(pod, ago(since), { initDone: true });
  stuck(svc, ago(since), since > 600);
  return { svc, pod, app: svc.appContainer, image: imageOf(svc) };
}

function waitingIn(pod: K8sObject, container: string, reason: string, message?: string): void {
  containerStatus(pod, container).state = {
    waiting: { reason, ...(message !== undefined ? { message } : {}) },
  };
}

/** The kubelet's event sequence for a failing pull: Pulling, Failed (detail), Failed (Error: ErrImagePull), BackOff. */
function pullEvents(
  pod: K8sObject,
  c: string,
  image: string,
  detail: string,
  since: number,
  count: number,
): K8sObject[] {
  return [
    kubeletEvent(pod, c, 'Pulling', `Pulling image "${image}"`, ago(since - 2), { last: ago(40), count }),
    kubeletEvent(pod, c, 'Failed', `Failed to pull image "${image}": ${detail}`, ago(since - 3), {
      last: ago(39),
      count,
    }),
    kubeletEvent(pod, c, 'Failed', 'Error: ErrImagePull', ago(since - 3), { last: ago(39), count }),
    kubeletEvent(pod, c, 'BackOff', `Back-off pulling image "${image}"`, ago(since - 10), {
      last: ago(12),
      count: count * 3,
    }),
    kubeletEvent(pod, c, 'Failed', 'Error: ImagePullBackOff', ago(since - 10), {
      last: ago(12),
      count: count * 3,
    }),
  ];
}

function acrHost(svc: AmlServiceObjects): string {
  return imageOf(svc).split('/')[0]!;
}

function ref(image: string): string {
  return image.includes(':') ? image : `${image}:latest`;
}

function triggers(): NamedFixture[] {
  const out: NamedFixture[] = [];
  {
    const { svc, pod, app, image } = pulling('v1', 'churn-model', 420);
    const detail = `rpc error: code = NotFound desc = failed to pull and unpack image "${ref(image)}": failed to resolve reference "${ref(image)}": ${ref(image)}: not found`;
    waitingIn(pod, app, 'ErrImagePull', detail);
    out.push({
      name: 'ImagePullFailure.ImageNotFound.v1-containerd-not-found',
      objects: [...objectsOf(svc), ...pullEvents(pod, app, image, detail, 420, 6)],
      meta: metaOf(svc),
      expected: {
        description: 'the cached environment image was purged from the workspace ACR (containerd wording)',
        status: 'Failed',
        root: { code: 'ImagePullFailure', detail: 'ImageNotFound', evidenceIncludes: 'not found' },
      },
    });
  }
  {
    const { svc, pod, app, image } = pulling('v2', 'blue', 900, 'fraud-scorer');
    const detail = `rpc error: code = Unknown desc = Error response from daemon: manifest for ${ref(image)} not found: manifest unknown: manifest unknown`;
    waitingIn(pod, app, 'ImagePullBackOff', `Back-off pulling image "${image}"`);
    out.push({
      name: 'ImagePullFailure.ImageNotFound.v2-docker-manifest-unknown',
      objects: [...objectsOf(svc), ...pullEvents(pod, app, image, detail, 900, 11)],
      meta: metaOf(svc),
      expected: {
        description:
          'Docker-era node: manifest unknown; the waiting message only says Back-off, the event has the reason',
        status: 'Failed',
        root: { code: 'ImagePullFailure', detail: 'ImageNotFound', evidenceIncludes: 'manifest unknown' },
      },
    });
  }
  {
    const { svc, pod, app, image } = pulling('v1', 'loan-approval', 700);
    const host = acrHost(svc);
    const detail = `rpc error: code = Unknown desc = failed to pull and unpack image "${ref(image)}": failed to resolve reference "${ref(image)}": failed to authorize: failed to fetch oauth token: unexpected status from GET request to https://${host}/oauth2/token?scope=repository%3Aazureml%2Fazureml_${image.split('azureml_')[1]?.split(':')[0]}%3Apull&service=${host}: 401 Unauthorized`;
    // The waiting message is empty: k8sgpt drops this case; the events carry the reason.
    waitingIn(pod, app, 'ImagePullBackOff');
    out.push({
      name: 'ImagePullFailure.RegistryUnauthorized.v1-acrkey-401-empty-waiting-message',
      objects: [...objectsOf(svc), ...pullEvents(pod, app, image, detail, 700, 9)],
      meta: metaOf(svc),
      expected: {
        description:
          'the ACR admin user was disabled, so the <acr>acrkey pull secret no longer works; empty waiting message',
        status: 'Failed',
        root: {
          code: 'ImagePullFailure',
          detail: 'RegistryUnauthorized',
          evidenceIncludes: '401 Unauthorized',
        },
      },
    });
  }
  {
    const { svc, pod, app, image } = pulling('v2', 'green', 300, 'recsys');
    const host = acrHost(svc);
    const detail = `rpc error: code = Unknown desc = Error response from daemon: Get https://${host}/v2/azureml/${image.split('/azureml/')[1]?.split(':')[0]}/manifests/latest: unauthorized: authentication required`;
    waitingIn(pod, app, 'ErrImagePull', detail);
    out.push({
      name: 'ImagePullFailure.RegistryUnauthorized.v2-acr-not-attached',
      objects: [...objectsOf(svc), ...pullEvents(pod, app, image, detail, 300, 5)],
      meta: metaOf(svc),
      expected: {
        description: 'the cluster identity has no AcrPull on the workspace registry',
        status: 'Failed',
        root: {
          code: 'ImagePullFailure',
          detail: 'RegistryUnauthorized',
          evidenceIncludes: 'authentication required',
        },
      },
    });
  }
  {
    const { svc, pod, app, image } = pulling('v1', 'forecast', 1300);
    const host = acrHost(svc);
    const detail = `rpc error: code = Unknown desc = failed to pull and unpack image "${ref(image)}": failed to resolve reference "${ref(image)}": failed to do request: Head "https://${host}/v2/azureml/${image.split('/azureml/')[1]?.split(':')[0]}/manifests/latest": dial tcp: lookup ${host} on 168.63.129.16:53: no such host`;
    waitingIn(pod, app, 'ImagePullBackOff', `Back-off pulling image "${image}"`);
    out.push({
      name: 'ImagePullFailure.RegistryUnreachable.v1-private-acr-dns',
      objects: [...objectsOf(svc), ...pullEvents(pod, app, image, detail, 1300, 14)],
      meta: metaOf(svc),
      expected: {
        description: 'ACR behind a private endpoint without the privatelink DNS zone linked to the AKS VNet',
        status: 'Failed',
        root: { code: 'ImagePullFailure', detail: 'RegistryUnreachable', evidenceIncludes: 'no such host' },
      },
    });
  }
  {
    const { svc, pod, app, image } = pulling('v2', 'blue', 240, 'ocr');
    const host = acrHost(svc);
    const detail = `rpc error: code = Unknown desc = failed to pull and unpack image "${ref(image)}": failed to resolve reference "${ref(image)}": failed to do request: Head "https://${host}/v2/azureml/${image.split('/azureml/')[1]?.split(':')[0]}/manifests/latest": dial tcp 20.62.128.5:443: i/o timeout`;
    waitingIn(pod, app, 'ErrImagePull', detail);
    out.push({
      name: 'ImagePullFailure.RegistryUnreachable.v2-egress-blocked-timeout',
      objects: [...objectsOf(svc), ...pullEvents(pod, app, image, detail, 240, 3)],
      meta: metaOf(svc),
      expected: {
        description:
          'a UDR sends egress through a firewall that drops 443 to the registry: three timeouts in 4 min',
        status: 'Failed',
        root: { code: 'ImagePullFailure', detail: 'RegistryUnreachable', evidenceIncludes: 'i/o timeout' },
      },
    });
  }
  return out;
}

function nearMisses(): NamedFixture[] {
  const out: NamedFixture[] = [];
  {
    // A different, non-Azure ML deployment in the namespace cannot pull its image.
    const svc = service({ flavor: 'v1', name: 'churn-model', createdAt: ago(86400) });
    const other = structuredClone(svc.pods[0]!);
    other.metadata.name = 'metrics-exporter-6d8f7b9c5-h4k2m';
    other.metadata.uid = '3c2b1a09-8f7e-4d6c-9b5a-4f3e2d1c0b9a';
    other.metadata.labels = { app: 'metrics-exporter', 'pod-template-hash': '6d8f7b9c5' };
    other.metadata.ownerReferences = [
      {
        apiVersion: 'apps/v1',
        blockOwnerDeletion: true,
        controller: true,
        kind: 'ReplicaSet',
        name: 'metrics-exporter-6d8f7b9c5',
        uid: '5e4d3c2b-1a09-4f8e-8d7c-6b5a4f3e2d1c',
      },
    ];
    other.spec.containers = [
      {
        ...other.spec.containers[0],
        name: 'exporter',
        image: 'contosoacr4f2a.azurecr.io/tools/metrics-exporter:2.1.0',
      },
    ];
    other.status.containerStatuses = [
      {
        ...other.status.containerStatuses[0],
        name: 'exporter',
        image: 'contosoacr4f2a.azurecr.io/tools/metrics-exporter:2.1.0',
      },
    ];
    notStarted(other, ago(1200));
    const detail =
      'rpc error: code = NotFound desc = failed to pull and unpack image "contosoacr4f2a.azurecr.io/tools/metrics-exporter:2.1.0": failed to resolve reference "contosoacr4f2a.azurecr.io/tools/metrics-exporter:2.1.0": contosoacr4f2a.azurecr.io/tools/metrics-exporter:2.1.0: not found';
    waitingIn(
      other,
      'exporter',
      'ImagePullBackOff',
      'Back-off pulling image "contosoacr4f2a.azurecr.io/tools/metrics-exporter:2.1.0"',
    );
    out.push({
      name: 'nearmiss.ImagePullFailure.ImageNotFound.other-pod-same-namespace',
      objects: [
        ...objectsOf(svc),
        other,
        ...pullEvents(
          other,
          'exporter',
          'contosoacr4f2a.azurecr.io/tools/metrics-exporter:2.1.0',
          detail,
          1200,
          12,
        ),
      ],
      meta: metaOf(svc),
      expected: {
        description:
          'ImagePullBackOff on a non-Azure ML pod in the same namespace; the service itself is healthy',
        status: 'Healthy',
        absent: [{ code: 'ImagePullFailure' }],
      },
    });
  }
  {
    const { svc, pod, app, image } = pulling('v2', 'blue', 60, 'llm-chat');
    const events = [kubeletEvent(pod, app, 'Pulling', `Pulling image "${image}"`, ago(58))];
    out.push({
      name: 'nearmiss.ImagePullFailure.none.pulling-large-image-60s',
      objects: [...objectsOf(svc), ...events],
      meta: metaOf(svc),
      expected: {
        description:
          'a 9 GB image has been pulling for 60 s: Normal Pulling event, container ContainerCreating',
        status: 'Progressing',
        absent: [{ code: 'ImagePullFailure' }],
      },
    });
  }
  {
    const { svc, pod, app, image } = pulling('v1', 'ranker', 25);
    const host = acrHost(svc);
    const detail = `rpc error: code = Unknown desc = failed to pull and unpack image "${ref(image)}": failed to resolve reference "${ref(image)}": failed to do request: Head "https://${host}/v2/azureml/x/manifests/latest": dial tcp 20.62.128.5:443: i/o timeout`;
    waitingIn(pod, app, 'ErrImagePull', detail);
    const events = [
      kubeletEvent(pod, app, 'Pulling', `Pulling image "${image}"`, ago(24)),
      kubeletEvent(pod, app, 'Failed', `Failed to pull image "${image}": ${detail}`, ago(4)),
      kubeletEvent(pod, app, 'Failed', 'Error: ErrImagePull', ago(4)),
    ];
    out.push({
      name: 'nearmiss.ImagePullFailure.RegistryUnreachable.single-timeout-retrying',
      objects: [...objectsOf(svc), ...events],
      meta: metaOf(svc),
      expected: {
        description: 'one i/o timeout 4 s ago on a 25 s old pod: the kubelet retries, not yet a diagnosis',
        status: 'Progressing',
        absent: [{ code: 'ImagePullFailure' }],
      },
    });
  }
  {
    const svc = service({ flavor: 'v1', name: 'loan-approval', createdAt: ago(10800) });
    const pod = svc.pods[0]!;
    const image = imageOf(svc);
    scheduledAt(pod, ago(10790), ago(10788), 2400);
    const detail = `rpc error: code = Unknown desc = failed to pull and unpack image "${ref(image)}": failed to resolve reference "${ref(image)}": failed to authorize: failed to fetch anonymous token: unexpected status: 401 Unauthorized`;
    const events = [
      ...pullEvents(pod, svc.appContainer, image, detail, 10790, 12).map((e) => ({
        ...e,
        lastTimestamp: ago(8500),
      })),
      kubeletEvent(
        pod,
        svc.appContainer,
        'Pulled',
        `Successfully pulled image "${image}" in 41.2s (41.2s including waiting)`,
        ago(8440),
      ),
      kubeletEvent(pod, svc.appContainer, 'Created', `Created container ${svc.appContainer}`, ago(8439)),
      kubeletEvent(pod, svc.appContainer, 'Started', `Started container ${svc.appContainer}`, ago(8439)),
    ];
    out.push({
      name: 'nearmiss.ImagePullFailure.RegistryUnauthorized.recovered-after-sync-keys',
      objects: [...objectsOf(svc), ...events],
      meta: metaOf(svc),
      expected: {
        description:
          '401s three hours ago, fixed by sync-keys; the image was pulled and the pod has been Ready since',
        status: 'Healthy',
        absent: [{ code: 'ImagePullFailure' }],
      },
    });
  }
  return out;
}

export function pullCases(): NamedFixture[] {
  return [...triggers(), ...nearMisses()];
}
