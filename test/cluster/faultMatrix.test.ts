// The fault matrix: every request kind the collector makes × every way the API server can fail it, through the real
// client-node over verified HTTPS against the scenario cluster, then diagnosed by the engine. Each cell must end in a
// diagnosis that names the missing read and its failure (or ClusterUnreachable when the first reads are refused),
// never an exception, and within the collector's own time budget.
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { collectSnapshot, loadKubeconfigTarget, type RequestTrace } from '../../shared/cluster/index.js';
import { diagnoseSnapshot } from '../../shared/diagnosis/engine.js';
import type { Snapshot } from '../../shared/snapshot/types.js';
import { startScenarioCluster, type FaultRule } from '../../sim/standins/kubernetes/index.js';

const CLUSTER_FIXTURES = join(import.meta.dirname, 'fixtures');
const BUNDLES = join(import.meta.dirname, '..', 'fixtures');

/** Short settings so slow cells cost little; the budget bounds the whole collection, retries and waits included. */
const REQUEST_TIMEOUT_MS = 2_000;
const TIME_BUDGET_MS = 10_000;
/** The session's retries of 429/5xx/resets (MAX_RETRIES in shared/cluster/session.ts) plus the first attempt. */
const MAX_ATTEMPTS = 4;

interface Fixture {
  dir: string;
  namespace: string;
  service: string;
}

const CRASHLOOP: Fixture = {
  dir: join(CLUSTER_FIXTURES, 'v1-crashloop'),
  namespace: 'azureml-myws',
  service: 'my-svc',
};
const QUOTA: Fixture = {
  dir: join(BUNDLES, 'QuotaExceeded.none.v1-limits-memory'),
  namespace: 'azureml-contoso-ml',
  service: 'churn-model',
};
const UNSCHEDULABLE: Fixture = {
  dir: join(BUNDLES, 'PodUnschedulable.InsufficientCpu.v1-request-exceeds-node'),
  namespace: 'azureml-contoso-ml',
  service: 'churn-model',
};
const MOUNT: Fixture = {
  dir: join(BUNDLES, 'ModelMountFailure.MountTimeout.v1-blobcsi-timed-out'),
  namespace: 'azureml-contoso-ml',
  service: 'demand-forecast',
};
const NAMESPACE_GONE: Fixture = {
  dir: join(BUNDLES, 'ComputeAttachFailure.NamespaceNotFound.v1-namespace-deleted'),
  namespace: 'azureml-contoso-ml',
  service: 'churn-svc',
};

interface RequestKind {
  kind: string;
  /** A failing service whose collection makes this request (checked by the control case below). */
  fixture: Fixture;
  /** The API path the fault is put on (exact). */
  path: string;
  /** The collector's label for the read, which starts its gap. */
  label: string;
  verb: 'get' | 'list';
  /** Made in the first wave: a 401 there means the cluster refuses the credentials as a whole. */
  firstWave: boolean;
  /** 404 is an answer for this read ("there is none"), itself evidence, not a gap. */
  notFoundIsAnswer: boolean;
}

const POD = 'my-svc-5d9c7b6f48-abcde';
const CLAIM = 'demand-forecastq6qbgmcd-pvc';

const KINDS: RequestKind[] = [
  {
    kind: 'deployment',
    fixture: CRASHLOOP,
    path: '/apis/apps/v1/namespaces/azureml-myws/deployments/my-svc',
    label: 'deployment my-svc',
    verb: 'get',
    firstWave: true,
    notFoundIsAnswer: false,
  },
  {
    kind: 'events',
    fixture: CRASHLOOP,
    path: '/api/v1/namespaces/azureml-myws/events',
    label: 'events',
    verb: 'list',
    firstWave: true,
    notFoundIsAnswer: false,
  },
  {
    kind: 'pods',
    fixture: CRASHLOOP,
    path: '/api/v1/namespaces/azureml-myws/pods',
    label: 'pods',
    verb: 'list',
    firstWave: false,
    notFoundIsAnswer: false,
  },
  {
    kind: 'replicasets',
    fixture: CRASHLOOP,
    path: '/apis/apps/v1/namespaces/azureml-myws/replicasets',
    label: 'replicasets',
    verb: 'list',
    firstWave: false,
    notFoundIsAnswer: false,
  },
  {
    kind: 'configmap',
    fixture: CRASHLOOP,
    path: '/api/v1/namespaces/azureml-myws/configmaps/my-svc0123-config',
    label: 'configmap my-svc0123-config',
    verb: 'get',
    firstWave: false,
    notFoundIsAnswer: true,
  },
  {
    kind: 'pod log',
    fixture: CRASHLOOP,
    path: `/api/v1/namespaces/azureml-myws/pods/${POD}/log`,
    label: `previous log ${POD}/my-svc`,
    verb: 'get',
    firstWave: false,
    notFoundIsAnswer: false,
  },
  {
    kind: 'resourcequotas',
    fixture: QUOTA,
    path: '/api/v1/namespaces/azureml-contoso-ml/resourcequotas',
    label: 'resourcequotas',
    verb: 'list',
    firstWave: false,
    notFoundIsAnswer: false,
  },
  {
    kind: 'nodes',
    fixture: UNSCHEDULABLE,
    path: '/api/v1/nodes',
    label: 'nodes',
    verb: 'list',
    firstWave: false,
    notFoundIsAnswer: false,
  },
  {
    kind: 'persistentvolumeclaim',
    fixture: MOUNT,
    path: `/api/v1/namespaces/azureml-contoso-ml/persistentvolumeclaims/${CLAIM}`,
    label: `persistentvolumeclaim ${CLAIM}`,
    verb: 'get',
    firstWave: false,
    notFoundIsAnswer: true,
  },
  {
    kind: 'persistentvolumes',
    fixture: MOUNT,
    path: '/api/v1/persistentvolumes',
    label: 'persistentvolumes',
    verb: 'list',
    firstWave: false,
    notFoundIsAnswer: false,
  },
  {
    kind: 'namespaces',
    fixture: NAMESPACE_GONE,
    path: '/api/v1/namespaces',
    label: 'namespaces',
    verb: 'list',
    firstWave: false,
    notFoundIsAnswer: false,
  },
];

interface Fault {
  fault: string;
  rule: Omit<FaultRule, 'path'>;
  /** What the gap says after the label. */
  summary: string;
  /** Whether the collector retries it (so the faulty path is asked MAX_ATTEMPTS times). */
  retried: boolean;
}

const FAULTS: Fault[] = [
  { fault: '401', rule: { status: 401 }, summary: '401 Unauthorized', retried: false },
  { fault: '403', rule: { status: 403 }, summary: '403 Forbidden', retried: false },
  { fault: '404', rule: { status: 404 }, summary: '404 NotFound', retried: false },
  {
    fault: '429 + Retry-After: 1',
    rule: { status: 429, retryAfterSeconds: 1 },
    summary: '429 TooManyRequests',
    retried: true,
  },
  { fault: '500', rule: { status: 500 }, summary: '500 InternalServerError', retried: true },
  {
    fault: 'slow past the timeout',
    rule: { latencyMs: REQUEST_TIMEOUT_MS * 5 },
    summary: `timeout after ${REQUEST_TIMEOUT_MS / 1000}s`,
    retried: false,
  },
  { fault: 'connection reset', rule: { reset: true }, summary: 'connection reset', retried: true },
];

interface CellResult {
  snapshot: Snapshot;
  traces: RequestTrace[];
  elapsedMs: number;
  asked: number;
}

async function runCell(fixture: Fixture, faults: FaultRule[]): Promise<CellResult> {
  const cluster = await startScenarioCluster({ bundles: [fixture.dir], faults });
  try {
    const target = loadKubeconfigTarget({ kubeconfig: cluster.kubeconfigPath });
    const traces: RequestTrace[] = [];
    const started = Date.now();
    const snapshot = await collectSnapshot(target, {
      namespace: fixture.namespace,
      service: fixture.service,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      timeBudgetMs: TIME_BUDGET_MS,
      onRequest: (t) => traces.push(t),
    });
    const elapsedMs = Date.now() - started;
    const asked = faults[0] ? cluster.requests.count(faults[0].path) : 0;
    return { snapshot, traces, elapsedMs, asked };
  } finally {
    await cluster.close();
  }
}

function diagnosed(fixture: Fixture, snapshot: Snapshot) {
  const diagnoses = diagnoseSnapshot(snapshot, { service: fixture.service });
  expect(diagnoses.length).toBeGreaterThan(0);
  const diagnosis = diagnoses.find((d) => d.service === fixture.service) ?? diagnoses[0];
  if (!diagnosis) throw new Error('no diagnosis');
  return diagnosis;
}

describe('fault matrix: control (no fault)', () => {
  // The matrix only means something if each fixture really makes the request its row faults.
  test.concurrent.each(KINDS.map((k) => [k.kind, k] as const))(
    '%s: the fixture makes this read, and it succeeds',
    async (_name, kind) => {
      const { traces } = await runCell(kind.fixture, []);
      const trace = traces.find((t) => t.label === kind.label);
      expect(trace?.outcome).toBe('ok');
    },
    20_000,
  );
});

const CELLS = KINDS.flatMap((kind) => FAULTS.map((fault) => [kind.kind, fault.fault, kind, fault] as const));

describe('fault matrix: request kind × fault', () => {
  test.concurrent.each(CELLS)(
    '%s × %s → a diagnosis with the gap named, within budget',
    async (_kind, _fault, kind, fault) => {
      const { snapshot, traces, elapsedMs, asked } = await runCell(kind.fixture, [
        { path: kind.path, ...fault.rule },
      ]);
      const diagnosis = diagnosed(kind.fixture, snapshot);
      expect(diagnosis.status).toBeTruthy();

      // Within the collector's bound: the whole collection, retries and Retry-After waits included.
      expect(elapsedMs).toBeLessThanOrEqual(TIME_BUDGET_MS);
      const faulty = traces.filter((t) => t.label === kind.label);
      expect(faulty.length).toBeGreaterThan(0);
      for (const t of faulty) {
        expect(t.attempts).toBeLessThanOrEqual(MAX_ATTEMPTS);
        expect(t.durationMs).toBeLessThanOrEqual(TIME_BUDGET_MS);
      }
      expect(asked).toBe(fault.retried ? MAX_ATTEMPTS : 1);

      if (fault.fault === '401' && kind.firstWave) {
        // Credentials are per cluster: a 401 on a first read means the cluster refuses us as a whole.
        expect(snapshot.meta.clusterError?.kind).toBe('Unauthorized');
        expect(diagnosis.findings.map((f) => `${f.code}/${f.detail ?? 'none'}`)).toContain(
          'ClusterUnreachable/Unauthorized',
        );
        return;
      }
      expect(snapshot.meta.clusterError).toBeUndefined();
      if (fault.fault === '404' && kind.notFoundIsAnswer) {
        // "There is none" is the answer (a deleted ConfigMap or claim is itself the evidence): no gap, no object.
        expect(diagnosis.gaps.filter((g) => g.startsWith(`${kind.label}:`))).toEqual([]);
        expect(faulty[0]?.outcome).toBe('absent');
        return;
      }
      const hint =
        fault.fault === '403' ? ` (the identity lacks ${kind.verb} on ${kind.label.split(' ')[0]})` : '';
      expect(diagnosis.gaps).toContain(`${kind.label}: ${fault.summary}${hint}`);
    },
    30_000,
  );
});

describe('fault matrix: Retry-After beyond the budget', () => {
  test('a 429 asking for longer than the budget left is not waited for: one attempt, a named gap', async () => {
    const kind = KINDS.find((k) => k.kind === 'pods');
    if (!kind) throw new Error('no pods row');
    const { snapshot, elapsedMs, asked } = await runCell(kind.fixture, [
      { path: kind.path, status: 429, retryAfterSeconds: (TIME_BUDGET_MS / 1000) * 6 },
    ]);
    expect(asked).toBe(1);
    expect(elapsedMs).toBeLessThan(TIME_BUDGET_MS);
    expect(diagnosed(kind.fixture, snapshot).gaps).toContain('pods: 429 TooManyRequests');
  });
});
