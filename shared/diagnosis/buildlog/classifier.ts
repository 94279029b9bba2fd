/**
 * The build-log state machine: fed one line at a time, it keeps only what can decide the outcome (the first
 * decisive line of each failure class, the failing step, the last success marker, where the log stalled, the
 * step's start and budget, and a small ring of the last lines), so memory stays bounded however long the log is.
 *
 * Deciding, at `finish()`:
 *  1. an explicit timeout (`context deadline exceeded`, step timed out) → BuildTimeout;
 *  2. a specific failure line after the last success marker (conda resolve, pip not found / build, base image
 *     pull, registry auth) → that class, the earliest one winning (the first error is the cause);
 *  3. a failed step (`The command '/bin/sh -c ...' returned a non-zero code`, `failed to run step ID`) with no
 *     specific line → a weak pip line (`Failed building wheel`) or, when the step ran past its budget stalled in
 *     a solve, BuildTimeout; otherwise DockerStepFailure (the fallback);
 *  4. a success marker (`Successfully tagged`, pushed digest, `Run ID: ... was successful`) → succeeded;
 *  5. otherwise the log just stops: incomplete, with BuildTimeout as candidate when it stops in a conda solve or
 *     pip install (whether that is a timeout or a build still running needs "now": see judge.ts).
 */
import { evidence } from '../context.js';
import type { Evidence } from '../types.js';
import { normaliseLine } from './normalise.js';
import * as P from './patterns.js';
import type { BuildFailureDetail, BuildLogClassification, BuildLogTiming, BuildStallPhase } from './types.js';

export interface LogHit {
  lineNo: number;
  text: string;
  at?: number;
}

interface Candidate {
  detail: BuildFailureDetail;
  lines: LogHit[];
  subject?: string;
}

interface Terminal {
  lines: LogHit[];
  exitCode?: number;
  command?: string;
  /** The log was stalled in a solve / pip install when the step failed. */
  afterStall?: { hit: LogHit; phase: BuildStallPhase };
}

type Phase = 'preamble' | 'login' | 'from' | 'build' | 'push';

export interface ClassifierInput {
  bytesRead?: number;
  binaryReason?: string;
  longLines?: number;
}

export interface BuildLogClassifier {
  /** One raw line (colour codes and timestamp prefix still on it; no line break). */
  push(rawLine: string): void;
  /** The verdict so far; the classifier can keep going after it (a log being tailed). */
  finish(input?: ClassifierInput): BuildLogClassification;
}

const MAX_LINES_PER_CANDIDATE = 3;
const RING_SIZE = 5;
const LIST_WINDOW = 8;
/**
 * The step budget Azure ML's ACR Task build runs with when the log does not print one: real build logs show
 * `Executing step ID: acb_step_0. Timeout(sec): 5400` (e.g. https://github.com/Azure/MachineLearningNotebooks/issues/745,
 * https://github.com/MicrosoftLearning/mslearn-azure-ml/issues/58); docs/DIAGNOSIS.md (BuildTimeout) explains its use.
 */
export const DEFAULT_BUILD_TIMEOUT_SECONDS = 5400;

const iso = (ms: number | undefined): string | undefined =>
  ms === undefined ? undefined : new Date(ms).toISOString();

/** Go durations as ACR prints them: `3m33s`, `1h30m0.5s`, `45.2s`. */
export function goDurationSeconds(text: string): number | undefined {
  const m = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:([\d.]+)s)?$/.exec(text);
  if (!m || (!m[1] && !m[2] && !m[3])) return undefined;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

/** `mcr.microsoft.com/azureml/base:latest@sha256:...` → without digest; `AS builder` is not part of it. */
function imageName(ref: string): string {
  return ref.replace(/@sha256:[0-9a-f]+$/, '').replace(/,$/, '');
}

/**
 * Long evidence lines lose their middle, not their end: `The command '/bin/sh -c <1 KB>' returned a non-zero
 * code: 137` must keep the exit code.
 */
export function clipMiddle(text: string, max = 360): string {
  if (text.length <= max) return text;
  const tail = Math.min(120, Math.floor(max / 3));
  return `${text.slice(0, max - tail - 3)} … ${text.slice(-tail)}`;
}

function requirement(raw: string): string {
  return raw.replace(/[),;]+$/, '');
}

export interface ClassifierOptions {
  /**
   * Screen each raw line with `P.SCREEN` first and give lines that cannot match a trigger only the bookkeeping
   * (line number, clock, ring, stall reset). On by default; off only to check that both paths agree.
   */
  prefilter?: boolean;
}

export function createBuildLogClassifier(
  source = 'build.log',
  opts: ClassifierOptions = {},
): BuildLogClassifier {
  const prefilter = opts.prefilter ?? true;
  let lineNo = 0;
  let nonEmpty = 0;
  let sawBuildMarker = false;
  let phase: Phase = 'preamble';
  let baseImage: string | undefined;
  let registry: string | undefined;
  const timing: {
    firstAt?: number;
    lastAt?: number;
    stepStartedAt?: number;
    timeoutSeconds?: number;
    runSeconds?: number;
  } = {};
  let stepLine: LogHit | undefined;

  // Candidates by detail; `order` remembers which came first.
  const strong = new Map<BuildFailureDetail, Candidate>();
  let weak: Candidate | undefined;
  let explicitTimeout: LogHit | undefined;
  let terminal: Terminal | undefined;
  let lastSuccess: LogHit | undefined;
  let lastError: LogHit | undefined;
  let compilerError: LogHit | undefined;
  let openStall: { hit: LogHit; phase: BuildStallPhase } | undefined;
  let pipBacktracking: LogHit | undefined;
  let lastBuilding: string | undefined;
  let availableVersions: string | undefined;
  let pipConflict = false;
  // After pip's "conflicting dependencies", the "X depends on Y" lines name the two sides.
  let conflictBudget = 0;
  // After a conda error header, the next `- pkg` lines name the packages.
  let listFor: Candidate | undefined;
  let listBudget = 0;
  let listItems: string[] = [];
  const ring: LogHit[] = [];

  const hitOf = (text: string, at?: number): LogHit => ({ lineNo, text, at });

  const addStrong = (detail: BuildFailureDetail, hit: LogHit, subject?: string): Candidate => {
    let c = strong.get(detail);
    if (!c) {
      c = { detail, lines: [], subject };
      strong.set(detail, c);
    }
    if (!c.subject && subject) c.subject = subject;
    if (c.lines.length < MAX_LINES_PER_CANDIDATE && !c.lines.some((l) => l.text === hit.text))
      c.lines.push(hit);
    return c;
  };

  const addTerminal = (hit: LogHit, exitCode?: number, command?: string): void => {
    if (!terminal) terminal = { lines: [], afterStall: openStall };
    if (terminal.exitCode === undefined && exitCode !== undefined) terminal.exitCode = exitCode;
    if (!terminal.command && command) terminal.command = command;
    if (terminal.lines.length < 2) terminal.lines.push(hit);
  };

  /** Returns true when the line was fully handled. */
  const registryAndBaseImage = (t: string, hit: LogHit): boolean => {
    if (P.ACR_AUTH_FAILURE.test(t)) {
      addStrong('RegistryAuthFailure', hit, registry);
      return true;
    }
    let m = P.PULL_ACCESS_DENIED.exec(t) ?? P.SOURCE_METADATA.exec(t) ?? P.SOLVE_IMAGE_NOT_FOUND.exec(t);
    if (m) {
      addStrong('BaseImagePullFailure', hit, imageName(m[1] ?? baseImage ?? ''));
      addTerminal(hit);
      return true;
    }
    m = P.MANIFEST_NOT_FOUND.exec(t);
    if (m && phase !== 'push') {
      addStrong('BaseImagePullFailure', hit, m[1] ? imageName(m[1]) : baseImage);
      return true;
    }
    if (P.RATE_LIMITED.test(t) && phase !== 'push') {
      addStrong('BaseImagePullFailure', hit, baseImage);
      return true;
    }
    if (P.LOGIN_FAILED.test(t)) {
      addStrong('RegistryAuthFailure', hit, P.REGISTRY_HOST.exec(t)?.[1] ?? registry);
      return true;
    }
    if (P.UNAUTHORIZED.test(t)) {
      const host = P.REGISTRY_HOST.exec(t)?.[1];
      if (phase === 'from' && !(host && host === registry)) addStrong('BaseImagePullFailure', hit, baseImage);
      else if (phase !== 'build' || host) addStrong('RegistryAuthFailure', hit, host ?? registry);
      else return false;
      return true;
    }
    return false;
  };

  const conda = (t: string, hit: LogHit): boolean => {
    if (P.CONDA_SOLVE_FAILED.test(t)) {
      addStrong('CondaResolveFailure', hit);
      return true;
    }
    if (P.CONDA_RESOLVE.test(t)) {
      listFor = addStrong('CondaResolveFailure', hit);
      listBudget = LIST_WINDOW;
      listItems = [];
      return true;
    }
    return false;
  };

  const pip = (t: string, hit: LogHit): boolean => {
    let m = P.PIP_NO_DISTRIBUTION.exec(t) ?? P.PIP_NO_VERSION.exec(t);
    if (m) {
      addStrong('PipPackageNotFound', hit, requirement(m[1] ?? ''));
      const v = P.PIP_FROM_VERSIONS.exec(t);
      if (v && availableVersions === undefined) availableVersions = v[1]?.trim();
      return true;
    }
    m = P.PIP_CONFLICT.exec(t);
    if (m) {
      pipConflict = !strong.has('PipPackageNotFound') || pipConflict;
      conflictBudget = LIST_WINDOW;
      addStrong('PipPackageNotFound', hit, m[1]?.replace(/^-r \S+ \(line \d+\) and /, ''));
      return true;
    }
    m = P.PIP_COULD_NOT_BUILD.exec(t) ?? P.PIP_STEP_ERROR.exec(t);
    if (m) {
      addStrong('PipBuildFailure', hit, m[1] ?? m[2] ?? m[3] ?? lastBuilding);
      return true;
    }
    if (P.PIP_COMMAND_ERRORED.test(t) || P.PIP_SUBPROCESS_ERROR.test(t)) {
      addStrong('PipBuildFailure', hit, lastBuilding);
      return true;
    }
    m = P.PIP_FAILED_WHEEL.exec(t);
    if (m) {
      // Weak: old pip falls back to `setup.py install` after this and often succeeds.
      if (!weak) weak = { detail: 'PipBuildFailure', lines: [hit], subject: m[1] };
      return true;
    }
    return false;
  };

  const terminals = (t: string, hit: LogHit): boolean => {
    let m = P.DOCKER_COMMAND_FAILED.exec(t);
    if (m) {
      addTerminal(hit, Number(m[2]), m[1]);
      return true;
    }
    m = P.BUILDKIT_PROCESS_FAILED.exec(t);
    if (m) {
      addTerminal(hit, Number(m[2] ?? m[4]), m[1] ?? m[3]);
      return true;
    }
    m = P.NON_ZERO.exec(t);
    if (m) {
      addTerminal(hit, Number(m[1] ?? m[2]));
      return true;
    }
    if (P.RUN_FAILED.test(t) || P.ACR_STEP_FAILED.test(t) || P.GENERIC_TERMINAL.test(t)) {
      if (P.ERROR_LINE.test(t) && !lastError) lastError = hit;
      addTerminal(hit);
      return true;
    }
    return false;
  };

  const structure = (t: string, hit: LogHit): void => {
    let m = P.EXECUTING_STEP.exec(t);
    if (m) {
      sawBuildMarker = true;
      timing.timeoutSeconds = Number(m[2]);
      if (hit.at !== undefined && timing.stepStartedAt === undefined) timing.stepStartedAt = hit.at;
      stepLine ??= hit;
      phase = 'preamble';
      return;
    }
    m = P.LOGGING_IN.exec(t);
    if (m) {
      sawBuildMarker = true;
      phase = 'login';
      registry = m[1];
      return;
    }
    if (P.LOGGED_IN.test(t)) {
      phase = 'preamble';
      return;
    }
    m = P.STEP_FROM.exec(t) ?? P.BUILDKIT_FROM.exec(t);
    if (m) {
      sawBuildMarker = true;
      phase = 'from';
      baseImage = imageName(m[1] ?? m[2] ?? '');
      return;
    }
    if (P.STEP_OTHER.test(t)) {
      sawBuildMarker = true;
      phase = 'build';
      return;
    }
    m = P.PUSHING.exec(t);
    if (m) {
      sawBuildMarker = true;
      phase = 'push';
      registry = P.REGISTRY_HOST.exec(m[1] ?? m[2] ?? m[3] ?? '')?.[1] ?? registry;
    }
  };

  const collectListItem = (text: string, hit: LogHit): boolean => {
    if (!listFor) return false;
    const item = P.LIST_ITEM.exec(text);
    if (item) {
      const pkg = (item[1] ?? '').replace(/\s+->.*$/, '').trim();
      if (pkg && listItems.length < 3) {
        listItems.push(pkg);
        listFor.subject = listItems.join(', ');
        if (listFor.lines.length < MAX_LINES_PER_CANDIDATE) listFor.lines.push(hit);
      }
      if (listItems.length >= 3) listFor = undefined;
      return true;
    }
    if (--listBudget <= 0) listFor = undefined;
    return false;
  };

  const push = (rawLine: string): void => {
    lineNo++;
    const boring =
      prefilter &&
      listFor === undefined &&
      conflictBudget === 0 &&
      !P.mayTrigger(rawLine) &&
      !(rawLine.includes('[') && P.MAY_HAVE_COLOUR.test(rawLine));
    const { text: t, at } = normaliseLine(rawLine);
    if (at !== undefined) {
      timing.firstAt ??= at;
      timing.lastAt = at;
    }
    if (!t) return;
    nonEmpty++;
    const hit = hitOf(t, at);
    ring.push(hit);
    if (ring.length > RING_SIZE) ring.shift();

    // Pre-filtered: no open window wants every line, and the raw line cannot match a trigger (see P.SCREEN), so
    // the full path below would reach the `!P.INTERESTING` branch and only reset the stall.
    if (boring) {
      openStall = undefined;
      return;
    }
    if (collectListItem(t, hit)) return;
    const building = P.PIP_BUILDING.exec(t);
    if (building) lastBuilding = building[1];

    if (conflictBudget > 0) {
      conflictBudget--;
      if (P.PIP_CONFLICT_CAUSE.test(t)) {
        addStrong('PipPackageNotFound', hit);
        return;
      }
    }
    if (!P.INTERESTING.test(t)) {
      openStall = undefined;
      // apt's `E: Unable to locate package x` says nothing the prefilter knows, but is the step's real error.
      if (P.ERROR_LINE.test(t)) lastError = hit;
      return;
    }
    structure(t, hit);

    const run = P.RUN_FAILED.exec(t);
    if (run) timing.runSeconds = goDurationSeconds(run[1] ?? '');
    if (P.TIMEOUT.test(t) && !P.TIMEOUT_NOISE.test(t)) {
      sawBuildMarker = true;
      explicitTimeout ??= hit;
      addTerminal(hit);
      return;
    }
    if (P.SUCCESS.test(t)) {
      sawBuildMarker = true;
      lastSuccess = hit;
      terminal = undefined;
      openStall = undefined;
      return;
    }
    const stall = P.CONDA_WORKING.exec(t);
    if (stall) {
      sawBuildMarker = true;
      openStall = { hit, phase: stall[1] === 'Solving environment' ? 'conda-solve' : 'pip-install' };
      return;
    }
    if (P.PIP_BACKTRACKING.test(t)) {
      pipBacktracking = hit;
      openStall = { hit, phase: 'pip-resolve' };
      return;
    }
    if (registryAndBaseImage(t, hit) || conda(t, hit) || pip(t, hit)) {
      sawBuildMarker = true;
      openStall = undefined;
      return;
    }
    if (terminals(t, hit)) {
      sawBuildMarker = true;
      return;
    }
    openStall = undefined;
    if (P.COMPILER_ERROR.test(t)) compilerError ??= hit;
    if (P.ERROR_LINE.test(t) && !P.ERROR_NOISE.test(t)) lastError = hit;
  };

  const ev = (hits: (LogHit | undefined)[], max = 4): Evidence[] => {
    const seen = new Set<number>();
    // BuildKit repeats the failed step's last lines in its error summary: one copy of a line is enough.
    const seenText = new Set<string>();
    const out: Evidence[] = [];
    for (const h of hits) {
      if (!h || seen.has(h.lineNo) || seenText.has(h.text) || out.length >= max) continue;
      seen.add(h.lineNo);
      seenText.add(h.text);
      out.push(evidence(`${source}:${h.lineNo}`, clipMiddle(h.text)));
    }
    return out;
  };

  const finish = (input: ClassifierInput = {}): BuildLogClassification => {
    const t: BuildLogTiming = {
      firstAt: iso(timing.firstAt),
      lastAt: iso(timing.lastAt),
      stepStartedAt: iso(timing.stepStartedAt),
      timeoutSeconds: timing.timeoutSeconds,
      runSeconds: timing.runSeconds,
    };
    const hasTiming = Object.values(t).some((v) => v !== undefined);
    const last = ring[ring.length - 1];
    const base: BuildLogClassification = {
      outcome: 'unknown',
      evidence: [],
      lastLine: last ? evidence(source, last.text).text : undefined,
      linesRead: lineNo,
      bytesRead: input.bytesRead ?? 0,
      ...(hasTiming ? { timing: t } : {}),
      ...(baseImage ? { baseImage } : {}),
      ...(registry ? { registry } : {}),
      ...(input.longLines ? { longLines: input.longLines } : {}),
    };
    if (input.binaryReason) return { ...base, binary: true, reason: input.binaryReason, lastLine: undefined };
    if (nonEmpty === 0) return { ...base, reason: 'the build log is empty' };
    if (!sawBuildMarker) {
      return {
        ...base,
        reason:
          'no image build lines found (no Dockerfile step, ACR Task, conda or pip output): is this a build log?',
      };
    }

    const after = lastSuccess?.lineNo ?? 0;
    const budget = timing.timeoutSeconds ?? DEFAULT_BUILD_TIMEOUT_SECONDS;
    // The step's end: the last time the log states (the runner's `Container failed during run` line carries it).
    const stepEnd = terminal ? timing.lastAt : undefined;
    const ranPastBudget =
      (timing.runSeconds !== undefined && timing.runSeconds >= budget) ||
      (timing.stepStartedAt !== undefined &&
        stepEnd !== undefined &&
        (stepEnd - timing.stepStartedAt) / 1000 >= budget);
    const stalledIn =
      terminal?.afterStall?.phase ?? openStall?.phase ?? (pipBacktracking ? 'pip-resolve' : undefined);
    const failed = (
      detail: BuildFailureDetail,
      hits: (LogHit | undefined)[],
      extra: Partial<BuildLogClassification> = {},
    ) => ({
      ...base,
      outcome: 'failed' as const,
      detail,
      evidence: ev(hits),
      ...(terminal?.exitCode !== undefined ? { exitCode: terminal.exitCode } : {}),
      ...(terminal?.command ? { failedCommand: evidence(source, terminal.command, 300).text } : {}),
      ...extra,
    });

    if (explicitTimeout && explicitTimeout.lineNo > after) {
      return failed(
        'BuildTimeout',
        [terminal?.afterStall?.hit ?? openStall?.hit, explicitTimeout, stepLine],
        {
          ...(stalledIn ? { stalledIn } : {}),
        },
      );
    }
    const specific = [...strong.values()]
      .filter((c) => (c.lines[0]?.lineNo ?? 0) > after)
      .sort((a, b) => (a.lines[0]?.lineNo ?? 0) - (b.lines[0]?.lineNo ?? 0))[0];
    if (specific) {
      const extra: Partial<BuildLogClassification> = {
        ...(specific.subject ? { subject: specific.subject } : {}),
      };
      if (specific.detail === 'PipPackageNotFound') {
        if (availableVersions !== undefined) extra.availableVersions = availableVersions;
        if (pipConflict) extra.reason = 'pip dependency conflict (ResolutionImpossible)';
      }
      const hits: (LogHit | undefined)[] = [...specific.lines];
      if (specific.detail === 'PipBuildFailure') hits.splice(1, 0, compilerError);
      // Every requirement exists, but no set of versions satisfies them together: a resolve failure, not a
      // missing package.
      const detail =
        specific.detail === 'PipPackageNotFound' && pipConflict ? 'PipResolveFailure' : specific.detail;
      return failed(detail, [...hits, terminal?.lines[0]], extra);
    }
    if (terminal) {
      if (weak && (weak.lines[0]?.lineNo ?? 0) > after) {
        return failed(
          'PipBuildFailure',
          [...weak.lines, compilerError, terminal.lines[0]],
          weak.subject ? { subject: weak.subject } : {},
        );
      }
      if (terminal.afterStall && ranPastBudget) {
        return failed('BuildTimeout', [terminal.afterStall.hit, ...terminal.lines, stepLine], {
          stalledIn: terminal.afterStall.phase,
        });
      }
      const lastErr = lastError && lastError.lineNo > after ? lastError : undefined;
      // 137 is SIGKILL from the OOM killer; 247 is what a killed conda/pip reports through docker build.
      const oom = terminal.exitCode === 137 || terminal.exitCode === 247;
      return failed(oom ? 'BuildOutOfMemory' : 'DockerStepFailure', [lastErr, ...terminal.lines], {
        ...(terminal.afterStall ? { stalledIn: terminal.afterStall.phase } : {}),
        ...(terminal.command ? { subject: evidence(source, terminal.command, 200).text } : {}),
      });
    }
    if (lastSuccess) return { ...base, outcome: 'succeeded', evidence: ev([lastSuccess]) };

    // The log just stops.
    if (stalledIn) {
      const stallHit = openStall?.hit ?? pipBacktracking;
      return {
        ...base,
        outcome: 'incomplete',
        detail: 'BuildTimeout',
        stalledIn,
        evidence: ev([stallHit, last, stepLine]),
        reason: `the log stops while ${STALL_WORDS[stalledIn]}, with no error and no success`,
      };
    }
    return {
      ...base,
      outcome: 'incomplete',
      evidence: ev([...ring.slice(-2), stepLine]),
      reason: 'the log stops with no error and no success',
    };
  };

  return { push, finish };
}

export const STALL_WORDS: Record<BuildStallPhase, string> = {
  'conda-solve': 'conda was solving the environment',
  'pip-install': 'conda was installing the pip dependencies',
  'pip-resolve': 'pip was backtracking through versions to resolve dependencies',
};
