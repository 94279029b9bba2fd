/**
 * CrashLoopBackOff: a container that keeps crashing for a reason no specific rule names. A consequence (role
 * 'consequence', specificity 10): an OOMKilled, a traceback or a liveness kill found by the other rules outranks it.
 * Its value is the evidence: the exit code and the last meaningful lines of the crashed instance's log. When one of
 * those rules does explain the loop, the finding still describes the loop (it follows the root cause) but says
 * which finding explains it instead of claiming that no cause was found: the engine does that step
 * (`explainConsequences` in ../engine.ts) with the `explainable` this rule attaches.
 */
import { SPECIFICITY } from '../types.js';
import { DOCS } from '../docs.js';
import { eventEvidence, evidence, humanDuration, podEvents, podSource, secondsBetween } from '../context.js';
import { meaningfulTail } from '../logs/scoringLog.js';
import type { Rule, RuleContext } from '../rule.js';
import type { Evidence, RuleFinding } from '../types.js';
import type { ScoringContainer } from '../signals/scoringContainer.js';
import { appContainers, asDate, podScope, statusEvidence } from '../signals/scoringContainer.js';
import type { Code } from '../types.js';

/** The codes whose cause findings explain why a scoring container keeps restarting. */
const EXPLAINING_CODES: readonly Code[] = ['ScoringInitFailure', 'OutOfMemory', 'SlowInitProbeFailure'];

/** A container that is up again but not ready, restarted at least twice, last crash this recent, is still looping. */
const RECENT_CRASH_SECONDS = 15 * 60;

function isLooping(ctx: RuleContext, sc: ScoringContainer): boolean {
  const st = sc.status;
  if (!st || st.ready) return false;
  if (st.state?.waiting?.reason === 'CrashLoopBackOff') return true;
  const last = st.lastState?.terminated ?? st.state?.terminated;
  if (!last || last.exitCode === 0 || (st.restartCount ?? 0) < 2) return false;
  const age = secondsBetween(asDate(last.finishedAt), ctx.now);
  return age !== undefined && age <= RECENT_CRASH_SECONDS;
}

export const crashLoopBackOff: Rule = {
  id: 'crashLoopBackOff',
  stage: 'init',
  diagnose(ctx: RuleContext): RuleFinding[] {
    const looping = appContainers(ctx).filter((sc) => isLooping(ctx, sc));
    if (!looping.length) return [];
    // Prefer a container whose crashed instance left a log to show.
    const sc = looping.find((s) => s.previous) ?? looping.find((s) => s.current) ?? looping[0]!;
    const st = sc.status!;
    const last = st.lastState?.terminated ?? st.state?.terminated;
    const ev: Evidence[] = [];
    const status = statusEvidence(sc);
    if (status) ev.push(status);
    const backOff = [...podEvents(ctx.snapshot, sc.pod)].reverse().find((e) => e.reason === 'BackOff');
    if (backOff) ev.push(eventEvidence(backOff));
    const part = sc.previous ? 'previous-log' : 'log';
    const log = sc.previous ?? sc.current;
    const tail = log ? meaningfulTail(log, 10) : [];
    const source = podSource(sc.pod, sc.container.name, part);
    ev.push(...tail.map((l) => evidence(source, l.raw)));

    const exit = last
      ? `exit code ${last.exitCode}${last.reason ? `, ${last.reason}` : ''}`
      : 'no exit status recorded';
    const ran = last ? secondsBetween(asDate(last.startedAt), asDate(last.finishedAt) ?? ctx.now) : undefined;
    const pods = new Set(looping.map((s) => s.pod.metadata?.name)).size;
    const title = (verdict: string): string =>
      `${sc.container.name} keeps crashing (${exit}, ${st.restartCount ?? 0} restarts)${verdict}`;
    const explanation = (logWord: string): string =>
      `The container ${sc.container.name} exits during start-up${ran !== undefined ? ` after ${humanDuration(ran)}` : ''} (${exit}) and Kubernetes restarts it with growing back-off (stage: init)${podScope(pods, ctx.target.pods.length)}. ` +
      logWord;
    const unexplained = tail.length
      ? `The last lines of the crashed instance's log are in the evidence; none of them matched a known failure (traceback, OOM, probe kill).`
      : 'No log of the crashed instance was captured, so the cause cannot be read from it.';
    return [
      {
        code: 'CrashLoopBackOff',
        detail: null,
        severity: 'critical',
        title: title(' and no specific cause was found'),
        explanation: explanation(unexplained),
        evidence: ev,
        remedy: [
          `Read the full log of the crashed instance: kubectl logs ${sc.pod.metadata?.name} -c ${sc.container.name} -n ${sc.pod.metadata?.namespace ?? ctx.target.namespace} --previous.`,
          ctx.target.flavor === 'v1'
            ? 'Reproduce locally: run the image with docker run, or LocalWebservice / azmlinfsrv --entry_script score.py with the same environment.'
            : 'Reproduce locally: az ml online-deployment create --local, or azmlinfsrv --entry_script score.py with the same environment.',
          'Exit code 3 means the scoring server gave up on the entry script; 137 a kill (memory or probe); 1 an error before the server started (entrypoint, environment).',
        ],
        docs: [
          ctx.target.flavor === 'v1' ? DOCS.troubleshootV1 : DOCS.troubleshootOnline,
          DOCS.debugImage,
          DOCS.k8sDebugPod,
        ],
        stage: 'init',
        specificity: SPECIFICITY.generic,
        role: 'consequence',
        // Findings of these rules that cite this container (by name, so another replica counts too) explain it.
        explainable: {
          codes: EXPLAINING_CODES,
          evidenceMarker: `/container/${sc.container.name}/`,
          explained: (labels) => ({
            title: title(`, a consequence of ${labels.join(', ')}`),
            explanation: explanation(
              `This restart loop is the consequence of the ${labels.join(', ')} finding reported before it${tail.length ? `; the last lines of the crashed instance's log are in the evidence` : ''}.`,
            ),
          }),
        },
      },
    ];
  },
};
