/**
 * The decision: observations of a build log (observations.ts) → its classification. Pure: no I/O, no clock, and it
 * does not change the observations, so it can run again while the log is still being read. In order:
 *  1. an explicit timeout (`context deadline exceeded`, step timed out) → BuildTimeout;
 *  2. a specific failure line after the last success marker (conda resolve, pip not found / build, base image
 *     pull, registry auth) → that class, the earliest one winning (the first error is the cause);
 *  3. a failed step (`The command '/bin/sh -c ...' returned a non-zero code`, `failed to run step ID`) with no
 *     specific line → a weak pip line (`Failed building wheel`) or, when the step ran past its budget stalled in
 *     a solve, BuildTimeout; otherwise BuildOutOfMemory (exit 137/247) or DockerStepFailure (the fallback);
 *  4. a success marker (`Successfully tagged`, pushed digest, `Run ID: ... was successful`) → succeeded;
 *  5. otherwise the log just stops: incomplete, with BuildTimeout as candidate when it stops in a conda solve or
 *     pip install (whether that is a timeout or a build still running needs "now": see judge.ts).
 */
import { evidence } from '../context.js';
import type { Evidence } from '../types.js';
import type { BuildLogObservations, FailedStep, LogHit, Stall } from './observations.js';
import type { BuildFailureDetail, BuildLogClassification, BuildLogTiming, BuildStallPhase } from './types.js';

/** What the line splitter knows about the input as a whole. */
export interface ReadSummary {
  bytesRead?: number;
  /** Set when the input is not text; the classification then says so instead of guessing. */
  binaryReason?: string;
  longLines?: number;
}

/**
 * The step budget Azure ML's ACR Task build runs with when the log does not print one: real build logs show
 * `Executing step ID: acb_step_0. Timeout(sec): 5400` (e.g. https://github.com/Azure/MachineLearningNotebooks/issues/745,
 * https://github.com/MicrosoftLearning/mslearn-azure-ml/issues/58); docs/DIAGNOSIS.md (BuildTimeout) explains its use.
 */
export const DEFAULT_BUILD_TIMEOUT_SECONDS = 5400;

export const STALL_WORDS: Record<BuildStallPhase, string> = {
  'conda-solve': 'conda was solving the environment',
  'pip-install': 'conda was installing the pip dependencies',
  'pip-resolve': 'pip was backtracking through versions to resolve dependencies',
};

/** Evidence lines quoted per verdict. */
const MAX_EVIDENCE = 4;

const iso = (ms: number | undefined): string | undefined =>
  ms === undefined ? undefined : new Date(ms).toISOString();

/**
 * Long evidence lines lose their middle, not their end: `The command '/bin/sh -c <1 KB>' returned a non-zero
 * code: 137` must keep the exit code.
 */
export function clipMiddle(text: string, max = 360): string {
  if (text.length <= max) return text;
  const tail = Math.min(120, Math.floor(max / 3));
  return `${text.slice(0, max - tail - 3)} … ${text.slice(-tail)}`;
}

/** Quoted lines as evidence, each once, at most `MAX_EVIDENCE`. */
function quote(source: string, hits: (LogHit | undefined)[]): Evidence[] {
  const seen = new Set<number>();
  // BuildKit repeats the failed step's last lines in its error summary: one copy of a line is enough.
  const seenText = new Set<string>();
  const out: Evidence[] = [];
  for (const h of hits) {
    if (!h || seen.has(h.lineNo) || seenText.has(h.text) || out.length >= MAX_EVIDENCE) continue;
    seen.add(h.lineNo);
    seenText.add(h.text);
    out.push(evidence(`${source}:${h.lineNo}`, clipMiddle(h.text)));
  }
  return out;
}

/** What every verdict carries: counts, times, base image and registry. */
function baseOf(o: BuildLogObservations, source: string, read: ReadSummary): BuildLogClassification {
  const timing: BuildLogTiming = {
    firstAt: iso(o.timing.firstAt),
    lastAt: iso(o.timing.lastAt),
    stepStartedAt: iso(o.timing.stepStartedAt),
    timeoutSeconds: o.timing.timeoutSeconds,
    runSeconds: o.timing.runSeconds,
  };
  const hasTiming = Object.values(timing).some((v) => v !== undefined);
  const last = o.lastLines[o.lastLines.length - 1];
  return {
    outcome: 'unknown',
    evidence: [],
    lastLine: last ? evidence(source, last.text).text : undefined,
    linesRead: o.linesRead,
    bytesRead: read.bytesRead ?? 0,
    ...(hasTiming ? { timing } : {}),
    ...(o.baseImage ? { baseImage: o.baseImage } : {}),
    ...(o.registry ? { registry: o.registry } : {}),
    ...(read.longLines ? { longLines: read.longLines } : {}),
  };
}

/**
 * Whether the failed step ran for its whole budget: by the run's own duration, or from the step's start to the
 * last time the log states (the runner's `Container failed during run` line carries it).
 */
function ranPastBudget(o: BuildLogObservations): boolean {
  const budget = o.timing.timeoutSeconds ?? DEFAULT_BUILD_TIMEOUT_SECONDS;
  const stepEnd = o.failedStep ? o.timing.lastAt : undefined;
  return (
    (o.timing.runSeconds !== undefined && o.timing.runSeconds >= budget) ||
    (o.timing.stepStartedAt !== undefined &&
      stepEnd !== undefined &&
      (stepEnd - o.timing.stepStartedAt) / 1000 >= budget)
  );
}

/** The failure class the earliest specific line after the last success names, with its quoted lines. */
function specificFailure(
  o: BuildLogObservations,
  after: number,
):
  | { detail: BuildFailureDetail; hits: (LogHit | undefined)[]; extra: Partial<BuildLogClassification> }
  | undefined {
  const first = [...o.specific.values()]
    .filter((c) => (c.lines[0]?.lineNo ?? 0) > after)
    .sort((a, b) => (a.lines[0]?.lineNo ?? 0) - (b.lines[0]?.lineNo ?? 0))[0];
  if (!first) return undefined;
  const extra: Partial<BuildLogClassification> = first.subject ? { subject: first.subject } : {};
  if (first.detail === 'PipPackageNotFound') {
    if (o.availableVersions !== undefined) extra.availableVersions = o.availableVersions;
    if (o.pipConflict) extra.reason = 'pip dependency conflict (ResolutionImpossible)';
  }
  const hits: (LogHit | undefined)[] = [...first.lines];
  // What the compiler said it lacked is the fix of a pip build failure; quote it second.
  if (first.detail === 'PipBuildFailure') hits.splice(1, 0, o.compilerError);
  // Every requirement exists, but no set of versions satisfies them together: a resolve failure, not a missing
  // package.
  const detail = first.detail === 'PipPackageNotFound' && o.pipConflict ? 'PipResolveFailure' : first.detail;
  return { detail, hits: [...hits, o.failedStep?.lines[0]], extra };
}

/** A failed step with no specific line: a weak pip line, a timeout after a stall, an OOM kill, or the step itself. */
function failedStepVerdict(
  o: BuildLogObservations,
  source: string,
  step: FailedStep,
  after: number,
): { detail: BuildFailureDetail; hits: (LogHit | undefined)[]; extra: Partial<BuildLogClassification> } {
  const weak = o.weakPipBuild;
  if (weak && (weak.lines[0]?.lineNo ?? 0) > after) {
    return {
      detail: 'PipBuildFailure',
      hits: [...weak.lines, o.compilerError, step.lines[0]],
      extra: weak.subject ? { subject: weak.subject } : {},
    };
  }
  if (step.afterStall && ranPastBudget(o)) {
    return {
      detail: 'BuildTimeout',
      hits: [step.afterStall.hit, ...step.lines, o.stepLine],
      extra: { stalledIn: step.afterStall.phase },
    };
  }
  const lastErr = o.lastError && o.lastError.lineNo > after ? o.lastError : undefined;
  // 137 is SIGKILL from the OOM killer; 247 is what a killed conda/pip reports through docker build.
  const oom = step.exitCode === 137 || step.exitCode === 247;
  return {
    detail: oom ? 'BuildOutOfMemory' : 'DockerStepFailure',
    hits: [lastErr, ...step.lines],
    extra: {
      ...(step.afterStall ? { stalledIn: step.afterStall.phase } : {}),
      ...(step.command ? { subject: evidence(source, step.command, 200).text } : {}),
    },
  };
}

export function decideBuildLog(
  o: Readonly<BuildLogObservations>,
  source: string,
  read: ReadSummary = {},
): BuildLogClassification {
  const base = baseOf(o, source, read);
  if (read.binaryReason) return { ...base, binary: true, reason: read.binaryReason, lastLine: undefined };
  if (!o.sawText) return { ...base, reason: 'the build log is empty' };
  if (!o.sawBuildMarker) {
    return {
      ...base,
      reason:
        'no image build lines found (no Dockerfile step, ACR Task, conda or pip output): is this a build log?',
    };
  }

  // Failures before the last success marker were recovered from.
  const after = o.lastSuccess?.lineNo ?? 0;
  const step = o.failedStep;
  const failed = (
    detail: BuildFailureDetail,
    hits: (LogHit | undefined)[],
    extra: Partial<BuildLogClassification> = {},
  ): BuildLogClassification => ({
    ...base,
    outcome: 'failed',
    detail,
    evidence: quote(source, hits),
    ...(step?.exitCode !== undefined ? { exitCode: step.exitCode } : {}),
    ...(step?.command ? { failedCommand: evidence(source, step.command, 300).text } : {}),
    ...extra,
  });
  const openStall: Stall | undefined = o.openStall;
  const stalledIn =
    step?.afterStall?.phase ?? openStall?.phase ?? (o.pipBacktracking ? 'pip-resolve' : undefined);

  if (o.explicitTimeout && o.explicitTimeout.lineNo > after) {
    return failed('BuildTimeout', [step?.afterStall?.hit ?? openStall?.hit, o.explicitTimeout, o.stepLine], {
      ...(stalledIn ? { stalledIn } : {}),
    });
  }
  const specific = specificFailure(o, after);
  if (specific) return failed(specific.detail, specific.hits, specific.extra);
  if (step) {
    const verdict = failedStepVerdict(o, source, step, after);
    return failed(verdict.detail, verdict.hits, verdict.extra);
  }
  if (o.lastSuccess) return { ...base, outcome: 'succeeded', evidence: quote(source, [o.lastSuccess]) };

  // The log just stops.
  const last = o.lastLines[o.lastLines.length - 1];
  if (stalledIn) {
    return {
      ...base,
      outcome: 'incomplete',
      detail: 'BuildTimeout',
      stalledIn,
      evidence: quote(source, [openStall?.hit ?? o.pipBacktracking, last, o.stepLine]),
      reason: `the log stops while ${STALL_WORDS[stalledIn]}, with no error and no success`,
    };
  }
  return {
    ...base,
    outcome: 'incomplete',
    evidence: quote(source, [...o.lastLines.slice(-2), o.stepLine]),
    reason: 'the log stops with no error and no success',
  };
}
