/**
 * Text people copy out of a Teams card (fix steps, commands, image and pod names, evidence) must be exactly the
 * text: no invisible break characters and no markdown escapes where no markdown could form. Rendered for every
 * fixture bundle and for the sample alerts.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadBundle } from '../../shared/diagnosis/bundle.js';
import { diagnoseSnapshot } from '../../shared/diagnosis/engine.js';
import type { Diagnosis } from '../../shared/diagnosis/types.js';
import type { Notification } from '../../shared/incidents/types.js';
import { messageBytes } from '../../shared/report/cardTypes.js';
import { renderTeamsCard } from '../../shared/report/index.js';
import { escapeCardMarkdown } from '../../shared/report/markdown.js';
import {
  alertGroup,
  alertSingle,
  baseContext,
  digestNotification,
  hugeAlert,
  resolvedSingle,
  sklearnIncident,
} from '../../sim/samples.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const INVISIBLE = /\u200b|\u200c|\u200d|\u2060|\u00ad|\ufeff/;
const CARD_BUDGET = 20_000;

const fixtureDirs = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(FIXTURES, d.name, 'expected.json')))
  .map((d) => d.name)
  .sort();

function alertFor(d: Diagnosis): Notification {
  const root = d.findings[0];
  return {
    id: `alert:${d.service}`,
    kind: 'alert',
    at: '2026-11-26T08:48:00Z',
    cluster: 'aks-prod-weu',
    incidents: [
      {
        ...sklearnIncident,
        fingerprint: `aks-prod-weu/${d.namespace}/${d.service}`,
        namespace: d.namespace,
        service: d.service,
        code: root?.code ?? 'DeploymentHung',
        detail: root?.detail ?? null,
        status: d.status,
        diagnosis: d,
      },
    ],
  };
}

/** Every string in the card, wherever it sits. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

function expectCopyable(n: Notification): string[] {
  const card = renderTeamsCard(n, baseContext);
  const texts = strings(card);
  const hidden = texts.filter((t) => INVISIBLE.test(t));
  expect(hidden, 'no invisible characters in any card text').toEqual([]);
  expect(messageBytes(card)).toBeLessThanOrEqual(CARD_BUDGET);
  return texts;
}

describe('Teams card text is copyable', () => {
  test.each(fixtureDirs)('%s', async (name) => {
    const service = (
      JSON.parse(readFileSync(join(FIXTURES, name, 'expected.json'), 'utf8')) as { service: string }
    ).service;
    const [d] = diagnoseSnapshot(await loadBundle(join(FIXTURES, name)), { service });
    expectCopyable(alertFor(d!));
  });

  test.each([
    ['alert', alertSingle],
    ['group', alertGroup],
    ['huge', hugeAlert],
    ['resolved', resolvedSingle],
    ['digest', digestNotification],
  ] as const)('sample %s', (_label, n) => {
    expectCopyable(n);
  });

  test('a fix step with code and an image name reach the card exactly as written', () => {
    const step = 'Add it: `CondaDependencies.add_pip_package("scikit-learn")`, then redeploy';
    const image = 'demoacr.azurecr.io/azureml/azureml_a41c0e7f4d2b9a8c6e5f3d1b0a9c8e7f:1';
    const d: Diagnosis = {
      ...sklearnIncident.diagnosis,
      changes: [{ field: 'image', before: 'demoacr.azurecr.io/azureml/azureml_0ld:1', after: image }],
      findings: [{ ...sklearnIncident.diagnosis.findings[0]!, remedy: [step] }],
    };
    const texts = expectCopyable(alertFor(d));
    expect(texts).toContain('CondaDependencies.add_pip_package("scikit-learn")');
    expect(texts.some((t) => t.includes(`→ ${image}`))).toBe(true);
  });

  test('markdown is still escaped where it could form', () => {
    expect(escapeCardMarkdown('_x_ a_b *y* `z` [l](u)')).toBe('\\_x\\_ a_b \\*y\\* \\`z\\` \\[l\\](u)');
  });
});
