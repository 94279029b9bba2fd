/**
 * The fast path for a build log streamed as bytes: the screen's automaton (screen.ts) runs over the raw bytes, and
 * only lines it stops in are decoded and pushed to the line observer. The lines in between (most of a long log:
 * download progress, pip's "Requirement already satisfied") are counted by their line breaks and never become
 * strings. What the observer would have taken from them is reported directly: their number (`skipLines`), the time
 * of the last one with a timestamp (`noteTime`) and, once per chunk, the last non-empty lines (`setLastLines`).
 *
 * Lines are cut exactly as the line splitter (lines.ts) cuts them: LF, CRLF and a lone CR end a line, also across
 * chunk boundaries; a line keeps its first `MAX_LINE_CHARS` UTF-16 units; NUL bytes are dropped; a leading BOM is
 * dropped. The binary sniff is the splitter's. test/diagnosis/buildlog/byteReader.test.ts checks that both paths
 * classify every committed log identically, in many chunk sizes.
 */
import { decideBuildLog } from './decide.js';
import { BinarySniffer, MAX_LINE_CHARS } from './lines.js';
import { normaliseLine } from './normalise.js';
import type { LogHit } from './observations.js';
import { LAST_LINES, createLineObserver } from './observer.js';
import { ACCEPT, buildLogScreen, type Screen } from './screen.js';
import type { BuildLogClassification } from './types.js';

/** A line break byte in the byte table (the screen's own table never sees one: its lines come split). */
const LINE_BREAK = 0xfffe;
const LF = 10;
const CR = 13;
/**
 * Bytes of a line worth decoding: UTF-8 needs at most 3 bytes per UTF-16 unit, so this many bytes always hold more
 * than `MAX_LINE_CHARS` units, and the rest of a longer line is never looked at.
 */
const MAX_LINE_BYTES = 3 * MAX_LINE_CHARS + 16;

let byteTable: Uint16Array | undefined;

/**
 * The screen's table widened to 256 byte columns: bytes ≥ 0x80 (UTF-8 sequences) read as the screen's "other"
 * class; LF and CR stop the scan as line breaks; NUL stops it too (a line with NUL takes the exact path, since
 * dropping the NUL may join a timestamp to the line start).
 */
function bytesTableOf(screen: Screen): Uint16Array {
  const classes = screen.table.length / screen.states;
  const t = new Uint16Array(screen.states * 256);
  for (let s = 0; s < screen.states; s++) {
    for (let b = 0; b < 256; b++) {
      t[s * 256 + b] = screen.table[s * classes + Math.min(b, classes - 1)] as number;
    }
    t[s * 256 + LF] = LINE_BREAK;
    t[s * 256 + CR] = LINE_BREAK;
    t[s * 256] = ACCEPT;
  }
  return t;
}

export interface ByteLogReader {
  /** Feeds a chunk; returns false once the input was found to be binary (stop feeding). */
  write(chunk: Uint8Array): boolean;
  end(): BuildLogClassification;
}

export function createByteLogReader(source: string): ByteLogReader {
  const table = (byteTable ??= bytesTableOf(buildLogScreen()));
  const observer = createLineObserver();
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  // The binary sniff, the line splitter's own; it decodes the start of the log on its own (lines here are decoded
  // only where the screen stops).
  const sniffer = new BinarySniffer();
  const sniffDecoder = new TextDecoder('utf-8', { fatal: false });
  let bytesRead = 0;
  let longLines = 0;
  /** The start of a line that continues in the next chunk (at most `MAX_LINE_BYTES` of it). */
  let carry = Buffer.alloc(0);
  /** The carried line is longer than `MAX_LINE_BYTES`: its rest is skipped up to its line break. */
  let carryOverflow = false;
  /** The last chunk ended with CR: an LF starting the next one belongs to the same line break. */
  let pendingCR = false;
  /** The last non-empty lines up to the end of the last complete line read. */
  let lastLines: LogHit[] = [];

  const sniff = (chunk: Uint8Array): void => {
    sniffer.bytes(chunk);
    if (sniffer.wantsText) sniffer.decoded(sniffDecoder.decode(chunk, { stream: true }));
  };

  /**
   * A line's text as the line splitter gives it: without the file's BOM, clipped to `MAX_LINE_CHARS` units (`long`
   * when that cut something), without NULs.
   */
  const lineText = (
    buf: Uint8Array,
    start: number,
    end: number,
    firstLine: boolean,
  ): { text: string; long: boolean } => {
    let text = decoder.decode(buf.subarray(start, Math.min(end, start + MAX_LINE_BYTES)));
    if (firstLine && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const long = text.length > MAX_LINE_CHARS;
    if (long) text = text.slice(0, MAX_LINE_CHARS);
    return { text: text.includes('\u0000') ? text.replaceAll('\u0000', '') : text, long };
  };

  /** Pushes one line (its number is one past the observer's count); counts it when it is too long. */
  const pushLine = (buf: Uint8Array, start: number, end: number): void => {
    const { text, long } = lineText(buf, start, end, observer.observations.linesRead === 0);
    if (long) longLines++;
    observer.push(text);
  };

  /**
   * Reports the time of the last skipped line with a timestamp prefix in [from, to); `last` is the last line there
   * that starts with a digit (only those can carry one: colour codes and NULs send a line through `push`).
   */
  const noteTimesIn = (buf: Buffer, breaks: LineBreaks, from: number, last: number, to: number): void => {
    const timeOf = (start: number): number | undefined =>
      normaliseLine(lineText(buf, start, breaks.next(start, to), false).text).at;
    const at = timeOf(last);
    if (at !== undefined) {
      observer.noteTime(at);
      return;
    }
    // The last digit-led line was no timestamp (`3 packages ...`): an earlier one may be. Rare; read them all.
    let found: number | undefined;
    for (let i = from; i < to; i = afterBreak(buf, breaks.next(i, to), to)) {
      const c = buf[i] as number;
      if (c >= 48 && c <= 57) found = timeOf(i) ?? found;
    }
    if (found !== undefined) observer.noteTime(found);
  };

  /**
   * The last non-empty lines of [0, to), walking back from `to` (just past a line break), numbered back from
   * `lastLineNo`.
   */
  const lastLinesIn = (buf: Buffer, breaks: LineBreaks, to: number, lastLineNo: number): LogHit[] => {
    const found: LogHit[] = [];
    let end = to;
    let lineNo = lastLineNo;
    while (found.length < LAST_LINES && end > 0) {
      // Step back over the break that ends this line (CRLF is one break).
      let brk = end - 1;
      if (buf[brk] === LF && brk > 0 && buf[brk - 1] === CR) brk--;
      const start = breaks.previous(brk) + 1;
      const { text, at } = normaliseLine(lineText(buf, start, brk, lineNo === 1).text);
      if (text) found.unshift({ lineNo, text, at });
      lineNo--;
      end = start;
    }
    return found;
  };

  const rememberLastLines = (found: LogHit[]): void => {
    if (found.length > 0) lastLines = [...lastLines, ...found].slice(-LAST_LINES);
  };

  /**
   * Reads the complete lines of `buf`; returns where its incomplete last line starts (`buf.length` when none).
   * Lines the automaton passes through are only counted; a line it stops in is pushed.
   */
  const readLines = (buf: Buffer, breaks: LineBreaks): number => {
    const n = buf.length;
    let p = 0;
    let lineStart = 0;
    // The run of skipped lines since the last pushed one: where it starts, how many, its last digit-led line.
    let runStart = 0;
    let skipped = 0;
    let lastDigitLine = -1;
    const flushRun = (runEnd: number): void => {
      if (skipped > 0) observer.skipLines(skipped);
      if (lastDigitLine >= 0) noteTimesIn(buf, breaks, runStart, lastDigitLine, runEnd);
      skipped = 0;
      lastDigitLine = -1;
    };
    /** Pushes the line [lineStart, e) and moves past its break. */
    const pushAt = (e: number): void => {
      flushRun(lineStart);
      pushLine(buf, lineStart, e);
      p = afterBreak(buf, e, n);
      if (e === n - 1 && buf[e] === CR) pendingCR = true;
      lineStart = runStart = p;
    };
    while (p < n) {
      if (observer.wantsEveryLine()) {
        // Inside a window or a stall every line counts: push them one by one.
        const e = breaks.next(lineStart, n);
        if (e === n) break;
        pushAt(e);
        continue;
      }
      let s = 0;
      for (; p < n; p++) {
        s = table[(s << 8) | (buf[p] as number)] as number;
        if (s >= LINE_BREAK) break;
      }
      if (p === n) break;
      if (s === ACCEPT) {
        const e = breaks.next(p, n);
        if (e === n) break;
        pushAt(e);
        continue;
      }
      // A line break at p ends the line [lineStart, p).
      if (p === lineStart && buf[p] === LF && p > 0 && buf[p - 1] === CR) {
        // The LF of a CRLF whose CR ended the line before.
        lineStart = ++p;
        continue;
      }
      const c = buf[lineStart] as number;
      const digitLed = c >= 48 && c <= 57;
      if (
        p - lineStart > MAX_LINE_CHARS ||
        observer.observations.linesRead + skipped === 0 ||
        (digitLed && observer.observations.timing.firstAt === undefined)
      ) {
        // The exact path for a line that may be too long to keep whole, for the first line (it may start with a
        // BOM), and for a digit-led line while no time is known yet (it may be the first).
        pushAt(p);
        continue;
      }
      if (digitLed) lastDigitLine = lineStart;
      skipped++;
      if (p === n - 1 && buf[p] === CR) pendingCR = true;
      lineStart = ++p;
    }
    flushRun(lineStart);
    return lineStart;
  };

  /** Reads `chunk` after the carried start of a line; keeps its incomplete last line for the next chunk. */
  const feed = (chunk: Buffer): void => {
    let from = 0;
    if (pendingCR && chunk.length > 0) {
      if (chunk[0] === LF) from = 1;
      pendingCR = false;
    }
    if (carry.length > 0 || carryOverflow) {
      // The carried line ends in this chunk (or goes on): complete it on its own, then read the rest in place.
      const e = new LineBreaks(chunk).next(from, chunk.length);
      if (carryOverflow) {
        if (e === chunk.length) return;
      } else {
        const head = chunk.subarray(from, Math.min(e, from + MAX_LINE_BYTES));
        carry = Buffer.concat([carry, head]);
        if (e === chunk.length) {
          carryOverflow = carry.length > MAX_LINE_BYTES;
          if (carryOverflow) carry = carry.subarray(0, MAX_LINE_BYTES);
          return;
        }
      }
      finishCarriedLine();
      from = afterBreak(chunk, e, chunk.length);
      if (e === chunk.length - 1 && chunk[e] === CR) pendingCR = true;
    }
    const buf = chunk.subarray(from);
    const breaks = new LineBreaks(buf);
    const incomplete = readLines(buf, breaks);
    rememberLastLines(lastLinesIn(buf, breaks, incomplete, observer.observations.linesRead));
    carryOverflow = buf.length - incomplete > MAX_LINE_BYTES;
    carry = Buffer.from(buf.subarray(incomplete, carryOverflow ? incomplete + MAX_LINE_BYTES : buf.length));
  };

  /** Pushes the carried line: the kept start of a too long line, or the last line of a log without a final break. */
  const finishCarriedLine = (): void => {
    const line = carry;
    const firstLine = observer.observations.linesRead === 0;
    carry = Buffer.alloc(0);
    const { text, long } = lineText(line, 0, line.length, firstLine);
    if (long || carryOverflow) longLines++;
    carryOverflow = false;
    observer.push(text);
    const { text: shown, at } = normaliseLine(text);
    if (shown) rememberLastLines([{ lineNo: observer.observations.linesRead, text: shown, at }]);
  };

  return {
    write(chunk: Uint8Array): boolean {
      if (sniffer.reason) return false;
      sniff(chunk);
      bytesRead += chunk.byteLength;
      if (sniffer.reason) return false;
      // A Buffer view, for its native indexOf (memchr); stream chunks already are Buffers.
      feed(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      return true;
    },
    end(): BuildLogClassification {
      if (!sniffer.reason) {
        const rest = sniffer.wantsText ? sniffDecoder.decode() : '';
        if (rest) sniffer.decoded(rest);
        const before = sniffer.reason;
        sniffer.end();
        if (sniffer.reason === before && (carryOverflow || carry.length > 0)) finishCarriedLine();
      }
      observer.setLastLines(lastLines);
      return decideBuildLog(observer.observations, source, {
        bytesRead,
        binaryReason: sniffer.reason,
        longLines,
      });
    },
  };
}

/** Finds line breaks (LF or CR) in one buffer; the next CR is remembered, since most logs have none at all. */
class LineBreaks {
  /** The first CR at or after `crFrom` (-1: none). */
  private nextCR = -1;
  private crFrom = Number.POSITIVE_INFINITY;
  /** The last CR before `crBefore` (-1: none). */
  private prevCR = -1;
  private crBefore = -1;
  constructor(private readonly buf: Buffer) {}

  /** The first LF or CR at or after `from`, or `to` when there is none before `to`. */
  next(from: number, to: number): number {
    if (!(this.crFrom <= from && (this.nextCR === -1 || this.nextCR >= from))) {
      this.nextCR = this.buf.indexOf(CR, from);
      this.crFrom = from;
    }
    const lf = this.buf.indexOf(LF, from);
    const cr = this.nextCR;
    const e = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
    return e === -1 || e > to ? to : e;
  }

  /** The last LF or CR before `before`, or -1. */
  previous(before: number): number {
    if (!(before <= this.crBefore && before > this.prevCR)) {
      this.prevCR = before > 0 ? this.buf.lastIndexOf(CR, before - 1) : -1;
      this.crBefore = before;
    }
    const lf = before > 0 ? this.buf.lastIndexOf(LF, before - 1) : -1;
    return Math.max(lf, this.prevCR);
  }
}

/** Past the line break at `e` (CRLF counts as one). */
function afterBreak(buf: Uint8Array, e: number, to: number): number {
  if (e >= to) return to;
  return buf[e] === CR && e + 1 < to && buf[e + 1] === LF ? e + 2 : e + 1;
}
