/**
 * Live equals offline for every fixture bundle that holds Azure ML's record (`service.json`).
 *
 * Each bundle is served by the real parts a user's `amlmon` would meet: its cluster half by the scenario Kubernetes
 * API server, its Azure ML half by the HTTPS Azure ML stand-in (v1: the model-management service record; v2: the ARM
 * online deployment, its write's Activity Log entries, the model version and datastore), its blobs (blobs.json, the
 * InitContainerConfig paths, the v2 model folder, the build log) by Azurite. Then, through the CLI's own command
 * functions and the real SDK clients:
 * - `amlmon diagnose --workspace <id> --kubeconfig <kc> --namespace <ns> --service <name> --json` must equal
 *   `amlmon diagnose <bundle> --json`;
 * - `amlmon capture` of the same, then `amlmon diagnose <captured bundle> --json`, must equal it too (round trip).
 *
 * One stand-in of each kind serves all bundles in turn (each is swapped in before its case), so the suite costs one
 * Azurite start and ~100 × three CLI runs.
 */
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCapture } from '../../cli/commands/capture.js';
import { runDiagnose } from '../../cli/commands/diagnose.js';
import { buildLogBlob, v1BlobsToCheck } from '../../shared/azureml/blobs.js';
import { AzureMlReader } from '../../shared/azureml/reader.js';
import { loadBundle } from '../../shared/diagnosis/bundle.js';
import type { Diagnosis } from '../../shared/diagnosis/types.js';
import { asRecord, asString } from '../../shared/snapshot/objects.js';
import type { Snapshot } from '../../shared/snapshot/types.js';
import { startAzurite, type AzuriteInstance } from '../../sim/azurite.js';
import {
  standInReaderOptions,
  startAzureMlStandIn,
  type AzureMlStandIn,
  type StandInWorkspace,
} from '../../sim/standins/azureml/index.js';
import { startScenarioCluster, type ScenarioCluster } from '../../sim/standins/kubernetes/index.js';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures');
const DEFAULT_SUB = '6b1c2d3e-4f50-4a1b-9c2d-3e4f5a6b7c8d';
const DEFAULT_RG = 'rg-ml-prod';

interface Exclusion {
  why: string;
  /** That the bundle still has the property that makes it inexpressible (so it is excluded for this reason). */
  holds(c: Case, o: Outcome): boolean;
}

const FILES_IN_REGISTERED_FOLDER: Exclusion = {
  why:
    "blobs.json lists a file inside a model registered as a folder (InitContainerConfig Path ending in '/'); the " +
    'live check records one entry per registered Path (the folder, 200 when blobs are under it), not the files in it',
  holds: (c) => {
    const folders = v1BlobsToCheck(c.offline, c.offline.meta.service)
      .map((b) => b.path)
      .filter((p) => p.endsWith('/'));
    return (c.offline.blobs ?? []).some((b) => folders.some((f) => b.path.startsWith(f) && b.path !== f));
  },
};
const PARTIAL_ROUTER: Exclusion = {
  why:
    "partial capture: azureml-fe's pods without their Deployment (a user's `kubectl get pods`); the collector " +
    'finds the router through its Deployment, as it must',
  holds: (c) =>
    c.offline.pods.some((p) => p.metadata?.name?.startsWith('azureml-fe-')) &&
    !c.offline.deployments.some((d) => d.metadata?.name === 'azureml-fe'),
};

/**
 * Bundles whose offline answer cannot be reproduced live, each with its reason. A case fails when its bundle starts
 * matching (then it belongs in the compared set), no longer has the excluding property, or is no longer a fixture.
 */
const EXCLUDED: Record<string, Exclusion> = {
  'eval.FrontendUnhealthy.none.v1-fe-pods-only-no-fe-deployment': PARTIAL_ROUTER,
  'ScoringInitFailure.ModelFileNotFound.v1-model-path-wrapped-exception': FILES_IN_REGISTERED_FOLDER,
};

interface Case {
  name: string;
  dir: string;
  offline: Snapshot;
  raw: Record<string, unknown>;
}

async function serviceBundles(): Promise<Case[]> {
  const out: Case[] = [];
  for (const name of (await readdir(FIXTURES)).sort()) {
    const dir = join(FIXTURES, name);
    if (!(await stat(join(dir, 'service.json')).catch(() => undefined))?.isFile()) continue;
    const raw = JSON.parse(await readFile(join(dir, 'service.json'), 'utf8')) as Record<string, unknown>;
    out.push({ name, dir, offline: await loadBundle(dir), raw });
  }
  return out;
}

const cases = await serviceBundles();

let standIn: AzureMlStandIn;
let azurite: AzuriteInstance;
let cluster: ScenarioCluster;
let blobs: BlobServiceClient;
let out: string;

beforeAll(async () => {
  [standIn, azurite, cluster] = await Promise.all([
    startAzureMlStandIn(),
    startAzurite(),
    startScenarioCluster({ bundles: [] }),
  ]);
  blobs = BlobServiceClient.fromConnectionString(azurite.connectionString);
  out = await mkdtemp(join(tmpdir(), 'amlmon-liveeq-'));
}, 60_000);

afterAll(async () => {
  await Promise.all([standIn?.close(), azurite?.stop(), cluster?.close()]);
  if (out) await rm(out, { recursive: true, force: true });
});

function deps() {
  return {
    azureMl: () => new AzureMlReader(standInReaderOptions(standIn)),
    blobAccess: () => ({ kind: 'connectionString' as const, connectionString: azurite.connectionString }),
  };
}

interface Served {
  workspaceId: string;
  service: string;
  namespace: string;
}

/** `.../onlineEndpoints/<endpoint>/deployments/<name>` of a v2 record, or the endpoint the bundle's service names. */
function v2Endpoint(c: Case): string | undefined {
  if (c.offline.service?.endpointName) return c.offline.service.endpointName;
  const name = c.offline.service?.name;
  const service = c.offline.meta.service;
  if (name && service?.endsWith(`-${name}`)) return service.slice(0, -name.length - 1);
  return undefined;
}

async function emptyContainer(container: ContainerClient): Promise<void> {
  if (!(await container.exists())) {
    await container.create();
    return;
  }
  for await (const b of container.listBlobsFlat()) await container.deleteBlob(b.name);
}

async function upload(container: string, path: string, size: number): Promise<void> {
  const c = blobs.getContainerClient(container);
  await c.createIfNotExists();
  await c.getBlockBlobClient(path).upload('m'.repeat(size), size);
}

/** Puts the bundle's Azure ML half on the stand-in and its blobs in Azurite; returns what to ask for. */
async function serve(c: Case): Promise<Served> {
  const record = c.offline.service!;
  const v2Id = asString(c.raw.id);
  const idParts = v2Id ? /\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\//i.exec(v2Id) : null;
  const ws: StandInWorkspace = {
    name: c.offline.meta.workspace ?? 'contoso-ml',
    subscriptionId: idParts?.[1] ?? DEFAULT_SUB,
    resourceGroup: idParts?.[2] ?? DEFAULT_RG,
    cluster: record.computeName ?? 'aks-prod',
    namespace: c.offline.meta.namespace,
    services: [],
    deployments: [],
    models: {},
    datastores: {},
  };
  for await (const container of blobs.listContainers())
    await emptyContainer(blobs.getContainerClient(container.name));
  const checks = c.offline.blobs ?? [];
  for (const b of checks) if (b.status === 200) await upload(b.container, b.path, b.size ?? 1);
  let service = c.offline.meta.service ?? record.name ?? '';
  if (record.flavor === 'v2') {
    const endpoint = v2Endpoint(c) ?? 'endpoint';
    ws.deployments.push({ endpoint, deployment: c.raw });
    service = `${endpoint}-${record.name ?? ''}`;
    if (record.model) {
      // The model version points at blobs.json's blob; without blobs.json, at a folder that exists (the bundle says
      // nothing against it).
      const [container, path] = checks[0]
        ? [checks[0].container, checks[0].path]
        : [`azureml-blobstore-${ws.name}`, `LocalUpload/${record.model.replace(':', '/')}`];
      ws.datastores!.modelstore = container;
      ws.models![record.model] =
        `azureml://subscriptions/${ws.subscriptionId}/resourcegroups/${ws.resourceGroup}/workspaces/${ws.name}/datastores/modelstore/paths/${path}/`;
      if (!checks[0]) await upload(container, `${path}/model.pkl`, 1);
    }
  } else {
    ws.services.push(c.raw);
    // The blobs InitContainerConfig names that blobs.json does not: present (the bundle says nothing against them).
    for (const b of v1BlobsToCheck(c.offline, service))
      if (!checks.some((x) => x.container === b.container && x.path === b.path))
        await upload(b.container, b.path, 1);
  }
  // The build log, where Azure ML's record says it is.
  const log = buildLogBlob(record);
  if (log) {
    const text = await readFile(join(c.dir, 'build.log')).catch(() => undefined);
    if (text) {
      await blobs.getContainerClient(log.container).createIfNotExists();
      await blobs.getContainerClient(log.container).getBlockBlobClient(log.path).upload(text, text.length);
    }
  }
  standIn.setWorkspaces([ws]);
  await cluster.setBundles([c.dir]);
  cluster.clearFaults();
  cluster.setTokens([cluster.token]);
  // A recorded cluster-level failure is replayed as the fault that produces it. (No bundle with a service record
  // records a Timeout or SignInFailed; one that did would need its own replay, and fails here until it has one.)
  switch (c.offline.meta.clusterError?.kind) {
    case 'Unauthorized':
      cluster.setTokens(['a-token-the-kubeconfig-does-not-have']);
      break;
    case 'Forbidden':
      cluster.setFaults([{ path: /./, status: 403 }]);
      break;
    default:
  }
  return {
    workspaceId: `/subscriptions/${ws.subscriptionId}/resourceGroups/${ws.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${ws.name}`,
    service,
    namespace: c.offline.meta.namespace ?? 'azureml-workloads',
  };
}

/** Paths (`findings[0].evidence[1].source`) where two JSON documents differ. */
function differences(a: unknown, b: unknown, path = ''): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  const ra = asRecord(a);
  const rb = asRecord(b);
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.max(a.length, b.length);
    return Array.from({ length: n }, (_, i) => differences(a[i], b[i], `${path}[${i}]`)).flat();
  }
  if (ra && rb && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(ra), ...Object.keys(rb)])];
    return keys.flatMap((k) => differences(ra[k], rb[k], path ? `${path}.${k}` : k));
  }
  return [`${path || '(root)'}: ${JSON.stringify(a)?.slice(0, 160)} ≠ ${JSON.stringify(b)?.slice(0, 160)}`];
}

interface Outcome {
  live: string[];
  roundTrip: string[];
}

/**
 * What legitimately differs between a live answer and a bundle's, and only that:
 * - provenance of the build log: live, evidence quotes it as the blob it was read from
 *   (`azureml/ImageLogs/<id>/build.log:<line>`), a bundle as its file (`build.log:<line>`);
 * - the API server's own 404 for a service whose Deployment does not exist (`deployment <name>: 404 NotFound`): the
 *   collector records having asked; a bundle written by hand (not captured) has no such record. The engine's own gap
 *   ("objects: no Deployment or pods of <name>") says the same in both and is compared.
 */
function withoutProvenance(d: Diagnosis, offline: Snapshot): Diagnosis {
  const copy = structuredClone(d);
  for (const f of copy.findings)
    for (const e of f.evidence ?? [])
      e.source = e.source.replace(/^azureml\/ImageLogs\/[^/]+\/build\.log/, 'build.log');
  const hasDeployment = offline.deployments.some((x) => x.metadata?.name === d.service);
  if (!hasDeployment) copy.gaps = copy.gaps.filter((g) => g !== `deployment ${d.service}: 404 NotFound`);
  return copy;
}

/**
 * A bundle recording that the cluster refused or never answered: the live message names the live failure (the
 * stand-in's address, the kubeconfig's identity), the recorded one the original cluster; the verdict must match.
 */
function verdict(d: Diagnosis): unknown {
  return { status: d.status, findings: d.findings.map((f) => [f.code, f.detail, f.amlCode]) };
}

async function compare(c: Case): Promise<Outcome> {
  const served = await serve(c);
  const offline = JSON.parse(await runDiagnose(c.dir, { json: true }, false)) as Diagnosis;
  const opts = {
    workspace: served.workspaceId,
    kubeconfig: cluster.kubeconfigPath,
    namespace: served.namespace,
    service: served.service,
  };
  const live = JSON.parse(await runDiagnose(undefined, { ...opts, json: true }, false, deps())) as Diagnosis;
  const dir = join(out, c.name);
  await runCapture({ ...opts, out: dir }, undefined, deps());
  const captured = JSON.parse(await runDiagnose(dir, { json: true }, false)) as Diagnosis;
  if (c.offline.meta.clusterError)
    return {
      live: differences(verdict(offline), verdict(live)),
      roundTrip: differences(verdict(offline), verdict(captured)),
    };
  return {
    live: differences(offline, withoutProvenance(live, c.offline)),
    roundTrip: differences(offline, withoutProvenance(captured, c.offline)),
  };
}

describe('live (--workspace + --kubeconfig) diagnoses every bundle with a service record like the bundle', () => {
  it('finds the bundles, and every exclusion is one of them', () => {
    expect(cases.length).toBeGreaterThan(50);
    const names = cases.map((c) => c.name);
    expect(Object.keys(EXCLUDED).filter((n) => !names.includes(n))).toEqual([]);
  });

  let equal = 0;
  const started = Date.now();
  afterAll(() => {
    console.info(
      `live equivalence: ${cases.length} bundles with service.json, ${equal} equal live and round trip, ` +
        `${Object.keys(EXCLUDED).length} excluded, in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (name, c) => {
    const o = await compare(c);
    if (o.live.length + o.roundTrip.length === 0) equal++;
    const excluded = EXCLUDED[name];
    if (excluded) {
      expect(excluded.holds(c, o), `${name} is no longer excluded for its reason: ${excluded.why}`).toBe(
        true,
      );
      expect(
        o.live.length + o.roundTrip.length,
        `${name} now matches: remove it from EXCLUDED`,
      ).toBeGreaterThan(0);
      return;
    }
    expect(o.live, 'live diagnose --workspace --kubeconfig').toEqual([]);
    expect(o.roundTrip, 'capture, then diagnose the captured bundle').toEqual([]);
  });
});
