/** scoringInitFailure over independent evaluation bundles (eval.*): remedies that follow from the exact failure. */
import { describe, expect, it } from 'vitest';
import { scoringInitFailure } from '../../../shared/diagnosis/rules/scoringInitFailure.js';
import { run } from './podRuleHarness.js';

describe('scoringInitFailure on a missing native library', () => {
  it('names the missing shared object and how to provide it, not a Python package', async () => {
    const [f] = await run(scoringInitFailure, 'eval.ScoringInitFailure.ImportError.libgl-shared-object');
    expect(f).toMatchObject({ code: 'ScoringInitFailure', detail: 'ImportError' });
    const remedy = f!.remedy.join('\n');
    expect(remedy).toContain('system library libGL.so.1 is missing from the image');
    expect(remedy).toContain('opencv-python-headless');
    expect(remedy).not.toMatch(/pip dependencies/);
  });

  it('keeps the version-pin remedy for a name missing from an installed package', async () => {
    const [f] = await run(
      scoringInitFailure,
      'eval.ScoringInitFailure.ServerIncompatibility.jinja-markup-current-log',
    );
    expect(f!.detail).toBe('ServerIncompatibility');
    expect(f!.remedy.join('\n')).not.toContain('shared object');
  });
});
