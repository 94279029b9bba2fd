/**
 * Finds which gate literals (gates.ts) a line contains, in one pass: a table-driven automaton (a DFA over the
 * literals, so case-sensitive and case-insensitive literals share it) reads each character once and ORs the GATE
 * bits of every literal that ends where it stands. V8 runs a regular expression of some fifty alternatives at
 * several nanoseconds per character, trying each alternative at each position; the table costs one load per
 * character, and the observer then runs only the patterns whose gate the mask opens.
 *
 * The DFA is built lazily, like grep's: a transition is computed (by subset construction) the first time a scan
 * takes it, so a log pays only for the few hundred states its text visits, not for building all of them up front.
 * The table has 256 columns, so it reads UTF-8 bytes (byteReader.ts) as well as UTF-16 strings: every literal is
 * ASCII, and bytes from 0x80 (and characters past 0xFF) are one class that no literal contains.
 */
import { isPlainAscii } from './asciiBytes.js';
import { GATE_LITERALS, type GateLiteral } from './gates.js';

/** A transition not computed yet (the table starts as zeros, so untouched rows cost no memory). */
const UNKNOWN = 0;
/** States entered as a literal ends have ids 1..OUTPUT_STATES - 1; the others from `ROOT` on. */
const OUTPUT_STATES = 1024;
const PLAIN_STATES = 8192;
/** The start state. Every id below it is `UNKNOWN` or carries bits: a scan tests one comparison per character. */
export const ROOT = OUTPUT_STATES;

type Literal = Pick<GateLiteral, 'text' | 'anyCase' | 'gates'>;

export interface LiteralAutomaton {
  /** Transitions: `next = table[state << 8 | byte]`; `UNKNOWN` until `transition` computed it. */
  readonly table: Uint16Array;
  /** The GATE bits of an output state (ids below `ROOT`). */
  readonly out: Int32Array;
  /** Computes, stores and returns the transition from `state` on `byte`. */
  transition(state: number, byte: number): number;
  /** How many states exist so far. */
  states(): number;
}

const OTHER = 128;

/**
 * Subset construction, one transition at a time: a state is the set of (literal, matched length) pairs still alive
 * (the empty match that starts a literal at every position is implicit) plus the bits of the literals that ended on
 * the way in.
 */
export function compileLiteralAutomaton(literals: readonly Literal[]): LiteralAutomaton {
  if (literals.length > 255) throw new Error('literal automaton: at most 255 literals');
  for (const l of literals) {
    if (l.text.length === 0 || l.text.length > 255 || !isPlainAscii(l.text))
      throw new Error(`gate literal ${JSON.stringify(l.text)}: 1 to 255 ASCII characters, no NUL`);
  }
  const lower = (x: number): number => (x >= 65 && x <= 90 ? x + 32 : x);
  const accepts = (l: Literal, at: number, c: number): boolean => {
    const want = l.text.charCodeAt(at);
    return want === c || (l.anyCase && lower(want) === lower(c));
  };
  const starts: number[][] = Array.from({ length: OTHER + 1 }, (_, c) =>
    literals.flatMap((l, i) => (accepts(l, 0, c) ? [i] : [])),
  );
  const table = new Uint16Array((ROOT + PLAIN_STATES) << 8);
  const out = new Int32Array(OUTPUT_STATES);
  /** Alive pairs (literal i, matched length n) as i * 256 + n, by state id. */
  const sets = new Map<number, number[]>([[ROOT, []]]);
  const ids = new Map<string, number>([['|0', ROOT]]);
  let nextOutput = 1;
  let nextPlain = ROOT + 1;

  const transition = (s: number, byte: number): number => {
    // NUL leaves every state as it is (the line splitter drops NULs from lines).
    if (byte === 0) return (table[s << 8] = s);
    const c = Math.min(byte, OTHER);
    const next: number[] = [];
    let hit = 0;
    const advance = (i: number, n: number): void => {
      const l = literals[i] as Literal;
      if (n + 1 === l.text.length) hit |= l.gates;
      else next.push(i * 256 + n + 1);
    };
    for (const pair of sets.get(s) as number[]) {
      if (accepts(literals[pair >> 8] as Literal, pair & 255, c)) advance(pair >> 8, pair & 255);
    }
    for (const i of starts[c] as number[]) advance(i, 0);
    next.sort((a, b) => a - b);
    // One UTF-16 unit per pair (literal index < 256, length < 256), then the bits: a cheap exact key.
    const key = `${String.fromCharCode(...next)}|${hit}`;
    let id = ids.get(key);
    if (id === undefined) {
      if (hit !== 0) {
        if (nextOutput >= OUTPUT_STATES)
          throw new Error(`literal automaton: over ${OUTPUT_STATES - 1} output states`);
        id = nextOutput++;
        out[id] = hit;
      } else {
        if (nextPlain >= ROOT + PLAIN_STATES)
          throw new Error(`literal automaton: over ${PLAIN_STATES} states`);
        id = nextPlain++;
      }
      ids.set(key, id);
      sets.set(id, next);
    }
    if (byte >= OTHER) table.fill(id, (s << 8) | OTHER, (s << 8) | 256);
    else table[(s << 8) | byte] = id;
    return id;
  };
  return { table, out, transition, states: () => sets.size };
}

/** Takes every transition of every reachable state (for tests: the whole automaton fits its id ranges). */
export function expandAll(a: LiteralAutomaton): number {
  const seen = new Set<number>([ROOT]);
  const queue = [ROOT];
  while (queue.length > 0) {
    const s = queue.pop() as number;
    for (let b = 0; b <= OTHER; b++) {
      const next = a.table[(s << 8) | b] || a.transition(s, b);
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return a.states();
}

let shared: LiteralAutomaton | undefined;

/** The automaton of `GATE_LITERALS`, shared by every reader in the process (it only grows). */
export function gateAutomaton(): LiteralAutomaton {
  shared ??= compileLiteralAutomaton(GATE_LITERALS);
  return shared;
}

/** The GATE bits of the literals `text` contains. */
export function gateMask(a: LiteralAutomaton, text: string): number {
  const { table, out } = a;
  let s = ROOT;
  let mask = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const b = c < 256 ? c : OTHER;
    let next = table[(s << 8) | b] as number;
    if (next < ROOT) {
      if (next === UNKNOWN) next = a.transition(s, b);
      if (next < ROOT) mask |= out[next] as number;
    }
    s = next;
  }
  return mask;
}

/** The GATE bits of the literals in `buf[from, to)` (UTF-8 bytes: literals are ASCII). */
export function gateMaskOfBytes(a: LiteralAutomaton, buf: Uint8Array, from: number, to: number): number {
  const { table, out } = a;
  let s = ROOT;
  let mask = 0;
  for (let p = from; p < to; p++) {
    const b = buf[p] as number;
    let next = table[(s << 8) | b] as number;
    if (next < ROOT) {
      if (next === UNKNOWN) next = a.transition(s, b);
      if (next < ROOT) mask |= out[next] as number;
    }
    s = next;
  }
  return mask;
}
