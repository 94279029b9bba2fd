/**
 * A first pass over a chunk of bytes that reads 4 bytes at a time: which aligned 4-byte words may belong to a gate
 * literal of at least 7 bytes (`wordFilterTexts` in gates.ts). Any occurrence of such a literal, wherever it starts
 * relative to the word grid, holds whole aligned words: for the literal starting `k` bytes before a word boundary
 * (k = 0..3), its words at offsets k, k + 4, ... up to its length. The filter needs one of those per literal and
 * alignment, so a line none of whose words is flagged holds none of these literals, and the literals a line holds
 * are found by comparing, at each flagged word, the literals that chose it (`literalBitsAt`). Words are hashed with
 * ASCII case folded (`| 0x20` on every byte) and then compared exactly, ignoring case only in the letters of
 * case-insensitive literals (`Erro` of `ModuleNotFoundError:` is not flagged by every `error`).
 *
 * Which word stands for a literal and alignment is chosen by the log itself: the one that occurs least in a sample
 * chunk. `PackagesNotFoundError` is looked for as `NotF`, not as `Pack`, in a log full of "package"; a progress log
 * full of "Downloading" does not make `Building` (`ldin`) flag every line.
 *
 * Why: reading one byte at a time costs V8 about 1.3 ns per byte however little is done with it, more than half of
 * `grep -E`'s whole time on a 100 MiB log. A word costs one load, a multiply and one table probe.
 */
import { bytesAt, isAsciiLetter, isPlainAscii, isWordChar } from './asciiBytes.js';

export interface FilterLiteral {
  text: string;
  anyCase: boolean;
  /** What finding it means to the caller (GATE bits). */
  gates: number;
  /**
   * The literal always follows a word character (`\w+Error:`): with it, 7 bytes. Its words are taken from the 63
   * spellings with a word character in front; it is compared once, with a test of the byte before it.
   */
  afterWordChar?: boolean;
}

export interface WordFilter {
  /**
   * Open addressing without probing: the folded word hashed to this bucket, `COLLIDED` when two did, `EMPTY` when
   * none. 2^13 buckets: 32 KiB stays in the first-level cache while a chunk streams past (2^15 was twice as slow).
   */
  readonly keys: Int32Array;
  /** For a key: the bits a word must have (`word & caseMasks[h]) === exacts[h]`). */
  readonly exacts: Int32Array;
  readonly caseMasks: Int32Array;
  /** Per bucket, the literals that chose a word hashed there and where in them: `entries[first[h] + i]`. */
  readonly first: Int32Array;
  readonly count: Int32Array;
  /** literal index * 256 + 1 + offset of the word in the literal (-1: it starts at the word character before). */
  readonly entries: Int32Array;
  readonly literals: readonly CompiledLiteral[];
}

interface CompiledLiteral {
  bytes: Uint8Array;
  anyCase: boolean;
  gates: number;
  afterWordChar: boolean;
}

const WORD_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_';

const FOLD = 0x20202020;
/** Never equal to a folded word (every folded byte has bit 5 set). */
const EMPTY = 0x01010101;
/** A bucket two chosen words hash to: every word hashed here is flagged. */
const COLLIDED = 0;
/** The shortest literal the filter takes: up to 3 bytes before the word grid, then a whole word. */
export const MIN_LITERAL_BYTES = 7;
const TABLE_BITS = 13;
/** A constant, so that V8 folds it into the scan loop (read from the filter, the shift made the loop a third slower). */
const HASH_SHIFT = 32 - TABLE_BITS;
const MULTIPLIER = 0x9e3779b1 | 0;
const EMPTY_VIEW = new Int32Array(0);

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** The 4 bytes at `buf[q]` as a word, in native byte order: as the filter reads a chunk's words. */
function wordAt(buf: Uint8Array, q: number): number {
  const a = buf[q] as number;
  const b = buf[q + 1] as number;
  const c = buf[q + 2] as number;
  const d = buf[q + 3] as number;
  return LITTLE_ENDIAN ? a | (b << 8) | (c << 16) | (d << 24) : (a << 24) | (b << 16) | (c << 8) | d;
}

/** Every literal's candidate words, by alignment, and a table to count them in a sample. */
export interface WordCandidates {
  readonly literals: readonly CompiledLiteral[];
  /** Per literal and alignment (k = 0..3): the candidate ids and their offsets in the literal (k, k + 4, ...). */
  readonly choices: readonly { literal: number; ids: number[]; offsets: number[] }[];
  /** Candidate id → folded word, and what an exact match needs (see `WordFilter`). */
  readonly words: Int32Array;
  readonly exacts: Int32Array;
  readonly caseMasks: Int32Array;
  /** Linear-probing table: word → id + 1 (0: empty). */
  readonly table: Int32Array;
  readonly tableShift: number;
}

export function wordCandidates(literals: readonly FilterLiteral[]): WordCandidates {
  if (literals.length > 1 << 22) throw new Error('word filter: too many literals');
  const ids = new Map<number, number>();
  const exact: number[] = [];
  const caseMask: number[] = [];
  const choices: WordCandidates['choices'][number][] = [];
  literals.forEach(({ text: base, anyCase, afterWordChar }, literal) => {
    const spellings = afterWordChar ? [...WORD_CHARS].map((c) => c + base) : [base];
    // Offsets are kept relative to the literal itself: -1 is the word character before it.
    const shift = afterWordChar ? 1 : 0;
    for (const text of spellings)
      for (let k = 0; k < 4; k++) {
        if (text.length < MIN_LITERAL_BYTES || text.length > 255 || !isPlainAscii(text))
          throw new Error(
            `word filter literal ${JSON.stringify(text)}: ${MIN_LITERAL_BYTES} to 255 ASCII characters`,
          );
        const choice = { literal, ids: [] as number[], offsets: [] as number[] };
        for (let at = k; at + 4 <= text.length; at += 4) {
          const bytes = Uint8Array.from(text.slice(at, at + 4), (c) => c.charCodeAt(0));
          const e = wordAt(bytes, 0);
          const m = wordAt(
            bytes.map((b) => (anyCase && isAsciiLetter(b) ? 0xdf : 0xff)),
            0,
          );
          const w = e | FOLD;
          let id = ids.get(w);
          if (id === undefined) {
            ids.set(w, (id = ids.size));
            exact.push(e & m);
            caseMask.push(m);
          } else {
            // Two literals share the folded word: keep only the bits both require alike.
            const both = (caseMask[id] as number) & m & ~((exact[id] as number) ^ e);
            caseMask[id] = both;
            exact[id] = e & both;
          }
          choice.ids.push(id);
          choice.offsets.push(at - shift);
        }
        choices.push(choice);
      }
  });
  const words = Int32Array.from(ids.keys());
  let bits = 4;
  while (1 << bits < words.length * 4) bits++;
  const table = new Int32Array(1 << bits);
  const tableShift = 32 - bits;
  words.forEach((w, id) => {
    let h = Math.imul(w, MULTIPLIER) >>> tableShift;
    while (table[h] !== 0) h = (h + 1) & (table.length - 1);
    table[h] = id + 1;
  });
  return {
    literals: literals.map((l) => ({
      bytes: Uint8Array.from(l.text, (c) => c.charCodeAt(0)),
      anyCase: l.anyCase,
      gates: l.gates,
      afterWordChar: l.afterWordChar === true,
    })),
    choices,
    words,
    exacts: Int32Array.from(exact),
    caseMasks: Int32Array.from(caseMask),
    table,
    tableShift,
  };
}

/** How often each candidate occurs as an aligned word of `sample` (compared as the filter compares). */
export function countCandidates(c: WordCandidates, sample: Uint8Array): Uint32Array {
  const counts = new Uint32Array(c.words.length);
  const { table, tableShift, words: cw, exacts, caseMasks } = c;
  const mask = table.length - 1;
  const { count, view } = alignedWords(sample);
  for (let i = 0; i < count; i++) {
    const raw = view[i] as number;
    const w = raw | FOLD;
    let h = Math.imul(w, MULTIPLIER) >>> tableShift;
    for (let id = table[h] as number; id !== 0; id = table[(h = (h + 1) & mask)] as number) {
      if (cw[id - 1] === w) {
        if ((raw & (caseMasks[id - 1] as number)) === exacts[id - 1])
          counts[id - 1] = (counts[id - 1] as number) + 1;
        break;
      }
    }
  }
  return counts;
}

/**
 * The filter that flags, per literal and alignment, the candidate with the lowest count (the last one on a tie:
 * deeper into a literal is usually more specific). Without counts, that is each literal's last words.
 */
export function compileWordFilter(c: WordCandidates, counts?: Uint32Array): WordFilter {
  const size = 1 << TABLE_BITS;
  const keys = new Int32Array(size).fill(EMPTY);
  const exacts = new Int32Array(size);
  const caseMasks = new Int32Array(size);
  const byBucket = new Map<number, number[]>();
  for (const choice of c.choices) {
    let best = 0;
    choice.ids.forEach((id, i) => {
      if ((counts?.[id] ?? 0) <= (counts?.[choice.ids[best] as number] ?? 0)) best = i;
    });
    const id = choice.ids[best] as number;
    const w = c.words[id] as number;
    const h = Math.imul(w, MULTIPLIER) >>> HASH_SHIFT;
    if (keys[h] === EMPTY || keys[h] === w) {
      keys[h] = w;
      exacts[h] = c.exacts[id] as number;
      caseMasks[h] = c.caseMasks[id] as number;
    } else keys[h] = COLLIDED;
    const entry = choice.literal * 256 + 1 + (choice.offsets[best] as number);
    const list = byBucket.get(h) ?? [];
    if (!list.includes(entry)) list.push(entry);
    byBucket.set(h, list);
  }
  const first = new Int32Array(size);
  const count = new Int32Array(size);
  const entries: number[] = [];
  for (const [h, list] of byBucket) {
    first[h] = entries.length;
    count[h] = list.length;
    entries.push(...list);
  }
  return {
    keys,
    exacts,
    caseMasks,
    first,
    count,
    entries: Int32Array.from(entries),
    literals: c.literals,
  };
}

/** The aligned words of `buf`: `lead` bytes before the first (0..3), then `count` words. */
function alignedWords(buf: Uint8Array): { lead: number; count: number; view: Int32Array } {
  const lead = (4 - (buf.byteOffset & 3)) & 3;
  const count = Math.max(0, (buf.length - lead) >> 2);
  return {
    lead,
    count,
    view: count > 0 ? new Int32Array(buf.buffer, buf.byteOffset + lead, count) : EMPTY_VIEW,
  };
}

/**
 * Writes into `hits` the offsets (from the start of `buf`) of the flagged words of `buf`, in order, and returns
 * how many. `hits` must have room for `buf.length / 4 + 1` entries. The word grid is aligned in memory, so the up to
 * 3 bytes before the first word and after the last are never flagged: no literal fits there without a whole word.
 */
export function flagWords(filter: WordFilter, buf: Uint8Array, hits: Int32Array): number {
  const { keys, exacts, caseMasks } = filter;
  const { lead, count, view } = alignedWords(buf);
  let n = 0;
  for (let i = 0; i < count; i++) {
    const raw = view[i] as number;
    const w = raw | FOLD;
    const h = Math.imul(w, MULTIPLIER) >>> HASH_SHIFT;
    const k = keys[h] as number;
    if (k === w ? (raw & (caseMasks[h] as number)) === exacts[h] : k === COLLIDED)
      hits[n++] = lead + (i << 2);
  }
  return n;
}

/**
 * The bits (`gates`) of the literals that lie within [from, to) of `buf` and hold the flagged word at `q`, compared
 * byte by byte; literals whose bits are all in `known` already are not compared. Every occurrence of a literal holds
 * a flagged word that the literal chose, so the bits of all flagged words of a line are exactly the literals in it.
 */
export function literalBitsAt(
  filter: WordFilter,
  buf: Uint8Array,
  q: number,
  from: number,
  to: number,
  known = 0,
): number {
  if (q + 4 > buf.length) return 0;
  const h = Math.imul(wordAt(buf, q) | FOLD, MULTIPLIER) >>> HASH_SHIFT;
  let bits = known;
  const end = (filter.first[h] as number) + (filter.count[h] as number);
  for (let i = filter.first[h] as number; i < end; i++) {
    const entry = filter.entries[i] as number;
    const lit = filter.literals[entry >> 8] as CompiledLiteral;
    const start = q - (entry & 255) + 1;
    const { bytes } = lit;
    if (start < from || start + bytes.length > to || (bits & lit.gates) === lit.gates) continue;
    if (lit.afterWordChar && (start - 1 < from || !isWordChar(buf[start - 1] as number))) continue;
    if (bytesAt(buf, start, bytes, lit.anyCase)) bits |= lit.gates;
  }
  return bits & ~known;
}
