/**
 * CrashLoopBackOff follows the root cause as a consequence; when another rule explains the loop it must say so
 * instead of claiming that no cause was found. The rule itself reports the loop unexplained; the engine's
 * "explained by" step (explainConsequences) names the cause. Runs over the independent evaluation bundles (eval.*).
 */
import { describe, expect, it } from 'vitest';
import { diagnoseSnapshot } from '../../../shared/diagnosis/engine.js';
import type { RuleContext } from '../../../shared/diagnosis/rule.js';
import { crashLoopBackOff } from '../../../shared/diagnosis/rules/crashLoopBackOff.js';
import type { Finding } from '../../../shared/diagnosis/types.js';
import { contextOf, expectationOf, run } from './podRuleHarness.js';

/** The CrashLoopBackOff finding of the engine's whole diagnosis (every rule) of the fixture's service. */
function engineLoop(ctx: RuleContext): Finding | undefined {
  const [d] = diagnoseSnapshot(ctx.snapshot, { service: ctx.target.name });
  return d?.findings.find((f) => f.code === 'CrashLoopBackOff');
}

const EXPLAINED = [
  'eval.OutOfMemory.none.oomkilled-silent-log',
  'eval.OutOfMemory.none.memoryerror-in-init',
  'eval.ScoringInitFailure.MissingPythonModule.old-server-previous-log',
  'eval.ScoringInitFailure.ModelFileNotFound.azmlinfsrv-chained-v2',
  'eval.ScoringInitFailure.ServerIncompatibility.jinja-markup-current-log',
  'eval.ScoringInitFailure.EntryScriptNotFound.no-module-main',
  'eval.ScoringInitFailure.SyntaxError.azmlinfsrv-user-script-import',
  'eval.ScoringInitFailure.ImportError.libgl-shared-object',
  'eval.ScoringInitFailure.InitException.during-handling-chain',
  'eval.SlowInitProbeFailure.none.v1-liveness-kills-long-init',
  'eval.SlowInitProbeFailure.none.v2-azmlinfsrv-probe-502',
];

const UNEXPLAINED = [
  'eval.CrashLoopBackOff.none.segfault-no-traceback',
  'eval.CrashLoopBackOff.none.no-logs-captured',
];

describe('crashLoopBackOff names the finding that explains the loop', () => {
  it.each(EXPLAINED)('%s', async (name) => {
    const root = expectationOf(name).root!;
    const label = root.detail ? `${root.code}/${root.detail}` : root.code;
    const ctx = await contextOf(name);
    const [own] = crashLoopBackOff.diagnose(ctx);
    expect(own, 'the loop is still reported, as a consequence').toMatchObject({ role: 'consequence' });
    expect(own!.title, 'the rule alone does not run other rules').toMatch(
      / and no specific cause was found$/,
    );
    const f = engineLoop(ctx);
    expect(f!.title).toContain(`a consequence of ${label}`);
    expect(f!.title).not.toContain('no specific cause');
    expect(f!.explanation).toContain(`consequence of the ${label} finding`);
    expect(f!.explanation).not.toContain('none of them matched');
  });

  it.each(UNEXPLAINED)('%s: no rule explains it', async (name) => {
    const [f] = await run(crashLoopBackOff, name);
    expect(f!.title).toMatch(/ and no specific cause was found$/);
  });

  it.each(UNEXPLAINED)('%s: the engine finds nothing that explains it either', async (name) => {
    expect(engineLoop(await contextOf(name))!.title).toMatch(/ and no specific cause was found$/);
  });

  it('falls back to "no specific cause" once the explaining log is gone', async () => {
    const ctx = await contextOf('eval.ScoringInitFailure.MissingPythonModule.old-server-previous-log');
    expect(engineLoop(ctx)!.title).toContain('a consequence of ScoringInitFailure/MissingPythonModule');
    ctx.snapshot = { ...ctx.snapshot, logs: new Map() };
    const f = engineLoop(ctx);
    expect(f!.title).toMatch(/ and no specific cause was found$/);
    expect(f!.explanation).toContain('No log of the crashed instance was captured');
  });
});
