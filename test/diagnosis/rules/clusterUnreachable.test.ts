import { describe, expect, it } from 'vitest';
import { clusterUnreachable } from '../../../shared/diagnosis/rules/clusterUnreachable.js';
import type { AmlDeployment } from '../../../shared/diagnosis/rule.js';
import { loadBundle } from '../../../shared/diagnosis/bundle.js';
import { join } from 'node:path';
import { evidenceText, FIXTURES, fixturesOf, run } from './podRuleHarness.js';

interface Case {
  detail: 'Unauthorized' | 'Forbidden' | 'Timeout' | 'SignInFailed';
  title: RegExp;
  evidence: string;
  remedy: RegExp;
}

const CASES: Record<string, Case> = {
  'ClusterUnreachable.SignInFailed.managed-identity-missing': {
    detail: 'SignInFailed',
    title: /^The monitor could not get a Microsoft Entra token for the cluster$/,
    evidence: 'ManagedIdentityCredential authentication failed',
    remedy: /managed identity exists[\s\S]*AKS RBAC role/,
  },
  'ClusterUnreachable.SignInFailed.aadsts-wrong-tenant': {
    detail: 'SignInFailed',
    title: /could not get a Microsoft Entra token/,
    evidence: 'AADSTS700016',
    remedy: /Entra tenant/,
  },
  'ClusterUnreachable.Unauthorized.expired-token': {
    detail: 'Unauthorized',
    title:
      /^The cluster's API server at https:\/\/contoso-aks-4f2a1b7c\.hcp\.westeurope\.azmk8s\.io:443 rejected the monitor's credentials \(401 Unauthorized\)$/,
    evidence: '401 Unauthorized',
    remedy: /az aks get-credentials --overwrite-existing[\s\S]*local accounts disabled/,
  },
  'ClusterUnreachable.Unauthorized.local-accounts-disabled': {
    detail: 'Unauthorized',
    title: /rejected the monitor's credentials/,
    evidence: 'Bearer [REDACTED]',
    remedy: /Microsoft Entra ID/,
  },
  'ClusterUnreachable.Forbidden.service-account-lacks-list': {
    detail: 'Forbidden',
    title:
      /^The monitor's identity "system:serviceaccount:amlmon:amlmon-reader" may not read the cluster \(403 Forbidden\)$/,
    evidence: 'cannot list resource "pods"',
    remedy: /infra\/rbac\.yaml[\s\S]*subject is system:serviceaccount:amlmon:amlmon-reader/,
  },
  'ClusterUnreachable.Forbidden.entra-identity-no-role': {
    detail: 'Forbidden',
    title: /"5f1c0b7e-3a52-4c1e-9a87-2d6a1f0e4b21" may not read the cluster/,
    evidence: 'User does not have access to the resource in Azure',
    remedy: /custom role "amlmon cluster reader"/,
  },
  'ClusterUnreachable.Timeout.authorized-ip-ranges': {
    detail: 'Timeout',
    title: /did not answer the monitor \(timeout\)$/,
    evidence: 'ETIMEDOUT 20.73.12.45:443',
    remedy: /--api-server-authorized-ip-ranges[\s\S]*az aks start/,
  },
  'ClusterUnreachable.Timeout.private-cluster': {
    detail: 'Timeout',
    title: /privatelink\.westeurope\.azmk8s\.io:443 did not answer/,
    evidence: 'timed out after 30000 ms',
    remedy: /private cluster/,
  },
};

const { triggers, nearMisses } = fixturesOf('ClusterUnreachable');

/** Cluster fixtures have no objects: the engine diagnoses the named service as an empty target. */
async function emptyTargetRun(name: string) {
  const snapshot = await loadBundle(join(FIXTURES, name));
  const target: AmlDeployment = {
    flavor: 'v1',
    name: snapshot.meta.service ?? '?',
    namespace: snapshot.meta.namespace ?? '',
    replicaSets: [],
    pods: [],
  };
  return clusterUnreachable.diagnose({ target, snapshot, now: new Date(snapshot.meta.capturedAt ?? 0) });
}

describe('clusterUnreachable over its fixtures', () => {
  it('has a case for every triggering fixture', () => {
    expect(triggers.sort()).toEqual(Object.keys(CASES).sort());
    expect(nearMisses.length).toBeGreaterThanOrEqual(3);
  });

  it.each(Object.entries(CASES))('%s', async (name, c) => {
    const findings = await emptyTargetRun(name);
    expect(findings).toHaveLength(1);
    const f = findings[0]!;
    expect(f.code).toBe('ClusterUnreachable');
    expect(f.detail).toBe(c.detail);
    expect(f.stage).toBe('monitor');
    expect(f.title).toMatch(c.title);
    expect(evidenceText(f)).toContain(c.evidence);
    expect(f.remedy.join('\n')).toMatch(c.remedy);
    expect(f.explanation).toMatch(/Unknown/);
  });

  it('never repeats a bearer token from the error message', async () => {
    const [f] = await emptyTargetRun('ClusterUnreachable.Unauthorized.local-accounts-disabled');
    expect(JSON.stringify(f)).not.toContain('eyJhbGciOiJSUzI1NiIsImtpZCI6IjRmMmExYjdjIn0');
  });

  it.each(nearMisses)('%s: a gap is not an unreachable cluster', async (name) => {
    expect(await run(clusterUnreachable, name)).toEqual([]);
  });

  it.each([
    [
      'unreachable (ECONNREFUSED); unreachable (ECONNREFUSED)',
      /refused the connection \(ECONNREFUSED\)$/,
      /nothing listens/,
    ],
    ['unreachable (ENOTFOUND)', /could not be found \(DNS\)$/, /does not resolve/],
    ['connection reset; connection reset', /reset the connection$/, /cut before an answer/],
    ['timeout after 30s', /did not answer the monitor \(timeout\)$/, /no response came back in time/],
  ])('says which kind of no answer it was: %s', async (message, title, why) => {
    const snapshot = await loadBundle(join(FIXTURES, 'ClusterUnreachable.Timeout.authorized-ip-ranges'));
    snapshot.meta.clusterError = { kind: 'Timeout', message };
    const target: AmlDeployment = { flavor: 'v1', name: 'x', namespace: 'ns', replicaSets: [], pods: [] };
    const [f] = clusterUnreachable.diagnose({ target, snapshot, now: new Date(0) });
    expect(f!.detail).toBe('Timeout');
    expect(f!.title).toMatch(title);
    expect(f!.explanation).toMatch(why);
  });

  it('a failed Entra sign-in (no token at all) gets its own wording and fix', async () => {
    const snapshot = await loadBundle(join(FIXTURES, 'ClusterUnreachable.Unauthorized.expired-token'));
    snapshot.meta.clusterError = {
      kind: 'Unauthorized',
      message:
        'sign-in failed: ManagedIdentityCredential authentication failed. AADSTS700016: Application not found',
    };
    const target: AmlDeployment = { flavor: 'v1', name: 'x', namespace: 'ns', replicaSets: [], pods: [] };
    const [f] = clusterUnreachable.diagnose({ target, snapshot, now: new Date(0) });
    expect(f!.title).toMatch(/could not get a Microsoft Entra token/);
    expect(f!.remedy.join('\n')).toMatch(/kubelogin/);
  });
});
