/**
 * FrontendUnhealthy, NodeFailure, DeploymentHung and ClusterUnreachable fixtures, with their near-misses.
 * Node conditions and eviction texts are the kubelet's and node controller's own wordings; the azureml-fe objects
 * follow the v1 attach (namespace `default`) and the v2 extension (namespace `azureml`, HA anti-affinity).
 */
import { at, event, markNotReady, type AmlServiceObjects, type K8sObject } from '../kit.js';
import { joinLog, v1Boot } from './initLogs.js';
import type { NamedFixture } from '../write.js';
import {
  ago,
  kubeletEvent,
  metaOf,
  notStarted,
  objectsOf,
  service,
  stuck,
  unscheduled,
  WORKSPACE,
  NOW,
} from './podShapes.js';
import {
  clusterNode,
  containerId,
  frontEnd,
  frontEndObjects,
  frontEndUnavailable,
  initState,
  V2_INIT,
} from './platformShapes.js';

function nodes(n: number, overrides: Record<number, Record<string, string>> = {}, since = 0): K8sObject[] {
  return Array.from({ length: n }, (_, i) => clusterNode(i, overrides[i] ?? {}, since));
}

function v1Ready(name: string, createdAgo: number): AmlServiceObjects {
  return service({ flavor: 'v1', name, createdAt: ago(createdAgo) });
}

// ---------------------------------------------------------------- FrontendUnhealthy

function frontendFixtures(): NamedFixture[] {
  const out: NamedFixture[] = [];
  {
    const svc = v1Ready('fraud-scorer', 1900);
    const fe = frontEnd({
      flavor: 'v1',
      replicas: 1,
      createdAt: ago(86400 * 30),
      pods: [
        (pod) => {
          markNotReady(pod, ago(1850), ['azureml-fe']);
          const cs = pod.status.containerStatuses[0];
          cs.restartCount = 11;
          cs.state = {
            waiting: {
              message: `back-off 5m0s restarting failed container=azureml-fe pod=${pod.metadata.name}_default(${pod.metadata.uid})`,
              reason: 'CrashLoopBackOff',
            },
          };
          cs.lastState = {
            terminated: {
              containerID: containerId(pod.metadata.name + 'l'),
              exitCode: 2,
              finishedAt: ago(140),
              reason: 'Error',
              startedAt: ago(146),
            },
          };
        },
      ],
    });
    frontEndUnavailable(fe, 0, ago(1850));
    const fePod = fe.pods[0]!;
    const feLog = [
      '2024-05-14T10:27:34.118Z INFO  azureml-fe starting, version 1.52.0',
      '2024-05-14T10:27:34.409Z INFO  Loading dynamic configuration from storage',
      `2024-05-14T10:27:39.927Z ERROR Failed to refresh configuration from https://contosoml1234.blob.core.windows.net/azureml-fe/config.json?sv=2019-02-02&sr=b&sig=c2VjcmV0c2lnbmF0dXJlMTIzNDU2Nzg5MA%3D%3D: dial tcp: lookup contosoml1234.blob.core.windows.net on 10.0.0.10:53: no such host`,
      '2024-05-14T10:27:39.928Z FATAL cannot start without configuration, exiting',
    ].join('\n');
    out.push({
      name: 'FrontendUnhealthy.none.v1-fe-crashloop',
      objects: [
        ...objectsOf(svc),
        ...frontEndObjects(fe),
        kubeletEvent(
          fePod,
          'azureml-fe',
          'BackOff',
          `Back-off restarting failed container azureml-fe in pod ${fePod.metadata.name}_default(${fePod.metadata.uid})`,
          ago(1800),
          { last: ago(20), count: 140, type: 'Warning' },
        ),
      ],
      logs: { [`${fePod.metadata.name}/azureml-fe.previous`]: feLog + '\n' },
      service: { name: 'fraud-scorer', state: 'Transitioning' },
      meta: metaOf(svc),
      expected: {
        description:
          'service pods Ready, Azure ML says Transitioning: the v1 router crash-loops (cannot resolve the storage account)',
        status: 'Failed',
        root: { code: 'FrontendUnhealthy', detail: null, evidenceIncludes: 'no such host' },
      },
    });
  }
  {
    const svc = service({ flavor: 'v2', name: 'blue', endpoint: 'fraud-endpoint', createdAt: ago(2600) });
    const msg =
      "0/1 nodes are available: 1 node(s) didn't match pod anti-affinity rules. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.";
    const fe = frontEnd({
      flavor: 'v2',
      replicas: 3,
      createdAt: ago(3000),
      pods: [
        () => undefined,
        (pod) => unscheduled(pod, ago(2995), msg),
        (pod) => unscheduled(pod, ago(2994), msg),
      ],
    });
    fe.pods[0]!.spec.nodeName = clusterNode(0).metadata.name;
    frontEndUnavailable(fe, 1, ago(2935));
    out.push({
      name: 'FrontendUnhealthy.none.v2-ha-anti-affinity-single-node',
      objects: [
        ...objectsOf(svc),
        ...frontEndObjects(fe),
        ...nodes(1),
        event({
          object: fe.pods[1]!,
          reason: 'FailedScheduling',
          message: msg,
          first: ago(2995),
          last: ago(95),
          count: 48,
        }),
        event({
          object: fe.pods[2]!,
          reason: 'FailedScheduling',
          message: msg,
          first: ago(2994),
          last: ago(94),
          count: 48,
        }),
      ],
      meta: metaOf(svc),
      expected: {
        description:
          'extension installed with inference router HA on a 1-node cluster: 2 of 3 azureml-fe-v2 replicas Pending',
        status: 'Failed',
        root: { code: 'FrontendUnhealthy', detail: null, evidenceIncludes: 'anti-affinity' },
      },
    });
  }
  {
    const svc = v1Ready('credit-risk', 1300);
    const fe = frontEnd({
      flavor: 'v1',
      replicas: 2,
      createdAt: ago(1400),
      pods: [(pod) => notStarted(pod, ago(1390)), (pod) => notStarted(pod, ago(1389))],
    });
    frontEndUnavailable(fe, 0, ago(1390));
    const mountEvents = fe.pods.map((p) =>
      event({
        object: p,
        reason: 'FailedMount',
        message: 'MountVolume.SetUp failed for volume "azuremlfessl" : secret "azuremlfessl" not found',
        first: ago(1388),
        last: ago(60),
        count: 31,
        component: 'kubelet',
      }),
    );
    out.push({
      name: 'FrontendUnhealthy.none.v1-tls-secret-missing',
      objects: [...objectsOf(svc), ...frontEndObjects(fe), ...mountEvents],
      service: { name: 'credit-risk', state: 'Transitioning' },
      meta: metaOf(svc),
      expected: {
        description:
          'the cluster was re-attached with SSL but the azuremlfessl secret is missing: azureml-fe never starts',
        status: 'Failed',
        root: { code: 'FrontendUnhealthy', detail: null, evidenceIncludes: 'azuremlfessl' },
        absent: [{ code: 'ContainerConfigError' }, { code: 'ModelMountFailure' }],
      },
    });
  }
  {
    const svc = service({ flavor: 'v2', name: 'green', endpoint: 'churn-endpoint', createdAt: ago(5000) });
    const fe = frontEnd({
      flavor: 'v2',
      replicas: 3,
      createdAt: ago(86400 * 10),
      pods: [
        undefined,
        (pod) => {
          const cs = pod.status.containerStatuses[0];
          cs.restartCount = 3;
          cs.lastState = {
            terminated: {
              containerID: containerId(pod.metadata.name + 'r'),
              exitCode: 137,
              finishedAt: ago(310),
              reason: 'OOMKilled',
              startedAt: ago(4000),
            },
          };
          cs.state = { running: { startedAt: ago(300) } };
          for (const c of pod.status.conditions)
            if (c.type === 'Ready' || c.type === 'ContainersReady') c.lastTransitionTime = ago(270);
        },
      ],
    });
    out.push({
      name: 'nearmiss.FrontendUnhealthy.none.one-replica-restarting',
      objects: [...objectsOf(svc), ...frontEndObjects(fe), ...nodes(3)],
      meta: metaOf(svc),
      expected: {
        description:
          'one of three azureml-fe-v2 replicas restarted 5 min ago and is Ready again; the router stayed Available',
        status: 'Healthy',
        absent: [{ code: 'FrontendUnhealthy' }],
      },
    });
  }
  return out;
}

// ---------------------------------------------------------------- NodeFailure

/** An evicted pod object as the kubelet leaves it: phase Failed, reason Evicted, containers terminated. */
function evicted(pod: K8sObject, message: string, when: number): void {
  pod.status.phase = 'Failed';
  pod.status.reason = 'Evicted';
  pod.status.message = message;
  for (const c of pod.status.conditions) {
    if (c.type === 'Ready' || c.type === 'ContainersReady') {
      c.status = 'False';
      c.reason = 'PodFailed';
      c.lastTransitionTime = ago(when);
    }
  }
  for (const cs of pod.status.containerStatuses) {
    cs.ready = false;
    cs.started = false;
    cs.state = {
      terminated: {
        containerID: cs.containerID,
        exitCode: 137,
        finishedAt: ago(when),
        reason: 'ContainerStatusUnknown',
        startedAt: ago(when + 3000),
      },
    };
  }
}

/** A replacement pod of the same ReplicaSet that cannot be scheduled. */
function replacement(svc: AmlServiceObjects, suffix: string, created: number, message: string): K8sObject {
  const pod = structuredClone(svc.pods[0]!);
  pod.metadata.name = `${svc.replicaSet.metadata.name}-${suffix}`;
  pod.metadata.uid = `${pod.metadata.uid.slice(0, -5)}${suffix}`;
  pod.status = { phase: 'Pending', qosClass: 'Guaranteed' };
  unscheduled(pod, ago(created), message);
  return pod;
}

function nodeFixtures(): NamedFixture[] {
  const out: NamedFixture[] = [];
  {
    const svc = v1Ready('demand-forecast', 7200);
    const pod = svc.pods[0]!;
    const cluster = nodes(
      3,
      { 0: { Ready: 'Unknown', MemoryPressure: 'Unknown', DiskPressure: 'Unknown', PIDPressure: 'Unknown' } },
      250,
    );
    markNotReady(pod, ago(210), [svc.appContainer]);
    for (const c of pod.status.conditions) if (c.type === 'Ready') c.reason = undefined;
    markNotAvailableNow(svc, 210);
    out.push({
      name: 'NodeFailure.NotReady.v1-kubelet-stopped-posting',
      objects: [
        ...objectsOf(svc),
        ...cluster,
        event({
          object: cluster[0]!,
          reason: 'NodeNotReady',
          type: 'Normal',
          message: `Node ${cluster[0]!.metadata.name} status is now: NodeNotReady`,
          first: ago(250),
          component: 'node-controller',
        }),
        event({
          object: pod,
          reason: 'NodeNotReady',
          message: 'Node is not ready',
          first: ago(210),
          component: 'node-controller',
        }),
      ],
      meta: metaOf(svc),
      expected: {
        description:
          "the only replica's node stopped reporting 4 min ago (before the 300 s eviction); the pod is marked not Ready",
        status: 'Failed',
        root: {
          code: 'NodeFailure',
          detail: 'NotReady',
          evidenceIncludes: 'Kubelet stopped posting node status',
        },
      },
    });
  }
  {
    const svc = service({ flavor: 'v2', name: 'blue', endpoint: 'fraud-endpoint', createdAt: ago(1300) });
    const pod = svc.pods[0]!;
    const msg =
      '0/2 nodes are available: 2 node(s) had untolerated taint {node.kubernetes.io/not-ready: }. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.';
    unscheduled(pod, ago(1290), msg);
    stuck(svc, ago(1290), true);
    const cluster = nodes(2, { 0: { Ready: 'False' }, 1: { Ready: 'False' } }, 1500);
    for (const n of cluster) {
      const ready = n.status.conditions.find((c: K8sObject) => c.type === 'Ready');
      ready.message =
        'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized';
    }
    out.push({
      name: 'NodeFailure.NotReady.v2-pending-all-nodes-not-ready',
      objects: [
        ...objectsOf(svc).filter((o) => o !== pod),
        pod,
        ...cluster,
        event({
          object: pod,
          reason: 'FailedScheduling',
          message: msg,
          first: ago(1290),
          last: ago(30),
          count: 26,
        }),
      ],
      meta: metaOf(svc),
      expected: {
        description:
          'both nodes NotReady (CNI not initialised after a node image upgrade): the pod is Pending on the not-ready taint',
        status: 'Failed',
        root: { code: 'NodeFailure', detail: 'NotReady', evidenceIncludes: 'cni plugin not initialized' },
      },
    });
  }
  {
    const svc = v1Ready('ocr-service', 20000);
    const old = svc.pods[0]!;
    const msgEvict =
      'The node was low on resource: ephemeral-storage. Threshold quantity: 12986612Ki, available: 10123452Ki. Container ocr-service was using 29360128Ki, request is 0, has larger consumption of ephemeral-storage. ';
    evicted(old, msgEvict, 600);
    const sched =
      '0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/disk-pressure: }. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.';
    const repl = replacement(svc, 'x7k2p', 598, sched);
    markNotAvailableNow(svc, 600);
    const cluster = nodes(1, { 0: { DiskPressure: 'True' } }, 900);
    out.push({
      name: 'NodeFailure.DiskPressure.v1-evicted-replacement-pending',
      objects: [
        ...objectsOf(svc),
        repl,
        ...cluster,
        event({ object: old, reason: 'Evicted', message: msgEvict, first: ago(600), component: 'kubelet' }),
        event({
          object: cluster[0]!,
          reason: 'EvictionThresholdMet',
          message: 'Attempting to reclaim ephemeral-storage',
          first: ago(900),
          last: ago(600),
          count: 3,
          component: 'kubelet',
        }),
        event({
          object: repl,
          reason: 'FailedScheduling',
          message: sched,
          first: ago(598),
          last: ago(40),
          count: 12,
        }),
      ],
      meta: metaOf(svc),
      expected: {
        description:
          'the only node ran out of ephemeral storage, evicted the scoring pod, and its replacement cannot schedule',
        status: 'Failed',
        root: { code: 'NodeFailure', detail: 'DiskPressure', evidenceIncludes: 'disk-pressure' },
      },
    });
  }
  {
    const svc = service({ flavor: 'v2', name: 'green', endpoint: 'churn-endpoint', createdAt: ago(30000) });
    const rejected = svc.pods[0]!;
    evicted(rejected, 'Pod The node had condition: [DiskPressure]. ', 400);
    rejected.status.containerStatuses.forEach(
      (cs: K8sObject) => (cs.state = { waiting: { reason: 'ContainerCreating' } }),
    );
    markNotAvailableNow(svc, 1200);
    const cluster = nodes(2, { 0: { DiskPressure: 'True' }, 1: { DiskPressure: 'True' } }, 1300);
    const sched =
      '0/2 nodes are available: 2 node(s) had untolerated taint {node.kubernetes.io/disk-pressure: }. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.';
    const repl = replacement(svc, 'q4m8z', 398, sched);
    out.push({
      name: 'NodeFailure.DiskPressure.v2-admission-rejected',
      objects: [
        ...objectsOf(svc),
        repl,
        ...cluster,
        event({
          object: rejected,
          reason: 'Evicted',
          message: 'The node had condition: [DiskPressure]. ',
          first: ago(400),
          component: 'kubelet',
        }),
        event({
          object: repl,
          reason: 'FailedScheduling',
          message: sched,
          first: ago(398),
          last: ago(25),
          count: 9,
        }),
      ],
      meta: metaOf(svc),
      expected: {
        description:
          'a pod admitted onto a node that had just hit DiskPressure is rejected; both nodes are out of disk',
        status: 'Failed',
        root: { code: 'NodeFailure', detail: 'DiskPressure', evidenceIncludes: 'DiskPressure' },
      },
    });
  }
  {
    const svc = v1Ready('llm-summarizer', 50000);
    const old = svc.pods[0]!;
    const msgEvict =
      'The node was low on resource: memory. Threshold quantity: 100Mi, available: 72444Ki. Container llm-summarizer was using 13120512Ki, request is 524288Ki, has larger consumption of memory. ';
    evicted(old, msgEvict, 480);
    const sched =
      '0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/memory-pressure: }. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.';
    const repl = replacement(svc, 'b9t3w', 478, sched);
    markNotAvailableNow(svc, 480);
    const cluster = nodes(1, { 0: { MemoryPressure: 'True' } }, 500);
    out.push({
      name: 'NodeFailure.MemoryPressure.v1-evicted-memory',
      objects: [
        ...objectsOf(svc),
        repl,
        ...cluster,
        event({ object: old, reason: 'Evicted', message: msgEvict, first: ago(480), component: 'kubelet' }),
        event({
          object: repl,
          reason: 'FailedScheduling',
          message: sched,
          first: ago(478),
          last: ago(18),
          count: 10,
        }),
      ],
      meta: metaOf(svc),
      expected: {
        description:
          'a dev-test single node under memory pressure evicted the scoring pod (memory request far below use)',
        status: 'Failed',
        root: { code: 'NodeFailure', detail: 'MemoryPressure', evidenceIncludes: 'memory-pressure' },
        absent: [{ code: 'OutOfMemory' }],
      },
    });
  }
  {
    const svc = service({ flavor: 'v2', name: 'prod', endpoint: 'price-endpoint', createdAt: ago(40000) });
    const gone = `${svc.replicaSet.metadata.name}-h2d8s`;
    const msgEvict =
      'The node was low on resource: memory. Threshold quantity: 750Mi, available: 612304Ki. Container inference-server was using 6291456Ki, request is 2Gi, has larger consumption of memory. ';
    const sched =
      '0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/memory-pressure: }. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.';
    const repl = replacement(svc, 'r5n2c', 300, sched);
    const cluster = nodes(1, { 0: { MemoryPressure: 'True' } }, 330);
    markNotAvailableNow(svc, 300);
    const goneRef = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: gone,
        namespace: svc.namespace,
        resourceVersion: '181818',
        uid: 'c2b7e0a4-51f3-4c1b-9d6e-3a8f2e7b1c05',
      },
      spec: { nodeName: cluster[0]!.metadata.name },
    };
    out.push({
      name: 'NodeFailure.MemoryPressure.v2-evicted-pod-gone',
      objects: [
        svc.deployment,
        svc.replicaSet,
        repl,
        ...cluster,
        event({
          object: goneRef,
          reason: 'Evicted',
          message: msgEvict,
          first: ago(302),
          component: 'kubelet',
        }),
        event({
          object: repl,
          reason: 'FailedScheduling',
          message: sched,
          first: ago(300),
          last: ago(12),
          count: 7,
        }),
      ],
      meta: metaOf(svc),
      expected: {
        description:
          'the evicted pod object is already gone; only its Evicted event and the MemoryPressure taint remain',
        status: 'Failed',
        root: { code: 'NodeFailure', detail: 'MemoryPressure', evidenceIncludes: 'low on resource: memory' },
      },
    });
  }
  // Near-misses.
  {
    const svc = v1Ready('fraud-scorer', 90000);
    for (const p of svc.pods) p.spec.nodeName = clusterNode(0).metadata.name;
    const cluster = nodes(
      3,
      { 2: { Ready: 'Unknown', MemoryPressure: 'Unknown', DiskPressure: 'Unknown', PIDPressure: 'Unknown' } },
      1800,
    );
    out.push({
      name: 'nearmiss.NodeFailure.NotReady.other-node-not-ready',
      objects: [...objectsOf(svc), ...cluster],
      meta: metaOf(svc),
      expected: {
        description:
          'a node has been NotReady for 30 min but hosts nothing of this service, whose pod is Ready elsewhere',
        status: 'Healthy',
        absent: [{ code: 'NodeFailure' }],
      },
    });
  }
  {
    const svc = service({ flavor: 'v1', name: 'ocr-service', createdAt: ago(30000), replicas: 1 });
    const old = structuredClone(svc.pods[0]!);
    old.metadata.name = `${svc.replicaSet.metadata.name}-z8p4d`;
    old.metadata.uid = '7e2b9c1a-04d5-4f3e-8a6b-1c9d0e2f3a4b';
    evicted(
      old,
      'The node was low on resource: ephemeral-storage. Threshold quantity: 12986612Ki, available: 9384Ki. ',
      3 * 3600,
    );
    const cluster = nodes(1);
    out.push({
      name: 'nearmiss.NodeFailure.DiskPressure.old-eviction-recovered',
      objects: [...objectsOf(svc), old, ...cluster],
      meta: metaOf(svc),
      expected: {
        description:
          'a pod was evicted for disk 3 h ago; the node recovered and the replacement has been Ready since',
        status: 'Healthy',
        absent: [{ code: 'NodeFailure' }],
      },
    });
  }
  {
    const svc = service({ flavor: 'v2', name: 'blue', endpoint: 'reco-endpoint', createdAt: ago(20000) });
    const cluster = nodes(3, { 1: { MemoryPressure: 'True' } }, 700);
    for (const p of svc.pods) p.spec.nodeName = cluster[0]!.metadata.name;
    out.push({
      name: 'nearmiss.NodeFailure.MemoryPressure.pressure-on-another-node',
      objects: [...objectsOf(svc), ...cluster],
      meta: metaOf(svc),
      expected: {
        description: 'MemoryPressure on a node that hosts nothing of this deployment',
        status: 'Healthy',
        absent: [{ code: 'NodeFailure' }],
      },
    });
  }
  return out;
}

/** The Deployment lost its only ready replica `seconds` ago and is not complete. */
function markNotAvailableNow(svc: AmlServiceObjects, seconds: number): void {
  stuck(svc, ago(seconds), false);
}

// ---------------------------------------------------------------- DeploymentHung

function hungFixtures(): NamedFixture[] {
  const out: NamedFixture[] = [];
  {
    const svc = service({ flavor: 'v1', name: 'legal-ner', createdAt: ago(7200) });
    notStarted(svc.pods[0]!, ago(7196));
    stuck(svc, ago(7196), true);
    out.push({
      name: 'DeploymentHung.none.v1-containercreating-events-expired',
      objects: [...objectsOf(svc), ...nodes(3)],
      meta: metaOf(svc),
      expected: {
        description:
          'pod in ContainerCreating for 2 h, events long expired: deadline exceeded and nothing else to go on',
        status: 'Hung',
        root: { code: 'DeploymentHung', detail: null, evidenceIncludes: 'ProgressDeadlineExceeded' },
      },
    });
  }
  {
    const svc = service({ flavor: 'v2', name: 'large', endpoint: 'llm-endpoint', createdAt: ago(1700) });
    svc.deployment.spec.progressDeadlineSeconds = 3600;
    const pod = svc.pods[0]!;
    initState(pod, { running: { startedAt: ago(1680) } }, { createdAt: ago(1696) });
    stuck(svc, ago(1696), false);
    const log = [
      `${at(ago(1678), 0).replace('T', ' ').replace('Z', ',201')} INFO Downloading 38 files (61.4 GB) to /var/azureml-app/azureml-models/llm/1`,
      `${at(ago(1500), 0).replace('T', ' ').replace('Z', ',877')} INFO Downloaded 9/38 files (14.2 GB)`,
      `${at(ago(1320), 0).replace('T', ' ').replace('Z', ',530')} INFO Downloaded 10/38 files (15.9 GB)`,
    ].join('\n');
    out.push({
      name: 'DeploymentHung.none.v2-model-download-stalled',
      objects: [...objectsOf(svc), ...nodes(2)],
      logs: { [`${pod.metadata.name}/${V2_INIT}`]: log + '\n' },
      meta: metaOf(svc),
      expected: {
        description:
          'storage initializer running for 28 min, no progress in its log for 22 min; deadline 1 h so Kubernetes has not flagged it yet',
        status: 'Hung',
        root: { code: 'DeploymentHung', detail: null, evidenceIncludes: 'running for' },
        absent: [{ code: 'ModelDownloadFailure' }],
      },
    });
  }
  {
    const svc = v1Ready('invoice-parser', 2700);
    const fe = frontEnd({ flavor: 'v1', replicas: 1, createdAt: ago(86400 * 40) });
    out.push({
      name: 'DeploymentHung.none.v1-service-timed-out-pods-ready',
      objects: [...objectsOf(svc), ...frontEndObjects(fe)],
      service: {
        name: 'invoice-parser',
        state: 'Unhealthy',
        error: {
          code: 'DeploymentTimedOut',
          statusCode: 504,
          message: `Timed out waiting for AKS deployment to complete. pollTimeout : 00:20:00 serviceName: invoice-parser serviceId: 3f2a9c1e-7b4d-4e8a-9c0f-1d2e3f4a5b6c`,
        },
      },
      meta: metaOf(svc),
      expected: {
        description:
          'Kubernetes completed the rollout and the router is fine, yet Azure ML timed out: nothing definitive to blame',
        status: 'Hung',
        root: { code: 'DeploymentHung', detail: null, evidenceIncludes: 'DeploymentTimedOut' },
        absent: [{ code: 'FrontendUnhealthy' }],
      },
    });
  }
  {
    const svc = service({ flavor: 'v1', name: 'sentiment-v1', createdAt: ago(180) });
    const pod = svc.pods[0]!;
    pod.metadata.creationTimestamp = ago(176);
    pod.status.startTime = ago(176);
    markNotReady(pod, ago(176), [svc.appContainer]);
    pod.status.containerStatuses[0].state = { running: { startedAt: ago(150) } };
    for (const c of pod.status.conditions)
      if (c.type === 'PodScheduled' || c.type === 'Initialized') c.lastTransitionTime = ago(176);
    stuck(svc, ago(176), false);
    out.push({
      name: 'nearmiss.DeploymentHung.none.rollout-3min-in',
      objects: [...objectsOf(svc)],
      logs: {
        [`${pod.metadata.name}/${svc.appContainer}`]: joinLog(v1Boot({ start: ago(150), during: [] })),
      },
      meta: metaOf(svc),
      expected: {
        description: 'a v1 rollout 3 min in, init() running for 2.5 min (liveness initial delay is 310 s)',
        status: 'Progressing',
        absent: [{ code: 'DeploymentHung' }],
      },
    });
  }
  {
    const svc = service({ flavor: 'v1', name: 'churn-predictor', createdAt: ago(86400) });
    const d = svc.deployment;
    d.metadata.generation = 2;
    d.spec.paused = true;
    d.status.observedGeneration = 2;
    d.status.updatedReplicas = 0;
    d.status.conditions[1] = {
      lastTransitionTime: ago(7200),
      lastUpdateTime: ago(7200),
      message: 'Deployment is paused',
      reason: 'DeploymentPaused',
      status: 'Unknown',
      type: 'Progressing',
    };
    out.push({
      name: 'nearmiss.DeploymentHung.none.paused-rollout',
      objects: [...objectsOf(svc)],
      meta: metaOf(svc),
      expected: {
        description:
          'an operator paused the Deployment 2 h ago mid-update; the old replica serves. Paused is not hung',
        status: 'Progressing',
        absent: [{ code: 'DeploymentHung' }],
      },
    });
  }
  {
    const svc = service({ flavor: 'v2', name: 'canary', endpoint: 'reco-endpoint', createdAt: ago(5000) });
    const d = svc.deployment;
    stuck(svc, ago(4000), true);
    d.metadata.generation = 3;
    d.status.observedGeneration = 2;
    out.push({
      name: 'nearmiss.DeploymentHung.none.new-spec-not-yet-observed',
      objects: [...objectsOf(svc)],
      meta: metaOf(svc),
      expected: {
        description:
          'the deadline-exceeded condition belongs to generation 2; generation 3 was just applied and not observed yet',
        status: 'Progressing',
        absent: [{ code: 'DeploymentHung' }],
      },
    });
  }
  return out;
}

// ---------------------------------------------------------------- ClusterUnreachable

const SERVER = 'https://contoso-aks-4f2a1b7c.hcp.westeurope.azmk8s.io:443';

function unreachable(
  name: string,
  kind: 'Unauthorized' | 'Forbidden' | 'Timeout',
  message: string,
  description: string,
  svcName: string,
  withService = false,
): NamedFixture {
  return {
    name,
    objects: [],
    ...(withService ? { service: { name: svcName, state: 'Transitioning' } } : {}),
    meta: {
      service: svcName,
      namespace: `azureml-${WORKSPACE}`,
      workspace: WORKSPACE,
      capturedAt: NOW,
      clusterError: { kind, message },
    },
    expected: { description, status: 'Unknown', root: { code: 'ClusterUnreachable', detail: kind } },
  };
}

function clusterFixtures(): NamedFixture[] {
  const out: NamedFixture[] = [
    unreachable(
      'ClusterUnreachable.Unauthorized.expired-token',
      'Unauthorized',
      `GET ${SERVER}/api/v1/namespaces/azureml-${WORKSPACE}/pods: 401 Unauthorized: {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}`,
      "the kubeconfig's token expired",
      'fraud-scorer',
    ),
    unreachable(
      'ClusterUnreachable.Unauthorized.local-accounts-disabled',
      'Unauthorized',
      `401 Unauthorized from ${SERVER} (request sent with Authorization: Bearer eyJhbGciOiJSUzI1NiIsImtpZCI6IjRmMmExYjdjIn0.eyJzdWIiOiJjbHVzdGVyVXNlciJ9.c2lnbmF0dXJlMTIzNDU2Nzg5): static credentials are rejected since local accounts were disabled`,
      'static credentials after --disable-local-accounts; the bearer token in the message must be redacted',
      'credit-risk',
      true,
    ),
    unreachable(
      'ClusterUnreachable.Forbidden.service-account-lacks-list',
      'Forbidden',
      `pods is forbidden: User "system:serviceaccount:amlmon:amlmon-reader" cannot list resource "pods" in API group "" in the namespace "azureml-${WORKSPACE}"`,
      'the monitor service account has no RoleBinding/ClusterRoleBinding',
      'demand-forecast',
    ),
    unreachable(
      'ClusterUnreachable.Forbidden.entra-identity-no-role',
      'Forbidden',
      'namespaces is forbidden: User "5f1c0b7e-3a52-4c1e-9a87-2d6a1f0e4b21" cannot list resource "namespaces" in API group "" at the cluster scope: User does not have access to the resource in Azure. Update role assignment to allow access.',
      "Azure RBAC for Kubernetes: the Function's managed identity has no AKS RBAC role",
      'ocr-service',
      true,
    ),
    unreachable(
      'ClusterUnreachable.Timeout.authorized-ip-ranges',
      'Timeout',
      `connect ETIMEDOUT 20.73.12.45:443 (${SERVER}/api/v1/namespaces/azureml-${WORKSPACE}/pods)`,
      "the API server only admits authorized IP ranges that do not include the Function's outbound IPs",
      'legal-ner',
    ),
    unreachable(
      'ClusterUnreachable.Timeout.private-cluster',
      'Timeout',
      'request to https://contoso-aks-4f2a1b7c.privatelink.westeurope.azmk8s.io:443/apis/apps/v1/namespaces/azureml-contoso-ml/deployments timed out after 30000 ms',
      'a private cluster the monitor has no network path to',
      'invoice-parser',
    ),
  ];
  const gapCase = (name: string, gap: string, description: string): NamedFixture => {
    const svc = v1Ready('price-model', 9000);
    return {
      name,
      objects: objectsOf(svc),
      meta: { ...metaOf(svc), gaps: [gap] },
      expected: { description, status: 'Healthy', absent: [{ code: 'ClusterUnreachable' }] },
    };
  };
  const podName = service({ flavor: 'v1', name: 'price-model', createdAt: ago(9000) }).pods[0]!.metadata
    .name as string;
  out.push(
    gapCase(
      'nearmiss.ClusterUnreachable.Forbidden.events-forbidden-gap',
      'events: 403 Forbidden (the identity lacks list on events)',
      'one resource kind forbidden is a gap, not an unreachable cluster',
    ),
    gapCase(
      'nearmiss.ClusterUnreachable.Unauthorized.one-log-unauthorized-gap',
      `logs: 401 Unauthorized reading pod/${podName}/container/price-model (kubelet proxy)`,
      'one log read refused is a gap',
    ),
    gapCase(
      'nearmiss.ClusterUnreachable.Timeout.log-read-timeout-gap',
      `logs: timed out after 10 s reading pod/${podName}/container/price-model`,
      'one slow log read is a gap',
    ),
  );
  return out;
}

export function clusterLevelFixtures(): NamedFixture[] {
  return [...frontendFixtures(), ...nodeFixtures(), ...hungFixtures(), ...clusterFixtures()];
}
