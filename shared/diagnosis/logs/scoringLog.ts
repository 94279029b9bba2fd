/**
 * Reads one scoring-container log (v1 azureml-server or v2 azmlinfsrv) into the facts the init/runtime rules need:
 * did init() start, finish, fail; which traceback stopped the server (classified); worker timeouts and kills.
 */
import type { ClassifiedFailure } from './initFailureClass.js';
import { classifyTraceback } from './initFailureClass.js';
import type { LogLine } from './lines.js';
import { isMeaningful, parseLog } from './lines.js';
import type { TracebackChain } from './traceback.js';
import { findTracebacks } from './traceback.js';

export interface FatalInitError {
  failure: ClassifiedFailure;
  chain?: TracebackChain;
  /**
   * True when the server itself said init/boot failed (`User's init function failed`, `Worker failed to boot`,
   * `Exit code 3 is not normal`, `No score script found`); false when only an unhandled traceback ends the log.
   */
  confirmed: boolean;
}

export interface WorkerKill {
  line: LogLine;
  pid?: number;
  signal?: string;
  /** gunicorn killed it after `WORKER TIMEOUT` for the same pid; otherwise something else (usually the OOM killer). */
  afterTimeout: boolean;
}

export interface ScoringLogAnalysis {
  lines: LogLine[];
  /** The last `Invoking user's init function`. */
  initStarted?: LogLine;
  /** `Users's init has completed successfully` [sic] after the last start. */
  initCompleted?: LogLine;
  /** The server's own failure line: init failed, worker failed to boot, exit code 3, no score script. */
  failureMarker?: LogLine;
  fatal?: FatalInitError;
  /** gunicorn timeouts while serving (after init completed): a run() call took too long. */
  workerTimeouts: LogLine[];
  /** gunicorn timeouts while a worker was still inside init(): start-up is slower than the worker timeout. */
  bootTimeouts: LogLine[];
  /** The worker timeout in seconds, as the server printed it (`worker timeout is set to 300`, `Worker Timeout (seconds): 300`). */
  workerTimeoutSeconds?: number;
  workerKills: WorkerKill[];
  /** azureml-fe: `Too many requests for service <name> (overloaded)`. */
  overloaded: LogLine[];
}

const INIT_STARTED = /Invoking user's init function/;
const INIT_COMPLETED = /Users?'s init has completed successfully/;
const INIT_FAILED = /User's init function failed/;
const BOOT_FAILED =
  /Reason: Worker failed to boot|Exit code 3 is not normal|Worker \(pid:\d+\) exited with code 3|gunicorn\/finish 3 /;
const ENTRY_SCRIPT_MISSING = /No score script found\. Expected score script|Expected score script main\.py/;
const WORKER_PROCESS_EXCEPTION = /Exception in worker process/;
const WORKER_TIMEOUT = /WORKER TIMEOUT \(pid:(\d+)\)|worker timed out, killing gunicorn/i;
const TIMEOUT_SETTING = /worker timeout is set to (\d+)|Worker Timeout \(seconds\): (\d+)/i;
const WORKER_KILLED = [
  /Worker with pid (\d+) was terminated due to signal (\d+)/,
  /Worker \(pid:(\d+)\) was sent (SIG[A-Z]+)/,
];
const OVERLOADED = /Too many requests for service \S+ \(overloaded\)/;

/** The lines that can be markers at all, found with substring checks (a long log has a handful). */
function markerCandidates(lines: readonly LogLine[]): LogLine[] {
  return lines.filter(
    ({ message: m }) =>
      m.includes('init') ||
      m.includes('Worker') ||
      m.includes('Exit code') ||
      m.includes('finish 3') ||
      m.includes('score script') ||
      m.includes('Exception in worker'),
  );
}

/** The last of `lines` (ordered by index) at log position `from` or later that matches. */
function lastIndexWhere(lines: readonly LogLine[], re: RegExp, from = 0): LogLine | undefined {
  for (let i = lines.length - 1; i >= 0 && lines[i]!.index >= from; i--)
    if (re.test(lines[i]!.message)) return lines[i];
  return undefined;
}

function firstIndexWhere(lines: readonly LogLine[], re: RegExp, from = 0): LogLine | undefined {
  for (const line of lines) if (line.index >= from && re.test(line.message)) return line;
  return undefined;
}

/** A failure named by a server message alone (no traceback), e.g. the entry script is missing. */
function markerOnlyFailure(marker: LogLine): ClassifiedFailure {
  const kind = ENTRY_SCRIPT_MISSING.test(marker.message) ? 'EntryScriptNotFound' : 'InitException';
  return {
    kind,
    exception: { type: '', message: marker.message.trim(), text: marker.message.trim(), index: marker.index },
  };
}

function findFatal(
  lines: readonly LogLine[],
  markers: readonly LogLine[],
  chains: readonly TracebackChain[],
  completed?: LogLine,
): FatalInitError | undefined {
  const after = completed?.index ?? -1;
  // A failure marker only counts for the instance's last init attempt (after any earlier successful init).
  const marker =
    firstIndexWhere(markers, ENTRY_SCRIPT_MISSING, after + 1) ??
    firstIndexWhere(markers, INIT_FAILED, after + 1) ??
    firstIndexWhere(markers, WORKER_PROCESS_EXCEPTION, after + 1) ??
    firstIndexWhere(markers, BOOT_FAILED, after + 1);
  // Once init has completed, later tracebacks come from run() (requests), not from start-up; only a server failure
  // line after the completion (a re-booted worker failing) brings start-up back into question.
  if (completed && !marker) return undefined;
  const bootFailed = firstIndexWhere(markers, BOOT_FAILED, after + 1);
  // Handled problems logged at WARNING/INFO (`logger.warning(..., exc_info=True)`) did not stop anything.
  const candidates = chains.filter(
    (c) => c.startIndex > after && c.level !== 'WARNING' && c.level !== 'INFO' && c.level !== 'DEBUG',
  );
  let chosen: TracebackChain | undefined;
  if (marker) {
    // The traceback the marker introduces (old server: marker, then `Encountered Exception Traceback ...`), else the
    // last one before the boot failure (gunicorn prints the traceback first, then `Worker failed to boot`).
    chosen =
      candidates.find((c) => c.startIndex >= marker.index && c.startIndex <= marker.index + 3) ??
      [...candidates].reverse().find((c) => c.startIndex < (bootFailed?.index ?? lines.length));
  } else {
    chosen = candidates[candidates.length - 1];
  }
  const failure = chosen ? classifyTraceback(chosen) : undefined;
  if (failure) return { failure, chain: chosen, confirmed: Boolean(marker) };
  if (marker && (ENTRY_SCRIPT_MISSING.test(marker.message) || INIT_FAILED.test(marker.message))) {
    return { failure: markerOnlyFailure(marker), confirmed: true };
  }
  return undefined;
}

export function analyzeScoringLog(text: string): ScoringLogAnalysis {
  const lines = parseLog(text);
  const chains = findTracebacks(lines);
  const markers = markerCandidates(lines);
  const initStarted = lastIndexWhere(markers, INIT_STARTED);
  const initCompleted = lastIndexWhere(markers, INIT_COMPLETED, initStarted?.index ?? 0);
  const lastCompleted = lastIndexWhere(markers, INIT_COMPLETED);
  const fatal = findFatal(lines, markers, chains, lastCompleted);
  const failureMarker =
    firstIndexWhere(markers, ENTRY_SCRIPT_MISSING, (lastCompleted?.index ?? -1) + 1) ??
    firstIndexWhere(markers, INIT_FAILED, (lastCompleted?.index ?? -1) + 1) ??
    firstIndexWhere(markers, BOOT_FAILED, (lastCompleted?.index ?? -1) + 1);

  const workerTimeouts: LogLine[] = [];
  const bootTimeouts: LogLine[] = [];
  const workerKills: WorkerKill[] = [];
  const overloaded: LogLine[] = [];
  const timedOutPids = new Set<number>();
  let workerTimeoutSeconds: number | undefined;
  let inInit = false;
  let lastTimeoutIndex = -10;
  for (const line of lines) {
    const msg = line.message;
    // Cheap substring checks first: these regexes only matter on a handful of lines in a long log.
    if (msg.includes('init')) {
      if (INIT_STARTED.test(msg)) inInit = true;
      else if (INIT_COMPLETED.test(msg)) inInit = false;
    }
    if (msg.includes('imeout') && workerTimeoutSeconds === undefined) {
      const setting = TIMEOUT_SETTING.exec(msg);
      if (setting) workerTimeoutSeconds = Number(setting[1] ?? setting[2]);
    }
    if (msg.includes('TIMEOUT') || msg.includes('timed out')) {
      const t = WORKER_TIMEOUT.exec(msg);
      if (t) {
        // Old images print both `WORKER TIMEOUT (pid:N)` and `worker timed out, killing gunicorn` for one event.
        if (t[1] || line.index - lastTimeoutIndex > 2) (inInit ? bootTimeouts : workerTimeouts).push(line);
        if (t[1]) timedOutPids.add(Number(t[1]));
        lastTimeoutIndex = line.index;
        continue;
      }
    }
    if (msg.includes('Worker')) {
      for (const re of WORKER_KILLED) {
        const k = re.exec(msg);
        if (!k) continue;
        const pid = Number(k[1]);
        const signal = /^\d+$/.test(k[2]!) ? `signal ${k[2]}` : k[2];
        workerKills.push({ line, pid, signal, afterTimeout: timedOutPids.has(pid) });
        break;
      }
    }
    if (msg.includes('(overloaded)') && OVERLOADED.test(msg)) overloaded.push(line);
  }
  return {
    lines,
    initStarted,
    initCompleted,
    failureMarker,
    fatal,
    workerTimeouts,
    bootTimeouts,
    workerTimeoutSeconds,
    workerKills,
    overloaded,
  };
}

/** The last `n` lines a person would want to read (noise, blanks and runit bookkeeping dropped). */
export function meaningfulTail(analysis: ScoringLogAnalysis, n = 10): LogLine[] {
  const out: LogLine[] = [];
  for (let i = analysis.lines.length - 1; i >= 0 && out.length < n; i--) {
    const line = analysis.lines[i]!;
    if (isMeaningful(line)) out.unshift(line);
  }
  return out;
}

/** The last meaningful line: what the process was doing when it stopped. */
export function lastMeaningfulLine(analysis: ScoringLogAnalysis): LogLine | undefined {
  return meaningfulTail(analysis, 1)[0];
}
