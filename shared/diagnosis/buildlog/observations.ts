/**
 * What the line observer (observer.ts) records while a build log streams past, and the only input of the decision
 * (decide.ts). Pure data: each field is a fact about the lines seen so far, never a verdict, so the decision can be
 * tested on hand-built observations and the observer on lines without deciding anything.
 */
import type { BuildFailureDetail, BuildStallPhase } from './types.js';

/** A line the verdict may quote: its 1-based number, its normalised text, and the time its prefix states (epoch ms). */
export interface LogHit {
  lineNo: number;
  text: string;
  at?: number;
}

/** The lines seen for one failure class; where its first line stands decides which class came first. */
export interface FailureCandidate {
  detail: BuildFailureDetail;
  lines: LogHit[];
  /** The package or image the lines name (`torch==1.9.0+cu111`, `mcr.microsoft.com/azureml/base`). */
  subject?: string;
}

/** Where the log stood still: `Solving environment: ...working...` and the like, the timeout signature. */
export interface Stall {
  hit: LogHit;
  phase: BuildStallPhase;
}

/** The build step's own failure lines (`The command '...' returned a non-zero code: 1`, `failed to run step ID`). */
export interface FailedStep {
  lines: LogHit[];
  exitCode?: number;
  command?: string;
  /** The stall that was open when the step failed (the step died waiting in a solve or pip install). */
  afterStall?: Stall;
}

/** Times the log states, in epoch milliseconds (the decision turns them into RFC 3339). */
export interface ObservedTiming {
  firstAt?: number;
  lastAt?: number;
  /** When the `Executing step ID: ... Timeout(sec): N` line was printed, and N. */
  stepStartedAt?: number;
  timeoutSeconds?: number;
  /** `Run ID: cj2 failed after 3m33s`. */
  runSeconds?: number;
}

export interface BuildLogObservations {
  linesRead: number;
  /** Any line with text once normalised (a log of blank lines and bare timestamps is empty). */
  sawText: boolean;
  /** Any Dockerfile step, ACR Task, conda or pip line: without one the text is probably no build log. */
  sawBuildMarker: boolean;
  baseImage?: string;
  registry?: string;
  timing: ObservedTiming;
  /** The first `Executing step ID:` line, quoted with a timeout as the budget that ran out. */
  stepLine?: LogHit;
  /** Lines that name one failure class each (conda resolve, pip not found / build, base image, registry auth). */
  specific: Map<BuildFailureDetail, FailureCandidate>;
  /** `Failed building wheel for x`: old pip falls back to `setup.py install` after it and often succeeds. */
  weakPipBuild?: FailureCandidate;
  /** `context deadline exceeded`, a step that timed out. */
  explicitTimeout?: LogHit;
  failedStep?: FailedStep;
  /** The last success marker (`Successfully tagged`, a pushed digest); failures before it were recovered from. */
  lastSuccess?: LogHit;
  /** The last error-looking line (`ERROR:`, `E: `, `SomethingError:`), quoted under a generic step failure. */
  lastError?: LogHit;
  /** The first compiler line that says what a pip build lacked (`fatal error: Python.h: No such file`). */
  compilerError?: LogHit;
  /** The stall the log is in now: cleared by the next ordinary line. */
  openStall?: Stall;
  /** pip printed that it is backtracking through versions (a stall even when more lines follow). */
  pipBacktracking?: LogHit;
  /** pip's `(from versions: ...)` of the first "not found" line. */
  availableVersions?: string;
  /** pip reported conflicting dependencies before (or without) a missing package. */
  pipConflict: boolean;
  /** The last few non-empty lines, oldest first. */
  lastLines: LogHit[];
}

export function emptyObservations(): BuildLogObservations {
  return {
    linesRead: 0,
    sawText: false,
    sawBuildMarker: false,
    timing: {},
    specific: new Map(),
    pipConflict: false,
    lastLines: [],
  };
}
