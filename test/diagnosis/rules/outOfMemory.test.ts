import { describe, expect, it } from 'vitest';
import { OOM_RECENT_SECONDS, outOfMemory } from '../../../shared/diagnosis/rules/outOfMemory.js';
import { contextOf, evidenceText, fixturesOf, run } from './podRuleHarness.js';

interface Case {
  severity: 'critical' | 'warning';
  stage: 'init' | 'runtime';
  title: RegExp;
  evidence: string[];
  remedy: RegExp;
}

const CASES: Record<string, Case> = {
  'OutOfMemory.none.v1-crashloop-oomkilled': {
    severity: 'critical',
    stage: 'init',
    title: /^bert-svc is OOMKilled: it exceeds its 512Mi memory limit \(5 restarts\)$/,
    evidence: [
      'last terminated: reason OOMKilled, exit code 137',
      'resources.limits.memory: 512Mi',
      'previous-log Some weights',
    ],
    remedy: /The limit is 512Mi: raise memory_gb .* memory_gb=1\.5/,
  },
  'OutOfMemory.none.v2-running-laststate-oomkilled': {
    severity: 'critical',
    stage: 'init',
    title: /inference-server is OOMKilled: it exceeds its 2Gi memory limit \(3 restarts\)/,
    evidence: ['running since', 'last terminated: reason OOMKilled', 'resources.limits.memory: 2Gi'],
    remedy: /instance type whose memory limit is larger.*e\.g\. 4Gi/,
  },
  'OutOfMemory.none.v1-serving-repeated-oom': {
    severity: 'warning',
    stage: 'runtime',
    title: /^image-svc is repeatedly OOMKilled while serving \(4 restarts, last 10m ago; 1Gi memory limit\)$/,
    evidence: ['ready true; restartCount 4; last terminated: reason OOMKilled'],
    remedy: /memory_gb=2\.5/,
  },
  'OutOfMemory.none.v2-memoryerror-init': {
    severity: 'critical',
    stage: 'init',
    title: /ran out of memory \(MemoryError\) within its 512Mi memory limit/,
    evidence: ['Unable to allocate 3.73 GiB', 'score.py", line 29, in init'],
    remedy: /asked for 3\.7Gi.*e\.g\. 6Gi/,
  },
};

const { triggers, nearMisses } = fixturesOf('OutOfMemory');

describe('outOfMemory over its fixtures', () => {
  it('has a case for every triggering fixture', () => {
    expect(Object.keys(CASES).sort()).toEqual(triggers);
  });

  it.each(Object.entries(CASES))('%s', async (name, c) => {
    const findings = await run(outOfMemory, name);
    expect(findings).toHaveLength(1);
    const [f] = findings;
    expect(f).toMatchObject({
      code: 'OutOfMemory',
      detail: null,
      severity: c.severity,
      stage: c.stage,
      role: 'cause',
    });
    expect(f!.title).toMatch(c.title);
    for (const e of c.evidence) expect(evidenceText(f!)).toContain(e);
    expect(f!.remedy.join('\n')).toMatch(c.remedy);
  });

  it.each(nearMisses)('near-miss %s', async (name) => {
    expect(await run(outOfMemory, name)).toEqual([]);
  });

  it('does not call a liveness kill (exit 137, reason Error, no node OOM event) out of memory', async () => {
    expect(await run(outOfMemory, 'SlowInitProbeFailure.none.v1-liveness-restarts')).toEqual([]);
    expect(await run(outOfMemory, 'SlowInitProbeFailure.none.v2-crashloop-liveness')).toEqual([]);
  });
});

describe('outOfMemory time awareness on a container that is serving again', () => {
  const name = 'nearmiss.OutOfMemory.none.old-oom-now-healthy-v1';

  it('turns a single recent kill into an advisory, and repeated recent kills into a runtime failure', async () => {
    const ctx = await contextOf(name);
    const st = ctx.target.pods[0]!.status!.containerStatuses![0]!;
    const finished = st.lastState!.terminated!.finishedAt!;
    // 20 minutes after the kill: recent, one restart → advisory.
    ctx.now = new Date(finished.getTime() + 20 * 60_000);
    let [f] = outOfMemory.diagnose(ctx);
    expect(f).toMatchObject({ role: 'advisory', severity: 'warning', stage: 'runtime' });
    expect(f!.title).toMatch(/was OOMKilled once, last 20m ago/);
    st.restartCount = 3;
    [f] = outOfMemory.diagnose(ctx);
    expect(f).toMatchObject({ role: 'cause', stage: 'runtime' });
    // Past the recency window the same state is history.
    ctx.now = new Date(finished.getTime() + (OOM_RECENT_SECONDS + 60) * 1000);
    expect(outOfMemory.diagnose(ctx)).toEqual([]);
  });

  it('counts exit 137 as OOM when the node logged an OOM kill at that time', async () => {
    const ctx = await contextOf('SlowInitProbeFailure.none.v1-liveness-restarts');
    const pod = ctx.target.pods[0]!;
    const t = pod.status!.containerStatuses![0]!.lastState!.terminated!;
    ctx.snapshot.events.push({
      metadata: { name: 'node-oom', namespace: 'default' },
      involvedObject: { kind: 'Node', name: pod.spec!.nodeName! },
      reason: 'OOMKilling',
      type: 'Warning',
      message:
        'Memory cgroup out of memory: Killed process 4242 (gunicorn) total-vm:2513640kB, anon-rss:523880kB',
      lastTimestamp: t.finishedAt,
      firstTimestamp: t.finishedAt,
      count: 1,
    });
    const [f] = outOfMemory.diagnose(ctx);
    expect(f).toMatchObject({ code: 'OutOfMemory', severity: 'critical', stage: 'init' });
    expect(evidenceText(f!)).toContain('OOMKilling: Memory cgroup out of memory');
  });

  it('reads gunicorn workers SIGKILLed without a timeout as an OOM inside a running container', async () => {
    const ctx = await contextOf('ScoringRuntimeFailure.WorkerTimeout.v2-azmlinfsrv-timeout');
    expect(outOfMemory.diagnose(ctx)).toEqual([]);
    const key = [...ctx.snapshot.logs.keys()].find((k) => k.endsWith('/inference-server'))!;
    const logs = ctx.snapshot.logs.get(key)!;
    const at = (s: number) =>
      new Date(ctx.now.getTime() - s * 1000)
        .toISOString()
        .replace('T', ' ')
        .replace('Z', '')
        .replace('.', ',');
    logs.current += `${at(300)} E [9] gunicorn.error - Worker (pid:1170) was sent SIGKILL! Perhaps out of memory?\n`;
    logs.current += `${at(100)} E [9] gunicorn.error - Worker (pid:1549) was sent SIGKILL! Perhaps out of memory?\n`;
    const [f] = outOfMemory.diagnose(ctx);
    expect(f).toMatchObject({ code: 'OutOfMemory', role: 'cause', stage: 'runtime' });
    expect(evidenceText(f!)).toContain('was sent SIGKILL! Perhaps out of memory?');
  });
});
