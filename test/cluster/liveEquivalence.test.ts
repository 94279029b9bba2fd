/**
 * For every snapshot bundle in the repository (test/fixtures/**, written by the engine's authors, this area's own
 * test/cluster/fixtures/**, and the demo cluster states under examples/**): serve it from the scenario cluster,
 * collect it over HTTPS with the real client-node, and diagnose. The live diagnosis must equal the offline one
 * (`loadBundle` + `diagnoseSnapshot`). New fixtures are picked up automatically.
 *
 * What a cluster cannot provide is carried over from the bundle, as the monitor does from its other sources: the Azure
 * ML service record (ARM), the build log and blob checks (blob storage), the workspace name, and gaps recorded by the original capture.
 * A bundle recording `meta.clusterError` is replayed as the matching fault (bad token, 403 everywhere, no answer).
 *
 * For a container waiting to restart, the kubelet serves the last terminated instance for both "current" and
 * "previous"; the collector reads it once, as the previous log, and `loadBundle` files such a log the same way.
 */
import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { collectSnapshot, loadKubeconfigTarget, type ClusterTarget } from '../../shared/cluster/index.js';
import { diagnoseSnapshot } from '../../shared/diagnosis/engine.js';
import type { Diagnosis } from '../../shared/diagnosis/types.js';
import { loadBundle } from '../../shared/diagnosis/bundle.js';
import type { Snapshot } from '../../shared/snapshot/types.js';
import { startScenarioCluster, type ScenarioCluster } from '../../sim/standins/kubernetes/index.js';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURE_ROOTS = [
  join(ROOT, 'test', 'fixtures'),
  join(ROOT, 'test', 'cluster', 'fixtures'),
  join(ROOT, 'examples'),
];

async function bundleDirs(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const found: string[] = [];
  if (entries.some((e) => e.isFile() && e.name === 'snapshot.yaml')) found.push(dir);
  for (const e of entries) if (e.isDirectory()) found.push(...(await bundleDirs(join(dir, e.name))));
  return found;
}

/**
 * A bundle that has router pods but not the router's Deployment is a partial capture (a user's `kubectl get pods`),
 * not a state a cluster can be in: the collector finds the router through its Deployment, as it must.
 */
function isPartialRouterCapture(snapshot: Snapshot): boolean {
  const routers = ['azureml-fe', 'azureml-fe-v2'];
  const hasRouterPods = snapshot.pods.some((p) => routers.some((r) => p.metadata?.name?.startsWith(`${r}-`)));
  const hasRouterDeployment = snapshot.deployments.some((d) => routers.includes(d.metadata?.name ?? ''));
  return hasRouterPods && !hasRouterDeployment;
}

interface Case {
  name: string;
  dir: string;
  offline: Snapshot;
  diagnoses: Diagnosis[];
}

/** Bundles that load; a bundle that is broken on purpose (for loadBundle's own tests) is not a cluster state. */
async function loadCases(): Promise<{ cases: Case[]; skipped: string[] }> {
  const cases: Case[] = [];
  const skipped: string[] = [];
  for (const root of FIXTURE_ROOTS) {
    for (const dir of (await bundleDirs(root)).sort()) {
      const name = relative(ROOT, dir);
      try {
        if (!(await stat(join(dir, 'snapshot.yaml'))).isFile()) continue;
        const offline = await loadBundle(dir);
        const diagnoses = diagnoseSnapshot(offline, {});
        if (diagnoses.length === 0) skipped.push(`${name} (no Azure ML deployment)`);
        else if (isPartialRouterCapture(offline))
          skipped.push(`${name} (router pods without their Deployment)`);
        else cases.push({ name, dir, offline, diagnoses });
      } catch (error) {
        skipped.push(`${name} (${error instanceof Error ? error.message : String(error)})`);
      }
    }
  }
  return { cases, skipped };
}

const { cases, skipped } = await loadCases();
if (skipped.length > 0) console.info(`live-equivalence: not cluster states, skipped: ${skipped.join('; ')}`);

let cluster: ScenarioCluster;
let target: ClusterTarget;

beforeAll(async () => {
  cluster = await startScenarioCluster({ bundles: [] });
  target = loadKubeconfigTarget({ kubeconfig: cluster.kubeconfigPath });
});

afterAll(async () => {
  await cluster?.close();
});

afterEach(() => {
  cluster.clearFaults();
  cluster.setTokens([cluster.token]);
});

/** A target whose Entra sign-in fails before any request reaches the cluster (no managed identity). */
const signInFails: ClusterTarget = {
  name: 'sign-in-fails',
  kubeConfig: () =>
    Promise.reject(
      Object.assign(
        new Error('ManagedIdentityCredential authentication unavailable. No identity has been assigned.'),
        {
          name: 'CredentialUnavailableError',
        },
      ),
    ),
};

/** The recorded sign-in failure: SignInFailed, or an Unauthorized whose message is an Entra sign-in error. */
function isSignIn(offline: Snapshot): boolean {
  const e = offline.meta.clusterError;
  return (
    e?.kind === 'SignInFailed' ||
    (e?.kind === 'Unauthorized' && /AADSTS\d+|failed to get token/i.test(e.message))
  );
}

/** Replays a recorded cluster-level failure as the fault that produces it. */
function replayClusterError(offline: Snapshot): { requestTimeoutMs?: number } {
  if (isSignIn(offline)) return {};
  switch (offline.meta.clusterError?.kind) {
    case 'Unauthorized':
      cluster.setTokens(['a-token-the-kubeconfig-does-not-have']);
      return {};
    case 'Forbidden':
      cluster.setFaults([{ path: /./, status: 403 }]);
      return {};
    case 'Timeout':
      cluster.setFaults([{ path: /./, hang: true }]);
      return { requestTimeoutMs: 300 };
    default:
      return {};
  }
}

/** The evidence the monitor takes from elsewhere than the cluster. */
function withNonClusterEvidence(live: Snapshot, offline: Snapshot): Snapshot {
  if (offline.service) live.service = offline.service;
  if (offline.buildLog) live.buildLog = offline.buildLog;
  // blobs.json is the workspace storage account's answer, not the cluster's.
  if (offline.blobs) live.blobs = offline.blobs;
  if (offline.meta.workspace) live.meta.workspace = offline.meta.workspace;
  const recorded = offline.meta.clusterError ? [] : (offline.meta.gaps ?? []);
  if (recorded.length > 0) live.meta.gaps = [...(live.meta.gaps ?? []), ...recorded];
  return live;
}

describe('live collection over HTTPS diagnoses like the offline bundle', () => {
  it('finds bundles to check', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await cluster.setBundles([c.dir]);
    for (const expected of c.diagnoses) {
      const tuning = replayClusterError(c.offline);
      const live = await collectSnapshot(isSignIn(c.offline) ? signInFails : target, {
        namespace: expected.namespace,
        service: expected.service,
        ...tuning,
      });
      if (!c.offline.meta.clusterError) {
        // The scenario cluster serves everything the bundle has: the collector must not have missed anything. The
        // one expected gap: a service whose Kubernetes Deployment was never created (its image build failed).
        const hasDeployment = c.offline.deployments.some(
          (d) => d.metadata?.name === expected.service && d.metadata?.namespace === expected.namespace,
        );
        const expectedGaps = hasDeployment ? [] : [`deployment ${expected.service}: 404 NotFound`];
        expect(live.meta.gaps ?? []).toEqual(expectedGaps);
        if (!hasDeployment) delete live.meta.gaps;
      }
      const actual = diagnoseSnapshot(withNonClusterEvidence(live, c.offline), { service: expected.service });
      if (c.offline.meta.clusterError) {
        // The message names the live failure rather than the recorded one; the verdict must match.
        expect(actual.map((d) => [d.status, d.findings[0]?.code, d.findings[0]?.detail])).toEqual([
          [expected.status, expected.findings[0]?.code, expected.findings[0]?.detail],
        ]);
      } else {
        expect(actual).toEqual([expected]);
      }
    }
  });
});
