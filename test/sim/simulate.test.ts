/**
 * `amlmon simulate` on the shipped demo: Azurite, the scenario cluster, the ACS and Teams stand-ins, the real handlers.
 * The expected deliveries follow from the scenario's content (see examples/demo/README.md).
 */
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSimulate } from '../../cli/commands/simulate.js';
import { runSimulation, type SimulationResult } from '../../sim/runner.js';
import { bundlesAt, loadScenario, ScenarioError } from '../../sim/scenario.js';

describe('amlmon simulate examples/demo', () => {
  let result: SimulationResult;
  let outDir: string;
  beforeAll(async () => {
    outDir = join(await mkdtemp(join(tmpdir(), 'amlmon-sim-out-')), 'messages');
    result = await runSimulation('examples/demo', { outDir });
  }, 120_000);

  it('writes every received message for a person to open (--out)', async () => {
    const files = (await readdir(outDir)).sort();
    expect(files.filter((f) => f.endsWith('-teams.json'))).toHaveLength(6);
    expect(files.filter((f) => f.endsWith('.html'))).toHaveLength(6);
    const alert = files.find(
      (f) => f.includes('scoringinitfailure') && f.endsWith('.html') && f.includes('failed'),
    );
    expect(await readFile(join(outDir, alert!), 'utf8')).toContain('No module named &#x27;sklearn&#x27;');
    // The digest's inline chart is written beside its page and the cid: reference points at the file.
    const digest = files.find((f) => f.includes('digest') && f.endsWith('.html'))!;
    const chart = files.find((f) => f.includes('digest') && f.endsWith('.png'))!;
    const html = await readFile(join(outDir, digest), 'utf8');
    expect(html).toContain(`src="${chart}"`);
    expect(html).not.toContain('cid:');
    expect((await readFile(join(outDir, chart))).subarray(1, 4).toString()).toBe('PNG');
    const card = JSON.parse(await readFile(join(outDir, '02-teams.json'), 'utf8')) as { type: string };
    expect(card.type).toBe('message');
    expect(result.written).toHaveLength(files.length);
  });

  it('delivers the build failure, the crash-looping init, the hang, the recovery and the digest to email and Teams, nothing for the healthy deploy', () => {
    const seen = result.deliveries.map(
      (d) => `${d.at.slice(11, 16)} ${d.channel} ${d.kind} ${d.service} ${d.code}/${d.detail}`,
    );
    expect(seen).toEqual([
      // The build log names the service whose Azure ML record runs that image.
      '10:00 email alert credit-limit ImageBuildFailure/PipPackageNotFound',
      '10:00 teams alert credit-limit ImageBuildFailure/PipPackageNotFound',
      // Only Azure ML's record says the update was refused; the old revision keeps serving.
      '10:00 email alert demand-forecast PodUnschedulable/InsufficientCpu',
      '10:00 teams alert demand-forecast PodUnschedulable/InsufficientCpu',
      '10:00 email alert fraud-score ScoringInitFailure/MissingPythonModule',
      '10:00 teams alert fraud-score ScoringInitFailure/MissingPythonModule',
      '10:08 email alert blue-recsys DeploymentHung/null',
      '10:08 teams alert blue-recsys DeploymentHung/null',
      '10:10 email resolved fraud-score ScoringInitFailure/MissingPythonModule',
      '10:10 teams resolved fraud-score ScoringInitFailure/MissingPythonModule',
      '10:15 email digest  null/null',
      '10:15 teams digest  null/null',
    ]);
    expect(result.deliveries.some((d) => d.service === 'churn-model')).toBe(false);
    // Cancelled, then superseded by an update that succeeded: nothing to say.
    expect(result.deliveries.some((d) => d.service === 'pricing')).toBe(false);
    const build = result.deliveries.find((d) => d.code === 'ImageBuildFailure')!;
    expect(build.workspace).toBe('demo-ws');
    expect(result.poisoned).toBe(0);
  });

  it('skipped the redelivered BlobCreated event by its id', () => {
    expect(
      result.log.some((l) => l.message.includes('5d0f1e2a-701e-0042-3b7c-7a1b2c000000 was handled before')),
    ).toBe(true);
  });

  it('prints {"deliveries":[...]} with exactly the contract fields', async () => {
    const out = JSON.parse(await runSimulate('examples/demo', { json: true })) as {
      deliveries: Record<string, unknown>[];
    };
    expect(out.deliveries).toHaveLength(12);
    for (const d of out.deliveries)
      expect(Object.keys(d).sort()).toEqual([
        'amlCode',
        'at',
        'channel',
        'code',
        'detail',
        'kind',
        'service',
        'since',
        'workspace',
      ]);
    expect(out.deliveries[6]).toMatchObject({
      channel: 'email',
      kind: 'alert',
      service: 'blue-recsys',
      code: 'DeploymentHung',
      detail: null,
      at: '2026-11-26T10:08:00.000Z',
      workspace: 'demo-ws',
      // The first signal: the last time the rollout moved, not the moment the hang was detected.
      since: '2026-11-26T09:58:00.000Z',
    });
    expect(out.deliveries[2]).toMatchObject({ service: 'demand-forecast', amlCode: 'DeploymentFailed' });
    expect(out.deliveries[4]).toMatchObject({ service: 'fraud-score', since: '2026-11-26T09:54:40.000Z' });
    // amlCode is null when the Azure ML record says nothing (the demo has no record of blue-recsys), else a string.
    for (const d of out.deliveries) expect(d.amlCode === null || typeof d.amlCode === 'string').toBe(true);
  }, 120_000);
});

describe('loadScenario', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'amlmon-scenario-test-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function scenario(name: string, json: unknown, withCluster = true): Promise<string> {
    const d = join(dir, name);
    await mkdir(d, { recursive: true });
    await writeFile(join(d, 'scenario.json'), typeof json === 'string' ? json : JSON.stringify(json));
    if (withCluster)
      await cp('examples/demo/cluster/0/platform', join(d, 'cluster', '0', 'platform'), { recursive: true });
    return d;
  }

  it.each([
    ['not JSON', '{', 'is not valid JSON'],
    ['a bad start', { start: 'today', sweeps: 1, sweepInterval: '2m' }, '"start" must be an RFC 3339 time'],
    [
      'zero sweeps',
      { start: '2026-11-26T10:00:00Z', sweeps: 0, sweepInterval: '2m' },
      '"sweeps" must be a whole number',
    ],
    [
      'a bad interval',
      { start: '2026-11-26T10:00:00Z', sweeps: 1, sweepInterval: 'soon' },
      '"sweepInterval" must be a duration',
    ],
  ])('names the file and the problem for %s', async (name, json, message) => {
    const d = await scenario(name.replace(/ /g, '-'), json);
    await expect(loadScenario(d)).rejects.toThrow(message);
    await expect(loadScenario(d)).rejects.toBeInstanceOf(ScenarioError);
  });

  it('requires cluster/0/', async () => {
    const d = await scenario(
      'no-cluster',
      { start: '2026-11-26T10:00:00Z', sweeps: 1, sweepInterval: '2m' },
      false,
    );
    await expect(loadScenario(d)).rejects.toThrow('must have a 0/ folder');
  });

  it('orders events: unprefixed before the first sweep, then by sweep number; picks the cluster step in force', async () => {
    const s = await loadScenario('examples/demo');
    expect(s.events.map((e) => [e.sweep, e.file.split('/').pop()])).toEqual([
      [0, 'image-build-failed.json'],
      [0, 'recsys-blue-write.json'],
      [1, '1-churn-model-deployed.json'],
      [2, '2-image-build-redelivered.json'],
    ]);
    expect(bundlesAt(s, 4)).toEqual(s.clusterSteps.get(1));
    expect(bundlesAt(s, 6)).toEqual(s.clusterSteps.get(5));
  });

  it('the CLI turns a scenario error into exit code 3 (unreadable input)', async () => {
    await expect(runSimulate(join(dir, 'does-not-exist'), {})).rejects.toMatchObject({
      exitCode: 3,
      message: expect.stringContaining('is not a directory'),
    });
  });

  it('reports a BlobCreated whose blob content is missing as a scenario error', async () => {
    const d = await scenario('missing-blob', {
      start: '2026-11-26T10:00:00Z',
      sweeps: 1,
      sweepInterval: '2m',
    });
    await mkdir(join(d, 'events'));
    await cp('examples/demo/events/image-build-failed.json', join(d, 'events', 'build.json'));
    await expect(runSimulation(d)).rejects.toThrow(/blobs\/azureml\/ImageLogs\/.*build\.log: is missing/);
  }, 60_000);
});
