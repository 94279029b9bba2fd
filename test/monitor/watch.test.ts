/** `amlmon watch` against the scenario cluster: terminal output, local state that survives restarts, recovery. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWatch } from '../../cli/commands/watch.js';
import { startScenarioCluster, type ScenarioCluster } from '../../sim/standins/kubernetes/index.js';

const DEMO = 'examples/demo/cluster';
let cluster: ScenarioCluster;
let dir: string;
const savedCache = process.env.XDG_CACHE_HOME;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'amlmon-watch-'));
  process.env.XDG_CACHE_HOME = dir;
  cluster = await startScenarioCluster({ bundles: [`${DEMO}/0/fraud-score`, `${DEMO}/0/platform`] });
});
afterAll(async () => {
  process.env.XDG_CACHE_HOME = savedCache;
  await cluster?.close();
  await rm(dir, { recursive: true, force: true });
});

async function watchOnce(state: string): Promise<string> {
  let out = '';
  await runWatch(
    { kubeconfig: cluster.kubeconfigPath, interval: '2m', state, once: true },
    (t) => (out += t),
  );
  return out;
}

describe('amlmon watch', () => {
  it('prints a new incident with its cause, evidence and fix, and stays quiet on the next run (state file)', async () => {
    const state = join(dir, 'state.json');
    const first = await watchOnce(state);
    expect(first).toContain(
      'ALERT  scenario/azureml-demo-ws/fraud-score  ScoringInitFailure/MissingPythonModule',
    );
    expect(first).toContain("No module named 'sklearn'");
    expect(first).toMatch(/fix: /);
    expect(first).toContain(`evidence: ${join(dir, 'amlmon', 'evidence')}`);
    const saved = JSON.parse(await readFile(state, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(saved)).toEqual(expect.arrayContaining(['amlmonIncidents', 'amlmonDeployments']));

    const second = await watchOnce(state);
    expect(second).not.toContain('ALERT');

    await cluster.setBundles([`${DEMO}/5/fraud-score`, `${DEMO}/5/platform`]);
    const third = await watchOnce(state);
    expect(third).toContain(
      'RESOLVED  scenario/azureml-demo-ws/fraud-score  ScoringInitFailure/MissingPythonModule',
    );
    await cluster.setBundles([`${DEMO}/0/fraud-score`, `${DEMO}/0/platform`]);
  });

  it('rejects a missing kubeconfig and a too short interval as usage errors', async () => {
    await expect(runWatch({ interval: '2m', state: 'memory', once: true }, () => undefined)).rejects.toThrow(
      'watch needs --kubeconfig FILE',
    );
    await expect(
      runWatch(
        { kubeconfig: cluster.kubeconfigPath, interval: '1s', state: 'memory', once: true },
        () => undefined,
      ),
    ).rejects.toThrow('must be a duration of at least 10s');
  });
});
