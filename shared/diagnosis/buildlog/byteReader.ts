/**
 * The fast path for a build log streamed as bytes. Most lines of a long log (download progress, pip's "Requirement
 * already satisfied" and its `Read timed out` retries) open no gate of the line observer (gates.ts) and are never
 * decoded: they are counted by their line breaks, and what the observer would have taken from them is reported
 * directly: their number (`skipLines`), the time of the last one with a timestamp (`noteTime`) and, once per chunk,
 * the last non-empty lines (`setLastLines`).
 *
 * A line's gate bits, without decoding it:
 * - the word filter (wordFilter.ts) flags, 4 bytes at a time, the aligned words that may belong to a literal of 7
 *   bytes or more, and the literals that chose a flagged word are compared there byte by byte;
 * - where the line's timestamp/blank prefix ends tells which `lineStart` literal could stand there (lineStart.ts);
 * - TIMEOUT's short context words are looked for only shortly before a `timed out` / `exceeded`;
 * - colour codes (colourBytes.ts) around the text are stepped over; codes inside it are removed into a copy, which
 *   the literal automaton (screen.ts) reads; a line with a NUL is decoded and read exactly.
 * A line whose bits open a gate is decoded and pushed with them; a line that only names the package pip builds
 * (`Collecting x`) is kept as a position and decoded only if it is the last one before a pushed line or a chunk's end.
 *
 * Lines are cut exactly as the line splitter (lines.ts) cuts them: LF, CRLF and a lone CR end a line, also across
 * chunk boundaries; a line keeps its first `MAX_LINE_CHARS` UTF-16 units; NUL bytes are dropped; a leading BOM is
 * dropped. The binary sniff is the splitter's. test/diagnosis/buildlog/byteReader.test.ts checks that both paths see
 * the same thing on every committed log, in many chunk sizes, and on generated lines for every pattern alternative.
 */
import {
  ESC,
  nextBareColourIn,
  nextByteIn,
  nextCodeIn,
  OPEN_BRACKET,
  pastCodes,
  stripColourInto,
} from './colourBytes.js';
import { decideBuildLog } from './decide.js';
import {
  ALL_GATES,
  GATE,
  GATE_LITERALS,
  opensAnyGate,
  TIMEOUT_CONTEXT_UNITS,
  TIMEOUT_NOISE_BIT,
  wordFilterTexts,
} from './gates.js';
import { BinarySniffer, MAX_LINE_CHARS } from './lines.js';
import { lineStartBits, lineStartIndex, type LineStartIndex } from './lineStart.js';
import { normaliseLine } from './normalise.js';
import type { BuildLogObservations, LogHit } from './observations.js';
import { LAST_LINES, createLineObserver } from './observer.js';
import { gateAutomaton, gateMaskOfBytes } from './screen.js';
import type { BuildLogClassification } from './types.js';
import {
  compileWordFilter,
  countCandidates,
  flagWords,
  literalBitsAt,
  wordCandidates,
  type WordCandidates,
  type WordFilter,
} from './wordFilter.js';

const LF = 10;
const CR = 13;
const NUL = 0;
/**
 * Bytes of a line worth decoding: UTF-8 needs at most 3 bytes per UTF-16 unit, so this many bytes always hold more
 * than `MAX_LINE_CHARS` units, and the rest of a longer line is never looked at.
 */
const MAX_LINE_BYTES = 3 * MAX_LINE_CHARS + 16;

/**
 * The word filter is chosen again from a chunk in which more than 1 word in `REFILTER_RATE` was flagged but held no
 * literal (the log changed its character: from docker pulls to pip, say), at most once per `REFILTER_BYTES`.
 */
const REFILTER_RATE = 64;
const REFILTER_BYTES = 4 * 1024 * 1024;

interface Tables {
  words: WordCandidates;
  lineStart: LineStartIndex;
}

let tables: Tables | undefined;

function tablesOf(): Tables {
  return { words: wordCandidates(wordFilterTexts()), lineStart: lineStartIndex(GATE_LITERALS) };
}

/**
 * Where a stretch of bytes before `q` starts that decodes to at least `units` UTF-16 units (or `from`). Only a byte
 * that starts a character counts, as one unit: a 4-byte character is two units and invalid UTF-8 one replacement
 * character per byte, so the stretch is never too short (too long only costs a little reading).
 */
function unitsBefore(buf: Uint8Array, q: number, from: number, units: number): number {
  let p = q;
  let left = units + 4;
  while (p > from && left > 0) {
    if (((buf[--p] as number) & 0xc0) !== 0x80) left--;
  }
  return p;
}

/** Whether a line with these gate bits only names the package pip builds (PIP_BUILDING). */
function onlyPipBuilding(gateBits: number): boolean {
  return (gateBits & GATE.pipBuilding) !== 0 && !opensAnyGate(gateBits & ~GATE.pipBuilding);
}

export interface ByteLogReader {
  /** Feeds a chunk; returns false once the input was found to be binary (stop feeding). */
  write(chunk: Uint8Array): boolean;
  end(): BuildLogClassification;
  /** What the lines showed, complete after `end()` (tests compare it with the line splitter's). */
  observations(): Readonly<BuildLogObservations>;
  /** How many lines were decoded (the others were only counted): what the gates saved. */
  linesDecoded(): number;
}

export function createByteLogReader(source: string): ByteLogReader {
  const { words, lineStart: startIndex } = (tables ??= tablesOf());
  const automaton = gateAutomaton();
  /** Flagged word offsets of the chunk being read (grown to fit the largest chunk). */
  let wordHits = new Int32Array(0);
  /** Chosen by the first chunk's words, and again when a chunk flags too many (see `REFILTER_RATE`). */
  let filter: WordFilter | undefined;
  let filterChosenAt = 0;
  const observer = createLineObserver();
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  // The binary sniff, the line splitter's own; it decodes the start of the log on its own (lines here are decoded
  // only when they open a gate).
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

  /** Lines decoded so far (`linesDecoded`). */
  let decoded = 0;
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
    decoded++;
    let text = decoder.decode(buf.subarray(start, Math.min(end, start + MAX_LINE_BYTES)));
    if (firstLine && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const long = text.length > MAX_LINE_CHARS;
    if (long) text = text.slice(0, MAX_LINE_CHARS);
    return { text: text.includes('\u0000') ? text.replaceAll('\u0000', '') : text, long };
  };

  /**
   * Reports the time of the last skipped line with a timestamp prefix in [from, to); `last` is the last line there
   * whose text starts with a digit once colour codes are gone (only those can carry one).
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
      if ((c >= 48 && c <= 57) || c === ESC || c === OPEN_BRACKET) found = timeOf(i) ?? found;
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
   * Skipped lines that only open the `pipBuilding` gate, in this chunk since the last pushed line. Only the last of
   * them whose `Collecting x` / `Building wheel for x` the observer accepts matters, so they are read newest first,
   * up to that one, before the next pushed line and at the end of the chunk.
   */
  const pendingStarts = new Int32Array(64);
  const pendingEnds = new Int32Array(64);
  let pendingCount = 0;
  const flushPending = (buf: Uint8Array): void => {
    for (let i = pendingCount - 1; i >= 0; i--) {
      const { text } = lineText(buf, pendingStarts[i] as number, pendingEnds[i] as number, false);
      if (observer.noteBuilding(text)) break;
    }
    pendingCount = 0;
  };

  /** Scratch for a line without its colour codes (lines on this path are at most `MAX_LINE_CHARS` bytes). */
  const stripped = new Uint8Array(MAX_LINE_CHARS + 1);

  // The chunk `readLines` reads and where it stands in it. They live here, with the helpers below, rather than in
  // `readLines`: closures made anew for each chunk would each be a new call target to V8, and its optimised code for
  // the loop would be thrown away at every chunk.
  let buf: Buffer = Buffer.alloc(0);
  let breaks = new LineBreaks(buf);
  let n = 0;
  let lineStart = 0;
  // The run of skipped lines since the last pushed one: where it starts, how many, its last digit-led line.
  let runStart = 0;
  let skipped = 0;
  let lastDigitLine = -1;
  // What the observer wants, read again after each line pushed (only that, and a time noted, changes it).
  let everyLine = false;
  let timeKnown = false;

  const flushRun = (runEnd: number): void => {
    if (skipped > 0) observer.skipLines(skipped);
    if (lastDigitLine >= 0) noteTimesIn(buf, breaks, runStart, lastDigitLine, runEnd);
    skipped = 0;
    lastDigitLine = -1;
  };

  /** Pushes the line [lineStart, e) (with its gate bits when known) and moves past its break. */
  const pushAt = (e: number, gateBits?: number): void => {
    flushPending(buf);
    flushRun(lineStart);
    const { text, long } = lineText(buf, lineStart, e, observer.observations.linesRead === 0);
    if (long) longLines++;
    observer.push(text, gateBits);
    lineStart = runStart = afterBreak(buf, e, n);
    if (e === n - 1 && buf[e] === CR) pendingCR = true;
    everyLine = observer.wantsEveryLine();
    timeKnown = observer.observations.timing.firstAt !== undefined;
  };

  /**
   * Reads the complete lines of `buf`; returns where its incomplete last line starts (`buf.length` when none).
   * Lines that open no gate are only counted; the others are pushed.
   */
  const readLines = (chunk: Buffer, chunkBreaks: LineBreaks): number => {
    buf = chunk;
    breaks = chunkBreaks;
    n = buf.length;
    lineStart = 0;
    runStart = 0;
    skipped = 0;
    lastDigitLine = -1;
    everyLine = observer.wantsEveryLine();
    timeKnown = observer.observations.timing.firstAt !== undefined;
    if (wordHits.length < (n >> 2) + 1) wordHits = new Int32Array((n >> 2) + 1);
    filter ??= compileWordFilter(words, countCandidates(words, buf));
    const hitCount = flagWords(filter, buf, wordHits);
    let hitAt = 0;
    /** Flagged words that held no literal: many of them, and the filter is chosen again from this chunk. */
    let idleHits = 0;
    // The next ESC, NUL and bare colour code at or after the line being read (n: none left).
    let nextEsc = -1;
    let nextNul = -1;
    let nextColour = -1;
    // Most logs have no CR at all: then a line ends at the next LF.
    const noCR = buf.indexOf(CR) === -1;
    while (lineStart < n) {
      let e: number;
      if (noCR) {
        e = buf.indexOf(LF, lineStart);
        if (e === -1) break;
      } else {
        e = breaks.next(lineStart, n);
        if (e === n) break;
      }
      // This line's flagged words (the words before it belong to lines already read).
      const hitsFrom = hitAt;
      while (hitAt < hitCount && (wordHits[hitAt] as number) < e) hitAt++;
      if (nextEsc < lineStart) nextEsc = nextByteIn(buf, ESC, lineStart, n);
      if (nextNul < lineStart) nextNul = nextByteIn(buf, NUL, lineStart, n);
      if (nextColour < lineStart) nextColour = nextBareColourIn(buf, lineStart, n);
      const coloured = nextEsc < e || nextColour < e;
      if (
        everyLine ||
        nextNul < e ||
        e - lineStart > MAX_LINE_CHARS ||
        observer.observations.linesRead + skipped === 0
      ) {
        // The exact path: inside a window or a stall every line counts; NULs are removed before the patterns look
        // (and may join a timestamp to the line start); a line may be too long to keep whole; the first line may
        // start with a BOM.
        pushAt(e);
        continue;
      }
      let gateBits: number;
      let first: number;
      // The text the patterns see lies in [from, to), unless colour codes stand inside it.
      let from = lineStart;
      let to = e;
      let inside = false;
      if (coloured) {
        // Mostly stderr wrapped in `ESC[91m` … `ESC[0m`: codes only before and after the text.
        from = pastCodes(buf, lineStart, e);
        to = nextCodeIn(buf, from, e);
        inside = pastCodes(buf, to, e) < e;
      }
      if (inside) {
        // The literals of the text with every colour code removed as the normaliser removes them.
        const len = stripColourInto(buf, lineStart, e, stripped);
        gateBits = gateMaskOfBytes(automaton, stripped, 0, len);
        first = len > 0 ? (stripped[0] as number) : LF;
      } else {
        // The literals of 7 bytes or more in the text: those at its flagged words. Only the text: a veto (pip's
        // retry noise) read into a colour code would be a guess.
        let found = 0;
        let firstTimeout = -1;
        for (let i = hitsFrom; i < hitAt && found !== ALL_GATES; i++) {
          const q = wordHits[i] as number;
          if (q < from || q >= to) continue;
          if (opensAnyGate(found & ~GATE.pipBuilding)) {
            // The line is read in any case, and the observer finds its gates itself: the rest need no comparing.
            found = ALL_GATES;
            break;
          }
          const bits = literalBitsAt(filter, buf, q, from, to, found);
          if (bits === 0) idleHits++;
          if (bits & GATE.timeoutWord && firstTimeout < 0) firstTimeout = q;
          found |= bits;
        }
        // TIMEOUT also needs a context word at most 60 characters before one of its words (unless pip's retry noise
        // vetoes it anyway): looked for from shortly before the first such word to the end of the text, since later
        // occurrences of a known literal are not compared again.
        if (firstTimeout >= 0 && found !== ALL_GATES && !(found & TIMEOUT_NOISE_BIT)) {
          const start = unitsBefore(buf, firstTimeout, from, TIMEOUT_CONTEXT_UNITS);
          found |= gateMaskOfBytes(automaton, buf, start, to);
        }
        // And the literals that can only open a gate at the start of the text (only where it can start with a prefix
        // byte or with the byte a line-start literal's prefix ends in).
        first = from < to ? (buf[from] as number) : LF;
        gateBits =
          found !== ALL_GATES && (startIndex.prefix[first] === 1 || startIndex.byAnchor[first] !== undefined)
            ? found | lineStartBits(startIndex, buf, from, to)
            : found;
      }
      const digitLed = first >= 48 && first <= 57;
      if (digitLed && !timeKnown) {
        // A digit-led line may carry the first time.
        pushAt(e);
        continue;
      }
      if (gateBits === 0) {
        // Most lines: nothing to look at.
      } else if (onlyPipBuilding(gateBits)) {
        // It only names the package pip builds, which matters to a later pip error: kept, read when one may come.
        if (pendingCount === pendingStarts.length) flushPending(buf);
        pendingStarts[pendingCount] = lineStart;
        pendingEnds[pendingCount++] = e;
      } else if (opensAnyGate(gateBits)) {
        // With every gate open, the observer reads the line's literals itself.
        pushAt(e, gateBits === ALL_GATES ? undefined : gateBits);
        continue;
      }
      if (digitLed) lastDigitLine = lineStart;
      skipped++;
      if (noCR) lineStart = e + 1;
      else {
        if (e === n - 1 && buf[e] === CR) pendingCR = true;
        lineStart = afterBreak(buf, e, n);
      }
    }
    flushPending(buf);
    flushRun(lineStart);
    if (idleHits * REFILTER_RATE > n >> 2 && n >= 16384 && bytesRead - filterChosenAt >= REFILTER_BYTES) {
      filter = compileWordFilter(words, countCandidates(words, buf));
      filterChosenAt = bytesRead;
    }
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
    observations: () => observer.observations,
    linesDecoded: () => decoded,
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
