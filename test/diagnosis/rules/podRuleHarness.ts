/**
 * Loads a committed fixture bundle and runs one rule on its target, the way the engine would, so the pod-stage
 * rule tests are table-driven over the fixtures. Tests may mutate the returned snapshot to show what flips a case.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { snapshotNow } from '../../../shared/diagnosis/engine.js';
import type { Rule, RuleContext } from '../../../shared/diagnosis/rule.js';
import { findAmlDeployments, selectsTarget } from '../../../shared/diagnosis/target.js';
import type { RuleFinding } from '../../../shared/diagnosis/types.js';
import { loadBundle } from '../../../shared/diagnosis/bundle.js';
import type { FixtureExpectation } from '../../support/fixtureKit/write.js';

export const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');

/** Fixture names for a code: triggers (`<Code>.…`) and near-misses (`nearmiss.<Code>.…`). */
export function fixturesOf(code: string): { triggers: string[]; nearMisses: string[] } {
  const all = readdirSync(FIXTURES).sort();
  return {
    triggers: all.filter((n) => n.startsWith(`${code}.`)),
    nearMisses: all.filter((n) => n.startsWith(`nearmiss.${code}.`)),
  };
}

export function expectationOf(name: string): FixtureExpectation {
  return JSON.parse(readFileSync(join(FIXTURES, name, 'expected.json'), 'utf8')) as FixtureExpectation;
}

/** The rule context for a fixture: its selected target, the snapshot, and "now" = capturedAt. */
export async function contextOf(name: string): Promise<RuleContext> {
  const snapshot = await loadBundle(join(FIXTURES, name));
  const wanted = expectationOf(name).service ?? snapshot.meta.service;
  const targets = findAmlDeployments(snapshot).filter((t) => !wanted || selectsTarget(t, wanted));
  const target = targets[0];
  if (!target || targets.length !== 1)
    throw new Error(`${name}: expected exactly one target, found ${targets.length}`);
  return { target, snapshot, now: snapshotNow(snapshot).now };
}

export async function run(rule: Rule, name: string): Promise<RuleFinding[]> {
  return rule.diagnose(await contextOf(name));
}

export function evidenceText(f: RuleFinding): string {
  return f.evidence.map((e) => `${e.source} ${e.text}`).join('\n');
}
