// `amlmon capture`: the bundle it writes, diagnosed offline, gives the live diagnosis (round trip over HTTPS).
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCapture } from '../../cli/commands/capture.js';
import { CliError } from '../../cli/errors.js';
import { collectSnapshot, loadKubeconfigTarget } from '../../shared/cluster/index.js';
import { diagnoseSnapshot } from '../../shared/diagnosis/engine.js';
import { loadBundle } from '../../shared/diagnosis/bundle.js';
import { startScenarioCluster, type ScenarioCluster } from '../../sim/standins/kubernetes/index.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const NS = 'azureml-myws';
const POD = 'my-svc-5d9c7b6f48-abcde';

let cluster: ScenarioCluster;
let work: string;

beforeAll(async () => {
  cluster = await startScenarioCluster({
    bundles: [join(FIXTURES, 'v1-crashloop'), join(FIXTURES, 'v2-healthy')],
  });
  work = await mkdtemp(join(tmpdir(), 'amlmon-capture-'));
});

afterAll(async () => {
  await cluster.close();
  await rm(work, { recursive: true, force: true });
});

describe('amlmon capture', () => {
  it.each([
    ['v1 crash loop', NS, 'my-svc'],
    ['v2 by endpoint/deployment', 'ml-compute', 'ep1/blue'],
  ])(
    'round-trips the %s: offline diagnosis of the bundle equals the live one',
    async (_n, namespace, service) => {
      const out = join(work, service.replace('/', '_'));
      const lines: string[] = [];
      const { snapshot, requests } = await runCapture(
        { kubeconfig: cluster.kubeconfigPath, namespace, service, out },
        (l) => lines.push(l),
      );
      expect(requests).toBeLessThanOrEqual(8);
      expect(lines.length).toBe(requests + 1);

      const live = await collectSnapshot(loadKubeconfigTarget({ kubeconfig: cluster.kubeconfigPath }), {
        namespace,
        service,
      });
      const liveDiagnosis = diagnoseSnapshot(live, { service });
      const offline = await loadBundle(out);
      expect(offline.meta).toMatchObject({ namespace, capturedAt: '2026-11-26T10:00:00Z' });
      expect(diagnoseSnapshot(offline, { service })).toEqual(liveDiagnosis);
      expect(diagnoseSnapshot(snapshot, { service })).toEqual(liveDiagnosis);
    },
  );

  it('writes the files of docs/CONTRACT.md §1: snapshot.yaml, meta.json and the logs it read', async () => {
    const out = join(work, 'files');
    await runCapture({ kubeconfig: cluster.kubeconfigPath, namespace: NS, service: 'my-svc', out });
    expect((await readdir(out)).sort()).toEqual(['logs', 'meta.json', 'snapshot.yaml']);
    expect((await readdir(join(out, 'logs', POD))).sort()).toEqual(['my-svc.previous.log']);
    const meta = JSON.parse(await readFile(join(out, 'meta.json'), 'utf8')) as Record<string, unknown>;
    expect(meta).toEqual({ service: 'my-svc', namespace: NS, capturedAt: '2026-11-26T10:00:00Z' });
    expect(await readFile(join(out, 'snapshot.yaml'), 'utf8')).not.toContain('other-svc');
  });

  it('records gaps in meta.json when the cluster refuses part of the evidence', async () => {
    cluster.setFaults([{ path: `/api/v1/namespaces/${NS}/events`, status: 403 }]);
    const out = join(work, 'gaps');
    try {
      await runCapture({ kubeconfig: cluster.kubeconfigPath, namespace: NS, service: 'my-svc', out });
    } finally {
      cluster.clearFaults();
    }
    const meta = JSON.parse(await readFile(join(out, 'meta.json'), 'utf8')) as { gaps?: string[] };
    expect(meta.gaps).toEqual(['events: 403 Forbidden (the identity lacks list on events)']);
    const d = diagnoseSnapshot(await loadBundle(out), { service: 'my-svc' });
    expect(d[0]?.gaps).toContain('events: 403 Forbidden (the identity lacks list on events)');
  });

  it('fails with a usage error (exit 2) for missing options, an input error (exit 3) for an unreadable kubeconfig', async () => {
    const missing = await runCapture({ kubeconfig: cluster.kubeconfigPath, namespace: NS }).catch(
      (e: unknown) => e,
    );
    expect(missing).toBeInstanceOf(CliError);
    expect((missing as CliError).exitCode).toBe(2);
    const bad = await runCapture({
      kubeconfig: join(work, 'no-such-kubeconfig'),
      namespace: NS,
      service: 'my-svc',
      out: join(work, 'never'),
    }).catch((e: unknown) => e);
    expect((bad as CliError).exitCode).toBe(3);
    expect((bad as CliError).message).toMatch(/cannot read kubeconfig/);
  });
});
