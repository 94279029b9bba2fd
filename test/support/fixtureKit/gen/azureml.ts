/**
 * Fixtures for Azure ML's half of a deployment: service records (v1 model-management records and v2 ARM online
 * deployments with their operation) that fail before or beside the cluster — rejected, cancelled, extension and
 * compute failures, capacity refusals seen only in the record — plus the pod-creation refusals, node conditions,
 * scheduler details, build details and sign-in failures added with them. Error codes and wordings are the ones
 * Azure ML's troubleshooting pages and real outputs show. Regenerate with
 * `npm run build:dev && node dist-dev/test/support/fixtureKit/gen/azureml.js`.
 */
import { event, markNotReady, type AmlServiceObjects, type K8sObject } from '../kit.js';
import { runFixtureGenerator, type FixtureExpectation, type NamedFixture } from '../write.js';
import { clusterNode } from './platformShapes.js';
import {
  ago,
  d4Node,
  deploymentEvent,
  failedScheduling,
  metaOf,
  NOW,
  objectsOf,
  podCreatedEvent,
  service,
  stuck,
  unscheduled,
  WORKSPACE,
} from './podShapes.js';

type Json = Record<string, unknown>;
type AmlErr = { code: string; message: string; details?: { code: string; message: string }[] };

const SUB = '6b1c2d3e-4f50-4a1b-9c2d-3e4f5a6b7c8d';
const RG = 'rg-ml-prod';
const WS_ID = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.MachineLearningServices/workspaces/${WORKSPACE}`;

interface Op {
  status: 'InProgress' | 'Succeeded' | 'Failed' | 'Canceled';
  start: number;
  end?: number;
  error?: AmlErr;
}

function operation(op: Op): Json {
  return {
    status: op.status,
    startTime: ago(op.start),
    ...(op.end !== undefined ? { endTime: ago(op.end) } : {}),
    ...(op.error ? { error: op.error } : {}),
  };
}

/** A v1 AksWebservice record as the model-management REST API returns it. */
function v1Record(
  name: string,
  state: string,
  opts: { error?: AmlErr & { statusCode?: number }; op?: Op; updated?: number; created?: number } = {},
): Json {
  return {
    name,
    id: name,
    computeType: 'AKS',
    computeName: 'aks-prod',
    state,
    createdTime: ago(opts.created ?? 86400 * 30),
    updatedTime: ago(opts.updated ?? opts.op?.end ?? opts.op?.start ?? 3600),
    imageId: `${name}:12`,
    ...(opts.error ? { error: opts.error } : {}),
    ...(opts.op ? { operation: operation(opts.op) } : {}),
  };
}

/** A v2 Kubernetes online deployment as ARM returns it, with the Activity Log entry of its last write. */
function v2Record(
  endpoint: string,
  name: string,
  state: string,
  opts: { op?: Op; updated?: number } = {},
): Json {
  return {
    id: `${WS_ID}/onlineEndpoints/${endpoint}/deployments/${name}`,
    name,
    type: 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments',
    kind: 'Kubernetes',
    location: 'westeurope',
    properties: {
      endpointComputeType: 'Kubernetes',
      provisioningState: state,
      instanceType: 'defaultinstancetype',
      model: `${WS_ID}/models/${endpoint}-model/versions/3`,
      environmentId: `${WS_ID}/environments/sklearn-env/versions/2`,
      appInsightsEnabled: false,
    },
    systemData: {
      createdAt: ago(86400 * 10),
      lastModifiedAt: ago(opts.updated ?? opts.op?.start ?? 3600),
    },
    ...(opts.op ? { operation: operation(opts.op) } : {}),
  };
}

function meta(service: string, namespace: string, extra: Json = {}): NamedFixture['meta'] {
  return { service, namespace, workspace: WORKSPACE, capturedAt: NOW, ...extra };
}

/** A service that has been serving for a day: the old revision Azure ML leaves in place when it refuses an update. */
function serving(flavor: 'v1' | 'v2', name: string, endpoint?: string): AmlServiceObjects {
  return service({ flavor, name, endpoint, createdAt: ago(86400) });
}

const BASE_NODES = (): K8sObject[] => [d4Node('nodepool1', 0), d4Node('nodepool1', 1)];

function fixture(
  name: string,
  objects: K8sObject[],
  m: NamedFixture['meta'],
  expected: FixtureExpectation,
  record?: Json,
  extra: Partial<NamedFixture> = {},
): NamedFixture {
  return { name, objects, meta: m, expected, ...(record ? { service: record } : {}), ...extra };
}

function failed(
  code: string,
  detail: string | null,
  description: string,
  evidenceIncludes?: string,
): FixtureExpectation {
  return {
    description,
    status: 'Failed',
    root: { code, detail, ...(evidenceIncludes ? { evidenceIncludes } : {}) },
  };
}

/** A record refusal while the old revision serves (v1 or v2), and the same refusal for a deployment not yet created. */
function recordCases(
  code: string,
  detail: string,
  v1: { name: string; error: AmlErr & { statusCode?: number }; description: string; evidence: string },
  v2: {
    endpoint: string;
    name: string;
    error: AmlErr;
    description: string;
    evidence: string;
    fresh?: boolean;
  },
): NamedFixture[] {
  const s1 = serving('v1', v1.name);
  const f1 = fixture(
    `${code}.${detail}.v1-update-refused-old-revision-serves`,
    [...objectsOf(s1), ...BASE_NODES()],
    metaOf(s1),
    failed(code, detail, v1.description, v1.evidence),
    v1Record(v1.name, 'Failed', {
      error: v1.error,
      op: { status: 'Failed', start: 1500, end: 1380, error: v1.error },
    }),
  );
  const v2Name = `${v2.endpoint}-${v2.name}`;
  const f2 = v2.fresh
    ? fixture(
        `${code}.${detail}.v2-create-refused-nothing-in-cluster`,
        BASE_NODES(),
        meta(v2Name, 'azureml-workloads'),
        failed(code, detail, v2.description, v2.evidence),
        v2Record(v2.endpoint, v2.name, 'Failed', {
          op: { status: 'Failed', start: 1200, end: 1150, error: v2.error },
        }),
      )
    : (() => {
        const s2 = serving('v2', v2.name, v2.endpoint);
        return fixture(
          `${code}.${detail}.v2-update-refused-old-revision-serves`,
          [...objectsOf(s2), ...BASE_NODES()],
          metaOf(s2),
          failed(code, detail, v2.description, v2.evidence),
          v2Record(v2.endpoint, v2.name, 'Failed', {
            op: { status: 'Failed', start: 1200, end: 1150, error: v2.error },
          }),
        );
      })();
  return [f1, f2];
}

/** The same error in an operation older than the record's last success: history, Healthy. */
function historyNearMiss(code: string, detail: string, name: string, error: AmlErr): NamedFixture {
  const s = serving('v1', name);
  return fixture(
    `nearmiss.${code}.${detail}.failed-operation-older-than-last-success`,
    [...objectsOf(s), ...BASE_NODES()],
    metaOf(s),
    {
      description: `${error.code} failed an update 2 h ago, but the service was updated successfully since: history, not a finding`,
      status: 'Healthy',
      absent: [{ code }],
    },
    v1Record(name, 'Healthy', {
      error,
      op: { status: 'Failed', start: 7200, end: 7000, error },
      updated: 1800,
    }),
  );
}

// ------------------------------------------------------------------ DeploymentRejected

function rejectedFixtures(): NamedFixture[] {
  const out: NamedFixture[] = [];
  out.push(
    ...recordCases(
      'DeploymentRejected',
      'InvalidSpec',
      {
        name: 'claims-triage',
        error: {
          code: 'BadArgument',
          statusCode: 400,
          message: 'Model claims-triage-model:7 not found in workspace contoso-ml',
          details: [
            {
              code: 'ResourceNotFound',
              message: 'Model claims-triage-model:7 not found in workspace contoso-ml',
            },
          ],
        },
        description:
          'v1 update names a model version that does not exist; Azure ML refuses it, the old revision keeps serving',
        evidence: 'ResourceNotFound',
      },
      {
        endpoint: 'fraud',
        name: 'green',
        error: {
          code: 'BadRequest',
          message: 'The request is invalid.',
          details: [
            {
              code: 'InvalidDeploymentSpec',
              message:
                'Deployment spec is invalid: instance_count 0 is not allowed; min_instances (3) is greater than max_instances (2).',
            },
          ],
        },
        description:
          'v2 create with min_instances above max_instances: InvalidDeploymentSpec before anything is created',
        evidence: 'InvalidDeploymentSpec',
        fresh: true,
      },
    ),
  );
  out.push(
    historyNearMiss('DeploymentRejected', 'InvalidSpec', 'claims-triage', {
      code: 'BadArgument',
      message: 'Model claims-triage-model:7 not found in workspace contoso-ml',
    }),
  );
  const policy = (assignment: string) =>
    `Resource 'green' was disallowed by policy. Policy identifiers: '[{"policyAssignment":{"name":"${assignment}","id":"/subscriptions/${SUB}/providers/Microsoft.Authorization/policyAssignments/${assignment}"}}]'.`;
  out.push(
    ...recordCases(
      'DeploymentRejected',
      'PolicyDenied',
      {
        name: 'churn-svc',
        error: { code: 'BadRequest', statusCode: 400, message: policy('deny-public-inference') },
        description:
          'v1 update disallowed by an Azure Policy assignment (generic BadRequest code, the wording says policy)',
        evidence: 'disallowed by policy',
      },
      {
        endpoint: 'fraud',
        name: 'green',
        error: { code: 'RequestDisallowedByPolicy', message: policy('require-private-endpoints') },
        description: 'v2 create refused by ARM: RequestDisallowedByPolicy',
        evidence: 'RequestDisallowedByPolicy',
        fresh: true,
      },
    ),
  );
  {
    const s = serving('v2', 'green', 'fraud');
    const error = { code: 'RequestDisallowedByPolicy', message: policy('require-private-endpoints') };
    out.push(
      fixture(
        'nearmiss.DeploymentRejected.PolicyDenied.later-update-running',
        [...objectsOf(s), ...BASE_NODES()],
        metaOf(s),
        {
          description:
            'the policy-denied write was followed by a new write that is still running: Progressing',
          status: 'Progressing',
          absent: [{ code: 'DeploymentRejected' }],
        },
        { ...v2Record('fraud', 'green', 'Updating', { op: { status: 'InProgress', start: 120 } }), error },
      ),
    );
  }
  const secret = (ref: string) => ({
    code: 'SecretsInjectionError',
    message: `Secrets injection failed: the secret reference ${ref} could not be resolved. Check that the connection exists and that the endpoint identity can read it.`,
  });
  out.push(
    ...recordCases(
      'DeploymentRejected',
      'SecretsInjectionFailed',
      {
        name: 'doc-summarizer',
        error: {
          code: 'UserError',
          statusCode: 400,
          message: 'Deployment failed',
          details: [secret('${{azureml://connections/openai-prod/credentials/key}}')],
        },
        description: 'v1-style record carrying a secret-injection detail; the old revision serves',
        evidence: 'SecretsInjectionError',
      },
      {
        endpoint: 'chat',
        name: 'blue',
        error: secret('${{keyvault:kv-contoso/secrets/api-key}}'),
        description: 'v2 update: the Key Vault secret reference cannot be read by the endpoint identity',
        evidence: 'could not be resolved',
      },
    ),
  );
  out.push(
    historyNearMiss(
      'DeploymentRejected',
      'SecretsInjectionFailed',
      'doc-summarizer',
      secret('${{azureml://connections/openai-prod/credentials/key}}'),
    ),
  );
  // Canceled
  const canceled = {
    code: 'OperationCanceled',
    message: 'The operation was canceled because a newer operation was submitted, or by request.',
  };
  {
    const s = serving('v2', 'blue', 'reco');
    out.push(
      fixture(
        'DeploymentRejected.Canceled.v2-canceled-no-later-operation',
        [...objectsOf(s), ...BASE_NODES()],
        metaOf(s),
        failed(
          'DeploymentRejected',
          'Canceled',
          'v2 update cancelled 25 min ago and nothing started since; the old revision serves',
          'OperationCanceled',
        ),
        v2Record('reco', 'blue', 'Canceled', {
          op: { status: 'Canceled', start: 1800, end: 1500, error: canceled },
        }),
      ),
    );
  }
  {
    const s = serving('v1', 'pricing');
    out.push(
      fixture(
        'DeploymentRejected.Canceled.v1-operation-canceled-15min',
        [...objectsOf(s), ...BASE_NODES()],
        metaOf(s),
        failed(
          'DeploymentRejected',
          'Canceled',
          'v1 update operation cancelled 15 min ago, no later operation',
          'OperationCanceled',
        ),
        v1Record('pricing', 'Failed', { op: { status: 'Canceled', start: 1200, end: 900, error: canceled } }),
      ),
    );
  }
  {
    const s = serving('v2', 'blue', 'reco');
    out.push(
      fixture(
        'nearmiss.DeploymentRejected.Canceled.canceled-3min-ago',
        [...objectsOf(s), ...BASE_NODES()],
        metaOf(s),
        {
          description:
            'cancelled 3 min ago: a later operation may still start within HANG_AFTER, so Progressing, never a hang',
          status: 'Progressing',
          absent: [{ code: 'DeploymentRejected' }, { code: 'DeploymentHung' }],
        },
        v2Record('reco', 'blue', 'Canceled', {
          op: { status: 'Canceled', start: 300, end: 180, error: canceled },
        }),
      ),
    );
  }
  {
    const s = serving('v2', 'blue', 'reco');
    out.push(
      fixture(
        'nearmiss.DeploymentRejected.Canceled.canceled-then-succeeded',
        [...objectsOf(s), ...BASE_NODES()],
        metaOf(s),
        {
          description: 'cancelled by a newer update that then succeeded: the cancel is history',
          status: 'Healthy',
          absent: [{ code: 'DeploymentRejected' }],
        },
        v2Record('reco', 'blue', 'Succeeded', {
          op: { status: 'Canceled', start: 2400, end: 2300, error: canceled },
          updated: 1200,
        }),
      ),
    );
  }
  {
    const s = serving('v1', 'pricing');
    out.push(
      fixture(
        'nearmiss.DeploymentRejected.Canceled.later-operation-running',
        [...objectsOf(s), ...BASE_NODES()],
        metaOf(s),
        {
          description:
            'the cancelled update was superseded by one that is still Transitioning: Progressing, no finding',
          status: 'Progressing',
          absent: [{ code: 'DeploymentRejected' }, { code: 'DeploymentHung' }],
        },
        // The later update started 5 min ago (updatedTime); the record still shows the cancelled operation.
        v1Record('pricing', 'Transitioning', {
          op: { status: 'Canceled', start: 2400, end: 2300, error: canceled },
          updated: 300,
        }),
      ),
    );
  }
  out.push(
    ...recordCases(
      'DeploymentRejected',
      'ServiceError',
      {
        name: 'invoice-parser',
        error: {
          code: 'InternalServerError',
          statusCode: 500,
          message: 'An unexpected error occurred in the service. Please try again.',
        },
        description: 'v1 update fails with InternalServerError on the Azure ML side; the old revision serves',
        evidence: 'InternalServerError',
      },
      {
        endpoint: 'ocr',
        name: 'blue',
        error: {
          code: 'InternalServerError',
          message:
            'Internal server error occurred. Please retry, and contact support if the problem persists.',
        },
        description: 'v2 update: InternalServerError from Azure ML',
        evidence: 'Internal server error',
      },
    ),
  );
  out.push(
    historyNearMiss('DeploymentRejected', 'ServiceError', 'invoice-parser', {
      code: 'InternalServerError',
      message: 'An unexpected error occurred in the service. Please try again.',
    }),
  );
  return out;
}

// ------------------------------------------------------------------ ExtensionFailure

function extensionFixtures(): NamedFixture[] {
  const out: NamedFixture[] = [];
  const pair = (detail: string, a: AmlErr, b: AmlErr, evA: string, evB: string) =>
    recordCases(
      'ExtensionFailure',
      detail,
      {
        name: 'churn-svc',
        error: a,
        description: `record error ${a.details?.[0]?.code ?? a.code}; the old revision serves`,
        evidence: evA,
      },
      {
        endpoint: 'fraud',
        name: 'blue',
        error: b,
        description: `v2 deployment refused with ${b.details?.[0]?.code ?? b.code}`,
        evidence: evB,
        fresh: true,
      },
    );
  out.push(
    ...pair(
      'IdentityNotSet',
      {
        code: 'BadRequest',
        message: 'The request is invalid.',
        details: [
          {
            code: 'RefreshExtensionIdentityNotSet',
            message: 'Extension identity is not set, please reinstall the extension.',
          },
        ],
      },
      {
        code: 'RefreshExtensionIdentityNotSet',
        message: 'The Azure Machine Learning extension identity is not set.',
      },
      'RefreshExtensionIdentityNotSet',
      'identity is not set',
    ),
    ...pair(
      'TokenRequestFailed',
      {
        code: 'BadRequest',
        message: 'The request is invalid.',
        details: [
          {
            code: 'TokenRefreshFailed',
            message: 'Failed to refresh token: cluster identity is not set up properly.',
          },
        ],
      },
      {
        code: 'GetAADTokenFailed',
        message: 'Kubernetes cluster request AAD token failed: request timed out after 30s.',
      },
      'TokenRefreshFailed',
      'GetAADTokenFailed',
    ),
    ...pair(
      'AcrSecretFailed',
      {
        code: 'BadRequest',
        message: 'The request is invalid.',
        details: [{ code: 'ACRSecretError', message: 'Failed to create ACR secret for image pull.' }],
      },
      {
        code: 'ACRTokenExchangeFailed',
        message: 'Exchange ACR token failed: the AAD token is not authorized yet.',
      },
      'ACRSecretError',
      'ACRTokenExchangeFailed',
    ),
    ...pair(
      'RelayUnreachable',
      {
        code: 'BadRequest',
        message: 'The request is invalid.',
        details: [
          {
            code: 'InferencingClientCallFailed',
            message: 'k8s-extension of the Kubernetes cluster is not connectable.',
          },
        ],
      },
      {
        code: 'ServiceError',
        message:
          'Failed to reach the cluster through Azure Relay: the relay server in namespace azureml did not answer.',
      },
      'InferencingClientCallFailed',
      'Azure Relay',
    ),
  );
  out.push(
    historyNearMiss('ExtensionFailure', 'TokenRequestFailed', 'churn-svc', {
      code: 'GetAADTokenFailed',
      message: 'request AAD token timed out',
    }),
    historyNearMiss('ExtensionFailure', 'IdentityNotSet', 'churn-svc', {
      code: 'RefreshExtensionIdentityNotSet',
      message: 'Extension identity is not set.',
    }),
  );
  {
    // The cluster shows the definite cause (no node can take the new pod): that is the root cause; the record's
    // ACRSecretError is not a second root.
    const s = service({ flavor: 'v2', name: 'blue', endpoint: 'fraud', createdAt: ago(1200) });
    const pod = s.pods[0]!;
    const msg =
      '0/2 nodes are available: 2 Insufficient memory. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.';
    unscheduled(pod, ago(1100), msg);
    stuck(s, ago(1100), true);
    out.push(
      fixture(
        'nearmiss.ExtensionFailure.AcrSecretFailed.cluster-shows-the-cause',
        [...objectsOf(s), failedScheduling(pod, msg, ago(1100), ago(30), 20), ...BASE_NODES()],
        metaOf(s),
        {
          description:
            'the record says ACRSecretError, but the new pod is Pending for memory: the cluster cause leads',
          status: 'Failed',
          root: { code: 'PodUnschedulable', detail: 'InsufficientMemory' },
          absent: [{ code: 'ExtensionFailure' }],
        },
        v2Record('fraud', 'blue', 'Failed', {
          op: {
            status: 'Failed',
            start: 1200,
            end: 60,
            error: { code: 'ACRSecretError', message: 'Failed to create ACR secret.' },
          },
        }),
      ),
    );
  }
  {
    const s = serving('v2', 'blue', 'fraud');
    out.push(
      fixture(
        'nearmiss.ExtensionFailure.RelayUnreachable.retry-in-progress',
        [...objectsOf(s), ...BASE_NODES()],
        metaOf(s),
        {
          description: 'an earlier write failed with InferencingClientCallFailed; the retry is running',
          status: 'Progressing',
          absent: [{ code: 'ExtensionFailure' }],
        },
        v2Record('fraud', 'blue', 'Updating', { op: { status: 'InProgress', start: 90 } }),
      ),
    );
  }
  return out;
}

// ------------------------------------------------------------------ ComputeAttachFailure

function namespaceObject(name: string): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      creationTimestamp: '2024-01-01T00:00:00Z',
      labels: { 'kubernetes.io/metadata.name': name },
      name,
      resourceVersion: '12',
      uid: `ns-${name}`,
    },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

function computeFixtures(): NamedFixture[] {
  const out: NamedFixture[] = [];
  const clusterNamespaces = ['default', 'kube-system', 'kube-public', 'azureml'].map(namespaceObject);
  out.push(
    fixture(
      'ComputeAttachFailure.NamespaceNotFound.v1-namespace-deleted',
      [...clusterNamespaces, ...BASE_NODES()],
      meta('churn-svc', `azureml-${WORKSPACE}`),
      failed(
        'ComputeAttachFailure',
        'NamespaceNotFound',
        'someone deleted azureml-contoso-ml: Azure ML still has the Healthy record, the cluster has nothing',
        'not found among',
      ),
      v1Record('churn-svc', 'Healthy', { updated: 86400 }),
    ),
  );
  out.push(
    fixture(
      'ComputeAttachFailure.NamespaceNotFound.v2-record-namespace-not-found',
      BASE_NODES(),
      meta('fraud-blue', 'azureml-workloads'),
      failed(
        'ComputeAttachFailure',
        'NamespaceNotFound',
        'v2 create fails with NamespaceNotFound: the compute was attached with a namespace that does not exist',
        'NamespaceNotFound',
      ),
      v2Record('fraud', 'blue', 'Failed', {
        op: {
          status: 'Failed',
          start: 900,
          end: 840,
          error: {
            code: 'NamespaceNotFound',
            message: 'Namespace azureml-workloads is not found in the cluster.',
          },
        },
      }),
    ),
  );
  out.push(
    fixture(
      'nearmiss.ComputeAttachFailure.NamespaceNotFound.namespace-exists-create-running',
      [...clusterNamespaces, namespaceObject('azureml-workloads'), ...BASE_NODES()],
      meta('fraud-blue', 'azureml-workloads'),
      {
        description: 'a new deployment with no objects yet while its create runs; the namespace exists',
        status: 'Progressing',
        absent: [{ code: 'ComputeAttachFailure' }],
      },
      v2Record('fraud', 'blue', 'Creating', { op: { status: 'InProgress', start: 60 } }),
    ),
  );
  const pair = (detail: string, a: AmlErr, b: AmlErr, evA: string, evB: string) =>
    recordCases(
      'ComputeAttachFailure',
      detail,
      {
        name: 'churn-svc',
        error: a,
        description: `record error ${a.details?.[0]?.code ?? a.code}; the old revision serves`,
        evidence: evA,
      },
      {
        endpoint: 'fraud',
        name: 'blue',
        error: b,
        description: `v2 deployment refused with ${b.details?.[0]?.code ?? b.code}`,
        evidence: evB,
        fresh: true,
      },
    );
  out.push(
    ...pair(
      'ComputeNotFound',
      { code: 'ComputeNotFound', message: 'Cannot find Kubernetes compute.' },
      {
        code: 'BadRequest',
        message: 'The request is invalid.',
        details: [{ code: 'ClusterNotFound', message: 'Cannot found Kubernetes cluster.' }],
      },
      'Cannot find Kubernetes compute',
      'ClusterNotFound',
    ),
    ...pair(
      'ComputeNotAccessible',
      {
        code: 'BadRequest',
        message: 'The request is invalid.',
        details: [
          {
            code: 'KubernetesUnaccessible',
            message: 'Kubernetes error: AuthenticationException. Reason: InvalidCertificate',
          },
        ],
      },
      { code: 'ComputeNotAccessible', message: 'The Kubernetes compute is not accessible.' },
      'InvalidCertificate',
      'not accessible',
    ),
    ...pair(
      'InvalidComputeConfig',
      { code: 'InvalidComputeInformation', message: 'The compute information is invalid.' },
      { code: 'InvalidComputeNoKubernetesConfiguration', message: 'The compute kubeconfig is invalid.' },
      'InvalidComputeInformation',
      'kubeconfig is invalid',
    ),
  );
  out.push(
    historyNearMiss('ComputeAttachFailure', 'ComputeNotFound', 'churn-svc', {
      code: 'ComputeNotFound',
      message: 'Cannot find Kubernetes compute.',
    }),
    historyNearMiss('ComputeAttachFailure', 'ComputeNotAccessible', 'churn-svc', {
      code: 'KubernetesUnaccessible',
      message: 'Kubernetes error: AuthenticationException.',
    }),
    historyNearMiss('ComputeAttachFailure', 'InvalidComputeConfig', 'churn-svc', {
      code: 'InvalidComputeInformation',
      message: 'The compute information is invalid.',
    }),
  );
  return out;
}

// ------------------------------------------------------------------ PodCreateRejected

function refusedCreate(
  flavor: 'v1' | 'v2',
  name: string,
  endpoint: string | undefined,
  message: (pod: string) => string,
  opts: { condition?: boolean; recovered?: boolean } = {},
): { svc: AmlServiceObjects; objects: K8sObject[] } {
  const svc = service({ flavor, name, endpoint, createdAt: ago(1500) });
  const rs = svc.replicaSet;
  const podName = `${rs.metadata.name}-${'x7k2p'}`;
  const events: K8sObject[] = [deploymentEvent(svc, ago(1500))];
  events.push(
    event({
      object: rs,
      reason: 'FailedCreate',
      message: message(podName),
      first: ago(1495),
      last: ago(opts.recovered ? 900 : 40),
      count: opts.recovered ? 8 : 17,
    }),
  );
  if (opts.recovered) {
    events.push(podCreatedEvent(svc, svc.pods[0]!, ago(600)));
    return { svc, objects: [...objectsOf(svc), ...events, ...BASE_NODES()] };
  }
  stuck(svc, ago(1495), true);
  rs.status = {
    observedGeneration: 1,
    replicas: 0,
    ...(opts.condition
      ? {
          conditions: [
            {
              lastTransitionTime: ago(1495),
              message: message(podName),
              reason: 'FailedCreate',
              status: 'True',
              type: 'ReplicaFailure',
            },
          ],
        }
      : {}),
  };
  const objects = [svc.deployment, rs, ...events, ...BASE_NODES()];
  return { svc, objects };
}

function podCreateFixtures(): NamedFixture[] {
  const out: NamedFixture[] = [];
  const add = (
    name: string,
    r: { svc: AmlServiceObjects; objects: K8sObject[] },
    expected: FixtureExpectation,
  ) => out.push(fixture(name, r.objects, metaOf(r.svc), expected));
  const limit = (pod: string) =>
    `Error creating: pods "${pod}" is forbidden: maximum cpu usage per Container is 2, but limit is 4`;
  add(
    'PodCreateRejected.LimitRange.v1-max-cpu-per-container',
    refusedCreate('v1', 'doc-classifier', undefined, limit),
    failed(
      'PodCreateRejected',
      'LimitRange',
      'the namespace LimitRange caps containers at 2 CPU; the service asks for 4',
      'maximum cpu usage per Container',
    ),
  );
  add(
    'PodCreateRejected.LimitRange.v2-min-memory-condition',
    refusedCreate(
      'v2',
      'blue',
      'ocr',
      (pod) =>
        `pods "${pod}" is forbidden: [minimum memory usage per Container is 1Gi, but request is 512Mi, maximum memory usage per Pod is 8Gi, but limit is 9Gi]`,
      { condition: true },
    ),
    failed(
      'PodCreateRejected',
      'LimitRange',
      'ReplicaFailure condition: the instance type requests less memory than the LimitRange minimum',
      'minimum memory usage per Container',
    ),
  );
  add(
    'nearmiss.PodCreateRejected.LimitRange.limitrange-relaxed-pod-created',
    refusedCreate('v1', 'doc-classifier', undefined, limit, { recovered: true }),
    {
      description:
        'the LimitRange refused pods for 10 min, was relaxed, and the pod was created and is Ready',
      status: 'Healthy',
      absent: [{ code: 'PodCreateRejected' }],
    },
  );
  const webhook = (pod: string) =>
    `Error creating: admission webhook "validation.gatekeeper.sh" denied the request: [azurepolicy-k8sazurev2containerallowedimages-3a1f] Container image contosoacr4f2a.azurecr.io/azureml/azureml_0f3e for pod ${pod} has not been allowed.`;
  add(
    'PodCreateRejected.AdmissionWebhook.v1-gatekeeper-allowed-images',
    refusedCreate('v1', 'fraud-scorer', undefined, webhook),
    failed(
      'PodCreateRejected',
      'AdmissionWebhook',
      'Azure Policy for AKS (Gatekeeper) denies the Azure ML image',
      'validation.gatekeeper.sh',
    ),
  );
  add(
    'PodCreateRejected.AdmissionWebhook.v2-webhook-unreachable',
    refusedCreate(
      'v2',
      'blue',
      'churn',
      () =>
        'Internal error occurred: failed calling webhook "mpod.kb.io": failed to call webhook: Post "https://kyverno-svc.kyverno.svc:443/mutate?timeout=10s": dial tcp 10.0.142.17:443: connect: connection refused',
    ),
    failed(
      'PodCreateRejected',
      'AdmissionWebhook',
      'a mutating webhook with failurePolicy Fail is down, so every pod is refused',
      'failed calling webhook',
    ),
  );
  add(
    'nearmiss.PodCreateRejected.AdmissionWebhook.denied-then-exempted',
    refusedCreate('v1', 'fraud-scorer', undefined, webhook, { recovered: true }),
    {
      description: 'the webhook denied pods until the namespace was exempted; the pod now runs',
      status: 'Healthy',
      absent: [{ code: 'PodCreateRejected' }],
    },
  );
  const sa = (ns: string, acct: string) => (pod: string) =>
    `Error creating: pods "${pod}" is forbidden: error looking up service account ${ns}/${acct}: serviceaccount "${acct}" not found`;
  add(
    'PodCreateRejected.ServiceAccountMissing.v1-service-account-deleted',
    refusedCreate('v1', 'pricing', undefined, sa(`azureml-${WORKSPACE}`, 'pricing-sa')),
    failed(
      'PodCreateRejected',
      'ServiceAccountMissing',
      'the service account the pods run as was deleted',
      'serviceaccount "pricing-sa" not found',
    ),
  );
  add(
    'PodCreateRejected.ServiceAccountMissing.v2-condition-only',
    refusedCreate('v2', 'blue', 'reco', sa('azureml-workloads', 'reco-blue-sa'), { condition: true }),
    failed(
      'PodCreateRejected',
      'ServiceAccountMissing',
      'v2 deployment service account missing (ReplicaFailure condition)',
      'reco-blue-sa',
    ),
  );
  add(
    'nearmiss.PodCreateRejected.ServiceAccountMissing.recreated',
    refusedCreate('v1', 'pricing', undefined, sa(`azureml-${WORKSPACE}`, 'pricing-sa'), { recovered: true }),
    {
      description: 'the service account was recreated and the pod created',
      status: 'Healthy',
      absent: [{ code: 'PodCreateRejected' }],
    },
  );
  return out;
}

// ------------------------------------------------------------------ PodUnschedulable additions

function pending(
  flavor: 'v1' | 'v2',
  name: string,
  endpoint: string | undefined,
  since: number,
  message: string,
) {
  const created = ago(since + 2);
  const svc = service({ flavor, name, endpoint, createdAt: created, replicas: 1 });
  const pod = svc.pods[0]!;
  unscheduled(pod, ago(since), message);
  stuck(svc, ago(since), since > 600);
  const events: K8sObject[] = [
    deploymentEvent(svc, created),
    podCreatedEvent(svc, pod, ago(since)),
    failedScheduling(pod, message, ago(since), ago(Math.min(since, 25)), Math.max(1, Math.round(since / 60))),
  ];
  return { svc, pod, events };
}

function antiAffinity(pod: K8sObject, key: string, value: string): void {
  pod.spec.affinity = {
    podAntiAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [
        {
          labelSelector: { matchExpressions: [{ key, operator: 'In', values: [value] }] },
          topologyKey: 'kubernetes.io/hostname',
        },
      ],
    },
  };
}

function scheduleFixtures(): NamedFixture[] {
  const out: NamedFixture[] = [];
  {
    const msg =
      "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.";
    const p = pending('v2', 'blue', 'fraud', 900, msg);
    antiAffinity(p.pod, 'ml.azure.com/deployment-name', 'blue');
    out.push(
      fixture(
        'PodUnschedulable.AffinityMismatch.v2-anti-affinity-one-per-node',
        [
          ...objectsOf(p.svc),
          ...p.events,
          d4Node('nodepool1', 0),
          d4Node('nodepool1', 1),
          d4Node('nodepool1', 2),
        ],
        metaOf(p.svc),
        failed(
          'PodUnschedulable',
          'AffinityMismatch',
          'a fourth replica with required one-per-node anti-affinity on a 3-node pool',
          "didn't match pod anti-affinity rules",
        ),
      ),
    );
  }
  {
    const msg = "0/2 nodes are available: 2 node(s) didn't match pod affinity rules.";
    const p = pending('v1', 'feature-store-client', undefined, 700, msg);
    p.pod.spec.affinity = {
      podAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          { labelSelector: { matchLabels: { app: 'redis-cache' } }, topologyKey: 'kubernetes.io/hostname' },
        ],
      },
    };
    out.push(
      fixture(
        'PodUnschedulable.AffinityMismatch.v1-pod-affinity-target-gone',
        [...objectsOf(p.svc), ...p.events, ...BASE_NODES()],
        metaOf(p.svc),
        failed(
          'PodUnschedulable',
          'AffinityMismatch',
          'the pod must sit next to a redis-cache pod that no longer runs anywhere',
          "didn't match pod affinity rules",
        ),
      ),
    );
  }
  {
    const msg = "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules.";
    const p = pending('v2', 'blue', 'fraud', 12, msg);
    out.push(
      fixture(
        'nearmiss.PodUnschedulable.AffinityMismatch.just-created',
        [...objectsOf(p.svc), ...p.events, ...BASE_NODES()],
        metaOf(p.svc),
        {
          description: 'unschedulable for 12 s only: still being placed',
          status: 'Progressing',
          absent: [{ code: 'PodUnschedulable' }],
        },
      ),
    );
  }
  {
    const msg =
      '0/3 nodes are available: 3 node(s) had untolerated taint {node.kubernetes.io/unschedulable: }. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.';
    const p = pending('v2', 'green', 'churn', 1300, msg);
    const cordon = [{ effect: 'NoSchedule', key: 'node.kubernetes.io/unschedulable', timeAdded: ago(5400) }];
    const nodes = [0, 1, 2].map((i) => d4Node('nodepool1', i, { taints: cordon }));
    for (const n of nodes) n.spec.unschedulable = true;
    out.push(
      fixture(
        'PodUnschedulable.NodesCordoned.v2-upgrade-left-pool-cordoned',
        [...objectsOf(p.svc), ...p.events, ...nodes],
        metaOf(p.svc),
        failed(
          'PodUnschedulable',
          'NodesCordoned',
          'a node image upgrade stopped half way and left the whole pool cordoned',
          'node.kubernetes.io/unschedulable',
        ),
      ),
    );
  }
  {
    const s = serving('v1', 'pricing');
    const n0 = d4Node('nodepool1', 0, {
      taints: [{ effect: 'NoSchedule', key: 'node.kubernetes.io/unschedulable', timeAdded: ago(600) }],
    });
    n0.spec.unschedulable = true;
    out.push(
      fixture(
        'nearmiss.PodUnschedulable.NodesCordoned.one-node-cordoned-pod-running',
        [...objectsOf(s), n0, d4Node('nodepool1', 1)],
        metaOf(s),
        {
          description: 'one node is cordoned for maintenance, the pod runs on the other',
          status: 'Healthy',
          absent: [{ code: 'PodUnschedulable' }],
        },
      ),
    );
  }
  {
    // Several reasons: two nodes are full; the third, which the autoscaler asked for 13 min ago, joined 4 min ago
    // and is not ready yet.
    const msg =
      '0/3 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.';
    const p = pending('v2', 'blue', 'forecast', 900, msg);
    for (const o of [p.pod.spec, p.svc.deployment.spec.template.spec, p.svc.replicaSet.spec.template.spec])
      o.containers[0].resources = {
        limits: { cpu: '3', memory: '4Gi' },
        requests: { cpu: '3', memory: '4Gi' },
      };
    const fresh = clusterNode(2, { Ready: 'False' }, 230);
    fresh.metadata.creationTimestamp = ago(240);
    const nodes = [d4Node('nodepool1', 0), d4Node('nodepool1', 1), fresh];
    const scaleUp = event({
      object: p.pod,
      reason: 'TriggeredScaleUp',
      type: 'Normal',
      component: 'cluster-autoscaler',
      message: 'pod triggered scale-up: [{aks-nodepool1-11421111-vmss 2->3 (max: 5)}]',
      first: ago(800),
    });
    out.push(
      fixture(
        'PodUnschedulable.InsufficientCpu.v2-autoscaler-new-node-not-ready-yet',
        [...objectsOf(p.svc), ...p.events, scaleUp, ...nodes],
        metaOf(p.svc),
        {
          ...failed(
            'PodUnschedulable',
            'InsufficientCpu',
            'two nodes are full; the third, just added by the autoscaler, is still NotReady: a capacity shortage, not a node failure',
            '2 Insufficient cpu',
          ),
          absent: [{ code: 'NodeFailure' }],
        },
      ),
    );
  }
  // A capacity refusal seen only in the record, while the old revision serves.
  {
    const s = serving('v1', 'demand-forecast');
    const error = {
      code: 'DeploymentFailed',
      statusCode: 400,
      message:
        'Deployment request failed due to insufficient compute resource. For the specified compute target, 1 replica cannot be created per specified CPU/Memory configuration(3 CPU Cores, 2GB Memory). You can address this problem by adjusting number of replicas, using a different CPU/memory configuration, or using a different compute target.',
    };
    out.push(
      fixture(
        'PodUnschedulable.InsufficientCpu.v1-record-only-update-refused-old-revision-serves',
        [...objectsOf(s), ...BASE_NODES()],
        metaOf(s),
        failed(
          'PodUnschedulable',
          'InsufficientCpu',
          'the update to 3 CPU was refused for capacity; only the record says so, the old revision keeps serving',
          'insufficient compute resource',
        ),
        v1Record('demand-forecast', 'Failed', {
          error,
          op: { status: 'Failed', start: 1500, end: 1200, error },
        }),
      ),
    );
    out.push(
      fixture(
        'nearmiss.PodUnschedulable.InsufficientCpu.record-refusal-then-smaller-update-succeeded',
        [...objectsOf(s), ...BASE_NODES()],
        metaOf(s),
        {
          description: 'the capacity refusal is older than a later successful update: history',
          status: 'Healthy',
          absent: [{ code: 'PodUnschedulable' }],
        },
        v1Record('demand-forecast', 'Healthy', {
          error,
          op: { status: 'Failed', start: 7200, end: 6900, error },
          updated: 1800,
        }),
      ),
    );
  }
  {
    const s = serving('v2', 'blue', 'reco');
    const error = {
      code: 'OutOfQuota',
      message: 'Kubernetes unschedulable. Details:0/2 nodes are available: 2 Insufficient memory.',
    };
    out.push(
      fixture(
        'PodUnschedulable.InsufficientMemory.v2-record-only-outofquota-old-revision-serves',
        [...objectsOf(s), ...BASE_NODES()],
        metaOf(s),
        failed(
          'PodUnschedulable',
          'InsufficientMemory',
          'v2 update refused with OutOfQuota for memory; the old revision serves',
          'Insufficient memory',
        ),
        v2Record('reco', 'blue', 'Failed', { op: { status: 'Failed', start: 1500, end: 1300, error } }),
      ),
    );
  }
  return out;
}

// ------------------------------------------------------------------ NodeFailure additions

function nodeFixtures(): NamedFixture[] {
  const out: NamedFixture[] = [];
  const hosting = (svc: AmlServiceObjects) => svc.pods[0]!.spec.nodeName as string;
  {
    const s = service({ flavor: 'v1', name: 'text-embedder', createdAt: ago(7200) });
    const n0 = clusterNode(0, { PIDPressure: 'True' }, 900);
    n0.metadata.name = hosting(s);
    n0.spec.taints = [{ effect: 'NoSchedule', key: 'node.kubernetes.io/pid-pressure', timeAdded: ago(900) }];
    const c = n0.status.conditions.find((x: K8sObject) => x.type === 'PIDPressure');
    c.reason = 'KubeletHasInsufficientPID';
    c.message = 'kubelet has insufficient PID available';
    markNotReady(s.pods[0]!, ago(840), [s.appContainer]);
    stuck(s, ago(840));
    out.push(
      fixture(
        'NodeFailure.PIDPressure.v1-node-out-of-pids',
        [...objectsOf(s), n0, clusterNode(1)],
        metaOf(s),
        failed(
          'NodeFailure',
          'PIDPressure',
          'the node hosting the only replica is out of process ids; the pod is not Ready',
          'insufficient PID',
        ),
      ),
    );
  }
  {
    const s = service({ flavor: 'v2', name: 'blue', endpoint: 'fraud', createdAt: ago(7200) });
    const pod = s.pods[0]!;
    const host = hosting(s);
    const n0 = clusterNode(0, { PIDPressure: 'True' }, 1200);
    n0.metadata.name = host;
    n0.spec.taints = [{ effect: 'NoSchedule', key: 'node.kubernetes.io/pid-pressure', timeAdded: ago(1200) }];
    pod.status = {
      message: 'The node was low on resource: pids. ',
      phase: 'Failed',
      reason: 'Evicted',
      startTime: ago(7100),
      qosClass: 'Burstable',
    };
    stuck(s, ago(1100));
    out.push(
      fixture(
        'NodeFailure.PIDPressure.v2-evicted-low-on-pids',
        [
          ...objectsOf(s),
          event({
            object: pod,
            reason: 'Evicted',
            message: 'The node was low on resource: pids. ',
            first: ago(1100),
            component: 'kubelet',
          }),
          n0,
        ],
        metaOf(s),
        failed(
          'NodeFailure',
          'PIDPressure',
          'the kubelet evicted the replica for lack of process ids',
          'low on resource: pids',
        ),
      ),
    );
  }
  {
    const s = serving('v1', 'text-embedder');
    const other = clusterNode(2, { PIDPressure: 'True' }, 900);
    out.push(
      fixture(
        'nearmiss.NodeFailure.PIDPressure.other-node-hosts-nothing-of-ours',
        [...objectsOf(s), other],
        metaOf(s),
        {
          description: 'a node with PIDPressure hosts nothing of the service, which is Ready',
          status: 'Healthy',
          absent: [{ code: 'NodeFailure', detail: 'PIDPressure' }],
        },
      ),
    );
  }
  const netDown = (i: number, since: number, host?: string) => {
    const n = clusterNode(i, {}, since);
    if (host) n.metadata.name = host;
    n.status.conditions.unshift({
      lastHeartbeatTime: ago(since),
      lastTransitionTime: ago(since),
      message: 'RouteController failed to create a route',
      reason: 'NoRouteCreated',
      status: 'True',
      type: 'NetworkUnavailable',
    });
    n.spec.taints = [
      { effect: 'NoSchedule', key: 'node.kubernetes.io/network-unavailable', timeAdded: ago(since) },
    ];
    return n;
  };
  {
    const s = service({ flavor: 'v1', name: 'ocr-svc', createdAt: ago(7200) });
    markNotReady(s.pods[0]!, ago(600), [s.appContainer]);
    stuck(s, ago(600));
    out.push(
      fixture(
        'NodeFailure.NetworkUnavailable.v1-kubenet-route-missing',
        [...objectsOf(s), netDown(0, 700, hosting(s)), clusterNode(1)],
        metaOf(s),
        failed(
          'NodeFailure',
          'NetworkUnavailable',
          "kubenet: the node's route was removed from the route table, its pods lost the network",
          'RouteController failed to create a route',
        ),
      ),
    );
  }
  {
    const msg =
      '0/2 nodes are available: 2 node(s) had untolerated taint {node.kubernetes.io/network-unavailable: }. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.';
    const p = pending('v2', 'blue', 'churn', 800, msg);
    out.push(
      fixture(
        'NodeFailure.NetworkUnavailable.v2-pending-all-nodes-no-network',
        [...objectsOf(p.svc), ...p.events, netDown(0, 1000), netDown(1, 1000)],
        metaOf(p.svc),
        failed(
          'NodeFailure',
          'NetworkUnavailable',
          'both nodes carry the network-unavailable taint; the pod cannot be placed',
          'network-unavailable',
        ),
      ),
    );
  }
  {
    const s = serving('v1', 'ocr-svc');
    out.push(
      fixture(
        'nearmiss.NodeFailure.NetworkUnavailable.flap-20s',
        [...objectsOf(s), netDown(0, 20, hosting(s)), clusterNode(1)],
        metaOf(s),
        {
          description: 'the network condition flipped 20 s ago (CNI restart) and the pod is still Ready',
          status: 'Healthy',
          absent: [{ code: 'NodeFailure' }],
        },
      ),
    );
  }
  return out;
}

// ------------------------------------------------------------------ ClusterUnreachable / SignInFailed

function signInFixtures(): NamedFixture[] {
  const m = (service: string, clusterError: Json, gaps?: string[]) =>
    meta(service, `azureml-${WORKSPACE}`, {
      ...(clusterError ? { clusterError } : {}),
      ...(gaps ? { gaps } : {}),
    });
  const list: K8sObject[] = [];
  return [
    fixture(
      'ClusterUnreachable.SignInFailed.managed-identity-missing',
      list,
      m('invoice-parser', {
        kind: 'SignInFailed',
        message:
          'ManagedIdentityCredential authentication failed. No managed identity endpoint found (the Function App has no identity assigned).',
      }),
      {
        description: 'the Function App has no managed identity, so no Entra token for AKS',
        status: 'Unknown',
        root: {
          code: 'ClusterUnreachable',
          detail: 'SignInFailed',
          evidenceIncludes: 'ManagedIdentityCredential',
        },
      },
    ),
    fixture(
      'ClusterUnreachable.SignInFailed.aadsts-wrong-tenant',
      list,
      m('invoice-parser', {
        kind: 'Unauthorized',
        message:
          'kubelogin: failed to get token: AADSTS700016: Application with identifier 6dae42f8-4368-4678-94ff-3960e28e3630 was not found in the directory.',
      }),
      {
        description: 'an Entra sign-in error filed as Unauthorized by the collector: SignInFailed',
        status: 'Unknown',
        root: { code: 'ClusterUnreachable', detail: 'SignInFailed', evidenceIncludes: 'AADSTS700016' },
      },
    ),
    fixture(
      'nearmiss.ClusterUnreachable.SignInFailed.log-token-gap-only',
      [...objectsOf(serving('v1', 'invoice-parser')), ...BASE_NODES()],
      {
        ...metaOf(serving('v1', 'invoice-parser')),
        gaps: ['logs/invoice-parser: token refresh failed once, retried'],
      },
      {
        description: 'one token hiccup named as a gap; everything else was read',
        status: 'Healthy',
        absent: [{ code: 'ClusterUnreachable' }],
      },
    ),
  ];
}

// ------------------------------------------------------------------ ImageBuildFailure additions

const ACR_STEP = (t: string) =>
  `${t} Executing step ID: acb_step_0. Timeout(sec): 5400, Working directory: '', Network: 'acb_default_network'`;

function pipConflictLog(a: string, b: string, dep: string): string {
  return [
    ACR_STEP('2024/05/14 09:40:02'),
    'Step 9/17 : RUN pip install -r /azureml-environment-setup/requirements.txt',
    ' ---> Running in 6c2d1b0e8a41',
    `Collecting ${a}`,
    `Collecting ${b}`,
    `INFO: pip is looking at multiple versions of ${b.split('==')[0]} to determine which version is compatible with other requirements. This could take a while.`,
    `ERROR: Cannot install ${a} and ${b} because these package versions have conflicting dependencies.`,
    '',
    'The conflict is caused by:',
    `    The user requested ${a}`,
    `    ${b.replace('==', ' ')} depends on ${dep}`,
    '',
    'To fix this you could try to:',
    "1. loosen the range of package versions you've specified",
    '2. remove package versions to allow pip attempt to solve the dependency conflict',
    '',
    'ERROR: ResolutionImpossible: for help visit https://pip.pypa.io/en/latest/topics/dependency-resolution/#dealing-with-dependency-conflicts',
    "The command '/bin/sh -c pip install -r /azureml-environment-setup/requirements.txt' returned a non-zero code: 1",
    '2024/05/14 09:44:51 Container failed during run: acb_step_0. No retries remaining.',
    'failed to run step ID: acb_step_0: exit status 1',
    '',
  ].join('\n');
}

function buildFixtures(): NamedFixture[] {
  const out: NamedFixture[] = [];
  const buildFailed = {
    code: 'EnvironmentBuildFailed',
    statusCode: 400,
    message: 'Failed building the Environment.',
  };
  out.push(
    fixture(
      'ImageBuildFailure.PipResolveFailure.v1-numpy-pandas-conflict',
      [],
      meta('churn-svc', `azureml-${WORKSPACE}`),
      failed(
        'ImageBuildFailure',
        'PipResolveFailure',
        'pip cannot satisfy numpy==1.19.5 and pandas 2.0.3 together (ResolutionImpossible)',
        'conflicting dependencies',
      ),
      v1Record('churn-svc', 'Failed', {
        error: buildFailed,
        op: { status: 'Failed', start: 1500, end: 1200, error: buildFailed },
      }),
      { buildLog: pipConflictLog('numpy==1.19.5', 'pandas==2.0.3', 'numpy>=1.20.3') },
    ),
    fixture(
      'ImageBuildFailure.PipResolveFailure.v2-protobuf-conflict',
      [],
      meta('fraud-blue', 'azureml-workloads'),
      failed(
        'ImageBuildFailure',
        'PipResolveFailure',
        'v2: protobuf pin conflicts with tensorflow',
        'conflicting dependencies',
      ),
      v2Record('fraud', 'blue', 'Failed', {
        op: {
          status: 'Failed',
          start: 1500,
          end: 1200,
          error: {
            code: 'ImageBuildFailure',
            message:
              "Environment image build failed. The build log is available in the workspace blob store 'contosoml1234' under the path '/azureml/ImageLogs/0f3a9c2e7b5d41e08c6f/build.log'. Please check the build log to find the root cause.",
          },
        },
      }),
      {
        buildLog: pipConflictLog(
          'protobuf==3.19.0',
          'tensorflow==2.15.0',
          'protobuf!=4.21.0,!=4.21.1,!=4.21.2,!=4.21.3,!=4.21.4,!=4.21.5,<5.0.0dev,>=3.20.3',
        ),
      },
    ),
  );
  {
    const s = serving('v1', 'churn-svc');
    const log = [
      ACR_STEP('2024/05/14 09:40:02'),
      'Step 9/17 : RUN pip install -r /azureml-environment-setup/requirements.txt',
      'INFO: pip is looking at multiple versions of pandas to determine which version is compatible with other requirements. This could take a while.',
      'Collecting pandas==1.5.3',
      'Successfully installed numpy-1.24.4 pandas-1.5.3',
      'Removing intermediate container 6c2d1b0e8a41',
      'Successfully built 3f1c2a9d8e77',
      'Successfully tagged contosoacr4f2a.azurecr.io/azureml/azureml_5b7e:latest',
      '2024/05/14 09:47:12 Pushing image: contosoacr4f2a.azurecr.io/azureml/azureml_5b7e:latest, attempt 1',
      'latest: digest: sha256:9a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9 size: 4512',
      '2024/05/14 09:47:40 Successfully pushed image: contosoacr4f2a.azurecr.io/azureml/azureml_5b7e:latest',
      '',
    ].join('\n');
    out.push(
      fixture(
        'nearmiss.ImageBuildFailure.PipResolveFailure.backtracked-then-resolved',
        [...objectsOf(s), ...BASE_NODES()],
        metaOf(s),
        {
          description: 'pip backtracked through pandas versions, then found one; the image was pushed',
          status: 'Healthy',
          absent: [{ code: 'ImageBuildFailure' }],
        },
        undefined,
        { buildLog: log },
      ),
    );
  }
  {
    const log = [
      ACR_STEP('2024/05/14 09:30:02'),
      'Step 9/17 : RUN conda env create -p /azureml-envs/azureml_3f1c -f azureml-environment-setup/mutated_conda_dependencies.yml',
      ' ---> Running in 1a2b3c4d5e6f',
      'Collecting package metadata (repodata.json): ...working... done',
      'Solving environment: ...working... done',
      'Installing pip dependencies: ...working... Killed',
      "The command '/bin/sh -c conda env create -p /azureml-envs/azureml_3f1c -f azureml-environment-setup/mutated_conda_dependencies.yml' returned a non-zero code: 247",
      '2024/05/14 09:51:40 Container failed during run: acb_step_0. No retries remaining.',
      'failed to run step ID: acb_step_0: exit status 247',
      '',
    ].join('\n');
    out.push(
      fixture(
        'ImageBuildFailure.BuildOutOfMemory.v1-pip-install-killed-exit-247',
        [],
        meta('doc-classifier', `azureml-${WORKSPACE}`),
        failed(
          'ImageBuildFailure',
          'BuildOutOfMemory',
          'v1: installing torch + transformers kills the build agent (exit 247)',
          'returned a non-zero code: 247',
        ),
        v1Record('doc-classifier', 'Failed', {
          error: buildFailed,
          op: { status: 'Failed', start: 1800, end: 1400, error: buildFailed },
        }),
        { buildLog: log },
      ),
    );
    const ok = [
      ACR_STEP('2024/05/14 09:30:02'),
      'Step 9/17 : RUN apt-get update && apt-get install -y libgl1',
      'W: Some index files failed to download. They have been ignored, or old ones used instead.',
      'Killed old apt process 212 (stale lock)',
      'Removing intermediate container 1a2b3c4d5e6f',
      'Successfully built 77aa1b2c3d4e',
      '2024/05/14 09:41:12 Pushing image: contosoacr4f2a.azurecr.io/azureml/azureml_8c1d:latest, attempt 1',
      '2024/05/14 09:41:40 Successfully pushed image: contosoacr4f2a.azurecr.io/azureml/azureml_8c1d:latest',
      '',
    ].join('\n');
    const s = serving('v1', 'doc-classifier');
    out.push(
      fixture(
        'nearmiss.ImageBuildFailure.BuildOutOfMemory.killed-word-build-pushed',
        [...objectsOf(s), ...BASE_NODES()],
        metaOf(s),
        {
          description: '"Killed" appears in a build that succeeded and pushed its image',
          status: 'Healthy',
          absent: [{ code: 'ImageBuildFailure' }],
        },
        undefined,
        { buildLog: ok },
      ),
    );
  }
  return out;
}

export function azureMlFixtures(): NamedFixture[] {
  return [
    ...rejectedFixtures(),
    ...extensionFixtures(),
    ...computeFixtures(),
    ...podCreateFixtures(),
    ...scheduleFixtures(),
    ...nodeFixtures(),
    ...signInFixtures(),
    ...buildFixtures(),
  ];
}

runFixtureGenerator(import.meta.url, azureMlFixtures);
