/**
 * ModelMountFailure and ModelDownloadFailure fixtures. Mount: v1 `staging` volume on the blobfuse FlexVolume
 * driver (AKS ≤1.16 wordings) and on Blob CSI (kubelet/CSI rpc wordings), claim problems as the scheduler words
 * them in several Kubernetes versions. Download: the v2 storage initializer's log as the Azure Storage SDKs print
 * errors (the initializer's own log lines are synthetic, the storage error texts are real service texts).
 */
import { at, event, type AmlServiceObjects, type K8sObject } from '../kit.js';
import type { NamedFixture } from '../write.js';
import {
  ago,
  kubeletEvent,
  metaOf,
  notStarted,
  objectsOf,
  scheduledEvent,
  service,
  stuck,
  unscheduled,
} from './podShapes.js';
import { containerId, initState, manifestUrl, setManifestUrl, V2_INIT } from './platformShapes.js';

const ACCOUNT = 'contosoml1234';

/** A v1 service whose only pod is on its node but has not started: the kubelet is still mounting volumes. */
function mounting(
  name: string,
  sinceSeconds: number,
  replicas = 1,
): { svc: AmlServiceObjects; pods: K8sObject[] } {
  const svc = service({ flavor: 'v1', name, createdAt: ago(sinceSeconds + 4), replicas });
  for (const pod of svc.pods) notStarted(pod, ago(sinceSeconds));
  stuck(svc, ago(sinceSeconds), sinceSeconds > 600);
  return { svc, pods: svc.pods };
}

function pvName(svc: AmlServiceObjects): string {
  return svc.pv!.metadata.name as string;
}

/** AKS ≤1.16: the PV is a blobfuse FlexVolume instead of Blob CSI. */
function toFlexVolume(svc: AmlServiceObjects): void {
  const pv = svc.pv!;
  const secret = pv.spec.csi.nodeStageSecretRef.name as string;
  const handle = pv.spec.csi.volumeHandle as string;
  delete pv.spec.csi;
  pv.spec.flexVolume = {
    driver: 'azure/blobfuse',
    options: {
      container: 'azureml',
      mountoptions: '--file-cache-timeout-in-seconds=120',
      tmppath: `/tmp/blobfuse/${handle}`,
    },
    readOnly: true,
    secretRef: { name: secret },
  };
}

function failedMount(pod: K8sObject, message: string, first: number, last: number, count: number): K8sObject {
  return event({
    object: pod,
    reason: 'FailedMount',
    message,
    first: ago(first),
    last: ago(last),
    count,
    component: 'kubelet',
  });
}

function tokenVolume(pod: K8sObject): string {
  return `kube-api-access-${pod.metadata.name.slice(-5)}`;
}

function mountTriggers(): NamedFixture[] {
  const out: NamedFixture[] = [];
  {
    const { svc, pods } = mounting('fraud-scorer', 720);
    toFlexVolume(svc);
    const pod = pods[0]!;
    const pv = pvName(svc);
    out.push({
      name: 'ModelMountFailure.VolumeDriverError.v1-flexvolume-invalid-json',
      objects: [
        ...objectsOf(svc),
        failedMount(
          pod,
          `MountVolume.SetUp failed for volume "${pv}" : invalid character 'F' looking for beginning of value`,
          715,
          40,
          14,
        ),
        failedMount(
          pod,
          `Unable to mount volumes for pod "${pod.metadata.name}_${svc.namespace}(${pod.metadata.uid})": timeout expired waiting for volumes to attach or mount for pod "${svc.namespace}"/"${pod.metadata.name}". list of unmounted volumes=[staging]. list of unattached volumes=[staging default-token-5gz7w]`,
          600,
          60,
          5,
        ),
      ],
      meta: metaOf(svc),
      expected: {
        description:
          'AKS 1.16 blobfuse FlexVolume driver prints an error instead of JSON; the kubelet also times out, but the driver error is the cause',
        status: 'Failed',
        root: {
          code: 'ModelMountFailure',
          detail: 'VolumeDriverError',
          evidenceIncludes: "invalid character 'F' looking for beginning of value",
        },
        absent: [{ code: 'ModelMountFailure', detail: 'MountTimeout' }, { code: 'PodUnschedulable' }],
      },
    });
  }
  {
    const { svc, pods } = mounting('credit-risk', 480);
    const pod = pods[0]!;
    const pv = pvName(svc);
    out.push({
      name: 'ModelMountFailure.VolumeDriverError.v1-blobcsi-key-rotated',
      objects: [
        ...objectsOf(svc),
        failedMount(
          pod,
          `MountVolume.MountDevice failed for volume "${pv}" : rpc error: code = Internal desc = Mount failed with error: rpc error: code = Unknown desc = exit status 1 Error: failed to initialize new pipeline [failed to authenticate credentials for azstorage] , output: Please refer to http://aka.ms/blobmounterror for possible causes and solutions for mount errors.`,
          470,
          25,
          9,
        ),
        failedMount(
          pod,
          `Unable to attach or mount volumes: unmounted volumes=[staging], unattached volumes=[${tokenVolume(pod)} staging]: timed out waiting for the condition`,
          350,
          110,
          3,
        ),
      ],
      meta: metaOf(svc),
      expected: {
        description: 'Blob CSI: the storage account key was rotated, blobfuse2 cannot authenticate',
        status: 'Failed',
        root: {
          code: 'ModelMountFailure',
          detail: 'VolumeDriverError',
          evidenceIncludes: 'failed to authenticate credentials for azstorage',
        },
      },
    });
  }
  {
    const { svc, pods } = mounting('churn-predictor', 900);
    toFlexVolume(svc);
    const pod = pods[0]!;
    const pv = pvName(svc);
    out.push({
      name: 'ModelMountFailure.VolumeDriverError.v1-upgraded-no-volume-plugin',
      objects: [
        ...objectsOf(svc),
        failedMount(
          pod,
          `Unable to attach or mount volumes: unmounted volumes=[staging], unattached volumes=[staging ${tokenVolume(pod)}]: failed to get Plugin from volumeSpec for volume "${pv}" err=no volume plugin matched`,
          895,
          15,
          27,
        ),
      ],
      meta: metaOf(svc),
      expected: {
        description:
          'cluster upgraded from 1.16 to 1.18: the service still has a FlexVolume PV the nodes no longer have a plugin for',
        status: 'Failed',
        root: {
          code: 'ModelMountFailure',
          detail: 'VolumeDriverError',
          evidenceIncludes: 'no volume plugin matched',
        },
      },
    });
  }
  {
    const { svc, pods } = mounting('price-model', 300);
    const pod = pods[0]!;
    const pv = pvName(svc);
    const secret = svc.pv!.spec.csi.nodeStageSecretRef.name as string;
    out.push({
      name: 'ModelMountFailure.VolumeDriverError.v1-blobcsi-key-secret-missing',
      objects: [
        ...objectsOf(svc),
        failedMount(
          pod,
          `MountVolume.MountDevice failed for volume "${pv}" : rpc error: code = Internal desc = failed to get account key: could not get secret(${secret}): secrets "${secret}" not found`,
          295,
          30,
          7,
        ),
      ],
      meta: metaOf(svc),
      expected: {
        description: "the Blob CSI PV's nodeStageSecretRef secret (the storage key) was deleted",
        status: 'Failed',
        root: {
          code: 'ModelMountFailure',
          detail: 'VolumeDriverError',
          evidenceIncludes: `secrets "${secret}" not found`,
        },
        absent: [{ code: 'ContainerConfigError' }],
      },
    });
  }
  {
    const { svc, pods } = mounting('sentiment-v1', 400);
    toFlexVolume(svc);
    const pod = pods[0]!;
    const pv = pvName(svc);
    const dir = `/var/lib/kubelet/pods/${pod.metadata.uid}/volumes/azure~blobfuse/${pv}`;
    out.push({
      name: 'ModelMountFailure.VolumeDriverError.v1-flexvolume-fuse-allow-other',
      objects: [
        ...objectsOf(svc),
        failedMount(
          pod,
          `MountVolume.SetUp failed for volume "${pv}" : mount command failed, status: Failure, reason: Failed to mount device /dev/ at ${dir}, accountname:${ACCOUNT}, error log:Tue May 14 10:24:01 UTC 2024 EXEC: /usr/bin/blobfuse ${dir} --container-name=azureml --tmp-path=/tmp/blobfuse/${pv} -o allow_other -o ro --file-cache-timeout-in-seconds=120 fuse: allow_other only allowed if 'user_allow_other' is set in /etc/fuse.conf`,
          395,
          50,
          8,
        ),
      ],
      meta: metaOf(svc),
      expected: {
        description: 'blobfuse FlexVolume on a node whose /etc/fuse.conf lacks user_allow_other',
        status: 'Failed',
        root: {
          code: 'ModelMountFailure',
          detail: 'VolumeDriverError',
          evidenceIncludes: 'user_allow_other',
        },
      },
    });
  }
  {
    const { svc, pods } = mounting('demand-forecast', 540);
    const pod = pods[0]!;
    out.push({
      name: 'ModelMountFailure.MountTimeout.v1-blobcsi-timed-out',
      objects: [
        ...objectsOf(svc),
        failedMount(
          pod,
          `Unable to attach or mount volumes: unmounted volumes=[staging], unattached volumes=[${tokenVolume(pod)} staging]: timed out waiting for the condition`,
          410,
          45,
          4,
        ),
      ],
      meta: metaOf(svc),
      expected: {
        description: 'Blob CSI mount hangs (no driver error), the kubelet times out every ~2 min',
        status: 'Failed',
        root: {
          code: 'ModelMountFailure',
          detail: 'MountTimeout',
          evidenceIncludes: 'timed out waiting for the condition',
        },
        absent: [{ code: 'ModelMountFailure', detail: 'VolumeDriverError' }],
      },
    });
  }
  {
    const { svc, pods } = mounting('ocr-service', 1500, 2);
    const objects = [...objectsOf(svc)];
    for (const pod of pods) {
      objects.push(
        failedMount(
          pod,
          `Unable to mount volumes for pod "${pod.metadata.name}_${svc.namespace}(${pod.metadata.uid})": timeout expired waiting for volumes to attach or mount for pod "${svc.namespace}"/"${pod.metadata.name}". list of unmounted volumes=[staging]. list of unattached volumes=[staging default-token-5gz7w]`,
          1370,
          70,
          11,
        ),
      );
    }
    out.push({
      name: 'ModelMountFailure.MountTimeout.v1-legacy-kubelet-two-replicas',
      objects,
      meta: metaOf(svc),
      expected: {
        description: 'older kubelet wording, both replicas stuck for 25 min, deployment past its deadline',
        status: 'Failed',
        root: {
          code: 'ModelMountFailure',
          detail: 'MountTimeout',
          evidenceIncludes: 'list of unmounted volumes=[staging]',
        },
      },
    });
  }
  {
    const svc = service({ flavor: 'v1', name: 'legal-ner', createdAt: ago(400) });
    const pod = svc.pods[0]!;
    const msg =
      '0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.';
    unscheduled(pod, ago(396), msg);
    stuck(svc, ago(396));
    svc.pvc!.status = { phase: 'Pending' };
    delete svc.pvc!.metadata.annotations;
    // Another service's PV is there, this claim's PV is not.
    const other = service({ flavor: 'v1', name: 'other-svc', createdAt: ago(86400) });
    out.push({
      name: 'ModelMountFailure.ClaimPending.v1-pv-deleted',
      objects: [
        svc.deployment,
        svc.replicaSet,
        pod,
        svc.pvc!,
        svc.configMap!,
        other.pv!,
        event({
          object: pod,
          reason: 'FailedScheduling',
          message: msg,
          first: ago(396),
          last: ago(36),
          count: 8,
        }),
      ],
      meta: metaOf(svc),
      expected: {
        description:
          'the staging PVC is pre-bound to a PV someone deleted; the pod is Pending but the cause is the claim',
        status: 'Failed',
        root: {
          code: 'ModelMountFailure',
          detail: 'ClaimPending',
          evidenceIncludes: 'unbound immediate PersistentVolumeClaims',
        },
        absent: [{ code: 'PodUnschedulable' }],
      },
    });
  }
  {
    const svc = service({ flavor: 'v1', name: 'invoice-parser', createdAt: ago(900) });
    const pod = svc.pods[0]!;
    const claim = svc.pvc!.metadata.name as string;
    const msg = `0/3 nodes are available: persistentvolumeclaim "${claim}" not found. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.`;
    unscheduled(pod, ago(880), msg);
    stuck(svc, ago(880), true);
    out.push({
      name: 'ModelMountFailure.ClaimPending.v1-pvc-not-found',
      objects: [
        svc.deployment,
        svc.replicaSet,
        pod,
        svc.pv!,
        svc.configMap!,
        event({
          object: pod,
          reason: 'FailedScheduling',
          message: msg,
          first: ago(880),
          last: ago(20),
          count: 15,
        }),
      ],
      meta: metaOf(svc),
      expected: {
        description: 'the staging PVC was deleted; the scheduler reports it not found',
        status: 'Failed',
        root: { code: 'ModelMountFailure', detail: 'ClaimPending', evidenceIncludes: 'not found' },
        absent: [{ code: 'PodUnschedulable' }],
      },
    });
  }
  {
    const svc = service({ flavor: 'v1', name: 'image-tagger', createdAt: ago(240) });
    const pod = svc.pods[0]!;
    const msg = '0/2 nodes are available: 2 pod has unbound immediate PersistentVolumeClaims.';
    unscheduled(pod, ago(236), msg);
    stuck(svc, ago(236));
    svc.pvc!.status = { phase: 'Pending' };
    delete svc.pvc!.spec.volumeName;
    delete svc.pvc!.metadata.annotations;
    out.push({
      name: 'ModelMountFailure.ClaimPending.v1-no-matching-pv',
      objects: [
        svc.deployment,
        svc.replicaSet,
        pod,
        svc.pvc!,
        svc.configMap!,
        event({
          object: pod,
          reason: 'FailedScheduling',
          message: msg,
          first: ago(236),
          last: ago(16),
          count: 6,
        }),
        event({
          object: svc.pvc!,
          reason: 'FailedBinding',
          message: 'no persistent volumes available for this claim and no storage class is set',
          first: ago(240),
          last: ago(10),
          count: 17,
          component: 'persistentvolume-controller',
        }),
      ],
      meta: metaOf(svc),
      expected: {
        description: 'older scheduler wording; the claim has no PV and no storage class (PV never created)',
        status: 'Failed',
        root: { code: 'ModelMountFailure', detail: 'ClaimPending', evidenceIncludes: 'Pending' },
        absent: [{ code: 'PodUnschedulable' }],
      },
    });
  }
  return out;
}

function mountNearMisses(): NamedFixture[] {
  const out: NamedFixture[] = [];
  {
    const svc = service({ flavor: 'v1', name: 'fraud-scorer', createdAt: ago(1800) });
    const pod = svc.pods[0]!;
    const pv = pvName(svc);
    out.push({
      name: 'nearmiss.ModelMountFailure.VolumeDriverError.transient-then-mounted',
      objects: [
        ...objectsOf(svc),
        failedMount(
          pod,
          `MountVolume.MountDevice failed for volume "${pv}" : rpc error: code = Internal desc = Mount failed with error: context deadline exceeded, output: Please refer to http://aka.ms/blobmounterror for possible causes and solutions for mount errors.`,
          1795,
          1790,
          2,
        ),
      ],
      meta: metaOf(svc),
      expected: {
        description:
          'a driver error right after scheduling, then the mount worked and the pod has been Ready for 29 min',
        status: 'Healthy',
        absent: [{ code: 'ModelMountFailure' }],
      },
    });
  }
  {
    const svc = service({ flavor: 'v1', name: 'demand-forecast', createdAt: ago(700) });
    const pod = svc.pods[0]!;
    out.push({
      name: 'nearmiss.ModelMountFailure.MountTimeout.mounted-after-timeout',
      objects: [
        ...objectsOf(svc),
        failedMount(
          pod,
          `Unable to attach or mount volumes: unmounted volumes=[staging], unattached volumes=[${tokenVolume(pod)} staging]: timed out waiting for the condition`,
          570,
          570,
          1,
        ),
      ],
      meta: metaOf(svc),
      expected: {
        description:
          'one kubelet timeout while blobfuse started slowly; the container started afterwards and is Ready',
        status: 'Healthy',
        absent: [{ code: 'ModelMountFailure' }],
      },
    });
  }
  {
    const svc = service({ flavor: 'v1', name: 'legal-ner', createdAt: ago(1500) });
    const pod = svc.pods[0]!;
    pod.metadata.creationTimestamp = ago(1496);
    const msg =
      '0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.';
    out.push({
      name: 'nearmiss.ModelMountFailure.ClaimPending.bound-after-wait',
      objects: [
        ...objectsOf(svc),
        event({
          object: pod,
          reason: 'FailedScheduling',
          message: msg,
          first: ago(1496),
          last: ago(1490),
          count: 2,
        }),
        scheduledEvent(pod, ago(1485)),
      ],
      meta: metaOf(svc),
      expected: {
        description:
          'the PVC was bound a few seconds after the pod was created (Azure ML creates PV, PVC and Deployment together)',
        status: 'Healthy',
        absent: [{ code: 'ModelMountFailure' }, { code: 'PodUnschedulable' }],
      },
    });
  }
  return out;
}

/** A v2 deployment whose storage initializer failed; `log`/`previous` are its current/previous logs. */
function downloading(name: string, endpoint: string, sinceSeconds: number) {
  const svc = service({ flavor: 'v2', name, endpoint, createdAt: ago(sinceSeconds + 3) });
  const pod = svc.pods[0]!;
  stuck(svc, ago(sinceSeconds), sinceSeconds > 600);
  return { svc, pod, podName: pod.metadata.name as string };
}

function crashLooping(
  pod: K8sObject,
  createdAt: number,
  restarts: number,
  lastFinished: number,
  exitCode = 1,
  reason = 'Error',
): void {
  initState(
    pod,
    {
      waiting: {
        message: `back-off 2m40s restarting failed container=${V2_INIT} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
        reason: 'CrashLoopBackOff',
      },
    },
    {
      createdAt: ago(createdAt),
      restarts,
      lastState: {
        terminated: {
          containerID: containerId(pod.metadata.name + restarts),
          exitCode,
          finishedAt: ago(lastFinished),
          reason,
          startedAt: ago(lastFinished + 4),
        },
      },
    },
  );
}

function backOff(pod: K8sObject, first: number, count: number): K8sObject {
  return kubeletEvent(
    pod,
    V2_INIT,
    'BackOff',
    `Back-off restarting failed container ${V2_INIT} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
    ago(first),
    { last: ago(15), count, type: 'Warning' },
  );
}

function sdkError(
  kind: 'HttpResponseError' | 'ResourceNotFoundError',
  message: string,
  code: string,
  t: string,
): string {
  return [
    `azure.core.exceptions.${kind}: ${message}`,
    `RequestId:7c1e5a3d-b01e-0042-6f2d-a6d5b1000000`,
    `Time:${t.replace('Z', '.4415170Z')}`,
    `ErrorCode:${code}`,
    `Content: <?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}`,
    `RequestId:7c1e5a3d-b01e-0042-6f2d-a6d5b1000000`,
    `Time:${t.replace('Z', '.4415170Z')}</Message></Error>`,
  ].join('\n');
}

function initLog(lines: string[], base: number): string {
  // The initializer's logger prefixes its own lines; tracebacks and SDK error bodies are printed raw.
  const raw = (l: string) =>
    l.startsWith(' ') ||
    /^(RequestId|Time|ErrorCode|Content|Traceback|Status)\b|^[\w.]+(Error|Exception):/.test(l);
  return (
    lines
      .map((l, i) => (raw(l) ? l : `${at(ago(base), i).replace('T', ' ').replace('Z', ',113')} ${l}`))
      .join('\n') + '\n'
  );
}

function downloadTriggers(): NamedFixture[] {
  const out: NamedFixture[] = [];
  {
    const { svc, pod, podName } = downloading('blue', 'fraud-endpoint', 540);
    crashLooping(pod, 540, 5, 95);
    const blob = `https://${ACCOUNT}.blob.core.windows.net/azureml/ExperimentRun/dcid.fraud_train_1715680000_3c2d1e0f/outputs/model/model.pkl`;
    const previous = initLog(
      [
        `INFO Storage initializer starting; manifest ${manifestUrl(svc)}`,
        'INFO Acquired token from identity sidecar',
        `INFO Downloading ${blob} to /var/azureml-app/azureml-models/fraud-model/3/model.pkl`,
        `ERROR Failed to download ${blob}`,
        'Traceback (most recent call last):',
        '  File "/opt/storage-initializer/download.py", line 88, in download_blob',
        '    stream = blob_client.download_blob()',
        sdkError(
          'HttpResponseError',
          'This request is not authorized to perform this operation using this permission.',
          'AuthorizationPermissionMismatch',
          ago(99),
        ),
      ],
      100,
    );
    out.push({
      name: 'ModelDownloadFailure.StorageAccessDenied.v2-rbac-permission-mismatch',
      objects: [...objectsOf(svc), backOff(pod, 500, 21)],
      logs: { [`${podName}/${V2_INIT}.previous`]: previous, [`${podName}/${V2_INIT}`]: previous },
      meta: metaOf(svc),
      expected: {
        description: "the endpoint's identity has no Storage Blob Data Reader role on the workspace storage",
        status: 'Failed',
        root: {
          code: 'ModelDownloadFailure',
          detail: 'StorageAccessDenied',
          evidenceIncludes: 'AuthorizationPermissionMismatch',
        },
        absent: [{ code: 'CrashLoopBackOff' }],
      },
    });
  }
  {
    const { svc, pod, podName } = downloading('green', 'churn-endpoint', 260);
    initState(
      pod,
      {
        terminated: {
          containerID: containerId(podName + 'x'),
          exitCode: 1,
          finishedAt: ago(8),
          reason: 'Error',
          startedAt: ago(12),
        },
      },
      {
        createdAt: ago(260),
        restarts: 3,
        lastState: {
          terminated: {
            containerID: containerId(podName + 'y'),
            exitCode: 1,
            finishedAt: ago(70),
            reason: 'Error',
            startedAt: ago(74),
          },
        },
      },
    );
    const current = initLog(
      [
        `INFO Reading manifest ${manifestUrl(svc)}`,
        'ERROR Manifest download failed',
        'Azure.RequestFailedException: This request is not authorized to perform this operation.',
        'RequestId:0d3f6a2c-e01e-0061-1b2d-a6c7e4000000',
        'Time:2024-05-14T10:29:48.1021553Z',
        'Status: 403 (This request is not authorized to perform this operation.)',
        'ErrorCode: AuthorizationFailure',
      ],
      12,
    );
    out.push({
      name: 'ModelDownloadFailure.StorageAccessDenied.v2-storage-firewall',
      objects: [...objectsOf(svc), backOff(pod, 200, 6)],
      logs: { [`${podName}/${V2_INIT}`]: current },
      meta: metaOf(svc),
      expected: {
        description:
          "the storage account's firewall does not admit the cluster (AuthorizationFailure, .NET SDK wording)",
        status: 'Failed',
        root: {
          code: 'ModelDownloadFailure',
          detail: 'StorageAccessDenied',
          evidenceIncludes: 'AuthorizationFailure',
        },
      },
    });
  }
  {
    const { svc, pod, podName } = downloading('v3', 'ocr-endpoint', 720);
    crashLooping(pod, 720, 7, 60);
    const blob = `https://${ACCOUNT}.blob.core.windows.net/azureml/LocalUpload/5b1f0c2a/ocr_model/weights.onnx`;
    const previous = initLog(
      [
        `INFO Downloading ${blob}?sv=2021-08-06&se=2024-05-15T10%3A00%3A00Z&sr=b&sp=r&sig=q2Xv7mN0bT4kVw9e8rP1sL6yZ3aH5cJ2fG0dK7uQxYw%3D`,
        'Traceback (most recent call last):',
        '  File "/opt/storage-initializer/download.py", line 88, in download_blob',
        '    stream = blob_client.download_blob()',
        sdkError('ResourceNotFoundError', 'The specified blob does not exist.', 'BlobNotFound', ago(64)),
      ],
      65,
    );
    out.push({
      name: 'ModelDownloadFailure.BlobNotFound.v2-model-blob-deleted',
      objects: [...objectsOf(svc), backOff(pod, 650, 30)],
      logs: { [`${podName}/${V2_INIT}.previous`]: previous },
      meta: metaOf(svc),
      expected: {
        description:
          'the registered model files were deleted from the workspace blob store (SAS in the log must not leak)',
        status: 'Failed',
        root: {
          code: 'ModelDownloadFailure',
          detail: 'BlobNotFound',
          evidenceIncludes: 'LocalUpload/5b1f0c2a/ocr_model/weights.onnx',
        },
      },
    });
  }
  {
    const { svc, pod, podName } = downloading('prod', 'price-endpoint', 330);
    const sas =
      '?sv=2021-08-06&se=2024-05-14T18%3A00%3A00Z&sr=b&sp=r&sig=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZg%3D%3D';
    setManifestUrl(svc, `${manifestUrl(svc)}${sas}`);
    initState(
      pod,
      {
        terminated: {
          containerID: containerId(podName + 'm'),
          exitCode: 2,
          finishedAt: ago(20),
          reason: 'Error',
          startedAt: ago(22),
        },
      },
      {
        createdAt: ago(330),
        restarts: 4,
        lastState: {
          terminated: {
            containerID: containerId(podName + 'n'),
            exitCode: 2,
            finishedAt: ago(110),
            reason: 'Error',
            startedAt: ago(112),
          },
        },
      },
    );
    const current = initLog(
      [
        `INFO Reading manifest ${manifestUrl(svc)}`,
        `ERROR Failed to read model manifest ${manifestUrl(svc)}: HTTP 404 (The specified blob does not exist.)`,
        'ERROR Exiting with code 2',
      ],
      22,
    );
    out.push({
      name: 'ModelDownloadFailure.BlobNotFound.v2-manifest-missing',
      objects: [...objectsOf(svc), backOff(pod, 300, 8)],
      logs: { [`${podName}/${V2_INIT}`]: current },
      meta: metaOf(svc),
      expected: {
        description: "the deployment's model manifest (STORAGE_MANIFEST_URL, with a SAS) is gone",
        status: 'Failed',
        root: {
          code: 'ModelDownloadFailure',
          detail: 'BlobNotFound',
          evidenceIncludes: '_model_config_map.json_',
        },
      },
    });
  }
  {
    const { svc, pod, podName } = downloading('large', 'llm-endpoint', 900);
    crashLooping(pod, 900, 6, 130);
    const previous = initLog(
      [
        `INFO Reading manifest ${manifestUrl(svc)}`,
        'INFO Downloading 38 files (61.4 GB) to /var/azureml-app/azureml-models/llm/1',
        'INFO Downloaded 27/38 files (44.0 GB)',
        'Traceback (most recent call last):',
        '  File "/opt/storage-initializer/download.py", line 112, in write_chunk',
        '    f.write(chunk)',
        "OSError: [Errno 28] No space left on device: '/var/azureml-app/azureml-models/llm/1/model-00028-of-00038.safetensors'",
      ],
      140,
    );
    out.push({
      name: 'ModelDownloadFailure.InitContainerFailed.v2-no-space-left',
      objects: [...objectsOf(svc), backOff(pod, 800, 19)],
      logs: { [`${podName}/${V2_INIT}.previous`]: previous },
      meta: metaOf(svc),
      expected: {
        description: "a 61 GB model does not fit on the node's OS disk",
        status: 'Failed',
        root: {
          code: 'ModelDownloadFailure',
          detail: 'InitContainerFailed',
          evidenceIncludes: 'No space left on device',
        },
        absent: [
          { code: 'ModelDownloadFailure', detail: 'StorageAccessDenied' },
          { code: 'ModelDownloadFailure', detail: 'BlobNotFound' },
        ],
      },
    });
  }
  {
    const { svc, pod, podName } = downloading('canary', 'reco-endpoint', 200);
    initState(
      pod,
      {
        terminated: {
          containerID: containerId(podName + 'p'),
          exitCode: 1,
          finishedAt: ago(5),
          reason: 'Error',
          startedAt: ago(36),
        },
      },
      {
        createdAt: ago(200),
        restarts: 2,
        lastState: {
          terminated: {
            containerID: containerId(podName + 'q'),
            exitCode: 1,
            finishedAt: ago(80),
            reason: 'Error',
            startedAt: ago(111),
          },
        },
      },
    );
    const current = initLog(
      [
        'INFO Requesting token from https://amlarc-identity-proxy-service.azureml.svc.cluster.local/token',
        "WARNING Retry 1/3 after error: HTTPSConnectionPool(host='amlarc-identity-proxy-service.azureml.svc.cluster.local', port=443): Max retries exceeded with url: /token (Caused by NewConnectionError('<urllib3.connection.HTTPSConnection object at 0x7f2b>: Failed to establish a new connection: [Errno 111] Connection refused'))",
        'WARNING Retry 2/3 after error: Connection refused',
        'ERROR Failed to get token from identity sidecar after 3 attempts: [Errno 111] Connection refused',
      ],
      36,
    );
    out.push({
      name: 'ModelDownloadFailure.InitContainerFailed.v2-identity-proxy-refused',
      objects: [...objectsOf(svc)],
      logs: { [`${podName}/${V2_INIT}`]: current },
      meta: metaOf(svc),
      expected: {
        description: "the Azure ML extension's identity proxy is down, the initializer gets no storage token",
        status: 'Failed',
        root: {
          code: 'ModelDownloadFailure',
          detail: 'InitContainerFailed',
          evidenceIncludes: 'Failed to get token',
        },
      },
    });
  }
  return out;
}

function downloadNearMisses(): NamedFixture[] {
  const out: NamedFixture[] = [];
  {
    const svc = service({ flavor: 'v2', name: 'blue', endpoint: 'fraud-endpoint', createdAt: ago(2400) });
    const pod = svc.pods[0]!;
    const podName = pod.metadata.name as string;
    const init = (pod.status.initContainerStatuses as K8sObject[])[0]!;
    init.restartCount = 1;
    init.lastState = {
      terminated: {
        containerID: containerId(podName + 'old'),
        exitCode: 1,
        finishedAt: at(ago(2400), 12),
        reason: 'Error',
        startedAt: at(ago(2400), 8),
      },
    };
    const previous = initLog(
      [
        'INFO Acquired token from identity sidecar',
        sdkError(
          'HttpResponseError',
          'This request is not authorized to perform this operation using this permission.',
          'AuthorizationPermissionMismatch',
          ago(2390),
        ),
      ],
      2390,
    );
    out.push({
      name: 'nearmiss.ModelDownloadFailure.StorageAccessDenied.failed-once-then-completed',
      objects: [...objectsOf(svc)],
      logs: {
        [`${podName}/${V2_INIT}.previous`]: previous,
        [`${podName}/${V2_INIT}`]: initLog(
          [
            'INFO Downloaded 1 file(s) to /var/azureml-app/azureml-models/fraud-model/3',
            'INFO Storage initializer finished',
          ],
          2375,
        ),
      },
      meta: metaOf(svc),
      expected: {
        description:
          'the role assignment propagated after the first attempt; the second run completed and the pod is Ready',
        status: 'Healthy',
        absent: [{ code: 'ModelDownloadFailure' }],
      },
    });
  }
  {
    const svc = service({ flavor: 'v2', name: 'v3', endpoint: 'ocr-endpoint', createdAt: ago(3600) });
    const podName = svc.pods[0]!.metadata.name as string;
    const current = initLog(
      [
        `INFO Reading manifest ${manifestUrl(svc)}`,
        `WARNING Optional file https://${ACCOUNT}.blob.core.windows.net/azureml/LocalUpload/5b1f0c2a/ocr_model/README.md not found (BlobNotFound, HTTP 404); skipping`,
        'INFO Downloaded 3 file(s) to /var/azureml-app/azureml-models/ocr/2',
        'INFO Storage initializer finished',
      ],
      3590,
    );
    out.push({
      name: 'nearmiss.ModelDownloadFailure.BlobNotFound.optional-blob-404-completed',
      objects: [...objectsOf(svc)],
      logs: { [`${podName}/${V2_INIT}`]: current },
      meta: metaOf(svc),
      expected: {
        description: 'a 404 for an optional file in a storage initializer that exited 0',
        status: 'Healthy',
        absent: [{ code: 'ModelDownloadFailure' }],
      },
    });
  }
  {
    const svc = service({ flavor: 'v2', name: 'large', endpoint: 'llm-endpoint', createdAt: ago(95) });
    const pod = svc.pods[0]!;
    const podName = pod.metadata.name as string;
    initState(pod, { running: { startedAt: ago(85) } }, { createdAt: ago(92) });
    markProgressing(svc, ago(92));
    const current = initLog(
      [
        `INFO Reading manifest ${manifestUrl(svc)}`,
        'INFO Downloading 38 files (61.4 GB) to /var/azureml-app/azureml-models/llm/1',
        'INFO Downloaded 2/38 files (3.1 GB)',
      ],
      80,
    );
    out.push({
      name: 'nearmiss.ModelDownloadFailure.InitContainerFailed.download-in-progress',
      objects: [...objectsOf(svc)],
      logs: { [`${podName}/${V2_INIT}`]: current },
      meta: metaOf(svc),
      expected: {
        description: 'a large model still downloading 85 s in: the init container is running, nothing failed',
        status: 'Progressing',
        absent: [{ code: 'ModelDownloadFailure' }, { code: 'DeploymentHung' }],
      },
    });
  }
  return out;
}

/** The rollout is under way (Progressing=True, recently updated), no replica available yet. */
export function markProgressing(svc: AmlServiceObjects, since: string): void {
  stuck(svc, since, false);
}

export function volumeFixtures(): NamedFixture[] {
  return [...mountTriggers(), ...mountNearMisses(), ...downloadTriggers(), ...downloadNearMisses()];
}
