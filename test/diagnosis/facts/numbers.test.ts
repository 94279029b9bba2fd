/**
 * No number in an explanation that its evidence does not show: a fixed string ("exit code 3") or a number the
 * rule made up would send a person after the wrong thing. Over every fixture bundle and every finding.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnoseSnapshot } from '../../../shared/diagnosis/engine.js';
import type { Finding } from '../../../shared/diagnosis/types.js';
import { loadBundle } from '../../../shared/diagnosis/bundle.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');
const DEMO = join(import.meta.dirname, '..', '..', '..', 'examples', 'demo', 'cluster');

const bundles = [
  ...readdirSync(FIXTURES, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(FIXTURES, d.name, 'snapshot.yaml')))
    .map((d) => join(FIXTURES, d.name)),
  ...readdirSync(DEMO).flatMap((k) =>
    readdirSync(join(DEMO, k))
      .filter((s) => existsSync(join(DEMO, k, s, 'meta.json')))
      .map((s) => join(DEMO, k, s)),
  ),
].sort();

/**
 * Numbers as people read them: `1.9.0`, `137`, `3.10`. Left out, because they are computed from the evidence
 * rather than stated by it: durations (`26m 59s`, `300 s`: timestamps against the capture time) and counts of the
 * evidence's own lines (`40 times`, `across 2 pods`). Digits inside names (`aks-nodepool1-11421111-vmss000000`)
 * are part of the name, not a number.
 */
function numbersIn(text: string): string[] {
  const derived = text
    .replace(/(?<![\w.-])\d+\s?(?:ms|s|m|h|d|min|sec|seconds?|minutes?|hours?|days?)\b/g, ' ')
    .replace(/(?<![\w.-])\d+ (?:times?|pods?|pod\(s\)|nodes?|node\(s\))\b/g, ' ');
  return [...derived.matchAll(/(?<![\w.-])\d+(?:\.\d+)*(?![\w-])/g)].map((m) => m[0]);
}

/** An RFC 3339 time in an explanation is shown by the evidence when its digits are (`2026/11/20 10:02:45`). */
function timestampsIn(text: string): string[] {
  return [...text.matchAll(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z/g)].map((m) => m[0]);
}

/** A number is shown by the evidence when it appears there as written, or with its dots dropped (3.10 ~ cp310). */
export function unsupportedNumbers(f: Finding): string[] {
  const haystack = f.evidence.map((e) => `${e.source} ${e.text}`).join('\n');
  const undotted = haystack.replace(/\./g, '');
  const digits = haystack.replace(/\D/g, '');
  let text = `${f.title}\n${f.explanation}`;
  const badTimes = timestampsIn(text).filter((t) => !digits.includes(t.slice(0, 19).replace(/\D/g, '')));
  for (const t of timestampsIn(text)) text = text.replace(t, ' ');
  return [
    ...badTimes,
    ...numbersIn(text).filter((n) => !haystack.includes(n) && !undotted.includes(n.replace(/\./g, ''))),
  ];
}

describe('every number in an explanation appears in its evidence', () => {
  it('has bundles', () => expect(bundles.length).toBeGreaterThan(60));
  it.each(bundles.map((b) => [b.split('/').slice(-2).join('/'), b]))('%s', async (_name, dir) => {
    const snapshot = await loadBundle(dir);
    const problems: string[] = [];
    for (const d of diagnoseSnapshot(snapshot)) {
      for (const f of d.findings) {
        const bad = unsupportedNumbers(f);
        if (bad.length)
          problems.push(`${f.code}/${f.detail ?? '-'}: ${bad.join(', ')} in "${f.explanation}"`);
      }
    }
    expect(problems).toEqual([]);
  });
});
