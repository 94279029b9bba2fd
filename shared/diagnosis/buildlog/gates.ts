/**
 * Which literals a line must contain before each test of the line observer (observer.ts) can match: the gates.
 * A line's literals are found in one pass (screen.ts) as a bit mask; the observer then runs only the regular
 * expressions whose gate is open, and a reader that scans bytes (byteReader.ts) never decodes a line that opens no
 * gate at all. Every match of a gated pattern contains one of its gate's literals (checked for each alternative of
 * each pattern by test/diagnosis/buildlog/gates.test.ts), so a closed gate means a failed match: the gates change
 * what is computed, never what is found.
 *
 * Where a literal may stand decides how a byte scanner finds it:
 * - `anywhere` literals are at least `MIN_LITERAL_BYTES` (wordFilter.ts) long, so every occurrence holds a whole aligned 4-byte
 *   word (the word filter in wordFilter.ts); an `afterWordChar` literal is one byte shorter but always follows a
 *   word character, and the filter takes it with each of them (`wordFilterTexts`);
 * - `lineStart` literals stand at the start of the normalised line (after the timestamp prefix and leading blanks,
 *   which consist of `PREFIX_BYTES` only), so where a line's prefix bytes end says where one would start
 *   (lineStart.ts);
 * - `maskOnly` literals only narrow a gate that also needs an `anywhere` literal (`timeout`): a scanner need not
 *   look for them, the mask still records them.
 */

export const GATE = {
  /** PIP_BUILDING: the package pip is building (a later pip error is about it). */
  pipBuilding: 1 << 0,
  /** EXECUTING_STEP. */
  executingStep: 1 << 1,
  /** LOGGING_IN, LOGGED_IN. */
  login: 1 << 2,
  /** STEP_FROM, BUILDKIT_FROM. */
  from: 1 << 3,
  /** STEP_OTHER. */
  stepOther: 1 << 4,
  /** PUSHING. */
  pushing: 1 << 5,
  /** `Run ID:` lines: RUN_FAILED, and SUCCESS's last alternative. */
  runId: 1 << 6,
  /** TIMEOUT needs both of these, and no `TIMEOUT_NOISE_BIT`. */
  timeoutWord: 1 << 7,
  timeoutContext: 1 << 8,
  /** SUCCESS (with `runId`). */
  success: 1 << 9,
  /** CONDA_WORKING. */
  condaWorking: 1 << 10,
  /** PIP_BACKTRACKING. */
  backtracking: 1 << 11,
  /** Every pattern of the registry and base-image checks. */
  registry: 1 << 12,
  /** CONDA_SOLVE_FAILED, CONDA_RESOLVE. */
  conda: 1 << 13,
  /** Every pattern of the pip failure checks. */
  pip: 1 << 14,
  /** The failed-step patterns (with `runId`). */
  failedStep: 1 << 15,
  /** COMPILER_ERROR. */
  compiler: 1 << 16,
  /** ERROR_LINE. */
  errorLine: 1 << 17,
} as const;

/** Every gate open: what a caller that cannot compute the mask passes (nothing is skipped). */
export const ALL_GATES = (1 << 18) - 1;

/**
 * Not a gate but a veto, outside `ALL_GATES`: the line holds a literal of TIMEOUT_NOISE (pip's `Read timed out`
 * retries), which makes the observer ignore a TIMEOUT match, so TIMEOUT's gate is closed. Only literals that, found
 * anywhere in the line, are in the normalised text too (not the anchored `^WARNING`): a veto must never be a guess.
 */
export const TIMEOUT_NOISE_BIT = 1 << 18;

export type LiteralPlace = 'anywhere' | 'afterWordChar' | 'lineStart' | 'maskOnly';

export interface GateLiteral {
  text: string;
  /** Matches in any ASCII case (the literal of a `/i` pattern). */
  anyCase: boolean;
  /** The gates (GATE bits) this literal opens. */
  gates: number;
  place: LiteralPlace;
}

/**
 * Bytes the line normaliser (normalise.ts) may remove before the text the patterns see: timestamp prefixes
 * (`2024-05-14T08:01:02.5+01:00`, `2020/05/24 04:28:30`, BuildKit's `#9 12.34` and `69.03`) and blanks. Bytes from
 * 0x80 count too, since a Unicode space (U+00A0, U+3000, a BOM) is trimmed as well. Colour codes are not here: a line
 * with one is read exactly (the scanner stops at every ESC and every bare `[91m`).
 */
export const PREFIX_BYTES: ReadonlySet<number> = new Set([
  ...'0123456789-T:.,Z+/# \t\u000b\u000c'.split('').map((c) => c.charCodeAt(0)),
  ...Array.from({ length: 128 }, (_, i) => 128 + i),
]);

const lit = (gates: number, place: LiteralPlace, anyCase: boolean, ...texts: string[]): GateLiteral[] =>
  texts.map((text) => ({ text, anyCase, gates, place }));

/** Per gated pattern, alternative by alternative (patterns.ts), a literal every match contains. */
export const GATE_LITERALS: readonly GateLiteral[] = [
  ...lit(
    GATE.pipBuilding,
    'anywhere',
    false,
    'Building wheel for ',
    'Running setup.py install for ',
    'Collecting ',
  ),
  ...lit(GATE.executingStep, 'anywhere', false, 'Executing step ID: '),
  ...lit(GATE.login, 'anywhere', false, 'Logging in to registry', 'Successfully logged in'),
  // STEP_FROM (`Step 1/9 : FROM x`) and STEP_OTHER (`Step 3/9 : `, `---> 1a2b3c4d5e6f`, `Status: ...`, `#5 [2/6] `)
  // are anchored and case-insensitive; so is BUILDKIT_FROM (`#3 [internal] load metadata for x`, `#5 [1/6] FROM x`),
  // whose case does not matter here. In `#5 [`, the `#`, the digits and the blank are prefix bytes, so the `5 [`
  // ends right after the first byte outside them.
  ...lit(
    GATE.from | GATE.stepOther,
    'lineStart',
    true,
    'step ',
    ...'0123456789'.split('').map((d) => `${d} [`),
  ),
  ...lit(GATE.stepOther, 'lineStart', true, '---> '),
  ...lit(GATE.stepOther, 'anywhere', true, 'status: downloaded newer image', 'status: image is up to date'),
  ...lit(GATE.pushing, 'anywhere', false, 'Pushing image', 'The push refers to repository [', ' pushing '),
  ...lit(GATE.runId, 'anywhere', false, 'Run ID: '),
  // TIMEOUT: every match has `timed out` or `exceeded`, and `context deadline`, `Timeout(sec)` or one of the words
  // step/build/run/task; TIMEOUT_NOISE (pip's `Read timed out` retries) vetoes it.
  ...lit(GATE.timeoutWord, 'anywhere', true, 'timed out', 'exceeded'),
  ...lit(
    GATE.timeoutContext,
    'maskOnly',
    true,
    'context deadline',
    'timeout(sec)',
    'step',
    'build',
    'run',
    'task',
  ),
  ...lit(
    TIMEOUT_NOISE_BIT,
    'anywhere',
    true,
    'retrying',
    'read timed out',
    'connect timeout',
    'readtimeouterror',
    'connecttimeouterror',
  ),
  ...lit(
    GATE.success,
    'anywhere',
    false,
    'Successfully built ',
    'Successfully tagged ',
    'Successfully pushed image',
    ': digest: sha256:',
    ' naming to ',
    ' writing image sha256:',
  ),
  ...lit(GATE.condaWorking, 'anywhere', false, ': ...working...'),
  ...lit(
    GATE.backtracking,
    'anywhere',
    false,
    'This is taking longer than usual',
    'pip is looking at multiple versions of',
  ),
  // ACR_AUTH_FAILURE, LOGIN_FAILED and UNAUTHORIZED are case-insensitive; the others are not.
  ...lit(
    GATE.registry,
    'anywhere',
    true,
    'container registry authori',
    'registry',
    '.azurecr.io',
    ' failed',
    'failed to login',
    'unauthorized: ',
    'denied: requested access',
    'authentication required',
    '401 unauthorized',
    'insufficient_scope',
  ),
  ...lit(
    GATE.registry,
    'anywhere',
    false,
    'pull access denied for ',
    'failed to resolve source metadata for ',
    'failed to solve',
    'manifest for ',
    'manifest unknown',
    'toomanyrequests:',
  ),
  // UNAUTHORIZED's `^denied: ` (case-insensitive).
  ...lit(GATE.registry, 'lineStart', true, 'denied: '),
  ...lit(
    GATE.conda,
    'anywhere',
    false,
    'Solving environment: ',
    'ResolvePackageNotFound',
    'PackagesNotFoundError',
    'UnsatisfiableError',
  ),
  ...lit(
    GATE.pip,
    'anywhere',
    false,
    'Could not find a version that satisfies the requirement ',
    'No matching distribution found for ',
    'because these package versions have conflicting dependencies',
    'Could not build wheels for ',
    '... error',
    ": finished with status 'error'",
    ' did not run successfully',
    'Command errored out with exit status ',
    'subprocess-exited-with-error',
    'legacy-install-failure',
    'metadata-generation-failed',
    'Failed building wheel for ',
  ),
  ...lit(
    GATE.failedStep,
    'anywhere',
    false,
    'returned a non-zero code: ',
    ' did not complete successfully: exit code: ',
    'executor failed running [',
    'Building docker image failed with exit code ',
    'failed to run step ID: ',
    'Container failed during run: ',
  ),
  // GENERIC_TERMINAL is case-insensitive.
  ...lit(
    GATE.failedStep,
    'anywhere',
    true,
    'error: failed to solve:',
    'docker image build failed',
    'image build failed',
    'condaenvexception:',
    'condavalueerror: pip returned an error',
  ),
  ...lit(
    GATE.compiler,
    'anywhere',
    false,
    "error: command '",
    'fatal error: ',
    'Microsoft Visual C++ ',
    "error: can't find Rust compiler",
  ),
  // ERROR_LINE: anchored prefixes, and `\w+(?:Error|Exception):` (one word character before `Error:` makes 7 bytes).
  ...lit(GATE.errorLine, 'lineStart', false, 'ERROR:', 'Error:', 'error:', 'E: ', 'fatal:', 'FATAL'),
  ...lit(GATE.errorLine, 'anywhere', false, 'Exception:'),
  ...lit(GATE.errorLine, 'afterWordChar', false, 'Error:'),
];

/** The literals the word filter looks for: `anywhere` ones, and `afterWordChar` ones (with the character before). */
export function wordFilterTexts(
  literals: readonly GateLiteral[] = GATE_LITERALS,
): { text: string; anyCase: boolean; gates: number; afterWordChar: boolean }[] {
  return literals.flatMap(({ text, anyCase, gates, place }) =>
    place === 'anywhere' || place === 'afterWordChar'
      ? [{ text, anyCase, gates, afterWordChar: place === 'afterWordChar' }]
      : [],
  );
}

/**
 * How far before a `timeoutWord` literal its `timeoutContext` may start, in UTF-16 units (what TIMEOUT's `.{0,60}`
 * counts): 60 between the two, the context word (`context deadline`: 16) and `timeout ` before `exceeded`.
 */
export const TIMEOUT_CONTEXT_UNITS = 60 + 16 + 8 + 8;

/** Gates that need every one of their bits (the others need any). */
const TIMEOUT = GATE.timeoutWord | GATE.timeoutContext;

/** Whether the gate `gate` (one GATE value, or `runId | success` and the like: any of them) is open in `mask`. */
export function gateOpen(mask: number, gate: number): boolean {
  if (gate === TIMEOUT) return (mask & (TIMEOUT | TIMEOUT_NOISE_BIT)) === TIMEOUT;
  return (mask & gate) !== 0;
}

/** The gates that can make the observer do more than count the line. */
const SINGLE = ALL_GATES & ~TIMEOUT;

/** Whether a line with this mask can change anything but the line count, the clock and the last lines. */
export function opensAnyGate(mask: number): boolean {
  return (mask & SINGLE) !== 0 || (mask & (TIMEOUT | TIMEOUT_NOISE_BIT)) === TIMEOUT;
}
