import { describe, expect, it } from 'vitest';
import { slowInitProbeFailure } from '../../../shared/diagnosis/rules/slowInitProbeFailure.js';
import { contextOf, evidenceText, fixturesOf, run } from './podRuleHarness.js';

const CASES: Record<string, { title: RegExp; evidence: string[]; remedy: RegExp }> = {
  'SlowInitProbeFailure.none.v1-liveness-restarts': {
    title:
      /^init\(\) did not finish within the 340s liveness window: translate-svc was restarted by the liveness probe after 5m 52s$/,
    evidence: [
      'Killing: Container translate-svc failed liveness probe, will be restarted (x2)',
      'Liveness probe failed: HTTP probe failed with statuscode: 502 (x6)',
      "previous-log Invoking user's init function",
      'initialDelaySeconds=310 periodSeconds=10 failureThreshold=3',
    ],
    remedy: /liveness_probe_initial_delay_seconds=720[\s\S]*CPU limit of only 100m/,
  },
  'SlowInitProbeFailure.none.v1-gunicorn-boot-timeout': {
    title:
      /^init\(\) ran longer than gunicorn's 300s worker timeout: ocr-svc exits during start-up after 5m 3s$/,
    evidence: [
      'previous-log WORKER TIMEOUT (pid:45)',
      "previous-log Invoking user's init function",
      'exit code 3',
    ],
    remedy:
      /set WORKER_TIMEOUT \(e\.g\. "720"\) in the Environment's environment_variables[\s\S]*liveness_probe_initial_delay_seconds=720/,
  },
  'SlowInitProbeFailure.none.v2-crashloop-liveness': {
    title: /within the 310s liveness window: inference-server was restarted/,
    evidence: [
      'failed liveness probe',
      'context deadline exceeded',
      'initialDelaySeconds=10 periodSeconds=10 failureThreshold=30',
    ],
    remedy: /liveness_probe: \{initial_delay: 660/,
  },
};

const { triggers, nearMisses } = fixturesOf('SlowInitProbeFailure');

describe('slowInitProbeFailure over its fixtures', () => {
  it('has a case for every triggering fixture', () => {
    expect(Object.keys(CASES).sort()).toEqual(triggers);
  });

  it.each(Object.entries(CASES))('%s', async (name, c) => {
    const [f, ...rest] = await run(slowInitProbeFailure, name);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      code: 'SlowInitProbeFailure',
      severity: 'critical',
      stage: 'probes',
      specificity: 90,
    });
    expect(f!.title).toMatch(c.title);
    for (const e of c.evidence) expect(evidenceText(f!)).toContain(e);
    expect(f!.remedy.join('\n')).toMatch(c.remedy);
    expect(f!.explanation).toMatch(/no exception/);
  });

  it.each(nearMisses)('near-miss %s: still inside the window', async (name) => {
    expect(await run(slowInitProbeFailure, name)).toEqual([]);
  });

  it('stays quiet when the killed instance logged an exception or an OOM', async () => {
    expect(
      await run(slowInitProbeFailure, 'ScoringInitFailure.MissingPythonModule.v1-sklearn-crashloop'),
    ).toEqual([]);
    expect(await run(slowInitProbeFailure, 'OutOfMemory.none.v2-running-laststate-oomkilled')).toEqual([]);
  });
});

describe('slowInitProbeFailure compares the probe window with ctx.now', () => {
  it('fires for a never-killed container only once it is past initialDelay + failureThreshold × period', async () => {
    const ctx = await contextOf('nearmiss.SlowInitProbeFailure.none.v2-probes-failing-inside-window');
    const started = ctx.target.pods[0]!.status!.containerStatuses!.find((c) => c.name === 'inference-server')!
      .state!.running!.startedAt!;
    ctx.now = new Date(started.getTime() + 315_000); // 310 s window + less than one period of slack
    expect(slowInitProbeFailure.diagnose(ctx)).toEqual([]);
    ctx.now = new Date(started.getTime() + 400_000);
    const [f] = slowInitProbeFailure.diagnose(ctx);
    expect(f!.title).toMatch(
      /^init\(\) has been running 6m 40s, past the 310s liveness window of inference-server$/,
    );
  });

  it('falls back to specificity 50 when the killed instance left no log', async () => {
    const ctx = await contextOf('SlowInitProbeFailure.none.v1-liveness-restarts');
    ctx.snapshot.logs.clear();
    const [f] = slowInitProbeFailure.diagnose(ctx);
    expect(f).toMatchObject({ specificity: 50 });
    expect(f!.explanation).toMatch(/No log of the killed instance was captured/);
  });
});
