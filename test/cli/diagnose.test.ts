/**
 * `amlmon diagnose` as a user runs it: the built binary (npm test builds first), real files, real exit codes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'dist', 'cli', 'amlmon.js');
const FIXTURES = join(ROOT, 'test', 'fixtures');

function amlmon(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A failing fixture with one root cause, to exercise the output paths. */
function someFailingFixture(): string {
  const name = readdirSync(FIXTURES)
    .filter((n) => n.startsWith('ScoringInitFailure.') || n.startsWith('PodUnschedulable.'))
    .sort()[0];
  if (!name) throw new Error('no ScoringInitFailure/PodUnschedulable fixture found');
  return join(FIXTURES, name);
}

beforeAll(() => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first (npm test does)`);
});

describe('amlmon diagnose <bundle-dir>', () => {
  it('prints one diagnosis JSON document and exits 0', () => {
    const r = amlmon('diagnose', someFailingFixture(), '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as Record<string, unknown>;
    // The contract's fields first, in its order; optional additions (changes, amlState, ...) may follow.
    expect(Object.keys(doc).slice(0, 5)).toEqual(['service', 'namespace', 'status', 'findings', 'gaps']);
    expect(doc.status).toBe('Failed');
    const [root] = doc.findings as Record<string, unknown>[];
    expect(Object.keys(root!).slice(0, 8)).toEqual([
      'code',
      'detail',
      'severity',
      'title',
      'explanation',
      'evidence',
      'remedy',
      'docs',
    ]);
  });

  it('the readable report carries the first signal, the confirm commands and what changed', () => {
    const r = amlmon('diagnose', 'examples/demo/cluster/0/fraud-score');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toContain('fraud-score (azureml-demo-ws, workspace demo-ws)');
    expect(r.stdout).toContain('failing since 2026-11-26 09:54 UTC, for 5 min (first signal)');
    expect(r.stdout).toContain(
      "Confirm it\n  $ kubectl logs -n 'azureml-demo-ws' 'fraud-score-5f7d9c8b64-x4p9t' -c 'fraud-score' --previous",
    );
    expect(r.stdout).toContain('Changed since the last ready revision\n  - container fraud-score: image:');
    // The crash loop only restates the root cause: left to --json.
    expect(r.stdout).not.toContain('Also found');
  });

  it('prints a readable report without --json, with no colour when not a TTY', () => {
    const r = amlmon('diagnose', someFailingFixture());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Failed\n\nRoot cause {2}\w+/);
    expect(r.stdout).toMatch(/\nEvidence\n {2}(pod|event)\//);
    expect(r.stdout).toMatch(/\nFix\n {2}1\. /);
    // eslint-disable-next-line no-control-regex
    expect(r.stdout).not.toMatch(/\u001b\[/);
  });

  it('exits 3 with one line naming the file for input it cannot read', async () => {
    const missing = amlmon('diagnose', '/nonexistent/bundle');
    expect(missing.code).toBe(3);
    expect(missing.stderr).toBe('amlmon: /nonexistent/bundle: no such directory\n');

    const dir = await mkdtemp(join(tmpdir(), 'amlmon-cli-'));
    await writeFile(join(dir, 'snapshot.yaml'), 'items: [\n');
    const broken = amlmon('diagnose', dir);
    expect(broken.code).toBe(3);
    expect(broken.stderr.trim().split('\n')).toHaveLength(1);
    expect(broken.stderr).toMatch(/snapshot\.yaml: is not valid YAML \(line \d+/);

    // A --kubeconfig file is input like a bundle: missing or not a kubeconfig is exit 3, not a usage error.
    const live = ['--namespace', 'ns', '--service', 'svc'];
    const noKubeconfig = amlmon('diagnose', '--kubeconfig', join(dir, 'missing-kubeconfig'), ...live);
    expect(noKubeconfig.code).toBe(3);
    expect(noKubeconfig.stderr).toBe(
      `amlmon: --kubeconfig: cannot read kubeconfig ${join(dir, 'missing-kubeconfig')}: ENOENT\n`,
    );
    await writeFile(join(dir, 'bad-kubeconfig'), 'clusters: [\n');
    const badKubeconfig = amlmon('diagnose', '--kubeconfig', join(dir, 'bad-kubeconfig'), ...live);
    expect(badKubeconfig.code).toBe(3);
    expect(badKubeconfig.stderr).toMatch(/bad-kubeconfig is not a valid kubeconfig/);
    expect(
      amlmon('capture', '--kubeconfig', join(dir, 'missing-kubeconfig'), ...live, '--out', join(dir, 'o'))
        .code,
    ).toBe(3);
  });

  it('exits 2 for usage errors', async () => {
    expect(amlmon('diagnose').code).toBe(2);
    expect(amlmon('diagnose', someFailingFixture(), '--kubeconfig', '/x').code).toBe(2);
    expect(amlmon('diagnose', '--kubeconfig', '/x').code).toBe(2);
    // A readable kubeconfig without the --context asked for: the argument is wrong, not the file.
    const kubeconfig = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:1' } }],
      users: [{ name: 'u', user: { token: 'x' } }],
      contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'ctx',
    });
    const file = join(await mkdtemp(join(tmpdir(), 'amlmon-cli-')), 'kubeconfig');
    await writeFile(file, kubeconfig);
    const noContext = amlmon(
      'diagnose',
      '--kubeconfig',
      file,
      '--context',
      'other',
      '--namespace',
      'n',
      '--service',
      's',
    );
    expect(noContext.code).toBe(2);
    expect(noContext.stderr).toContain('context "other" is not in');
    expect(amlmon('frobnicate').code).toBe(2);
  });

  it('prints an array when a bundle holds several services and none is named', async () => {
    const { amlService } = await import('../support/fixtureKit/kit.js');
    const { writeFixture } = await import('../support/fixtureKit/write.js');
    const a = amlService({ name: 'svc-a', createdAt: '2024-05-01T10:00:00Z' });
    const b = amlService({ name: 'svc-b', createdAt: '2024-05-01T10:00:00Z' });
    const root = await mkdtemp(join(tmpdir(), 'amlmon-cli-'));
    const dir = await writeFixture(root, 'two', {
      objects: [a.deployment, a.replicaSet, ...a.pods, b.deployment, b.replicaSet, ...b.pods],
      meta: { capturedAt: '2024-05-01T12:00:00Z' },
      expected: { description: 'two healthy services', status: 'Healthy' },
    });
    const r = amlmon('diagnose', dir, '--json');
    expect(r.code).toBe(0);
    const docs = JSON.parse(r.stdout) as { service: string; status: string }[];
    expect(docs.map((d) => [d.service, d.status])).toEqual([
      ['svc-a', 'Healthy'],
      ['svc-b', 'Healthy'],
    ]);
    const one = JSON.parse(amlmon('diagnose', dir, '--json', '--service', 'svc-b').stdout) as {
      service: string;
    };
    expect(one.service).toBe('svc-b');
  });

  it('lists several services worst first in the terminal, and in the bundle order in JSON', async () => {
    const { amlService } = await import('../support/fixtureKit/kit.js');
    const { writeFixture } = await import('../support/fixtureKit/write.js');
    const a = amlService({ name: 'svc-a', createdAt: '2024-05-01T10:00:00Z' });
    const b = amlService({ name: 'svc-b', createdAt: '2024-05-01T10:00:00Z', memoryLimit: '1Gi' });
    for (const pod of b.pods) {
      const status = pod.status as { containerStatuses: Record<string, unknown>[]; conditions?: unknown[] };
      status.conditions = [{ type: 'Ready', status: 'False', lastTransitionTime: '2024-05-01T11:00:00Z' }];
      status.containerStatuses = status.containerStatuses.map((c) => ({
        ...c,
        ready: false,
        restartCount: 7,
        state: {
          waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container' },
        },
        lastState: {
          terminated: {
            reason: 'OOMKilled',
            exitCode: 137,
            startedAt: '2024-05-01T11:50:00Z',
            finishedAt: '2024-05-01T11:51:00Z',
          },
        },
      }));
    }
    const root = await mkdtemp(join(tmpdir(), 'amlmon-cli-'));
    const dir = await writeFixture(root, 'two', {
      objects: [a.deployment, a.replicaSet, ...a.pods, b.deployment, b.replicaSet, ...b.pods],
      meta: { capturedAt: '2024-05-01T12:00:00Z' },
      expected: { description: 'one healthy, one failing', status: 'Failed' },
    });
    const docs = JSON.parse(amlmon('diagnose', dir, '--json').stdout) as {
      service: string;
      status: string;
    }[];
    expect(docs.map((d) => [d.service, d.status])).toEqual([
      ['svc-a', 'Healthy'],
      ['svc-b', 'Failed'],
    ]);
    const text = amlmon('diagnose', dir).stdout;
    expect(text.indexOf('svc-b')).toBeGreaterThanOrEqual(0);
    expect(text.indexOf('svc-b')).toBeLessThan(text.indexOf('svc-a'));
  });
});
