/**
 * Realistic notifications for golden tests, benchmarks and docs/examples (here, not in test/, because bench/
 * renders them too and nothing outside test/ may import test/): a missing Python module (with a SAS URL in the
 * evidence to prove redaction and `<script>` in a pod name to prove escaping), a GPU that cannot be scheduled,
 * a recovery, a grouped sweep and a digest.
 */
import { computeDigest } from '../shared/digest/compute.js';
import type { Diagnosis } from '../shared/diagnosis/types.js';
import type { IncidentRecord, Notification } from '../shared/incidents/types.js';
import type { ReportContext } from '../shared/report/context.js';
import type { DeploymentRecord } from '../shared/state/types.js';

export const NOW = '2026-11-26T09:30:00Z';

export const SAS_SECRET = 'sv2Fk3JH9xQzSECRETsig0987%3D';
export const HOSTILE_POD = 'credit-scorer-7d9c<script>alert(1)</script>';

export const baseContext: ReportContext = {
  now: NOW,
  timeZone: 'UTC',
  docsUrl: 'https://github.com/example/aml-deploy-monitor/blob/main/docs/delivery.md',
};

const sklearnDiagnosis: Diagnosis = {
  service: 'credit-scorer',
  namespace: 'azureml-risk-prod',
  status: 'Failed',
  findings: [
    {
      code: 'ScoringInitFailure',
      detail: 'MissingPythonModule',
      severity: 'critical',
      title: "init() failed: No module named 'sklearn'",
      explanation:
        'The scoring container started, ran score.py and crashed in init() because the environment has no ' +
        'scikit-learn. The previous container log ends with the traceback below; Kubernetes restarted it 14 times ' +
        '(CrashLoopBackOff).',
      evidence: [
        {
          source: `pod/${HOSTILE_POD}/container/credit-scorer/previous-log`,
          text: 'File "/var/azureml-app/score.py", line 4, in <module>',
        },
        {
          source: `pod/${HOSTILE_POD}/container/credit-scorer/previous-log`,
          text: '    from sklearn.externals import joblib',
        },
        {
          source: `pod/${HOSTILE_POD}/container/credit-scorer/previous-log`,
          text: "ModuleNotFoundError: No module named 'sklearn'",
        },
        {
          source: 'pod/credit-scorer-7d9c-x2x9q/container/model-mount/log',
          text: `Downloading model from https://riskmodels.blob.core.windows.net/models/credit/model.pkl?sv=2022-11-02&se=2026-11-27T00%3A00%3A00Z&sr=b&sp=r&sig=${SAS_SECRET}`,
        },
        {
          source: 'event/Pod/credit-scorer-7d9c-x2x9q/BackOff',
          text: 'Back-off restarting failed container credit-scorer (x14 over 42m)',
        },
      ],
      remedy: [
        "Add scikit-learn (pin the version the model was trained with) to the environment's pip dependencies, e.g. `scikit-learn==1.5.2`",
        'Redeploy the service: az ml online-deployment update ... or Model.deploy(...) with the fixed environment',
        'To reproduce locally: azmlinfsrv --entry_script score.py with the same environment',
      ],
      docs: [
        'https://learn.microsoft.com/azure/machine-learning/how-to-troubleshoot-online-endpoints#error-resourcenotready',
        'https://learn.microsoft.com/azure/machine-learning/how-to-use-environments',
      ],
    },
    {
      code: 'CrashLoopBackOff',
      detail: null,
      severity: 'warning',
      title: 'Container credit-scorer restarted 14 times (CrashLoopBackOff)',
      explanation: 'A consequence of the init() failure above.',
      evidence: [
        { source: 'pod/credit-scorer-7d9c-x2x9q', text: 'restartCount: 14, reason: CrashLoopBackOff' },
      ],
      remedy: [],
      docs: [],
    },
  ],
  gaps: ['build.log: not read (the identity lacks Storage Blob Data Reader on the workspace storage)'],
};

export const sklearnIncident: IncidentRecord = {
  fingerprint: 'aks-prod-weu/azureml-risk-prod/credit-scorer/ScoringInitFailure/MissingPythonModule',
  cluster: 'aks-prod-weu',
  workspace: 'risk-prod',
  namespace: 'azureml-risk-prod',
  service: 'credit-scorer',
  code: 'ScoringInitFailure',
  detail: 'MissingPythonModule',
  status: 'Failed',
  openedAt: '2026-11-26T08:46:00Z',
  diagnosis: sklearnDiagnosis,
  evidenceUrl:
    'https://amlmonevidence.blob.core.windows.net/bundles/aks-prod-weu/credit-scorer/2026-11-26T08-46-00Z/',
  portalUrl:
    'https://ml.azure.com/endpoints/realtime/credit-scorer/detail?wsid=/subscriptions/0000/resourceGroups/rg-risk/providers/Microsoft.MachineLearningServices/workspaces/risk-prod',
};

const gpuDiagnosis: Diagnosis = {
  service: 'vision-detector',
  namespace: 'azureml-vision',
  status: 'Failed',
  findings: [
    {
      code: 'PodUnschedulable',
      detail: 'InsufficientGpu',
      severity: 'critical',
      title: 'No node has a free nvidia.com/gpu: 0/6 nodes are available',
      explanation:
        'The pod asks for 1 nvidia.com/gpu. The scheduler reports that no node can take it: the GPU pool has 2 nodes ' +
        'and both GPUs are in use; the other 4 nodes have no GPU.',
      evidence: [
        {
          source: 'event/Pod/vision-detector-5f6b8-qq7lp/FailedScheduling',
          text: "0/6 nodes are available: 2 Insufficient nvidia.com/gpu, 4 node(s) didn't match Pod's node affinity/selector. preemption: 0/6 nodes are available: 2 No preemption victims found for incoming pod, 4 Preemption is not helpful for scheduling.",
        },
      ],
      remedy: [
        'Scale the GPU node pool: az aks nodepool scale --name gpupool --node-count 3',
        'Or free a GPU: scale down another GPU deployment on this cluster',
      ],
      docs: ['https://learn.microsoft.com/azure/aks/gpu-cluster'],
    },
  ],
  gaps: [],
};

export const gpuIncident: IncidentRecord = {
  fingerprint: 'aks-prod-weu/azureml-vision/vision-detector/PodUnschedulable/InsufficientGpu',
  cluster: 'aks-prod-weu',
  workspace: 'vision',
  namespace: 'azureml-vision',
  service: 'vision-detector',
  code: 'PodUnschedulable',
  detail: 'InsufficientGpu',
  status: 'Hung',
  openedAt: '2026-11-26T07:05:00Z',
  diagnosis: gpuDiagnosis,
  evidenceUrl:
    'https://amlmonevidence.blob.core.windows.net/bundles/aks-prod-weu/vision-detector/2026-11-26T07-05-00Z/',
};

export const alertSingle: Notification = {
  id: 'alert:aks-prod-weu/azureml-risk-prod/credit-scorer/ScoringInitFailure/MissingPythonModule:2026-11-26T08:46:00Z',
  kind: 'alert',
  at: '2026-11-26T08:48:00Z',
  cluster: 'aks-prod-weu',
  incidents: [sklearnIncident],
};

export const alertGroup: Notification = {
  id: 'alert-group:aks-prod-weu:2026-11-26T09:28:00Z',
  kind: 'alert',
  at: '2026-11-26T09:28:00Z',
  cluster: 'aks-prod-weu',
  incidents: [gpuIncident, sklearnIncident],
};

export const resolvedSingle: Notification = {
  id: 'resolved:aks-prod-weu/azureml-risk-prod/credit-scorer/ScoringInitFailure/MissingPythonModule:2026-11-26T09:25:00Z',
  kind: 'resolved',
  at: '2026-11-26T09:25:00Z',
  cluster: 'aks-prod-weu',
  incidents: [{ ...sklearnIncident, resolvedAt: '2026-11-26T09:25:00Z', status: 'Healthy' }],
};

/** One incident with 200 long evidence lines: the card must truncate it and say so. */
export const hugeAlert: Notification = {
  ...alertSingle,
  id: 'alert:huge',
  incidents: [
    {
      ...sklearnIncident,
      diagnosis: {
        ...sklearnDiagnosis,
        findings: [
          {
            ...(sklearnDiagnosis.findings[0] as Diagnosis['findings'][number]),
            evidence: Array.from({ length: 200 }, (_, k) => ({
              source: `pod/credit-scorer-7d9c-x2x9q/container/credit-scorer/previous-log#L${k + 1}`,
              text: `line ${k + 1}: ${'Traceback frame with a long path /var/azureml-app/lib/python3.10/site-packages/pkg/module.py '.repeat(4)}`,
            })),
          },
        ],
      },
    },
  ],
};

function dep(
  service: string,
  workspace: string,
  startedAt: string,
  status: DeploymentRecord['status'],
  healthyAt?: string,
): DeploymentRecord {
  return {
    cluster: 'aks-prod-weu',
    workspace,
    namespace: `azureml-${workspace}`,
    service,
    firstSeen: startedAt,
    lastProgress: healthyAt ?? startedAt,
    startedAt,
    status,
    ...(healthyAt ? { healthyAt } : {}),
  };
}

export const sampleDeployments: DeploymentRecord[] = [
  dep('credit-scorer', 'risk-prod', '2026-11-26T08:40:00Z', 'Failed'),
  dep('fraud-ranker', 'risk-prod', '2026-11-25T14:00:00Z', 'Healthy', '2026-11-25T14:06:30Z'),
  dep('fraud-ranker-canary', 'risk-prod', '2026-11-25T16:00:00Z', 'Healthy', '2026-11-25T16:09:00Z'),
  dep('vision-detector', 'vision', '2026-11-26T07:00:00Z', 'Hung'),
  dep('ocr-v2', 'vision', '2026-11-25T11:00:00Z', 'Healthy', '2026-11-25T11:04:00Z'),
  dep('ocr-v2-blue', 'vision', '2026-11-25T20:00:00Z', 'Healthy', '2026-11-25T20:21:00Z'),
];

function pastIncident(
  service: string,
  workspace: string,
  code: IncidentRecord['code'],
  detail: IncidentRecord['detail'],
  openedAt: string,
  resolvedAt?: string,
): IncidentRecord {
  return {
    fingerprint: `aks-prod-weu/azureml-${workspace}/${service}/${code}/${detail ?? ''}`,
    cluster: 'aks-prod-weu',
    workspace,
    namespace: `azureml-${workspace}`,
    service,
    code,
    detail,
    status: resolvedAt ? 'Healthy' : 'Failed',
    openedAt,
    ...(resolvedAt ? { resolvedAt } : {}),
    diagnosis: { service, namespace: `azureml-${workspace}`, status: 'Failed', findings: [], gaps: [] },
  };
}

export const sampleIncidents: IncidentRecord[] = [
  sklearnIncident,
  gpuIncident,
  pastIncident(
    'fraud-ranker',
    'risk-prod',
    'OutOfMemory',
    null,
    '2026-11-25T13:10:00Z',
    '2026-11-25T14:06:30Z',
  ),
  pastIncident(
    'fraud-ranker',
    'risk-prod',
    'ScoringRuntimeFailure',
    'WorkerTimeout',
    '2026-11-25T18:00:00Z',
    '2026-11-25T18:40:00Z',
  ),
  pastIncident(
    'fraud-ranker',
    'risk-prod',
    'ScoringRuntimeFailure',
    'WorkerTimeout',
    '2026-11-26T02:00:00Z',
    '2026-11-26T02:20:00Z',
  ),
  pastIncident(
    'ocr-v2',
    'vision',
    'ImagePullFailure',
    'RegistryUnauthorized',
    '2026-11-22T10:00:00Z',
    '2026-11-22T12:00:00Z',
  ),
  pastIncident(
    'ocr-v2',
    'vision',
    'ImageBuildFailure',
    'PipPackageNotFound',
    '2026-11-23T09:00:00Z',
    '2026-11-23T10:00:00Z',
  ),
  pastIncident(
    'ocr-v2',
    'vision',
    'ImageBuildFailure',
    'PipPackageNotFound',
    '2026-11-23T15:00:00Z',
    '2026-11-23T16:00:00Z',
  ),
  pastIncident('churn-model', 'risk-prod', 'PodUnschedulable', 'InsufficientMemory', '2026-11-20T08:00:00Z'),
];

export const sampleDigest = computeDigest({
  now: NOW,
  timeZone: 'UTC',
  deployments: sampleDeployments,
  incidents: sampleIncidents,
  lastSweep: {
    at: '2026-11-26T09:28:00Z',
    clustersReachable: ['aks-prod-weu', 'aks-dev-neu'],
    clustersUnreachable: [],
  },
});

export const digestNotification: Notification = {
  id: 'digest:2026-11-26:UTC',
  kind: 'digest',
  at: NOW,
  incidents: [],
  digest: sampleDigest,
};

export const quietDigestNotification: Notification = {
  id: 'digest:2026-11-27:UTC',
  kind: 'digest',
  at: '2026-11-27T08:00:00Z',
  incidents: [],
  digest: computeDigest({
    now: '2026-11-27T08:00:00Z',
    deployments: [],
    incidents: [],
    lastSweep: {
      at: '2026-11-27T07:58:00Z',
      clustersReachable: ['aks-prod-weu'],
      clustersUnreachable: ['aks-dev-neu'],
    },
  }),
};
