/**
 * Line-level parsing of scoring-container logs. One log mixes several writers: runit service scripts
 * (`<ts> - gunicorn/run`, `<ts> | gunicorn/run | ...`), gunicorn itself (plain or `[ts] [pid] [LEVEL] msg`),
 * the old azureml-server logger (`<ts> | root | ERROR | msg`) and azmlinfsrv (`<UTC> <L> [<pid>] <logger> - <msg>`),
 * plus raw stdout (tracebacks, prints). Each line is tagged with what we can tell about it.
 */
import { stripAnsi } from '../../text/redact.js';

export type LogLevel = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL';

export type LogLineFormat = 'azmlinfsrv' | 'azureml-server' | 'gunicorn' | 'runit' | 'plain';

export interface LogLine {
  /** 0-based position in the log. */
  index: number;
  /** The line as written (ANSI codes stripped, no trailing newline). */
  raw: string;
  format: LogLineFormat;
  /** The message part, without timestamp/level/logger prefixes. */
  message: string;
  level?: LogLevel;
  logger?: string;
  pid?: number;
  /** The prefix's timestamp as written; read it as a Date with `lineTime` (parsed on demand, most lines never are). */
  timeText?: string;
}

const parsedTimes = new WeakMap<LogLine, Date | undefined>();

/** The line's timestamp (UTC unless the line says otherwise), parsed once on first use. */
export function lineTime(line: LogLine): Date | undefined {
  if (line.timeText === undefined) return undefined;
  if (!parsedTimes.has(line)) parsedTimes.set(line, parseLogTime(line.timeText));
  return parsedTimes.get(line);
}

const LEVEL_LETTER: Record<string, LogLevel> = {
  D: 'DEBUG',
  I: 'INFO',
  W: 'WARNING',
  E: 'ERROR',
  C: 'CRITICAL',
};

function levelOf(word: string): LogLevel | undefined {
  const w = word.toUpperCase();
  if (w === 'WARN') return 'WARNING';
  if (w === 'FATAL') return 'CRITICAL';
  return (['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'] as const).find((l) => l === w);
}

/** `2023-03-10 09:12:08,530` / `2020-11-19T23:58:11,811467402+00:00` / `2021-03-05 10:12:00 +0000` → Date. */
export function parseLogTime(text: string): Date | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:[,.](\d{1,9}))?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(
    text.trim(),
  );
  if (!m) return undefined;
  const frac = (m[3] ?? '0').padEnd(3, '0').slice(0, 3);
  let zone = m[4] ?? 'Z';
  if (/^[+-]\d{4}$/.test(zone)) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const d = new Date(`${m[1]}T${m[2]}.${frac}${zone}`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

// azmlinfsrv: `%(asctime)s %(levelname).1s [%(process)d] %(name)s - %(message)s`, asctime in UTC.
const AZMLINFSRV = /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3}) ([DIWEC]) \[(\d+)\] (\S+) - ?(.*)$/;
// Old azureml-server (aml_logger): `2020-11-19 23:58:11,811 | root | ERROR | msg`.
const AZUREML_SERVER = /^(\d{4}-\d{2}-\d{2}[ T][\d:,.]+)\s*\|\s*([\w.-]+)\s*\|\s*([A-Z]+)\s*\|\s?(.*)$/;
// gunicorn's default format: `[2021-03-05 10:12:00 +0000] [13] [CRITICAL] WORKER TIMEOUT (pid:45)`, also without the time.
const GUNICORN = /^(?:\[([^\]]+)\] )?\[(\d+)\] \[([A-Z]+)\] (.*)$/;
// runit: `2020-11-19T23:58:11,811467402+00:00 - gunicorn/finish 3 0` and `<ts> | gunicorn/run | text`.
const RUNIT_DASH = /^(\d{4}-\d{2}-\d{2}T[\d:,.]+(?:[+-]\d{2}:\d{2}|Z)) - (.*)$/;
const RUNIT_PIPE = /^(\d{4}-\d{2}-\d{2}T[\d:,.]+(?:[+-]\d{2}:\d{2}|Z)) \| ([\w-]+\/\w+) \|\s?(.*)$/;

/** Only the first character decides which prefixes are possible; most lines need one regex, not five. */
export function parseLogLine(rawLine: string, index: number): LogLine {
  const raw = (rawLine.includes('[') ? stripAnsi(rawLine) : rawLine).replace(/\r$/, '');
  const first = raw.charCodeAt(0);
  if (first === 91 /* [ */) {
    const m = GUNICORN.exec(raw);
    const level = m ? levelOf(m[3]!) : undefined;
    if (m && level) {
      return {
        index,
        raw,
        format: 'gunicorn',
        timeText: m[1],
        pid: Number(m[2]),
        level,
        logger: 'gunicorn.error',
        message: m[4] ?? '',
      };
    }
    return { index, raw, format: 'plain', message: raw };
  }
  if (first < 48 || first > 57 /* not a digit: no timestamp prefix */)
    return { index, raw, format: 'plain', message: raw };
  let m = AZMLINFSRV.exec(raw);
  if (m) {
    return {
      index,
      raw,
      format: 'azmlinfsrv',
      timeText: m[1],
      level: LEVEL_LETTER[m[2]!],
      pid: Number(m[3]),
      logger: m[4],
      message: m[5] ?? '',
    };
  }
  m = RUNIT_PIPE.exec(raw);
  if (m) return { index, raw, format: 'runit', timeText: m[1], logger: m[2], message: m[3] ?? '' };
  m = AZUREML_SERVER.exec(raw);
  const level = m ? levelOf(m[3]!) : undefined;
  if (m && level)
    return { index, raw, format: 'azureml-server', timeText: m[1], logger: m[2], level, message: m[4] ?? '' };
  m = RUNIT_DASH.exec(raw);
  if (m) return { index, raw, format: 'runit', timeText: m[1], message: m[2] ?? '' };
  // Other writers (azureml-fe, user prints) often lead with an RFC 3339 time; keep it for time-aware rules.
  const iso = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))\s/.exec(raw);
  return { index, raw, format: 'plain', message: raw, timeText: iso?.[1] };
}

/** Splits a whole log into parsed lines. A trailing newline does not produce an empty last line. */
export function parseLog(text: string): LogLine[] {
  const rawLines = text.split('\n');
  if (rawLines.length && rawLines[rawLines.length - 1] === '') rawLines.pop();
  return rawLines.map((l, i) => parseLogLine(l, i));
}

/**
 * Lines every healthy Azure ML scoring container prints and that look alarming out of context:
 * the IoT Edge helper exits on purpose, Spark is optional, the Flask-1 shim is a no-op.
 */
const BENIGN_NOISE: readonly RegExp[] = [
  /iot-server\/finish 1 0/,
  /Exit code 1 is normal\. Not restarting iot-server\./,
  /EdgeHubConnectionString and IOTEDGE_IOTHUBHOSTNAME are not set\. Exiting/,
  /SPARK_HOME not set\. Skipping PySpark Initialization\./,
  /AML_FLASK_ONE_COMPATIBILITY is set, but patching is not necessary\./,
];

export function isBenignNoise(line: LogLine): boolean {
  return BENIGN_NOISE.some((re) => re.test(line.raw));
}

/** Lines worth showing a person: not blank, not benign noise, not runit bookkeeping or banner rulers. */
export function isMeaningful(line: LogLine): boolean {
  const text = line.message.trim();
  if (!text || isBenignNoise(line)) return false;
  if (/^[\w-]+\/(run|finish)\b/.test(text) && !/finish [1-9]\d* /.test(text)) return false;
  if (/^[#=-]{5,}$/.test(text)) return false;
  return true;
}
