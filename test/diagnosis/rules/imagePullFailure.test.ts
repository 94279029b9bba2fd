import { describe, expect, it } from 'vitest';
import { imagePullFailure, NETWORK_GRACE_SECONDS } from '../../../shared/diagnosis/rules/imagePullFailure.js';
import { classifyPullError } from '../../../shared/diagnosis/signals/pullError.js';
import { contextOf, evidenceText, fixturesOf, run } from './podRuleHarness.js';

interface Case {
  detail: string;
  title: RegExp;
  evidence: string[];
  remedy: RegExp;
}

const CASES: Record<string, Case> = {
  'ImagePullFailure.ImageNotFound.v1-containerd-not-found': {
    detail: 'ImageNotFound',
    title: /^Image azureml\/azureml_\w+:latest does not exist in contosoacr4f2a\.azurecr\.io$/,
    evidence: ['waiting ErrImagePull: rpc error: code = NotFound', ': not found'],
    remedy: /az acr repository show-tags -n contosoacr4f2a --repository azureml\/azureml_\w+/,
  },
  'ImagePullFailure.ImageNotFound.v2-docker-manifest-unknown': {
    detail: 'ImageNotFound',
    title: /does not exist in contosoacr4f2a\.azurecr\.io/,
    evidence: ['waiting ImagePullBackOff: Back-off pulling image', 'manifest unknown', '(x11)'],
    remedy: /az ml online-deployment update/,
  },
  'ImagePullFailure.RegistryUnauthorized.v1-acrkey-401-empty-waiting-message': {
    detail: 'RegistryUnauthorized',
    title: /^contosoacr4f2a\.azurecr\.io refuses to let the nodes pull azureml\//,
    evidence: ['waiting ImagePullBackOff', '401 Unauthorized', 'imagePullSecrets contosoacr4f2aacrkey'],
    remedy: /secret contosoacr4f2aacrkey.*admin-enabled true[\s\S]*sync-keys/,
  },
  'ImagePullFailure.RegistryUnauthorized.v2-acr-not-attached': {
    detail: 'RegistryUnauthorized',
    title: /refuses to let the nodes pull/,
    evidence: ['unauthorized: authentication required'],
    remedy: /az aks update .*--attach-acr contosoacr4f2a/,
  },
  'ImagePullFailure.RegistryUnreachable.v1-private-acr-dns': {
    detail: 'RegistryUnreachable',
    title: /cannot resolve contosoacr4f2a\.azurecr\.io \(DNS\)/,
    evidence: ['no such host'],
    remedy: /privatelink\.azurecr\.io private DNS zone/,
  },
  'ImagePullFailure.RegistryUnreachable.v2-egress-blocked-timeout': {
    detail: 'RegistryUnreachable',
    title: /cannot reach contosoacr4f2a\.azurecr\.io to pull the image \(timeout\)/,
    evidence: ['i/o timeout'],
    remedy: /443.*data\.azurecr\.io/,
  },
};

const { triggers, nearMisses } = fixturesOf('ImagePullFailure');

describe('imagePullFailure over its fixtures', () => {
  it('has a case for every triggering fixture', () => {
    expect(Object.keys(CASES).sort()).toEqual(triggers);
  });

  it.each(Object.entries(CASES))('%s', async (name, c) => {
    const findings = await run(imagePullFailure, name);
    expect(findings).toHaveLength(1);
    const f = findings[0]!;
    expect([f.code, f.detail, f.stage, f.severity, f.specificity]).toEqual([
      'ImagePullFailure',
      c.detail,
      'pull',
      'critical',
      90,
    ]);
    expect(f.title).toMatch(c.title);
    for (const line of c.evidence) expect(evidenceText(f)).toContain(line);
    for (const e of f.evidence) expect(e.text.length).toBeLessThanOrEqual(400);
    expect(f.remedy.join('\n')).toMatch(c.remedy);
  });

  it.each(nearMisses)('near-miss %s does not trigger', async (name) => {
    expect(await run(imagePullFailure, name)).toEqual([]);
  });
});

describe('imagePullFailure time awareness', () => {
  it('gives a single network failure a grace, then reports it', async () => {
    const ctx = await contextOf('nearmiss.ImagePullFailure.RegistryUnreachable.single-timeout-retrying');
    expect(imagePullFailure.diagnose(ctx)).toEqual([]);
    const later = { ...ctx, now: new Date(ctx.now.getTime() + NETWORK_GRACE_SECONDS * 1000) };
    expect(imagePullFailure.diagnose(later).map((f) => f.detail)).toEqual(['RegistryUnreachable']);
  });

  it('does not give a missing image any grace', async () => {
    const ctx = await contextOf('nearmiss.ImagePullFailure.RegistryUnreachable.single-timeout-retrying');
    for (const e of ctx.snapshot.events)
      e.message = e.message?.replace(/dial tcp .*i\/o timeout/, 'not found');
    const pod = ctx.target.pods[0]!;
    const cs = pod.status!.containerStatuses!.find((c) => c.name === 'ranker')!;
    cs.state = { waiting: { reason: 'ErrImagePull' } };
    expect(imagePullFailure.diagnose(ctx).map((f) => f.detail)).toEqual(['ImageNotFound']);
  });

  it("treats a missing image after a failed image build as the build's consequence", async () => {
    const ctx = await contextOf('ImagePullFailure.ImageNotFound.v1-containerd-not-found');
    expect(imagePullFailure.diagnose(ctx)[0]?.role).toBeUndefined();
    ctx.snapshot.service = {
      state: 'Failed',
      error: { code: 'EnvironmentBuildFailed', message: 'Failed building the Environment.' },
    };
    const [f] = imagePullFailure.diagnose(ctx);
    expect(f?.detail).toBe('ImageNotFound');
    expect(f?.role).toBe('consequence');
  });

  it('reports an unclassifiable pull failure without a detail and at low specificity', async () => {
    const ctx = await contextOf('ImagePullFailure.RegistryUnauthorized.v1-acrkey-401-empty-waiting-message');
    ctx.snapshot.events = ctx.snapshot.events.filter((e) => !/401/.test(e.message ?? ''));
    const [f] = imagePullFailure.diagnose(ctx);
    expect(f?.detail).toBeNull();
    expect(f?.specificity).toBeLessThan(50);
  });
});

describe('classifyPullError', () => {
  it.each([
    [
      "Error response from daemon: pull access denied for azureml/x, repository does not exist or may require 'docker login'",
      'RegistryUnauthorized',
    ],
    [
      'failed to authorize: failed to fetch anonymous token: unexpected status: 401 Unauthorized',
      'RegistryUnauthorized',
    ],
    [
      "denied: client with IP '20.1.2.3' is not allowed access. Refer https://aka.ms/acr/firewall to grant access.",
      'RegistryUnreachable',
    ],
    ['Get https://x.azurecr.io/v2/: net/http: TLS handshake timeout', 'RegistryUnreachable'],
    [
      'failed to do request: Head "https://x.azurecr.io/v2/a/manifests/1": context deadline exceeded',
      'RegistryUnreachable',
    ],
    ['x509: certificate signed by unknown authority', 'RegistryUnreachable'],
    [
      'rpc error: code = NotFound desc = failed to pull and unpack image "x.azurecr.io/a:1": failed to resolve reference "x.azurecr.io/a:1": x.azurecr.io/a:1: not found',
      'ImageNotFound',
    ],
    [
      'Failed to apply default image tag "Azureml/X": couldn\'t parse image reference "Azureml/X": invalid reference format: repository name must be lowercase',
      'ImageNotFound',
    ],
  ])('%s', (text, detail) => {
    expect(classifyPullError(text)?.detail).toBe(detail);
  });

  it('leaves the bare back-off text unclassified', () => {
    expect(classifyPullError('Back-off pulling image "x.azurecr.io/a:1"')).toBeUndefined();
  });
});
