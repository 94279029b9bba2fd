// The flat rule registry is the only list the engine runs: a rule file that is not registered never fires, and a
// rule whose id differs from its file name breaks the fixture-coverage and docs tables that key on it.
import { readdirSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allRules } from '../../shared/diagnosis/registry.js';
import { SPECIFICITY } from '../../shared/diagnosis/types.js';

const RULES_DIR = 'shared/diagnosis/rules';
const ruleFiles = readdirSync(RULES_DIR)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .map((f) => basename(f, '.ts'))
  .sort();

describe('rule registry', () => {
  it('lists every file under rules/ exactly once, and nothing else', () => {
    const ids = allRules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ruleFiles);
  });

  it('gives each rule the id of its file, and each file exports the rule named by it', async () => {
    for (const file of ruleFiles) {
      const mod = (await import(`../../shared/diagnosis/rules/${file}.ts`)) as Record<string, unknown>;
      const rule = mod[file] as { id?: string } | undefined;
      expect(rule?.id, `${file}.ts exports ${file} with id '${file}'`).toBe(file);
      expect(allRules).toContain(rule);
    }
  });

  it('names the specificity levels in increasing order', () => {
    const levels = Object.values(SPECIFICITY);
    expect(levels).toEqual([...levels].sort((a, b) => a - b));
    expect(new Set(levels).size).toBe(levels.length);
  });
});
