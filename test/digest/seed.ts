/**
 * Seeds Azure Table storage (Azurite) with 30 days of incidents and deployments using @azure/data-tables
 * directly, in the row layout of the monitor's AzureTable (JSON value in `json0`, percent-encoded keys).
 * Deterministic: a seeded generator, so the expectations the test derives from the seed are stable.
 */
import { TableClient } from '@azure/data-tables';
import type { Code, Detail, Diagnosis } from '../../shared/diagnosis/types.js';
import type { IncidentRecord } from '../../shared/incidents/types.js';
import { encodeKey } from '../../shared/state/azureTable.js';
import { TABLE_NAMES } from '../../shared/state/store.js';
import type { DeploymentRecord } from '../../shared/state/types.js';

const CODES: [Code, Detail | null][] = [
  ['ScoringInitFailure', 'MissingPythonModule'],
  ['PodUnschedulable', 'InsufficientGpu'],
  ['ImagePullFailure', 'RegistryUnauthorized'],
  ['OutOfMemory', null],
  ['ImageBuildFailure', 'PipPackageNotFound'],
  ['ScoringRuntimeFailure', 'WorkerTimeout'],
];
const WORKSPACES = ['risk-prod', 'vision', 'nlp'];
const CLUSTERS = ['aks-prod-weu', 'aks-prod-neu'];

/** Small deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Seed {
  incidents: IncidentRecord[];
  deployments: DeploymentRecord[];
}

export function generateSeed(now: string, days = 30): Seed {
  const rand = prng(20261126);
  const end = Date.parse(now);
  const incidents: IncidentRecord[] = [];
  const deployments: DeploymentRecord[] = [];
  for (let day = 0; day < days; day++) {
    const perDay = 2 + Math.floor(rand() * 4);
    for (let k = 0; k < perDay; k++) {
      const openedMs = end - day * 86_400_000 - Math.floor(rand() * 86_400_000);
      const [code, detail] = CODES[Math.floor(rand() * CODES.length)]!;
      const workspace = WORKSPACES[Math.floor(rand() * WORKSPACES.length)]!;
      const cluster = CLUSTERS[Math.floor(rand() * CLUSTERS.length)]!;
      // A few services fail repeatedly (same service, different codes); most are one-offs.
      const service = rand() < 0.25 ? `${workspace}-flaky` : `${workspace}-svc-${day}-${k}`;
      const namespace = `azureml-${workspace}`;
      const resolved = rand() < 0.8 || day === 0;
      const resolvedAt = resolved
        ? new Date(Math.min(end, openedMs + 60_000 * (5 + Math.floor(rand() * 120)))).toISOString()
        : undefined;
      const diagnosis: Diagnosis = {
        service,
        namespace,
        status: 'Failed',
        findings: [
          {
            code,
            detail,
            severity: 'critical',
            title: `${code} in ${service}`,
            explanation: '',
            evidence: [],
            remedy: [],
            docs: [],
          },
        ],
        gaps: [],
      };
      incidents.push({
        fingerprint: `${cluster}/${namespace}/${service}/${code}/${detail ?? ''}`,
        cluster,
        workspace,
        namespace,
        service,
        code,
        detail,
        status: resolvedAt ? 'Healthy' : 'Failed',
        openedAt: new Date(openedMs).toISOString(),
        ...(resolvedAt ? { resolvedAt } : {}),
        diagnosis,
      });
      const startedMs = openedMs - 60_000 * (1 + Math.floor(rand() * 10));
      deployments.push({
        cluster,
        workspace,
        namespace,
        service,
        firstSeen: new Date(startedMs).toISOString(),
        startedAt: new Date(startedMs).toISOString(),
        lastProgress: resolvedAt ?? new Date(startedMs).toISOString(),
        status: resolvedAt ? 'Healthy' : 'Failed',
        ...(resolvedAt ? { healthyAt: resolvedAt } : {}),
      });
    }
  }
  // One fingerprint per row (the monitor's layout): keep the newest incident of each fingerprint.
  const byFingerprint = new Map<string, IncidentRecord>();
  for (const i of incidents) {
    const prev = byFingerprint.get(i.fingerprint);
    if (!prev || prev.openedAt < i.openedAt) byFingerprint.set(i.fingerprint, i);
  }
  const byDeployment = new Map<string, DeploymentRecord>();
  for (const d of deployments) {
    const key = `${d.cluster}/${d.namespace}/${d.service}`;
    const prev = byDeployment.get(key);
    if (!prev || (prev.startedAt ?? '') < (d.startedAt ?? '')) byDeployment.set(key, d);
  }
  return { incidents: [...byFingerprint.values()], deployments: [...byDeployment.values()] };
}

async function putAll(
  connectionString: string,
  table: string,
  rows: { partition: string; row: string; value: unknown }[],
): Promise<void> {
  const client = TableClient.fromConnectionString(connectionString, table, { allowInsecureConnection: true });
  await client.createTable();
  for (const r of rows) {
    await client.createEntity({
      partitionKey: encodeKey(r.partition),
      rowKey: encodeKey(r.row),
      chunks: 1,
      json0: JSON.stringify(r.value),
    });
  }
}

export async function seedTables(connectionString: string, seed: Seed): Promise<void> {
  await putAll(
    connectionString,
    TABLE_NAMES.incidents,
    seed.incidents.map((i) => ({
      partition: i.cluster,
      row: `${i.namespace}/${i.service}/${i.code}/${i.detail ?? ''}`,
      value: i,
    })),
  );
  await putAll(
    connectionString,
    TABLE_NAMES.deployments,
    seed.deployments.map((d) => ({ partition: d.cluster, row: `${d.namespace}/${d.service}`, value: d })),
  );
}
