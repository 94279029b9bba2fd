import { describe, expect, it } from 'vitest';
import { crashLoopBackOff } from '../../../shared/diagnosis/rules/crashLoopBackOff.js';
import { contextOf, evidenceText, fixturesOf, run } from './podRuleHarness.js';

const CASES: Record<string, { title: RegExp; tail: string[] }> = {
  'CrashLoopBackOff.none.v1-gunicorn-not-found': {
    title: /^legacy-svc keeps crashing \(exit code 127, Error, 7 restarts\) and no specific cause was found$/,
    tail: [
      '/var/runit/gunicorn/run: line 26: exec: gunicorn: not found',
      'Exit code 127 is not normal. Killing image.',
    ],
  },
  'CrashLoopBackOff.none.v2-exec-format-error': {
    title: /^inference-server keeps crashing \(exit code 1, Error, 6 restarts\)/,
    tail: ['exec /usr/bin/runsvdir: exec format error'],
  },
};

const { triggers, nearMisses } = fixturesOf('CrashLoopBackOff');

describe('crashLoopBackOff over its fixtures', () => {
  it('has a case for every triggering fixture', () => {
    expect(Object.keys(CASES).sort()).toEqual(triggers);
  });

  it.each(Object.entries(CASES))('%s', async (name, c) => {
    const [f] = await run(crashLoopBackOff, name);
    expect(f).toMatchObject({
      code: 'CrashLoopBackOff',
      role: 'consequence',
      specificity: 10,
      stage: 'init',
    });
    expect(f!.title).toMatch(c.title);
    for (const line of c.tail) expect(evidenceText(f!)).toContain(line);
    expect(evidenceText(f!)).toContain('BackOff: Back-off restarting failed container');
    expect(f!.remedy.join('\n')).toMatch(/--previous/);
  });

  it.each(nearMisses)('near-miss %s', async (name) => {
    expect(await run(crashLoopBackOff, name)).toEqual([]);
  });

  it('carries at most 10 meaningful log lines, without the benign noise', async () => {
    const [f] = await run(crashLoopBackOff, 'SlowInitProbeFailure.none.v2-crashloop-liveness');
    const logLines = f!.evidence.filter((e) => e.source.endsWith('previous-log'));
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.length).toBeLessThanOrEqual(10);
    const all = await run(crashLoopBackOff, 'OutOfMemory.none.v1-crashloop-oomkilled');
    expect(evidenceText(all[0]!)).not.toMatch(/iot-server|SPARK_HOME|EdgeHubConnectionString/);
  });

  it('redacts secrets in the log tail', async () => {
    const [f] = await run(crashLoopBackOff, 'SlowInitProbeFailure.none.v2-crashloop-liveness');
    expect(evidenceText(f!)).toContain('sig=[REDACTED]');
    expect(evidenceText(f!)).not.toContain('Xk3Pq9sQ2wE7');
  });

  it('sees a loop caught while the container is briefly running again', async () => {
    const ctx = await contextOf('OutOfMemory.none.v2-running-laststate-oomkilled');
    expect(crashLoopBackOff.diagnose(ctx)).toHaveLength(1);
    // The same restarts an hour later are not a current loop.
    ctx.now = new Date(ctx.now.getTime() + 3600_000);
    expect(crashLoopBackOff.diagnose(ctx)).toEqual([]);
  });
});
