import { describe, expect, it } from 'vitest';
import { diagnoseSnapshot, rankFindings, snapshotNow } from '../../shared/diagnosis/engine.js';
import type { Rule } from '../../shared/diagnosis/rule.js';
import { findAmlDeployments } from '../../shared/diagnosis/target.js';
import type { RuleFinding } from '../../shared/diagnosis/types.js';
import { addObjects } from '../../shared/snapshot/objects.js';
import { emptySnapshot } from '../../shared/snapshot/types.js';
import type { K8sObject } from '../support/fixtureKit/kit.js';
import { amlService, markNotAvailable, markNotReady, waiting } from '../support/fixtureKit/kit.js';

function snapshotOf(objects: K8sObject[], capturedAt = '2024-05-01T11:00:00Z') {
  const s = emptySnapshot({ capturedAt });
  addObjects(s, objects);
  return s;
}

function f(partial: Partial<RuleFinding> & Pick<RuleFinding, 'code' | 'stage'>): RuleFinding {
  return {
    detail: null,
    severity: 'critical',
    title: partial.code,
    explanation: '',
    evidence: [{ source: 's', text: 't' }],
    remedy: ['r'],
    docs: [],
    specificity: 50,
    ...partial,
  };
}

const fixedRule = (id: string, findings: RuleFinding[]): Rule => ({
  id,
  stage: 'any',
  diagnose: () => findings,
});

describe('rankFindings', () => {
  it('puts the earliest stage first, then the most specific, consequences after causes, advisories last', () => {
    const ranked = rankFindings([
      f({ code: 'NodeFailure', stage: 'platform', role: 'advisory' }),
      f({ code: 'CrashLoopBackOff', stage: 'init', specificity: 10, role: 'consequence' }),
      f({ code: 'DeploymentHung', stage: 'any', role: 'consequence' }),
      f({ code: 'ScoringInitFailure', stage: 'init', specificity: 90 }),
      f({ code: 'OutOfMemory', stage: 'init', specificity: 95 }),
      f({ code: 'ModelMountFailure', stage: 'mount' }),
    ]);
    expect(ranked.map((x) => x.code)).toEqual([
      'ModelMountFailure',
      'OutOfMemory',
      'ScoringInitFailure',
      'CrashLoopBackOff',
      'DeploymentHung',
      'NodeFailure',
    ]);
  });
});

describe('diagnoseSnapshot', () => {
  const healthy = amlService({ name: 'iris', createdAt: '2024-05-01T10:00:00Z' });
  const healthyObjects = [healthy.deployment, healthy.replicaSet, ...healthy.pods];

  it('says Healthy with no findings for a ready deployment', () => {
    const [d] = diagnoseSnapshot(snapshotOf(healthyObjects), { rules: [] });
    expect(d).toEqual({
      service: 'iris',
      namespace: 'azureml-contoso-ml',
      status: 'Healthy',
      findings: [],
      gaps: [],
      changes: null,
    });
  });

  it('says Progressing with no findings for a rollout that is not complete', () => {
    const s = amlService({ name: 'iris', createdAt: '2024-05-01T10:58:00Z' });
    markNotAvailable(s.deployment, 0, { since: '2024-05-01T10:58:00Z' });
    markNotReady(s.pods[0]!, '2024-05-01T10:58:30Z', ['iris']);
    const [d] = diagnoseSnapshot(snapshotOf([s.deployment, s.replicaSet, ...s.pods]), { rules: [] });
    expect(d?.status).toBe('Progressing');
  });

  it('derives status from the root cause', () => {
    const cases: [RuleFinding, string][] = [
      [f({ code: 'ScoringInitFailure', stage: 'init' }), 'Failed'],
      [f({ code: 'DeploymentHung', stage: 'any', role: 'consequence' }), 'Hung'],
      [f({ code: 'ScoringRuntimeFailure', stage: 'runtime' }), 'Degraded'],
      [f({ code: 'ClusterUnreachable', stage: 'monitor' }), 'Unknown'],
      [f({ code: 'NodeFailure', stage: 'platform', role: 'advisory' }), 'Healthy'],
    ];
    for (const [finding, status] of cases) {
      const [d] = diagnoseSnapshot(snapshotOf(healthyObjects), { rules: [fixedRule('x', [finding])] });
      expect(d?.status, finding.code).toBe(status);
    }
  });

  it('drops DeploymentHung (cause unknown) once a definitive cause leads, keeps it when nothing explains the hang', () => {
    const hung = f({ code: 'DeploymentHung', stage: 'any', role: 'consequence' });
    const crash = f({ code: 'CrashLoopBackOff', stage: 'init', specificity: 10, role: 'consequence' });
    const [explained] = diagnoseSnapshot(snapshotOf(healthyObjects), {
      rules: [fixedRule('x', [hung, crash, f({ code: 'OutOfMemory', stage: 'init', specificity: 95 })])],
    });
    expect(explained?.findings.map((x) => x.code)).toEqual(['OutOfMemory', 'CrashLoopBackOff']);
    const [unexplained] = diagnoseSnapshot(snapshotOf(healthyObjects), {
      rules: [fixedRule('x', [hung, crash])],
    });
    expect(unexplained?.findings.map((x) => x.code)).toEqual(['CrashLoopBackOff', 'DeploymentHung']);
  });

  it('strips ranking internals and redacts evidence on the way out', () => {
    const [d] = diagnoseSnapshot(snapshotOf(healthyObjects), {
      rules: [
        fixedRule('x', [
          f({
            code: 'ModelDownloadFailure',
            stage: 'mount',
            evidence: [{ source: 'pod/x', text: 'GET https://a/b?sig=SECRET' }],
          }),
        ]),
      ],
    });
    expect(d?.findings[0]).not.toHaveProperty('stage');
    expect(d?.findings[0]).not.toHaveProperty('specificity');
    expect(d?.findings[0]?.evidence[0]?.text).toBe('GET https://a/b?sig=[REDACTED]');
  });

  it('turns a crashing rule into a named gap, not a crash', () => {
    const boom: Rule = {
      id: 'boom',
      stage: 'init',
      diagnose: () => {
        throw new Error('unexpected shape');
      },
    };
    const [d] = diagnoseSnapshot(snapshotOf(healthyObjects), { rules: [boom] });
    expect(d?.gaps).toEqual(['rule boom: failed (unexpected shape)']);
    expect(d?.status).toBe('Healthy');
  });

  it('still diagnoses a named service that has no objects, and says so', () => {
    const [d] = diagnoseSnapshot(snapshotOf(healthyObjects), { service: 'gone', rules: [] });
    expect(d?.service).toBe('gone');
    expect(d?.status).toBe('Unknown');
    expect(d?.gaps).toContain('objects: no Deployment or pods of gone in the snapshot');
  });

  it('takes "now" from capturedAt, else the newest timestamp, with a gap', () => {
    expect(snapshotNow(snapshotOf(healthyObjects)).now.toISOString()).toBe('2024-05-01T11:00:00.000Z');
    const s = emptySnapshot({});
    addObjects(s, healthyObjects);
    const { now, gap } = snapshotNow(s);
    expect(now.toISOString()).toBe('2024-05-01T10:01:00.000Z');
    expect(gap).toMatch(/no capturedAt/);
  });
});

describe('findAmlDeployments', () => {
  it('finds v1 and v2 deployments with their pods, and skips the front end and other apps', () => {
    const v1 = amlService({ name: 'iris', createdAt: '2024-05-01T10:00:00Z', replicas: 2 });
    const v2 = amlService({
      flavor: 'v2',
      name: 'blue',
      endpoint: 'fraud',
      createdAt: '2024-05-01T10:00:00Z',
    });
    const fe = amlService({ name: 'azureml-fe', namespace: 'default', createdAt: '2024-05-01T09:00:00Z' });
    const other = structuredClone(v1.deployment);
    other.metadata.name = 'nginx';
    other.metadata.labels = { app: 'nginx' };
    other.spec.template.metadata.labels = { app: 'nginx' };
    const s = snapshotOf([
      v1.deployment,
      v1.replicaSet,
      ...v1.pods,
      v2.deployment,
      v2.replicaSet,
      ...v2.pods,
      fe.deployment,
      other,
    ]);
    const targets = findAmlDeployments(s);
    expect(targets.map((t) => [t.flavor, t.namespace, t.name, t.pods.length])).toEqual([
      ['v1', 'azureml-contoso-ml', 'iris', 2],
      ['v2', 'azureml-workloads', 'fraud-blue', 1],
    ]);
    expect(targets[0]?.workspace).toBe('contoso-ml');
    expect(targets[1]).toMatchObject({ endpoint: 'fraud', deploymentName: 'blue' });
    const [byEndpoint] = diagnoseSnapshot(s, { service: 'fraud/blue', rules: [] });
    expect(byEndpoint?.service).toBe('fraud-blue');
  });

  it('groups Azure ML pods whose Deployment is missing from the snapshot', () => {
    const v1 = amlService({ name: 'iris', createdAt: '2024-05-01T10:00:00Z' });
    v1.pods[0]!.status.containerStatuses[0].state = waiting(
      'CrashLoopBackOff',
      'back-off 5m0s restarting failed container',
    );
    const targets = findAmlDeployments(snapshotOf([...v1.pods]));
    expect(targets.map((t) => t.name)).toEqual(['iris']);
    expect(targets[0]?.deployment).toBeUndefined();
  });
});
