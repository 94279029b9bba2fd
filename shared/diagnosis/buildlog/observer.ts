/**
 * The line observer: fed one raw line at a time, it records what each line says (observations.ts) and keeps only
 * what can matter to the verdict (the first lines of each failure class, the failing step, the last success marker,
 * where the log stalled, the step's start and budget, the last few lines), so memory stays bounded however long
 * the log is. It decides nothing: decide.ts turns the observations into a classification.
 *
 * Some lines mean something only in context, which the observer tracks in a small `ReadingContext`: which part of
 * the build is running (an `unauthorized` while pulling the base image is a base-image failure, while pushing a
 * registry failure), the package pip was building, and two short windows after a header whose following lines
 * name the packages (conda's `- numpy=1.16.0` list, pip's "The conflict is caused by" lines).
 */
import { ALL_GATES, GATE, gateOpen, opensAnyGate } from './gates.js';
import { normaliseLine } from './normalise.js';
import {
  emptyObservations,
  type BuildLogObservations,
  type FailureCandidate,
  type LogHit,
} from './observations.js';
import * as P from './patterns.js';
import { gateAutomaton, gateMask } from './screen.js';
import type { BuildFailureDetail } from './types.js';

/** Lines quoted per failure class. */
const MAX_LINES_PER_CANDIDATE = 3;
/** Last non-empty lines kept, for a log that just stops. */
export const LAST_LINES = 5;
/** How many lines after a conda error header or a pip conflict may still name its packages. */
const LIST_WINDOW = 8;

/** Which part of the build is running: the same `unauthorized` means a different failure in each. */
type BuildPart = 'preamble' | 'login' | 'from' | 'build' | 'push';

interface ReadingContext {
  part: BuildPart;
  /** The package of the last `Collecting x` / `Building wheel for x`: what a pip build error is about. */
  lastBuilding?: string;
  /** Lines left in which `X depends on Y` names a side of a pip conflict. */
  conflictWindow: number;
  /** The conda error whose `- pkg` lines follow, with the lines left to find them and the packages so far. */
  packageList?: { candidate: FailureCandidate; linesLeft: number; packages: string[] };
}

export interface LineObserverOptions {
  /**
   * Find each line's gate literals first (gates.ts, screen.ts) and run only the patterns whose gate is open; a line
   * that opens none gets only the bookkeeping (line number, clock, last lines, stall reset). On by default; off only
   * to check that both ways agree.
   */
  prefilter?: boolean;
}

export interface BuildLogLineObserver {
  /**
   * One raw line (colour codes and timestamp prefix still on it; no line break). `gateBits`: the GATE bits of the
   * literals the caller found (byteReader.ts) in the line without its colour codes (removed as `stripAnsi` removes
   * them) and without NULs, of which the normalised text is a part.
   */
  push(rawLine: string, gateBits?: number): void;
  /**
   * What a skipped line that opens only the `pipBuilding` gate does to the observer: it names the package pip
   * builds. Returns whether it did. Only while `wantsEveryLine()` is false.
   */
  noteBuilding(rawLine: string): boolean;
  /** What the lines so far showed; the observer keeps going after it is read (a log being tailed). */
  readonly observations: Readonly<BuildLogObservations>;
  /**
   * Whether the next line matters even if it holds no trigger literal: inside conda's package list or pip's
   * conflict window, or while a stall is open (any line with text ends it). A reader that skips lines must feed
   * every line through `push` while this is true.
   */
  wantsEveryLine(): boolean;
  /**
   * Counts `n` lines the caller read past without pushing. Only for lines that open no gate (`opensAnyGate` in
   * gates.ts) while `wantsEveryLine()` is false: such a line changes nothing but the line count, the clock
   * (`noteTime`) and the last lines (`setLastLines`), which the caller reports itself.
   */
  skipLines(n: number): void;
  /** The time prefix of a skipped line (epoch ms), as `push` would have recorded it. */
  noteTime(at: number): void;
  /** The last non-empty lines, when the caller skipped some of them (oldest first, at most 5). */
  setLastLines(lines: readonly LogHit[]): void;
}

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

/** pip quotes requirements inside punctuation: `torch==1.9.0+cu111),`. */
function requirement(raw: string): string {
  return raw.replace(/[),;]+$/, '');
}

function addSpecific(
  o: BuildLogObservations,
  detail: BuildFailureDetail,
  hit: LogHit,
  subject?: string,
): FailureCandidate {
  let c = o.specific.get(detail);
  if (!c) {
    c = { detail, lines: [], subject };
    o.specific.set(detail, c);
  }
  if (!c.subject && subject) c.subject = subject;
  if (c.lines.length < MAX_LINES_PER_CANDIDATE && !c.lines.some((l) => l.text === hit.text))
    c.lines.push(hit);
  return c;
}

function addFailedStep(o: BuildLogObservations, hit: LogHit, exitCode?: number, command?: string): void {
  // The stall open now is the one the step died in; a later stall cannot have caused it.
  o.failedStep ??= { lines: [], afterStall: o.openStall };
  const step = o.failedStep;
  if (step.exitCode === undefined && exitCode !== undefined) step.exitCode = exitCode;
  if (!step.command && command) step.command = command;
  if (step.lines.length < 2) step.lines.push(hit);
}

/** Registry login, base image pull and push failures. True when the line was one. */
function registryOrBaseImage(o: BuildLogObservations, ctx: ReadingContext, t: string, hit: LogHit): boolean {
  if (P.ACR_AUTH_FAILURE.test(t)) {
    addSpecific(o, 'RegistryAuthFailure', hit, o.registry);
    return true;
  }
  let m = P.PULL_ACCESS_DENIED.exec(t) ?? P.SOURCE_METADATA.exec(t) ?? P.SOLVE_IMAGE_NOT_FOUND.exec(t);
  if (m) {
    addSpecific(o, 'BaseImagePullFailure', hit, imageName(m[1] ?? o.baseImage ?? ''));
    addFailedStep(o, hit);
    return true;
  }
  m = P.MANIFEST_NOT_FOUND.exec(t);
  if (m && ctx.part !== 'push') {
    addSpecific(o, 'BaseImagePullFailure', hit, m[1] ? imageName(m[1]) : o.baseImage);
    return true;
  }
  if (P.RATE_LIMITED.test(t) && ctx.part !== 'push') {
    addSpecific(o, 'BaseImagePullFailure', hit, o.baseImage);
    return true;
  }
  if (P.LOGIN_FAILED.test(t)) {
    addSpecific(o, 'RegistryAuthFailure', hit, P.REGISTRY_HOST.exec(t)?.[1] ?? o.registry);
    return true;
  }
  if (P.UNAUTHORIZED.test(t)) {
    const host = P.REGISTRY_HOST.exec(t)?.[1];
    // While pulling FROM, a refusal by any registry but the workspace's own is about the base image; during a RUN
    // step without a registry name it is some package feed, not ours (see the near miss private-feed-401-warning).
    if (ctx.part === 'from' && !(host && host === o.registry))
      addSpecific(o, 'BaseImagePullFailure', hit, o.baseImage);
    else if (ctx.part !== 'build' || host) addSpecific(o, 'RegistryAuthFailure', hit, host ?? o.registry);
    else return false;
    return true;
  }
  return false;
}

/** conda's solver errors. True when the line was one. */
function condaFailure(o: BuildLogObservations, ctx: ReadingContext, t: string, hit: LogHit): boolean {
  if (P.CONDA_SOLVE_FAILED.test(t)) {
    addSpecific(o, 'CondaResolveFailure', hit);
    return true;
  }
  if (P.CONDA_RESOLVE.test(t)) {
    // The packages follow as `  - numpy=1.16.0` lines.
    ctx.packageList = {
      candidate: addSpecific(o, 'CondaResolveFailure', hit),
      linesLeft: LIST_WINDOW,
      packages: [],
    };
    return true;
  }
  return false;
}

/** pip's resolve and build errors. True when the line was one. */
function pipFailure(o: BuildLogObservations, ctx: ReadingContext, t: string, hit: LogHit): boolean {
  let m = P.PIP_NO_DISTRIBUTION.exec(t) ?? P.PIP_NO_VERSION.exec(t);
  if (m) {
    addSpecific(o, 'PipPackageNotFound', hit, requirement(m[1] ?? ''));
    const v = P.PIP_FROM_VERSIONS.exec(t);
    if (v && o.availableVersions === undefined) o.availableVersions = v[1]?.trim();
    return true;
  }
  m = P.PIP_CONFLICT.exec(t);
  if (m) {
    // A conflict makes this a resolve failure only when no package was missing before it (see decide.ts).
    o.pipConflict = !o.specific.has('PipPackageNotFound') || o.pipConflict;
    ctx.conflictWindow = LIST_WINDOW;
    addSpecific(o, 'PipPackageNotFound', hit, m[1]?.replace(/^-r \S+ \(line \d+\) and /, ''));
    return true;
  }
  m = P.PIP_COULD_NOT_BUILD.exec(t) ?? P.PIP_STEP_ERROR.exec(t);
  if (m) {
    addSpecific(o, 'PipBuildFailure', hit, m[1] ?? m[2] ?? m[3] ?? ctx.lastBuilding);
    return true;
  }
  if (P.PIP_COMMAND_ERRORED.test(t) || P.PIP_SUBPROCESS_ERROR.test(t)) {
    addSpecific(o, 'PipBuildFailure', hit, ctx.lastBuilding);
    return true;
  }
  m = P.PIP_FAILED_WHEEL.exec(t);
  if (m) {
    // Weak: old pip falls back to `setup.py install` after this and often succeeds.
    o.weakPipBuild ??= { detail: 'PipBuildFailure', lines: [hit], subject: m[1] };
    return true;
  }
  return false;
}

/** The build step's failure lines. True when the line was one. */
function failedStepLine(o: BuildLogObservations, t: string, hit: LogHit): boolean {
  let m = P.DOCKER_COMMAND_FAILED.exec(t);
  if (m) {
    addFailedStep(o, hit, Number(m[2]), m[1]);
    return true;
  }
  m = P.BUILDKIT_PROCESS_FAILED.exec(t);
  if (m) {
    addFailedStep(o, hit, Number(m[2] ?? m[4]), m[1] ?? m[3]);
    return true;
  }
  m = P.NON_ZERO.exec(t);
  if (m) {
    addFailedStep(o, hit, Number(m[1] ?? m[2]));
    return true;
  }
  if (P.RUN_FAILED.test(t) || P.ACR_STEP_FAILED.test(t) || P.GENERIC_TERMINAL.test(t)) {
    if (P.ERROR_LINE.test(t) && !o.lastError) o.lastError = hit;
    addFailedStep(o, hit);
    return true;
  }
  return false;
}

/** Step, login and push markers: which part of the build runs, the base image, the registry, the step's budget. */
function buildStructure(
  o: BuildLogObservations,
  ctx: ReadingContext,
  t: string,
  hit: LogHit,
  mask: number,
): void {
  let m = mask & GATE.executingStep ? P.EXECUTING_STEP.exec(t) : null;
  if (m) {
    o.sawBuildMarker = true;
    o.timing.timeoutSeconds = Number(m[2]);
    if (hit.at !== undefined && o.timing.stepStartedAt === undefined) o.timing.stepStartedAt = hit.at;
    o.stepLine ??= hit;
    ctx.part = 'preamble';
    return;
  }
  m = mask & GATE.login ? P.LOGGING_IN.exec(t) : null;
  if (m) {
    o.sawBuildMarker = true;
    ctx.part = 'login';
    o.registry = m[1];
    return;
  }
  if (mask & GATE.login && P.LOGGED_IN.test(t)) {
    ctx.part = 'preamble';
    return;
  }
  m = mask & GATE.from ? (P.STEP_FROM.exec(t) ?? P.BUILDKIT_FROM.exec(t)) : null;
  if (m) {
    o.sawBuildMarker = true;
    ctx.part = 'from';
    o.baseImage = imageName(m[1] ?? m[2] ?? '');
    return;
  }
  if (mask & GATE.stepOther && P.STEP_OTHER.test(t)) {
    o.sawBuildMarker = true;
    ctx.part = 'build';
    return;
  }
  m = mask & GATE.pushing ? P.PUSHING.exec(t) : null;
  if (m) {
    o.sawBuildMarker = true;
    ctx.part = 'push';
    o.registry = P.REGISTRY_HOST.exec(m[1] ?? m[2] ?? m[3] ?? '')?.[1] ?? o.registry;
  }
}

/** `Collecting x`, `Building wheel for x`: the package a later pip build error is about. True when the line was one. */
function noteBuilding(ctx: ReadingContext, t: string): boolean {
  const building = P.PIP_BUILDING.exec(t);
  if (building) ctx.lastBuilding = building[1];
  return building !== null;
}

/** Inside conda's package list: a `- pkg` line names a package. True when the line was one. */
function packageListItem(ctx: ReadingContext, text: string, hit: LogHit): boolean {
  const list = ctx.packageList;
  if (!list) return false;
  const item = P.LIST_ITEM.exec(text);
  if (item) {
    const pkg = (item[1] ?? '').replace(/\s+->.*$/, '').trim();
    if (pkg && list.packages.length < 3) {
      list.packages.push(pkg);
      list.candidate.subject = list.packages.join(', ');
      if (list.candidate.lines.length < MAX_LINES_PER_CANDIDATE) list.candidate.lines.push(hit);
    }
    if (list.packages.length >= 3) ctx.packageList = undefined;
    return true;
  }
  if (--list.linesLeft <= 0) ctx.packageList = undefined;
  return false;
}

/** The gates of the patterns after the `INTERESTING` test, but ERROR_LINE (which is tried on either side of it). */
const AFTER_INTERESTING = ALL_GATES & ~GATE.pipBuilding & ~GATE.errorLine;
const TIMEOUT = GATE.timeoutWord | GATE.timeoutContext;

/**
 * What one normalised, non-empty line shows, given the context the earlier lines set. `mask` holds the GATE bits of
 * the literals in the line (or more): a pattern whose gate is closed cannot match, so it is not tried.
 */
function observeLine(
  o: BuildLogObservations,
  ctx: ReadingContext,
  t: string,
  hit: LogHit,
  mask: number,
): void {
  if (packageListItem(ctx, t, hit)) return;
  if (mask & GATE.pipBuilding) noteBuilding(ctx, t);

  if (ctx.conflictWindow > 0) {
    ctx.conflictWindow--;
    if (P.PIP_CONFLICT_CAUSE.test(t)) {
      addSpecific(o, 'PipPackageNotFound', hit);
      return;
    }
  }
  if (!opensAnyGate(mask & AFTER_INTERESTING)) {
    // Nothing past the INTERESTING test can match: either way the stall ends, and an error line is the last error
    // unless it is pip's resolver warning on a line that passes INTERESTING (which only the long way checks).
    o.openStall = undefined;
    if (mask & GATE.errorLine && P.ERROR_LINE.test(t) && !(P.ERROR_NOISE.test(t) && P.INTERESTING.test(t)))
      o.lastError = hit;
    return;
  }
  if (!P.INTERESTING.test(t)) {
    o.openStall = undefined;
    // apt's `E: Unable to locate package x` says nothing the prefilter knows, but is the step's real error.
    if (mask & GATE.errorLine && P.ERROR_LINE.test(t)) o.lastError = hit;
    return;
  }
  buildStructure(o, ctx, t, hit, mask);

  const run = mask & GATE.runId ? P.RUN_FAILED.exec(t) : null;
  if (run) o.timing.runSeconds = goDurationSeconds(run[1] ?? '');
  if (gateOpen(mask, TIMEOUT) && P.TIMEOUT.test(t) && !P.TIMEOUT_NOISE.test(t)) {
    o.sawBuildMarker = true;
    o.explicitTimeout ??= hit;
    addFailedStep(o, hit);
    return;
  }
  if (mask & (GATE.success | GATE.runId) && P.SUCCESS.test(t)) {
    o.sawBuildMarker = true;
    o.lastSuccess = hit;
    // A success marker ends what failed before it: a retried step, a fallback that worked.
    o.failedStep = undefined;
    o.openStall = undefined;
    return;
  }
  const stall = mask & GATE.condaWorking ? P.CONDA_WORKING.exec(t) : null;
  if (stall) {
    o.sawBuildMarker = true;
    o.openStall = { hit, phase: stall[1] === 'Solving environment' ? 'conda-solve' : 'pip-install' };
    return;
  }
  if (mask & GATE.backtracking && P.PIP_BACKTRACKING.test(t)) {
    o.pipBacktracking = hit;
    o.openStall = { hit, phase: 'pip-resolve' };
    return;
  }
  if (
    (mask & GATE.registry && registryOrBaseImage(o, ctx, t, hit)) ||
    (mask & GATE.conda && condaFailure(o, ctx, t, hit)) ||
    (mask & GATE.pip && pipFailure(o, ctx, t, hit))
  ) {
    o.sawBuildMarker = true;
    o.openStall = undefined;
    return;
  }
  if (mask & (GATE.failedStep | GATE.runId) && failedStepLine(o, t, hit)) {
    o.sawBuildMarker = true;
    return;
  }
  o.openStall = undefined;
  if (mask & GATE.compiler && P.COMPILER_ERROR.test(t)) o.compilerError ??= hit;
  if (mask & GATE.errorLine && P.ERROR_LINE.test(t) && !P.ERROR_NOISE.test(t)) o.lastError = hit;
}

export function createLineObserver(opts: LineObserverOptions = {}): BuildLogLineObserver {
  const prefilter = opts.prefilter ?? true;
  const automaton = gateAutomaton();
  const o = emptyObservations();
  const ctx: ReadingContext = { part: 'preamble', conflictWindow: 0 };

  const push = (rawLine: string, gateBits?: number): void => {
    o.linesRead++;
    const { text, at } = normaliseLine(rawLine);
    if (at !== undefined) {
      o.timing.firstAt ??= at;
      o.timing.lastAt = at;
    }
    if (!text) return;
    o.sawText = true;
    const hit: LogHit = { lineNo: o.linesRead, text, at };
    o.lastLines.push(hit);
    if (o.lastLines.length > LAST_LINES) o.lastLines.shift();

    const mask = prefilter ? (gateBits ?? gateMask(automaton, text)) : ALL_GATES;
    // No open window wants every line, and the line opens no gate: `observeLine` would only end the stall.
    if (ctx.packageList === undefined && ctx.conflictWindow === 0 && !opensAnyGate(mask)) {
      o.openStall = undefined;
      return;
    }
    observeLine(o, ctx, text, hit, mask);
  };

  return {
    push,
    observations: o,
    wantsEveryLine: () =>
      ctx.packageList !== undefined || ctx.conflictWindow > 0 || o.openStall !== undefined || !prefilter,
    noteBuilding: (rawLine) => noteBuilding(ctx, normaliseLine(rawLine).text),
    skipLines(n: number): void {
      o.linesRead += n;
    },
    noteTime(at: number): void {
      o.timing.firstAt ??= at;
      o.timing.lastAt = at;
    },
    setLastLines(lines: readonly LogHit[]): void {
      o.lastLines = lines.slice(-LAST_LINES);
      if (lines.length > 0) o.sawText = true;
    },
  };
}
