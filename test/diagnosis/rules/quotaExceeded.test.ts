import { describe, expect, it } from 'vitest';
import { quotaExceeded } from '../../../shared/diagnosis/rules/quotaExceeded.js';
import { parseQuotaMessage } from '../../../shared/diagnosis/signals/quotaMessage.js';
import { contextOf, evidenceText, fixturesOf, run } from './podRuleHarness.js';

interface Case {
  title: RegExp;
  evidence: string[];
  remedy: RegExp;
}

const CASES: Record<string, Case> = {
  'QuotaExceeded.none.v1-limits-memory': {
    title:
      /^ResourceQuota compute-resources is exhausted: limits\.memory 14Gi of 16Gi used, the pod needs 4Gi more$/,
    evidence: [
      'condition/ReplicaFailure',
      'exceeded quota: compute-resources',
      'limits.memory hard=16Gi used=14Gi',
      '(x15)',
    ],
    remedy: /limits\.memory to at least 18Gi[\s\S]*memory_gb/,
  },
  'QuotaExceeded.none.v2-gpu-quota': {
    title: /gpu-quota is exhausted: requests\.nvidia\.com\/gpu 2 of 2 used, the pod needs 1 more/,
    evidence: ['resourcequota/gpu-quota', 'requests.nvidia.com/gpu hard=2 used=2'],
    remedy: /requests\.nvidia\.com\/gpu to at least 3/,
  },
  'QuotaExceeded.none.v1-pod-count-events-only': {
    title: /pod-count is exhausted: pods 20 of 20 used/,
    evidence: ['event/replicaset/', 'FailedCreate: Error creating: pods'],
    remedy: /pods to at least 21[\s\S]*num_replicas/,
  },
};

const { triggers, nearMisses } = fixturesOf('QuotaExceeded');

describe('quotaExceeded over its fixtures', () => {
  it('has a case for every triggering fixture', () => {
    expect(Object.keys(CASES).sort()).toEqual(triggers);
  });

  it.each(Object.entries(CASES))('%s', async (name, c) => {
    const findings = await run(quotaExceeded, name);
    expect(findings).toHaveLength(1);
    const f = findings[0]!;
    expect([f.code, f.detail, f.stage, f.severity, f.role]).toEqual([
      'QuotaExceeded',
      null,
      'schedule',
      'critical',
      'cause',
    ]);
    expect(f.title).toMatch(c.title);
    for (const line of c.evidence) expect(evidenceText(f)).toContain(line);
    expect(f.remedy.join('\n')).toMatch(c.remedy);
    expect(f.explanation).toMatch(/wants 1 pod\(s\) but has 0/);
  });

  it.each(nearMisses)('near-miss %s does not trigger', async (name) => {
    expect(await run(quotaExceeded, name)).toEqual([]);
  });

  it('an event-only refusal is stale once a pod was created after it', async () => {
    const ctx = await contextOf('QuotaExceeded.none.v1-pod-count-events-only');
    expect(quotaExceeded.diagnose(ctx)).toHaveLength(1);
    const rs = ctx.target.replicaSets[0]!;
    rs.status = { ...rs.status!, replicas: 1 };
    expect(quotaExceeded.diagnose(ctx)).toEqual([]);
  });

  it('falls back to the Deployment condition when the snapshot has no ReplicaSets', async () => {
    const ctx = await contextOf('QuotaExceeded.none.v1-limits-memory');
    ctx.target.replicaSets = [];
    const [f] = quotaExceeded.diagnose(ctx);
    expect(f?.title).toMatch(/compute-resources is exhausted/);
    expect(evidenceText(f!)).toContain('deployment/churn-model/condition/ReplicaFailure');
  });

  it('waits while a terminating replica still holds quota', async () => {
    const ctx = await contextOf('QuotaExceeded.none.v1-limits-memory');
    ctx.target.pods.push({
      metadata: { name: 'old', deletionTimestamp: new Date(ctx.now.getTime() + 20_000) },
      status: { phase: 'Running' },
    });
    expect(quotaExceeded.diagnose(ctx)).toEqual([]);
  });
});

describe('parseQuotaMessage', () => {
  it('reads several resources', () => {
    const v = parseQuotaMessage(
      'pods "a-1" is forbidden: exceeded quota: compute-resources, requested: limits.cpu=2,limits.memory=4Gi, used: limits.cpu=7,limits.memory=14Gi, limited: limits.cpu=8,limits.memory=16Gi',
    );
    expect(v).toEqual({
      kind: 'exceeded',
      quota: 'compute-resources',
      pod: 'a-1',
      resources: [
        { name: 'limits.cpu', requested: '2', used: '7', limited: '8' },
        { name: 'limits.memory', requested: '4Gi', used: '14Gi', limited: '16Gi' },
      ],
    });
  });

  it.each([
    'pods "a-1" is forbidden: failed quota: compute-resources: must specify limits.cpu,limits.memory',
    'pods "a-1" is forbidden: failed quota: compute-resources: must specify limits.cpu for: a; limits.memory for: a',
  ])('reads "must specify" (%s)', (msg) => {
    const v = parseQuotaMessage(msg);
    expect(v?.kind).toBe('mustSpecify');
    expect(v?.resources.map((r) => r.name)).toEqual(['limits.cpu', 'limits.memory']);
  });

  it('ignores other admission errors', () => {
    expect(
      parseQuotaMessage(
        'pods "a-1" is forbidden: error looking up service account ns/sa: serviceaccount "sa" not found',
      ),
    ).toBeUndefined();
  });
});
