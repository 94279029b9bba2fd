import { describe, expect, it } from 'vitest';
import {
  containerConfigError,
  parseConfigError,
} from '../../../shared/diagnosis/rules/containerConfigError.js';
import { contextOf, evidenceText, fixturesOf, run } from './podRuleHarness.js';

interface Case {
  detail: string;
  title: RegExp;
  evidence: string[];
  remedy: RegExp;
}

const CASES: Record<string, Case> = {
  'ContainerConfigError.MissingConfigMap.v1-init-config-deleted': {
    detail: 'MissingConfigMap',
    title: /^ConfigMap claims-model\w+-config needed by container claims-model does not exist$/,
    evidence: ['waiting CreateContainerConfigError: configmap', 'env InitContainerConfig <- ConfigMap'],
    remedy: /half-deleted[\s\S]*az ml service delete -n claims-model/,
  },
  'ContainerConfigError.MissingConfigMap.v1-key-missing-empty-waiting-message': {
    detail: 'MissingConfigMap',
    title: /lacks key InitContainerConfig/,
    evidence: ["couldn't find key InitContainerConfig in ConfigMap", '(x30)'],
    remedy: /lacks that key/,
  },
  'ContainerConfigError.MissingSecret.v2-secret-not-found': {
    detail: 'MissingSecret',
    title: /^Secret fraud-scorer-blue-appinsights needed by container inference-server does not exist$/,
    evidence: [
      'secret "fraud-scorer-blue-appinsights" not found',
      'env APPLICATIONINSIGHTS_CONNECTION_STRING <- Secret',
    ],
    remedy: /kubectl create secret generic fraud-scorer-blue-appinsights -n azureml-workloads/,
  },
  'ContainerConfigError.MissingSecret.v1-key-missing': {
    detail: 'MissingSecret',
    title: /Secret forecast-db-credentials lacks key password/,
    evidence: ['env DB_PASSWORD <- Secret forecast-db-credentials key password'],
    remedy: /Add key password to Secret forecast-db-credentials/,
  },
};

const { triggers, nearMisses } = fixturesOf('ContainerConfigError');

describe('containerConfigError over its fixtures', () => {
  it('has a case for every triggering fixture', () => {
    expect(Object.keys(CASES).sort()).toEqual(triggers);
  });

  it.each(Object.entries(CASES))('%s', async (name, c) => {
    const findings = await run(containerConfigError, name);
    expect(findings).toHaveLength(1);
    const f = findings[0]!;
    expect([f.code, f.detail, f.stage, f.severity]).toEqual([
      'ContainerConfigError',
      c.detail,
      'configure',
      'critical',
    ]);
    expect(f.title).toMatch(c.title);
    for (const line of c.evidence) expect(evidenceText(f)).toContain(line);
    expect(f.remedy.join('\n')).toMatch(c.remedy);
  });

  it.each(nearMisses)('near-miss %s does not trigger', async (name) => {
    expect(await run(containerConfigError, name)).toEqual([]);
  });

  it('reports the missing ConfigMap once it is really gone', async () => {
    const ctx = await contextOf('nearmiss.ContainerConfigError.MissingConfigMap.created-since');
    expect(containerConfigError.diagnose(ctx)).toEqual([]);
    ctx.snapshot.configMaps = [];
    const [f] = containerConfigError.diagnose(ctx);
    expect(f?.detail).toBe('MissingConfigMap');
  });
});

describe('parseConfigError', () => {
  it.each([
    ['secret "s" not found', { detail: 'MissingSecret', kind: 'Secret', name: 's' }],
    ['Error: configmap "c" not found', { detail: 'MissingConfigMap', kind: 'ConfigMap', name: 'c' }],
    [
      "couldn't find key k in ConfigMap ns/c",
      { detail: 'MissingConfigMap', kind: 'ConfigMap', name: 'c', key: 'k' },
    ],
    ["couldn't find key p in Secret ns/s", { detail: 'MissingSecret', kind: 'Secret', name: 's', key: 'p' }],
  ])('%s', (text, want) => {
    expect(parseConfigError(text)).toEqual(want);
  });

  it('ignores unrelated errors', () => {
    expect(parseConfigError('Error: container has runAsNonRoot and image will run as root')).toBeUndefined();
  });
});
