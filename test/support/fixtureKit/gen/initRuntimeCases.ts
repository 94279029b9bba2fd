/**
 * OutOfMemory, SlowInitProbeFailure, CrashLoopBackOff and ScoringRuntimeFailure fixtures and their near-misses
 * (the init group's second half; ScoringInitFailure cases are in initFailureCases.ts).
 */
import type { K8sObject } from '../kit.js';
import { at, event, hash, uid } from '../kit.js';
import type { Built, Scenario } from './initKit.js';
import {
  CAPTURED,
  addEnv,
  ago,
  crashLoop,
  logKey,
  notAvailable,
  podIp,
  restartedRunning,
  startEvents,
  starting,
} from './initKit.js';
import {
  accessTs,
  joinLog,
  pyTs,
  runitTs,
  v1Boot,
  v1Serving,
  v2Boot,
  v2InitFailed,
  v2Serving,
} from './initLogs.js';

/** Liveness/readiness events the kubelet writes for a probe that keeps failing. */
function probeEvents(
  b: Built,
  pod: K8sObject,
  opts: { kind: 'Liveness' | 'Readiness'; message: string; count: number; first: string; last: string },
): K8sObject {
  return event({
    object: pod,
    reason: 'Unhealthy',
    fieldPath: `spec.containers{${b.o.appContainer}}`,
    first: opts.first,
    last: opts.last,
    count: opts.count,
    message: `${opts.kind} probe failed: ${opts.message}`,
  });
}

function livenessKill(b: Built, pod: K8sObject, count: number, first: string, last: string): K8sObject {
  return event({
    object: pod,
    reason: 'Killing',
    type: 'Normal',
    fieldPath: `spec.containers{${b.o.appContainer}}`,
    first,
    last,
    count,
    message: `Container ${b.o.appContainer} failed liveness probe, will be restarted`,
  });
}

/** A healthy v1 azureml-fe (namespace default) whose log carries the given lines. */
function frontEnd(b: Built, logLines: string[]): void {
  const created = '2024-04-02T07:15:00Z';
  const rsName = 'azureml-fe-6d9d7b8c5';
  const podName = `${rsName}-x2k4p`;
  const labels = { app: 'azureml-fe', 'pod-template-hash': '6d9d7b8c5' };
  const container = {
    image: 'mcr.microsoft.com/azureml/azureml-fe:20240311.1',
    imagePullPolicy: 'IfNotPresent',
    name: 'azureml-fe',
    ports: [{ containerPort: 9001, name: 'http', protocol: 'TCP' }],
    resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '100m', memory: '300Mi' } },
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
  };
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      annotations: { 'deployment.kubernetes.io/revision': '1' },
      creationTimestamp: created,
      generation: 1,
      labels: { app: 'azureml-fe' },
      name: 'azureml-fe',
      namespace: 'default',
      resourceVersion: '88120',
      uid: uid('default/azureml-fe'),
    },
    spec: {
      progressDeadlineSeconds: 600,
      replicas: 1,
      revisionHistoryLimit: 10,
      selector: { matchLabels: { app: 'azureml-fe' } },
      strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' },
      template: {
        metadata: { creationTimestamp: null, labels: { app: 'azureml-fe' } },
        spec: { containers: [container], serviceAccountName: 'azureml-fe' },
      },
    },
    status: {
      availableReplicas: 1,
      conditions: [
        {
          lastTransitionTime: at(created, 40),
          lastUpdateTime: at(created, 40),
          message: 'Deployment has minimum availability.',
          reason: 'MinimumReplicasAvailable',
          status: 'True',
          type: 'Available',
        },
        {
          lastTransitionTime: created,
          lastUpdateTime: at(created, 40),
          message: `ReplicaSet "${rsName}" has successfully progressed.`,
          reason: 'NewReplicaSetAvailable',
          status: 'True',
          type: 'Progressing',
        },
      ],
      observedGeneration: 1,
      readyReplicas: 1,
      replicas: 1,
      updatedReplicas: 1,
    },
  };
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      creationTimestamp: at(created, 2),
      generateName: `${rsName}-`,
      labels,
      name: podName,
      namespace: 'default',
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          blockOwnerDeletion: true,
          controller: true,
          kind: 'ReplicaSet',
          name: rsName,
          uid: uid(`default/${rsName}`),
        },
      ],
      resourceVersion: '88170',
      uid: uid(`default/${podName}`),
    },
    spec: {
      containers: [container],
      nodeName: b.pod.spec.nodeName,
      restartPolicy: 'Always',
      serviceAccountName: 'azureml-fe',
    },
    status: {
      conditions: [
        { lastProbeTime: null, lastTransitionTime: at(created, 3), status: 'True', type: 'Initialized' },
        { lastProbeTime: null, lastTransitionTime: at(created, 30), status: 'True', type: 'Ready' },
        { lastProbeTime: null, lastTransitionTime: at(created, 30), status: 'True', type: 'ContainersReady' },
        { lastProbeTime: null, lastTransitionTime: at(created, 2), status: 'True', type: 'PodScheduled' },
      ],
      containerStatuses: [
        {
          containerID: `containerd://${hash('fe', 32)}`,
          image: container.image,
          imageID: `mcr.microsoft.com/azureml/azureml-fe@sha256:${hash('feimg', 32)}`,
          lastState: {},
          name: 'azureml-fe',
          ready: true,
          restartCount: 0,
          started: true,
          state: { running: { startedAt: at(created, 20) } },
        },
      ],
      hostIP: '10.240.0.5',
      phase: 'Running',
      podIP: '10.244.2.8',
      qosClass: 'Burstable',
      startTime: at(created, 2),
    },
  };
  b.extra.push(deployment, pod);
  b.logs[`${podName}/azureml-fe`] = logLines.join('\n') + '\n';
}

export const runtimeScenarios: Scenario[] = [
  // ---------------------------------------------------------------- OutOfMemory
  {
    name: 'OutOfMemory.none.v1-crashloop-oomkilled',
    description:
      'v1 in CrashLoopBackOff; lastState OOMKilled while init() loads a large model into the default 512Mi limit',
    flavor: 'v1',
    svc: 'bert-svc',
    createdAgo: 1800,
    build: (b) => {
      crashLoop(b, { restarts: 5, exitCode: 137, reason: 'OOMKilled', lastStartAgo: 260, ran: 48 });
      const start = ago(260);
      b.logs[logKey(b, true)] = joinLog(
        v1Boot({
          start,
          during: [
            'Loading model from /var/azureml-app/azureml-models/bert-base/3/pytorch_model.bin',
            'Some weights of the model checkpoint were not used when initializing BertModel',
          ],
        }),
      );
      notAvailable(b, at(b.created, 40));
    },
    expected: {
      status: 'Failed',
      root: { code: 'OutOfMemory', detail: null, evidenceIncludes: 'OOMKilled' },
      absent: [{ code: 'ScoringInitFailure' }, { code: 'SlowInitProbeFailure' }],
    },
  },
  {
    name: 'OutOfMemory.none.v2-running-laststate-oomkilled',
    description:
      'v2: restarted after an OOM kill and Running again (not ready): k8sgpt misses lastState here',
    flavor: 'v2',
    svc: 'blue',
    endpoint: 'llm-ep',
    createdAgo: 1200,
    memory: '2Gi',
    cpu: '1',
    build: (b) => {
      restartedRunning(b, {
        restarts: 3,
        exitCode: 137,
        reason: 'OOMKilled',
        lastStartAgo: 150,
        ran: 80,
        ready: false,
      });
      const prev = { start: ago(150) };
      b.logs[logKey(b, true)] = joinLog(v2Boot(prev), [
        `${pyTs(prev.start, 6.1)} I [33] root - loading /var/azureml-app/azureml-models/llm/2/model.safetensors (6.7 GB)`,
      ]);
      const cur = { start: ago(69) };
      b.logs[logKey(b)] = joinLog(v2Boot(cur), [
        `${pyTs(cur.start, 6.0)} I [33] root - loading /var/azureml-app/azureml-models/llm/2/model.safetensors (6.7 GB)`,
      ]);
      notAvailable(b, at(b.created, 40));
    },
    expected: {
      status: 'Failed',
      root: { code: 'OutOfMemory', detail: null, evidenceIncludes: 'OOMKilled' },
      absent: [{ code: 'SlowInitProbeFailure' }],
    },
  },
  {
    name: 'OutOfMemory.none.v1-serving-repeated-oom',
    description:
      'v1 serving (ready) but OOM-killed 4 times, last 10 minutes ago: requests fail while it restarts',
    flavor: 'v1',
    svc: 'image-svc',
    createdAgo: 30000,
    memory: '1Gi',
    build: (b) => {
      restartedRunning(b, {
        restarts: 4,
        exitCode: 137,
        reason: 'OOMKilled',
        lastStartAgo: 3000,
        ran: 2400,
        ready: true,
      });
      const start = ago(599);
      b.logs[logKey(b)] = joinLog(v1Boot({ start }), v1Serving(start, 21.4, 20));
    },
    expected: {
      status: 'Degraded',
      root: { code: 'OutOfMemory', detail: null, evidenceIncludes: 'OOMKilled' },
    },
  },
  {
    name: 'OutOfMemory.none.v2-memoryerror-init',
    description: 'v2: init() raises numpy _ArrayMemoryError (a MemoryError) allocating a feature matrix',
    flavor: 'v2',
    svc: 'green',
    endpoint: 'reco-ep',
    createdAgo: 900,
    build: (b) => {
      crashLoop(b, { restarts: 4, exitCode: 3, reason: 'Error', lastStartAgo: 140, ran: 19 });
      const o = { start: ago(140) };
      b.logs[logKey(b, true)] = joinLog(
        v2Boot(o),
        v2InitFailed(
          o,
          17.9,
          [
            '  File "/var/azureml-app/onlinescoring/score.py", line 29, in init',
            '    embeddings = np.zeros((n_items, 1000))',
          ],
          'numpy.core._exceptions._ArrayMemoryError: Unable to allocate 3.73 GiB for an array with shape (500000, 1000) and data type float64',
        ),
      );
      notAvailable(b, at(b.created, 40));
    },
    expected: {
      status: 'Failed',
      root: { code: 'OutOfMemory', detail: null, evidenceIncludes: 'Unable to allocate 3.73 GiB' },
      absent: [{ code: 'ScoringInitFailure' }],
    },
  },
  {
    name: 'nearmiss.OutOfMemory.none.old-oom-now-healthy-v1',
    description: 'v1: OOM-killed once 6 hours ago, Ready and serving since',
    flavor: 'v1',
    svc: 'image-svc',
    createdAgo: 90000,
    memory: '1Gi',
    build: (b) => {
      restartedRunning(b, {
        restarts: 1,
        exitCode: 137,
        reason: 'OOMKilled',
        lastStartAgo: 60000,
        ran: 38400,
        ready: true,
      });
      const start = at(ago(60000), 38401);
      b.logs[logKey(b)] = joinLog(v1Boot({ start }), v1Serving(start, 20.2, 8));
    },
    expected: { status: 'Healthy', absent: [{ code: 'OutOfMemory' }, { code: 'CrashLoopBackOff' }] },
  },
  // ---------------------------------------------------------------- SlowInitProbeFailure
  {
    name: 'SlowInitProbeFailure.none.v1-liveness-restarts',
    description:
      'v1: init() needs ~6 minutes; the liveness probe (310 s + 3 × 10 s) kills it; no exception in the log',
    flavor: 'v1',
    svc: 'translate-svc',
    createdAgo: 900,
    build: (b) => {
      restartedRunning(b, {
        restarts: 2,
        exitCode: 137,
        reason: 'Error',
        lastStartAgo: 413,
        ran: 352,
        ready: false,
      });
      const prev = ago(413);
      b.logs[logKey(b, true)] = joinLog(
        // WORKER_TIMEOUT was raised to 600 s, so the liveness probe (340 s) is what ends init().
        v1Boot({
          start: prev,
          workerTimeout: 600,
          during: ['Downloading translation model marian-en-de (1.2 GB) ...', 'Loading vocabulary ...'],
        }),
        [],
      );
      b.logs[logKey(b)] = joinLog(
        v1Boot({
          start: ago(60),
          workerTimeout: 600,
          during: ['Downloading translation model marian-en-de (1.2 GB) ...'],
        }),
      );
      addEnv(b, 'WORKER_TIMEOUT', '600');
      const ip = podIp(b.pod);
      b.events.push(
        probeEvents(b, b.pod, {
          kind: 'Liveness',
          message: 'HTTP probe failed with statuscode: 502',
          count: 6,
          first: at(b.created, 340),
          last: ago(74),
        }),
        probeEvents(b, b.pod, {
          kind: 'Readiness',
          message: `Get "http://${ip}:31311/": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
          count: 58,
          first: at(b.created, 340),
          last: ago(64),
        }),
        livenessKill(b, b.pod, 2, at(b.created, 381), ago(62)),
      );
      notAvailable(b, at(b.created, 40));
    },
    expected: {
      status: 'Failed',
      root: { code: 'SlowInitProbeFailure', detail: null, evidenceIncludes: 'failed liveness probe' },
      absent: [{ code: 'OutOfMemory' }, { code: 'ScoringInitFailure' }],
    },
  },
  {
    name: 'SlowInitProbeFailure.none.v1-gunicorn-boot-timeout',
    description:
      "v1 old image: init() outlasts gunicorn's 300 s worker timeout; worker_abort exits 3 and the container restarts, no exception",
    flavor: 'v1',
    svc: 'ocr-svc',
    createdAgo: 2400,
    build: (b) => {
      crashLoop(b, { restarts: 4, exitCode: 3, reason: 'Error', lastStartAgo: 480, ran: 303 });
      const t = ago(480);
      b.logs[logKey(b, true)] = joinLog(
        v1Boot({
          start: t,
          during: ['Loading detectron2 weights (2.1 GB) from /var/azureml-app/azureml-models/ocr/4 ...'],
        }),
        [
          'WORKER TIMEOUT (pid:45)',
          'worker timed out, killing gunicorn',
          'Shutting down: Master',
          'Reason: Worker failed to boot.',
          `${runitTs(t, 302.6)} - gunicorn/finish 3 0`,
          `${runitTs(t, 302.601)} - Exit code 3 is not normal. Killing image.`,
        ],
      );
      notAvailable(b, at(b.created, 40));
    },
    expected: {
      status: 'Failed',
      root: { code: 'SlowInitProbeFailure', detail: null, evidenceIncludes: 'WORKER TIMEOUT (pid:45)' },
      absent: [{ code: 'ScoringInitFailure' }, { code: 'OutOfMemory' }, { code: 'ScoringRuntimeFailure' }],
    },
  },
  {
    name: 'SlowInitProbeFailure.none.v2-crashloop-liveness',
    description:
      'v2 in CrashLoopBackOff: each instance is killed by the liveness probe (10 s + 30 × 10 s) inside init()',
    flavor: 'v2',
    svc: 'blue',
    endpoint: 'asr-ep',
    createdAgo: 2400,
    build: (b) => {
      crashLoop(b, {
        restarts: 5,
        exitCode: 137,
        reason: 'Error',
        lastStartAgo: 420,
        ran: 322,
        backOff: '2m40s',
      });
      const o = { start: ago(420) };
      b.logs[logKey(b, true)] = joinLog(v2Boot(o), [
        `${pyTs(o.start, 4.9)} I [33] root - downloading whisper-large-v2 weights from https://contosoml1234.blob.core.windows.net/models/whisper.pt?sv=2022-11-02&sig=Xk3Pq9sQ2wE7rT1yU5iO8pA4sD6fG0hJ%3D`,
      ]);
      const ip = podIp(b.pod);
      b.events.push(
        probeEvents(b, b.pod, {
          kind: 'Liveness',
          message: `Get "http://${ip}:5001/": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
          count: 178,
          first: at(b.created, 45),
          last: ago(99),
        }),
        livenessKill(b, b.pod, 5, at(b.created, 345), ago(98)),
      );
      notAvailable(b, at(b.created, 40));
    },
    expected: {
      status: 'Failed',
      root: { code: 'SlowInitProbeFailure', detail: null, evidenceIncludes: 'failed liveness probe' },
      absent: [{ code: 'OutOfMemory' }, { code: 'ScoringInitFailure' }],
    },
  },
  {
    name: 'nearmiss.SlowInitProbeFailure.none.v1-init-2min',
    description:
      'v1 created 2.5 minutes ago, init() running for 2 minutes: inside the 310 s liveness delay, Progressing',
    flavor: 'v1',
    svc: 'translate-svc',
    createdAgo: 150,
    build: (b) => {
      starting(b, 120);
      b.logs[logKey(b)] = joinLog(
        v1Boot({ start: ago(120), during: ['Downloading translation model marian-en-de (1.2 GB) ...'] }),
      );
      notAvailable(b, at(b.created, 0));
    },
    expected: {
      status: 'Progressing',
      absent: [
        { code: 'SlowInitProbeFailure' },
        { code: 'CrashLoopBackOff' },
        { code: 'ScoringInitFailure' },
        { code: 'OutOfMemory' },
      ],
    },
  },
  {
    name: 'nearmiss.SlowInitProbeFailure.none.v2-probes-failing-inside-window',
    description:
      'v2 3 minutes into init(): readiness and liveness probes fail, but the 310 s liveness window has not closed',
    flavor: 'v2',
    svc: 'green',
    endpoint: 'asr-ep',
    createdAgo: 215,
    build: (b) => {
      starting(b, 185);
      const o = { start: ago(185) };
      b.logs[logKey(b)] = joinLog(v2Boot(o), [
        `${pyTs(o.start, 4.9)} I [33] root - downloading whisper-large-v2 weights`,
      ]);
      const ip = podIp(b.pod);
      b.events.push(
        probeEvents(b, b.pod, {
          kind: 'Liveness',
          message: `Get "http://${ip}:5001/": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
          count: 17,
          first: ago(173),
          last: ago(13),
        }),
        probeEvents(b, b.pod, {
          kind: 'Readiness',
          message: `Get "http://${ip}:5001/": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
          count: 17,
          first: ago(172),
          last: ago(12),
        }),
      );
      notAvailable(b, at(b.created, 0));
    },
    expected: {
      status: 'Progressing',
      absent: [
        { code: 'SlowInitProbeFailure' },
        { code: 'CrashLoopBackOff' },
        { code: 'ScoringRuntimeFailure' },
      ],
    },
  },
  // ---------------------------------------------------------------- CrashLoopBackOff
  {
    name: 'CrashLoopBackOff.none.v1-gunicorn-not-found',
    description: 'v1: the environment lacks azureml-defaults, so the image has no gunicorn; runit exits 127',
    flavor: 'v1',
    svc: 'legacy-svc',
    createdAgo: 1500,
    build: (b) => {
      crashLoop(b, { restarts: 7, exitCode: 127, reason: 'Error', lastStartAgo: 190, ran: 1 });
      const t = ago(190);
      b.logs[logKey(b, true)] = joinLog([
        `${runitTs(t, 0)} - iot-server/run `,
        `${runitTs(t, 0.001)} - rsyslog/run `,
        `${runitTs(t, 0.03)} - gunicorn/run `,
        `${runitTs(t, 0.04)} - nginx/run `,
        'EdgeHubConnectionString and IOTEDGE_IOTHUBHOSTNAME are not set. Exiting...',
        '/var/runit/gunicorn/run: line 26: exec: gunicorn: not found',
        `${runitTs(t, 0.3)} - iot-server/finish 1 0`,
        `${runitTs(t, 0.301)} - Exit code 1 is normal. Not restarting iot-server.`,
        `${runitTs(t, 0.31)} - gunicorn/finish 127 0`,
        `${runitTs(t, 0.311)} - Exit code 127 is not normal. Killing image.`,
      ]);
      notAvailable(b, at(b.created, 40));
    },
    expected: {
      status: 'Failed',
      root: { code: 'CrashLoopBackOff', detail: null, evidenceIncludes: 'gunicorn: not found' },
      absent: [{ code: 'ScoringInitFailure' }, { code: 'OutOfMemory' }],
    },
  },
  {
    name: 'CrashLoopBackOff.none.v2-exec-format-error',
    description: 'v2 custom image built for arm64 on amd64 nodes: the entrypoint cannot execute',
    flavor: 'v2',
    svc: 'blue',
    endpoint: 'edge-ep',
    createdAgo: 700,
    build: (b) => {
      crashLoop(b, { restarts: 6, exitCode: 1, reason: 'Error', lastStartAgo: 75, ran: 0 });
      b.logs[logKey(b, true)] = 'exec /usr/bin/runsvdir: exec format error\n';
      notAvailable(b, at(b.created, 40));
    },
    expected: {
      status: 'Failed',
      root: { code: 'CrashLoopBackOff', detail: null, evidenceIncludes: 'exec format error' },
    },
  },
  {
    name: 'nearmiss.CrashLoopBackOff.none.crashed-once-ready-v1',
    description: 'v1: the container exited once 7 hours ago (exit 1) and has been Ready since',
    flavor: 'v1',
    svc: 'legacy-svc',
    createdAgo: 40000,
    build: (b) => {
      restartedRunning(b, {
        restarts: 1,
        exitCode: 1,
        reason: 'Error',
        lastStartAgo: 25300,
        ran: 100,
        ready: true,
      });
      const start = at(ago(25300), 101);
      b.logs[logKey(b)] = joinLog(v1Boot({ start }), v1Serving(start, 4.4, 6));
    },
    expected: { status: 'Healthy', absent: [{ code: 'CrashLoopBackOff' }, { code: 'ScoringInitFailure' }] },
  },
  // ---------------------------------------------------------------- ScoringRuntimeFailure
  {
    name: 'ScoringRuntimeFailure.WorkerTimeout.v1-gunicorn-timeout',
    description:
      'v1 serving: two requests ran past the 300 s gunicorn timeout in the last 40 minutes; workers killed',
    flavor: 'v1',
    svc: 'batch-score-svc',
    createdAgo: 20000,
    build: (b) => {
      startEvents(b, b.pod);
      const start = at(b.created, 30);
      const lines: string[] = [];
      const timeout = (t: number, pid: number, next: number) => {
        lines.push(`${pyTs(CAPTURED, -t - 300)} | root | INFO | Validation Request Content-Type`);
        lines.push(`${pyTs(CAPTURED, -t - 300)} | root | INFO | Scoring Timer is set to 60.0 seconds`);
        lines.push(`WORKER TIMEOUT (pid:${pid})`);
        lines.push('worker timed out, killing gunicorn');
        lines.push(`Worker with pid ${pid} was terminated due to signal 9`);
        lines.push(`Booting worker with pid: ${next}`);
        lines.push(`${pyTs(CAPTURED, -t + 2)} | root | INFO | Starting up app insights client`);
        lines.push(`${pyTs(CAPTURED, -t + 2)} | root | INFO | Invoking user's init function`);
        lines.push(`${pyTs(CAPTURED, -t + 6)} | root | INFO | Users's init has completed successfully`);
        lines.push(`${pyTs(CAPTURED, -t + 30)} | root | INFO | 200`);
        lines.push(
          `127.0.0.1 - - [${accessTs(CAPTURED, -t + 30)}] "GET / HTTP/1.0" 200 7 "-" "kube-probe/1.28"`,
        );
      };
      timeout(2400, 45, 88);
      timeout(700, 88, 131);
      b.logs[logKey(b)] = joinLog(v1Boot({ start, gunicorn: '20.1.0' }), v1Serving(start, 5.8, 4), lines);
    },
    expected: {
      status: 'Degraded',
      root: { code: 'ScoringRuntimeFailure', detail: 'WorkerTimeout', evidenceIncludes: 'WORKER TIMEOUT' },
    },
  },
  {
    name: 'ScoringRuntimeFailure.WorkerTimeout.v2-azmlinfsrv-timeout',
    description:
      'v2, 2 replicas serving: gunicorn aborts a worker stuck in run() (signal 6) three times in the last hour',
    flavor: 'v2',
    svc: 'green',
    endpoint: 'docs-ep',
    createdAgo: 86400,
    replicas: 2,
    build: (b) => {
      for (const pod of b.o.pods) startEvents(b, pod);
      const o = { start: at(b.created, 30) };
      const lines: string[] = [];
      let pid = 33;
      for (const t of [3300, 1800, 420]) {
        const next = pid + 379;
        lines.push(
          `${pyTs(CAPTURED, -t - 301)} I [${pid}] azmlinfsrv - POST /score 200 288.121ms 1204`,
          `${pyTs(CAPTURED, -t)} C [9] gunicorn.error - WORKER TIMEOUT (pid:${pid})`,
          `${pyTs(CAPTURED, -t + 0.2)} W [9] gunicorn.error - Worker with pid ${pid} was terminated due to signal 6`,
          `${pyTs(CAPTURED, -t + 0.3)} I [${next}] gunicorn.error - Booting worker with pid: ${next}`,
          `${pyTs(CAPTURED, -t + 1.4)} I [${next}] azmlinfsrv.user_script - Invoking user's init function`,
          `${pyTs(CAPTURED, -t + 5.1)} I [${next}] azmlinfsrv.user_script - Users's init has completed successfully`,
          `${pyTs(CAPTURED, -t + 5.2)} I [${next}] azmlinfsrv - Worker with pid ${next} ready for serving traffic`,
        );
        pid = next;
      }
      b.logs[logKey(b)] = joinLog(v2Boot(o), v2Serving(o, 6.2, 3), lines);
      b.logs[logKey(b, false, b.o.pods[1])] = joinLog(v2Boot(o), v2Serving(o, 6.4, 5));
    },
    expected: {
      status: 'Degraded',
      root: {
        code: 'ScoringRuntimeFailure',
        detail: 'WorkerTimeout',
        evidenceIncludes: 'WORKER TIMEOUT (pid:',
      },
    },
  },
  {
    name: 'ScoringRuntimeFailure.Overloaded.v1-fe-503',
    description:
      'v1 serving; azureml-fe rejects requests for the service with 503 "Too many requests ... (overloaded)"',
    flavor: 'v1',
    svc: 'sentiment-svc',
    createdAgo: 172800,
    build: (b) => {
      startEvents(b, b.pod);
      const start = at(b.created, 30);
      b.logs[logKey(b)] = joinLog(v1Boot({ start }), v1Serving(start, 5.3, 8));
      const fe: string[] = [];
      for (const [i, t] of [1500, 1490, 1200, 600, 30].entries()) {
        fe.push(
          `${new Date(Date.parse(CAPTURED) - t * 1000).toISOString()} INFO  routing request ${uid(`req${i}`)} to service sentiment-svc (azureml-contoso-ml)`,
        );
        fe.push(
          `${new Date(Date.parse(CAPTURED) - t * 1000 + 501).toISOString()} WARN  request ${uid(`req${i}`)} rejected with 503: Too many requests for service sentiment-svc (overloaded)`,
        );
      }
      frontEnd(b, fe);
    },
    expected: {
      status: 'Degraded',
      root: {
        code: 'ScoringRuntimeFailure',
        detail: 'Overloaded',
        evidenceIncludes: 'Too many requests for service sentiment-svc (overloaded)',
      },
    },
  },
  {
    name: 'ScoringRuntimeFailure.Overloaded.v2-readiness-timeouts',
    description:
      'v2 serving for 2 days; under load the readiness probe times out repeatedly in the last 40 minutes',
    flavor: 'v2',
    svc: 'blue',
    endpoint: 'search-ep',
    createdAgo: 172800,
    replicas: 2,
    build: (b) => {
      b.o.pods.forEach((pod, i) => {
        startEvents(b, pod);
        b.events.push(
          probeEvents(b, pod, {
            kind: 'Readiness',
            message: `Get "http://${podIp(pod)}:5001/": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
            count: 14 + i * 5,
            first: ago(2400),
            last: ago(180 + i * 40),
          }),
        );
        const o = { start: at(b.created, 30 + i) };
        b.logs[logKey(b, false, pod)] = joinLog(v2Boot(o), v2Serving(o, 6.1, 6));
      });
    },
    expected: {
      status: 'Degraded',
      root: {
        code: 'ScoringRuntimeFailure',
        detail: 'Overloaded',
        evidenceIncludes: 'Readiness probe failed',
      },
    },
  },
  {
    name: 'nearmiss.ScoringRuntimeFailure.WorkerTimeout.old-timeouts-v2',
    description: 'v2 healthy: a worker timed out 3 days ago, nothing since',
    flavor: 'v2',
    svc: 'green',
    endpoint: 'docs-ep',
    createdAgo: 400000,
    build: (b) => {
      startEvents(b, b.pod);
      const o = { start: at(b.created, 30) };
      const t = 259200;
      b.logs[logKey(b)] = joinLog(v2Boot(o), v2Serving(o, 6.2, 3), [
        `${pyTs(CAPTURED, -t)} C [9] gunicorn.error - WORKER TIMEOUT (pid:33)`,
        `${pyTs(CAPTURED, -t + 0.2)} W [9] gunicorn.error - Worker with pid 33 was terminated due to signal 6`,
        `${pyTs(CAPTURED, -t + 0.3)} I [412] gunicorn.error - Booting worker with pid: 412`,
        `${pyTs(CAPTURED, -t + 1.4)} I [412] azmlinfsrv.user_script - Invoking user's init function`,
        `${pyTs(CAPTURED, -t + 5.1)} I [412] azmlinfsrv.user_script - Users's init has completed successfully`,
        `${pyTs(CAPTURED, -900)} I [412] azmlinfsrv - POST /score 200 51.803ms 24`,
      ]);
    },
    expected: { status: 'Healthy', absent: [{ code: 'ScoringRuntimeFailure' }] },
  },
  {
    name: 'nearmiss.ScoringRuntimeFailure.Overloaded.startup-readiness-v2',
    description:
      'v2 healthy: readiness failures only during start-up two days ago (normal while init() runs)',
    flavor: 'v2',
    svc: 'blue',
    endpoint: 'search-ep',
    createdAgo: 172800,
    build: (b) => {
      startEvents(b, b.pod);
      const started = at(b.created, 30);
      b.events.push(
        probeEvents(b, b.pod, {
          kind: 'Readiness',
          message: `Get "http://${podIp(b.pod)}:5001/": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
          count: 6,
          first: at(started, 12),
          last: at(started, 62),
        }),
      );
      const o = { start: started };
      b.logs[logKey(b)] = joinLog(v2Boot(o), v2Serving(o, 64.0, 5));
    },
    expected: { status: 'Healthy', absent: [{ code: 'ScoringRuntimeFailure' }] },
  },
];
