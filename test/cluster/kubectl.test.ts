// The scenario cluster checked against the real client most people use: Debian's kubectl, with the generated kubeconfig.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScenarioCluster, type ScenarioCluster } from '../../sim/standins/kubernetes/index.js';

const KUBECTL = '/usr/bin/kubectl';
const FIXTURES = join(import.meta.dirname, 'fixtures');
const V1 = join(FIXTURES, 'v1-crashloop');
const NS = 'azureml-myws';
const POD = 'my-svc-5d9c7b6f48-abcde';
const run = promisify(execFile);
const haveKubectl = existsSync(KUBECTL);

if (!haveKubectl) {
  console.warn(
    `SKIPPED kubectl checks: ${KUBECTL} is not installed (apt-get install kubernetes-client; .ci/run does it)`,
  );
}

let cluster: ScenarioCluster;
let home: string;

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await run(KUBECTL, ['--kubeconfig', cluster.kubeconfigPath, ...args], {
    // A private HOME keeps kubectl's discovery cache out of the user's ~/.kube.
    env: { PATH: process.env.PATH ?? '', HOME: home, KUBECACHEDIR: join(home, 'cache') },
    timeout: 30_000,
  });
  return stdout;
}

interface Listed {
  items: Array<{ metadata: { name: string }; reason?: string; status?: unknown }>;
}

describe.skipIf(!haveKubectl)('kubectl against the scenario cluster', () => {
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'amlmon-kubectl-'));
    cluster = await startScenarioCluster({ bundles: [V1] });
  });

  afterAll(async () => {
    await cluster?.close();
    await rm(home, { recursive: true, force: true });
  });

  it('get pods -l … -o yaml prints the bundle’s pod', async () => {
    const out = parse(
      await kubectl('get', 'pods', '-n', NS, '-l', 'azuremlappname=my-svc', '-o', 'yaml'),
    ) as Listed;
    expect(out.items.map((p) => p.metadata.name)).toEqual([POD]);
    const bundle = parse(await readFile(join(V1, 'snapshot.yaml'), 'utf8')) as {
      items: Array<{ kind: string; metadata: { name: string }; status?: unknown }>;
    };
    const original = bundle.items.find((o) => o.kind === 'Pod' && o.metadata.name === POD);
    expect(out.items[0]?.status).toEqual(original?.status);
  });

  it('get events --field-selector … matches the bundle', async () => {
    const out = parse(
      await kubectl(
        'get',
        'events',
        '-n',
        NS,
        '--field-selector',
        `involvedObject.name=${POD},type=Warning`,
        '-o',
        'yaml',
      ),
    ) as Listed;
    expect(out.items.map((e) => e.reason)).toEqual(['BackOff']);
  });

  it('logs --previous prints the previous log file', async () => {
    const expected = await readFile(join(V1, 'logs', POD, 'my-svc.previous.log'), 'utf8');
    expect(await kubectl('logs', '-n', NS, POD, '-c', 'my-svc', '--previous')).toBe(expected);
    expect(await kubectl('logs', '-n', NS, POD, '--tail', '1')).toBe(
      expected.split('\n').slice(-2).join('\n'),
    );
  });

  it('get deployment -o name and version work through discovery', async () => {
    expect((await kubectl('get', 'deployments', '-n', NS, '-o', 'name')).trim().split('\n')).toEqual([
      'deployment.apps/my-svc',
      'deployment.apps/other-svc',
    ]);
    const version = JSON.parse(await kubectl('version', '-o', 'json')) as {
      serverVersion?: { gitVersion?: string };
    };
    expect(version.serverVersion?.gitVersion).toContain('amlmon-scenario');
  });
});
