/**
 * Python tracebacks inside a container log. A traceback is a header (`Traceback (most recent call last):`, often at
 * the end of a logger message such as `Encountered Exception Traceback (most recent call last):`), frames
 * (`  File "...", line N, in f` plus an indented code line), then the exception line (`ModuleNotFoundError: ...`).
 * Chained tracebacks (`The above exception was the direct cause ...`) are kept together: the cause is usually the
 * first part (the server wraps user errors in its own `UserScriptException`).
 */
import type { LogLevel, LogLine } from './lines.js';

export interface PyFrame {
  file: string;
  lineNo: number;
  /** Absent for SyntaxError frames, which name no function. */
  func?: string;
  code?: string;
  /** The frame line as written, trimmed: `File "/var/azureml-app/score.py", line 12, in init`. */
  text: string;
  index: number;
}

export interface PyException {
  /** Fully qualified as printed, e.g. `ModuleNotFoundError`, `azureml.exceptions._azureml_exception.ModelNotFoundException`. */
  type: string;
  /** The part after `Type: `; for multi-line AzureML exceptions the `Message:` line. */
  message: string;
  /** The decisive line to quote, e.g. `ModuleNotFoundError: No module named 'sklearn'`. */
  text: string;
  index: number;
}

export interface PyTraceback {
  headerIndex: number;
  frames: PyFrame[];
  exception?: PyException;
  endIndex: number;
}

export interface TracebackChain {
  /** Oldest first: `parts[0]` is the original exception, the last part what finally propagated. */
  parts: PyTraceback[];
  startIndex: number;
  endIndex: number;
  /** Log level of the line that introduced the traceback, when the log format has one. */
  level?: LogLevel;
}

const HEADER = /Traceback \(most recent call last\):\s*$/;
const FRAME = /^\s*File "([^"]+)", line (\d+)(?:, in (.+))?\s*$/;
const EXCEPTION = /^((?:[A-Za-z_]\w*\.)*([A-Za-z_]\w*))(?::(?:\s(.*))?)?$/;
// onnxruntime raises `NoSuchFile` and `InvalidProtobuf` from its pybind11 state module: exceptions too.
const EXCEPTION_NAME =
  /(Error|Exception|Exit|Interrupt|Warning|Failure|Timeout|Iteration|Fault|NotFound|NoSuchFile|InvalidProtobuf)$/;
const CHAIN_MARKER =
  /^(During handling of the above exception, another exception occurred:|The above exception was the direct cause of the following exception:)\s*$/;

function parseException(lines: readonly LogLine[], j: number): { exception?: PyException; next: number } {
  const line = lines[j];
  if (!line || /^\s/.test(line.raw)) return { next: j };
  const text = line.raw.trim();
  const m = EXCEPTION.exec(text);
  if (!m || !EXCEPTION_NAME.test(m[2]!)) return { next: j };
  let message = (m[3] ?? '').trim();
  let next = j + 1;
  // AzureML SDK exceptions print `Type: Type:` then `\tMessage: ...`, `\tInnerException ...`, an ErrorResponse JSON.
  while (next < lines.length && next - j <= 12) {
    const cont = lines[next]!.raw;
    if (!/^(\s+\S|[{}]|\s*"|ErrorResponse)/.test(cont)) break;
    const msg = /^\s*Message:\s*(.*)$/.exec(cont);
    if (msg && (!message || message.replace(/:$/, '') === m[2])) message = msg[1]!.trim();
    next++;
  }
  const decisive = message && message !== (m[3] ?? '').trim() ? `${m[1]}: ${message}` : text;
  return { exception: { type: m[1]!, message, text: decisive, index: j }, next };
}

function parseOne(lines: readonly LogLine[], headerIndex: number): PyTraceback {
  const frames: PyFrame[] = [];
  let j = headerIndex + 1;
  while (j < lines.length) {
    const raw = lines[j]!.raw;
    const fm = FRAME.exec(raw);
    if (fm) {
      frames.push({ file: fm[1]!, lineNo: Number(fm[2]), func: fm[3]?.trim(), text: raw.trim(), index: j });
      j++;
      continue;
    }
    if (/^\s+\S/.test(raw)) {
      const last = frames[frames.length - 1];
      if (last && last.code === undefined) last.code = raw.trim();
      j++;
      continue;
    }
    break;
  }
  const { exception, next } = parseException(lines, j);
  return { headerIndex, frames, exception, endIndex: Math.max(headerIndex, next - 1) };
}

function levelAround(lines: readonly LogLine[], headerIndex: number): LogLevel | undefined {
  const header = lines[headerIndex]!;
  if (header.level) return header.level;
  // A bare `Traceback` line right after a structured line belongs to it (gunicorn's `Exception in worker process`,
  // `logger.warning(..., exc_info=True)`).
  // An INFO/DEBUG line before an uncaught traceback is just the last thing logged, not its introduction.
  const prev = lines[headerIndex - 1]?.level;
  return prev === 'WARNING' || prev === 'ERROR' || prev === 'CRITICAL' ? prev : undefined;
}

/** All traceback chains in a log, in order. */
export function findTracebacks(lines: readonly LogLine[]): TracebackChain[] {
  const chains: TracebackChain[] = [];
  let i = 0;
  while (i < lines.length) {
    const message = lines[i]!.message;
    if (!message.includes('Traceback') || !HEADER.test(message)) {
      i++;
      continue;
    }
    const parts = [parseOne(lines, i)];
    let end = parts[0]!.endIndex;
    for (;;) {
      let k = end + 1;
      while (k < lines.length && !lines[k]!.raw.trim()) k++;
      if (k >= lines.length || !CHAIN_MARKER.test(lines[k]!.raw.trim())) break;
      k++;
      while (k < lines.length && !lines[k]!.raw.trim()) k++;
      if (k >= lines.length || !HEADER.test(lines[k]!.message)) break;
      const part = parseOne(lines, k);
      parts.push(part);
      end = part.endIndex;
    }
    chains.push({ parts, startIndex: i, endIndex: end, level: levelAround(lines, i) });
    i = end + 1;
  }
  return chains;
}

/** Files that belong to the scoring server, Python or site-packages, not to the user's code. */
export function isLibraryFrame(frame: PyFrame): boolean {
  return (
    /\/(site|dist)-packages\//.test(frame.file) ||
    frame.file.startsWith('/var/azureml-server/') ||
    /\/lib\/python\d(\.\d+)?\//.test(frame.file) ||
    frame.file.startsWith('<')
  );
}

/** The innermost frame in the user's code (the line to quote next to the exception), if any. */
export function userFrame(chain: TracebackChain): PyFrame | undefined {
  for (let p = 0; p < chain.parts.length; p++) {
    const frames = chain.parts[p]!.frames;
    for (let f = frames.length - 1; f >= 0; f--) if (!isLibraryFrame(frames[f]!)) return frames[f];
  }
  return undefined;
}
