/**
 * docs/DIAGNOSIS.md's table of Azure ML error codes: every fixture it names exists and the engine's root cause for it
 * is the code the table promises, so the documented mapping is the product's.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnoseSnapshot } from '../../shared/diagnosis/engine.js';
import { loadBundle } from '../../shared/snapshot/bundle.js';

const ROOT = join(import.meta.dirname, '..', '..');
const doc = readFileSync(join(ROOT, 'docs', 'DIAGNOSIS.md'), 'utf8');
const section = doc.slice(doc.indexOf('### Azure ML error codes → our code'));
const rows = section
  .split('\n')
  .filter((l) => l.startsWith('| `') || l.startsWith('| v1'))
  .map((l) => l.split('|').map((c) => c.trim()))
  .map((c) => ({ aml: c[1] ?? '', ours: c[2] ?? '', fixture: (c[3] ?? '').replace(/`/g, '') }))
  .filter((r) => /^[A-Za-z]+\.[\w.-]+$/.test(r.fixture));

describe('the Azure ML error code table', () => {
  it('names fixtures for most mappings', () => {
    expect(rows.length).toBeGreaterThanOrEqual(25);
  });

  it.each(rows.map((r) => [r.aml, r] as const))('%s', async (_aml, r) => {
    const snapshot = await loadBundle(join(ROOT, 'test', 'fixtures', r.fixture));
    const [d] = diagnoseSnapshot(snapshot);
    const root = d?.findings[0];
    expect(root, `${r.fixture} has a root cause`).toBeDefined();
    expect(r.ours).toContain(root!.code);
  });
});
