/**
 * The whole engine over every fixture bundle: each `test/fixtures/<name>/expected.json` states the status, the root
 * cause (findings[0]) and the codes that must not appear. Also checks that every code/detail of docs/CONTRACT.md §3 has at
 * least two triggering fixtures and one near-miss.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnoseSnapshot } from '../../shared/diagnosis/engine.js';
import { CODE_DETAILS } from '../../shared/diagnosis/types.js';
import { loadBundle } from '../../shared/diagnosis/bundle.js';
import type { FixtureExpectation } from '../support/fixtureKit/write.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

const fixtureDirs = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(FIXTURES, d.name, 'expected.json')))
  .map((d) => d.name)
  .sort();

function expectationOf(name: string): FixtureExpectation {
  return JSON.parse(readFileSync(join(FIXTURES, name, 'expected.json'), 'utf8')) as FixtureExpectation;
}

describe('engine over fixture bundles', () => {
  it('has fixtures', () => {
    expect(fixtureDirs.length).toBeGreaterThanOrEqual(60);
  });

  it.each(fixtureDirs)('%s', async (name) => {
    const expected = expectationOf(name);
    const snapshot = await loadBundle(join(FIXTURES, name));
    const diagnoses = diagnoseSnapshot(snapshot, { service: expected.service });
    expect(diagnoses, 'exactly one diagnosis for the fixture service').toHaveLength(1);
    const d = diagnoses[0]!;
    const summary = d.findings.map((f) => `${f.code}/${f.detail ?? '-'}`).join(', ');
    expect(d.status, `status (findings: ${summary}; gaps: ${d.gaps.join('; ')})`).toBe(expected.status);
    if (expected.root) {
      const root = d.findings[0];
      expect(root, `a root cause (${summary})`).toBeDefined();
      expect(`${root!.code}/${root!.detail ?? '-'}`, `root cause (all: ${summary})`).toBe(
        `${expected.root.code}/${expected.root.detail ?? '-'}`,
      );
      expect(root!.evidence.length, 'root cause carries evidence').toBeGreaterThan(0);
      expect(root!.remedy.length, 'root cause carries a remedy').toBeGreaterThan(0);
      if (expected.root.evidenceIncludes) {
        expect(root!.evidence.map((e) => e.text).join('\n')).toContain(expected.root.evidenceIncludes);
      }
    }
    for (const a of expected.absent ?? []) {
      const hit = d.findings.find(
        (f) => f.code === a.code && (a.detail === undefined || f.detail === a.detail),
      );
      expect(hit, `${a.code}/${a.detail ?? '*'} must not be reported`).toBeUndefined();
    }
    if (d.status !== 'Healthy' && d.status !== 'Progressing') expect(d.findings.length).toBeGreaterThan(0);
  });
});

describe('taxonomy coverage', () => {
  const triggers = new Map<string, number>();
  const nearMisses = new Map<string, number>();
  for (const name of fixtureDirs) {
    const e = expectationOf(name);
    if (name.startsWith('nearmiss.')) {
      const [, code, detail] = name.split('.');
      const key = `${code}/${detail === 'none' ? '-' : detail}`;
      nearMisses.set(key, (nearMisses.get(key) ?? 0) + 1);
    } else if (e.root) {
      const key = `${e.root.code}/${e.root.detail ?? '-'}`;
      triggers.set(key, (triggers.get(key) ?? 0) + 1);
    }
  }
  const all = Object.entries(CODE_DETAILS).flatMap(([code, details]) =>
    details.length ? details.map((d) => `${code}/${d}`) : [`${code}/-`],
  );
  it.each(all)('%s has >= 2 triggering fixtures and >= 1 near-miss', (key) => {
    expect(triggers.get(key) ?? 0, 'triggering fixtures').toBeGreaterThanOrEqual(2);
    expect(nearMisses.get(key) ?? 0, 'near-misses').toBeGreaterThanOrEqual(1);
  });
});
