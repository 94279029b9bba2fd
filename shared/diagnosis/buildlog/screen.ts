/**
 * The pre-filter's screen: does a raw line contain any of a fixed set of literals? One table-driven automaton
 * (a DFA built by subset construction over the literals, so case-sensitive and case-insensitive literals share it)
 * reads each character once. V8 runs a regular expression of some fifty case-insensitive alternatives at several
 * nanoseconds per character, trying each alternative at each position; the table lookup costs one load per character.
 *
 * The literals are a superset of the triggers (`LINE_TRIGGERS` in patterns.ts, each unanchored, plus what
 * `MAY_HAVE_COLOUR` finds): every string a trigger matches contains one of them (checked for each trigger
 * alternative by test/diagnosis/buildlog/screen.test.ts). A line with none of them cannot change the verdict.
 * Characters outside ASCII never occur in a literal; NUL is skipped (the line splitter removes NULs from lines).
 */

export interface ScreenLiteral {
  text: string;
  /** Matches in any ASCII case (for literals of the `/i` triggers). */
  anyCase: boolean;
}

const ci = (...texts: string[]): ScreenLiteral[] => texts.map((text) => ({ text, anyCase: true }));
const cs = (...texts: string[]): ScreenLiteral[] => texts.map((text) => ({ text, anyCase: false }));
const digits = (prefix: string): string[] => Array.from({ length: 10 }, (_, d) => `${prefix}${d}`);

/** Per trigger alternative, a literal every match of it contains (see the module comment). */
export const SCREEN_LITERALS: readonly ScreenLiteral[] = [
  // INTERESTING (case-insensitive), alternative by alternative.
  ...ci(
    'error',
    'fail',
    'denied',
    'unauthori',
    'authentication',
    'unknown',
    'not found',
    'timeout',
    'timed out',
  ),
  ...ci(
    'deadline',
    'success',
    'digest: sha256',
    'working...',
    'non-zero code',
    'exit code',
    ...digits('step '),
  ),
  ...ci(
    'from ',
    'logging in',
    'logged in',
    'pushing',
    'push refers',
    'executing step',
    'run id',
    'unsatisfiable',
  ),
  ...ci('packagesnotfound', 'resolvepackagenotfound', 'no matching distribution', 'could not find a version'),
  ...ci('could not build wheels', 'wheel for', 'setup.py install', 'taking longer', 'multiple versions'),
  ...ci(
    'toomanyrequests',
    'naming to',
    'writing image',
    'load metadata',
    'status: ',
    'pull access',
    'manifest',
  ),
  // `Conda\w*(?:Error|Exception)`: its Error form contains `error` above.
  ...ci('conflicting dependencies', 'exception', '---> ', ...digits('#')),
  // ERROR_LINE (case-sensitive); `\w+(?:Error|Exception):` contains `Error:` or `Exception:`.
  ...cs('ERROR:', 'Error:', 'error:', 'E: ', 'Exception:', 'fatal:', 'FATAL'),
  // PIP_BUILDING (case-sensitive), each followed by a space and a package name.
  ...cs('Building wheel for ', 'Running setup.py install for ', 'Collecting '),
  // MAY_HAVE_COLOUR: an ESC, or the bare `[91m` form left when the ESC byte was dropped.
  ...cs(
    '\u001b',
    '[0m',
    '[1m',
    '[4m',
    ...digits('[3').map((s) => `${s}m`),
    ...digits('[9').map((s) => `${s}m`),
  ),
].filter((l) => !/^\[[39][89]m$/.test(l.text));

/** Character class of a code unit: ASCII as itself, everything else one class that no literal contains. */
const OTHER = 128;

export interface Screen {
  /** Transition table: `next = table[state * 129 + class]`; `ACCEPT` marks a state where a literal ended. */
  readonly table: Uint16Array;
  readonly states: number;
}

export const ACCEPT = 0xffff;
const CLASSES = 129;

/**
 * Subset construction: a DFA state is the set of (literal, matched length) pairs still alive, plus the empty match
 * that starts a literal at every position; a state where any literal is complete is replaced by `ACCEPT` (the
 * screen stops at the first hit, so what follows an accepting state never matters).
 */
export function compileScreen(literals: readonly ScreenLiteral[]): Screen {
  const lower = (x: number): number => (x >= 65 && x <= 90 ? x + 32 : x);
  const upper = (x: number): number => (x >= 97 && x <= 122 ? x - 32 : x);
  const accepts = (lit: ScreenLiteral, at: number, c: number): boolean => {
    const want = lit.text.charCodeAt(at);
    return want === c || (lit.anyCase && lower(want) === lower(c));
  };
  // The literals each class can start: checking all of them for every state and class is what makes a naive build slow.
  const starts: number[][] = Array.from({ length: CLASSES }, (_, c) =>
    literals.flatMap((lit, i) => (accepts(lit, 0, c) ? [i] : [])),
  );
  // A pair (literal i, matched length n) is encoded as i * 256 + n; literals are shorter than 256 characters.
  const ids = new Map<string, number>([['', 0]]);
  const sets: number[][] = [[]];
  const table: number[] = [];
  /** The state after reading class `c` in state `s`. */
  const step = (s: number, c: number): number => {
    const next: number[] = [];
    let hit = false;
    const advance = (i: number, n: number): void => {
      if (n + 1 === (literals[i] as ScreenLiteral).text.length) hit = true;
      else next.push(i * 256 + n + 1);
    };
    for (const pair of sets[s] as number[]) {
      if (accepts(literals[pair >> 8] as ScreenLiteral, pair & 255, c)) advance(pair >> 8, pair & 255);
    }
    for (const i of starts[c] as number[]) advance(i, 0);
    if (hit) return ACCEPT;
    next.sort((a, b) => a - b);
    const key = next.join(',');
    let id = ids.get(key);
    if (id === undefined) {
      id = sets.length;
      if (id >= ACCEPT) throw new Error(`screen automaton too large (over ${ACCEPT} states)`);
      ids.set(key, id);
      sets.push(next);
    }
    return id;
  };
  // NUL: the line splitter removes it from lines, so the screen reads past it (every state stays where it is).
  const rootRow = Array.from({ length: CLASSES }, (_, c) => (c === 0 ? 0 : step(0, c)));
  table.push(...rootRow);
  for (let s = 1; s < sets.length; s++) {
    // Only the classes some live literal can continue with lead elsewhere than from the start state.
    const row = rootRow.slice();
    row[0] = s;
    for (const pair of sets[s] as number[]) {
      const lit = literals[pair >> 8] as ScreenLiteral;
      const want = lit.text.charCodeAt(pair & 255);
      for (const c of lit.anyCase ? new Set([lower(want), upper(want)]) : [want]) row[c] = step(s, c);
    }
    table.push(...row);
  }
  return { table: Uint16Array.from(table), states: sets.length };
}

let compiled: Screen | undefined;

/** The screen of `SCREEN_LITERALS`, built on first use (a few milliseconds). */
export function buildLogScreen(): Screen {
  compiled ??= compileScreen(SCREEN_LITERALS);
  return compiled;
}

/** Whether `text` contains one of the screen's literals. */
export function screenHits(screen: Screen, text: string): boolean {
  const { table } = screen;
  let s = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    s = table[s * CLASSES + (c < OTHER ? c : OTHER)] as number;
    if (s === ACCEPT) return true;
  }
  return false;
}
