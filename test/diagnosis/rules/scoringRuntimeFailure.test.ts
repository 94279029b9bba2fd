import { describe, expect, it } from 'vitest';
import { scoringRuntimeFailure } from '../../../shared/diagnosis/rules/scoringRuntimeFailure.js';
import { contextOf, evidenceText, fixturesOf, run } from './podRuleHarness.js';

const CASES: Record<
  string,
  { detail: string; title: RegExp; evidence: string[]; remedy: RegExp; also?: string[] }
> = {
  'ScoringRuntimeFailure.WorkerTimeout.v1-gunicorn-timeout': {
    detail: 'WorkerTimeout',
    title: /^run\(\) exceeded the gunicorn worker timeout 2 times in the last hour/,
    evidence: [
      'WORKER TIMEOUT (pid:45)',
      'WORKER TIMEOUT (pid:88)',
      'Worker with pid 88 was terminated due to signal 9',
    ],
    remedy: /scoring_timeout_ms in AksWebservice\.deploy_configuration \(now 60000 ms\)/,
  },
  'ScoringRuntimeFailure.WorkerTimeout.v2-azmlinfsrv-timeout': {
    detail: 'WorkerTimeout',
    title: /3 times in the last hour/,
    evidence: ['WORKER TIMEOUT (pid:33)', 'was terminated due to signal 6'],
    remedy: /request_settings\.request_timeout_ms/,
  },
  'ScoringRuntimeFailure.WorkerTimeout.v1-worker-timeout-degraded': {
    detail: 'WorkerTimeout',
    title: /3 times in the last hour/,
    evidence: ['WORKER TIMEOUT (pid:38)', 'Worker with pid 201 was terminated due to signal 9'],
    remedy: /scoring_timeout_ms/,
    // The readiness probe times out while the workers hang: reported beside the timeouts.
    also: ['Overloaded'],
  },
  'ScoringRuntimeFailure.Overloaded.v1-fe-503': {
    detail: 'Overloaded',
    title: /^sentiment-svc is overloaded: the front end returns 503 "Too many requests" \(1 replica\)$/,
    evidence: [
      'pod/azureml-fe-6d9d7b8c5-x2k4p/container/azureml-fe/log',
      'Too many requests for service sentiment-svc (overloaded)',
    ],
    remedy: /autoscale_target_utilization/,
  },
  'ScoringRuntimeFailure.Overloaded.v2-readiness-timeouts': {
    detail: 'Overloaded',
    title: /^search-ep\/blue is too busy to answer its readiness probe \(2 replicas\)$/,
    evidence: ['Readiness probe failed', 'context deadline exceeded', '(x19)'],
    remedy: /target_utilization_percentage/,
  },
};

const { triggers, nearMisses } = fixturesOf('ScoringRuntimeFailure');

describe('scoringRuntimeFailure over its fixtures', () => {
  it('has a case for every triggering fixture', () => {
    expect(Object.keys(CASES).sort()).toEqual(triggers);
  });

  it.each(Object.entries(CASES))('%s', async (name, c) => {
    const findings = await run(scoringRuntimeFailure, name);
    expect(findings.map((x) => x.detail)).toEqual([c.detail, ...(c.also ?? [])]);
    const [f] = findings;
    expect(f).toMatchObject({
      code: 'ScoringRuntimeFailure',
      detail: c.detail,
      stage: 'runtime',
      severity: 'warning',
    });
    expect(f!.title).toMatch(c.title);
    for (const e of c.evidence) expect(evidenceText(f!)).toContain(e);
    expect(f!.remedy.join('\n')).toMatch(c.remedy);
  });

  it.each(nearMisses)('near-miss %s', async (name) => {
    expect(await run(scoringRuntimeFailure, name)).toEqual([]);
  });

  it('says nothing while no scoring container is ready', async () => {
    expect(await run(scoringRuntimeFailure, 'SlowInitProbeFailure.none.v1-liveness-restarts')).toEqual([]);
  });
});

describe('scoringRuntimeFailure counts only the last hour', () => {
  it('reports old timeouts when "now" is shortly after them', async () => {
    const ctx = await contextOf('nearmiss.ScoringRuntimeFailure.WorkerTimeout.old-timeouts-v2');
    expect(scoringRuntimeFailure.diagnose(ctx)).toEqual([]);
    ctx.now = new Date(ctx.now.getTime() - 259_200_000 + 600_000);
    const [f] = scoringRuntimeFailure.diagnose(ctx);
    expect(f).toMatchObject({ detail: 'WorkerTimeout' });
  });

  it("reads the crashed instance's log too (old v1 images exit on a worker timeout)", async () => {
    const ctx = await contextOf('ScoringRuntimeFailure.WorkerTimeout.v1-gunicorn-timeout');
    const logs = [...ctx.snapshot.logs.values()][0]!;
    logs.previous = logs.current;
    logs.current = logs.current!.split('\n').slice(0, 30).join('\n');
    const [f] = scoringRuntimeFailure.diagnose(ctx);
    expect(f).toMatchObject({ detail: 'WorkerTimeout' });
    expect(f!.evidence[0]!.source).toMatch(/previous-log$/);
  });

  it('ignores readiness failures that ended during start-up', async () => {
    const ctx = await contextOf('nearmiss.ScoringRuntimeFailure.Overloaded.startup-readiness-v2');
    const e = ctx.snapshot.events.find((ev) => ev.reason === 'Unhealthy')!;
    expect(scoringRuntimeFailure.diagnose(ctx)).toEqual([]);
    e.lastTimestamp = new Date(ctx.now.getTime() - 300_000);
    expect(scoringRuntimeFailure.diagnose(ctx).map((f) => f.detail)).toEqual(['Overloaded']);
  });
});
