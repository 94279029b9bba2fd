import { describe, expect, it } from 'vitest';
import { FE_GRACE_SECONDS, frontendUnhealthy } from '../../../shared/diagnosis/rules/frontendUnhealthy.js';
import { contextOf, evidenceText, fixturesOf, run } from './podRuleHarness.js';

interface Case {
  title: RegExp;
  evidence: string[];
  remedy: RegExp;
}

const CASES: Record<string, Case> = {
  'FrontendUnhealthy.none.v1-fe-crashloop': {
    title:
      /^azureml-fe is crash-looping: Failed to refresh configuration from https:\/\/contosoml1234\.blob\.core\.windows\.net\/azureml-fe\/config\.json/,
    evidence: [
      'default/azureml-fe: 0/1 available, Available=False',
      'no such host',
      'CrashLoopBackOff, not Ready, 11 restart(s)',
      'service pods: 1/1 Ready',
      'state Transitioning',
    ],
    remedy:
      /kubectl logs -n default deploy\/azureml-fe --previous[\s\S]*kubectl rollout restart deployment\/azureml-fe -n default/,
  },
  'FrontendUnhealthy.none.v2-ha-anti-affinity-single-node': {
    title:
      /^azureml-fe-v2 is not available: its replicas need separate nodes \(anti-affinity\) but the cluster has 1 node$/,
    evidence: [
      "didn't match pod anti-affinity rules",
      'azureml/azureml-fe-v2: 1/3 available',
      'service pods: 1/1 Ready',
    ],
    remedy: /--node-count 3[\s\S]*inferenceRouterHA=False/,
  },
  'FrontendUnhealthy.none.v1-tls-secret-missing': {
    title: /^azureml-fe cannot start: TLS secret "azuremlfessl" is missing in namespace default$/,
    evidence: ['secret "azuremlfessl" not found', 'ContainerCreating, not Ready'],
    remedy: /SslConfiguration[\s\S]*rollout restart/,
  },
};

const { triggers, nearMisses } = fixturesOf('FrontendUnhealthy');

describe('frontendUnhealthy over its fixtures', () => {
  it('has a case for every triggering fixture', () => {
    expect(triggers.sort()).toEqual(Object.keys(CASES).sort());
    expect(nearMisses.length).toBeGreaterThanOrEqual(1);
  });

  it.each(Object.entries(CASES))('%s', async (name, c) => {
    const findings = await run(frontendUnhealthy, name);
    expect(findings).toHaveLength(1);
    const f = findings[0]!;
    expect(f.code).toBe('FrontendUnhealthy');
    expect(f.detail).toBeNull();
    expect(f.stage).toBe('platform');
    expect(f.title).toMatch(c.title);
    for (const e of c.evidence) expect(evidenceText(f)).toContain(e);
    expect(f.remedy.join('\n')).toMatch(c.remedy);
  });

  it.each(nearMisses)('%s: no finding', async (name) => {
    expect(await run(frontendUnhealthy, name)).toEqual([]);
  });
});

describe('frontendUnhealthy judgement', () => {
  it('says the service pods are Ready and Azure ML is Transitioning because of the router', async () => {
    const [f] = await run(frontendUnhealthy, 'FrontendUnhealthy.none.v1-fe-crashloop');
    expect(f!.explanation).toMatch(/own pods are Ready \(1\/1\)/);
    expect(f!.explanation).toMatch(/Transitioning/);
  });

  it('a router that only just became unavailable (self-scaling restart) is given a grace period', async () => {
    const ctx = await contextOf('FrontendUnhealthy.none.v1-tls-secret-missing');
    const fe = ctx.snapshot.deployments.find((d) => d.metadata?.name === 'azureml-fe')!;
    const avail = fe.status!.conditions!.find((c) => c.type === 'Available')!;
    avail.lastTransitionTime = new Date(ctx.now.getTime() - (FE_GRACE_SECONDS - 30) * 1000);
    expect(frontendUnhealthy.diagnose(ctx)).toEqual([]);
  });

  it('a v1 service is not judged by the v2 router and vice versa', async () => {
    const ctx = await contextOf('FrontendUnhealthy.none.v2-ha-anti-affinity-single-node');
    ctx.target.flavor = 'v1';
    expect(frontendUnhealthy.diagnose(ctx)).toEqual([]);
  });

  it('without the router objects in the snapshot there is nothing to judge', async () => {
    const ctx = await contextOf('FrontendUnhealthy.none.v1-fe-crashloop');
    ctx.snapshot.deployments = ctx.snapshot.deployments.filter((d) => d.metadata?.name !== 'azureml-fe');
    ctx.snapshot.pods = ctx.snapshot.pods.filter((p) => p.metadata?.namespace !== 'default');
    expect(frontendUnhealthy.diagnose(ctx)).toEqual([]);
  });
});
