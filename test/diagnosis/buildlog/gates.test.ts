import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  GATE,
  GATE_LITERALS,
  PREFIX_BYTES,
  TIMEOUT_NOISE_BIT,
  gateOpen,
  opensAnyGate,
  wordFilterTexts,
} from '../../../shared/diagnosis/buildlog/gates.js';
import { lineStartBits, lineStartIndex } from '../../../shared/diagnosis/buildlog/lineStart.js';
import * as P from '../../../shared/diagnosis/buildlog/patterns.js';
import { MIN_LITERAL_BYTES } from '../../../shared/diagnosis/buildlog/wordFilter.js';
import { alternatives, matchesOf } from './patternMatches.js';
import {
  ROOT,
  compileLiteralAutomaton,
  expandAll,
  gateAutomaton,
  gateMask,
} from '../../../shared/diagnosis/buildlog/screen.js';

const TIMEOUT = GATE.timeoutWord | GATE.timeoutContext;

/** Each pattern the observer tries (observer.ts), with the gate it tries it behind. */
const GATED: [string, RegExp, number][] = [
  ['PIP_BUILDING', P.PIP_BUILDING, GATE.pipBuilding],
  ['EXECUTING_STEP', P.EXECUTING_STEP, GATE.executingStep],
  ['LOGGING_IN', P.LOGGING_IN, GATE.login],
  ['LOGGED_IN', P.LOGGED_IN, GATE.login],
  ['STEP_FROM', P.STEP_FROM, GATE.from],
  ['BUILDKIT_FROM', P.BUILDKIT_FROM, GATE.from],
  ['STEP_OTHER', P.STEP_OTHER, GATE.stepOther],
  ['PUSHING', P.PUSHING, GATE.pushing],
  ['RUN_FAILED', P.RUN_FAILED, GATE.runId],
  ['TIMEOUT', P.TIMEOUT, TIMEOUT],
  ['SUCCESS', P.SUCCESS, GATE.success | GATE.runId],
  ['CONDA_WORKING', P.CONDA_WORKING, GATE.condaWorking],
  ['PIP_BACKTRACKING', P.PIP_BACKTRACKING, GATE.backtracking],
  ['ACR_AUTH_FAILURE', P.ACR_AUTH_FAILURE, GATE.registry],
  ['PULL_ACCESS_DENIED', P.PULL_ACCESS_DENIED, GATE.registry],
  ['SOURCE_METADATA', P.SOURCE_METADATA, GATE.registry],
  ['SOLVE_IMAGE_NOT_FOUND', P.SOLVE_IMAGE_NOT_FOUND, GATE.registry],
  ['MANIFEST_NOT_FOUND', P.MANIFEST_NOT_FOUND, GATE.registry],
  ['RATE_LIMITED', P.RATE_LIMITED, GATE.registry],
  ['LOGIN_FAILED', P.LOGIN_FAILED, GATE.registry],
  ['UNAUTHORIZED', P.UNAUTHORIZED, GATE.registry],
  ['CONDA_SOLVE_FAILED', P.CONDA_SOLVE_FAILED, GATE.conda],
  ['CONDA_RESOLVE', P.CONDA_RESOLVE, GATE.conda],
  ['PIP_NO_DISTRIBUTION', P.PIP_NO_DISTRIBUTION, GATE.pip],
  ['PIP_NO_VERSION', P.PIP_NO_VERSION, GATE.pip],
  ['PIP_CONFLICT', P.PIP_CONFLICT, GATE.pip],
  ['PIP_COULD_NOT_BUILD', P.PIP_COULD_NOT_BUILD, GATE.pip],
  ['PIP_STEP_ERROR', P.PIP_STEP_ERROR, GATE.pip],
  ['PIP_COMMAND_ERRORED', P.PIP_COMMAND_ERRORED, GATE.pip],
  ['PIP_SUBPROCESS_ERROR', P.PIP_SUBPROCESS_ERROR, GATE.pip],
  ['PIP_FAILED_WHEEL', P.PIP_FAILED_WHEEL, GATE.pip],
  ['DOCKER_COMMAND_FAILED', P.DOCKER_COMMAND_FAILED, GATE.failedStep],
  ['BUILDKIT_PROCESS_FAILED', P.BUILDKIT_PROCESS_FAILED, GATE.failedStep],
  ['NON_ZERO', P.NON_ZERO, GATE.failedStep],
  ['ACR_STEP_FAILED', P.ACR_STEP_FAILED, GATE.failedStep],
  ['GENERIC_TERMINAL', P.GENERIC_TERMINAL, GATE.failedStep],
  ['COMPILER_ERROR', P.COMPILER_ERROR, GATE.compiler],
  ['ERROR_LINE', P.ERROR_LINE, GATE.errorLine],
];
/**
 * Patterns the observer tries only after a gated one matched, inside an open window (every line is observed then),
 * or as the INTERESTING test that no gate replaces (a line that opens no later gate gets the same outcome either way).
 */
const UNGATED = new Set([
  'INTERESTING',
  'TIMEOUT_NOISE',
  'ERROR_NOISE',
  'REGISTRY_HOST',
  'PIP_FROM_VERSIONS',
  'LIST_ITEM',
  'PIP_CONFLICT_CAUSE',
]);

/** A match of one alternative inside random text. */
function lineWith(alternative: string, anyCase: boolean): fc.Arbitrary<string> {
  const text = fc.string({ maxLength: 20 });
  return fc.tuple(text, matchesOf(alternative, anyCase), text).map(([a, m, b]) => `${a}${m}${b}`);
}

const cases = GATED.flatMap(([name, re, gate]) =>
  alternatives(re.source).map((alt) => ({
    name: `${name}: ${alt.slice(0, 60)}`,
    alt,
    anyCase: re.flags.includes('i'),
    gate,
  })),
);

describe('observer gates', () => {
  it('cover every pattern the observer tries', async () => {
    const source = await readFile(
      join(import.meta.dirname, '../../../shared/diagnosis/buildlog/observer.ts'),
      'utf8',
    );
    const used = new Set([...source.matchAll(/\bP\.([A-Z_]+)\b/g)].map((m) => m[1] as string));
    const covered = new Set([...GATED.map(([name]) => name), ...UNGATED]);
    expect([...used].filter((n) => !covered.has(n))).toEqual([]);
    expect(cases.length).toBeGreaterThan(50);
  });

  it.each(cases)('open for every match of $name', ({ alt, anyCase, gate }) => {
    const automaton = gateAutomaton();
    const pattern = new RegExp(alt.replace(/^\^/, ''), anyCase ? 'i' : '');
    fc.assert(
      fc.property(lineWith(alt, anyCase), (line) => {
        // The observer ignores a TIMEOUT match on a line with TIMEOUT_NOISE: there the gate may stay closed.
        fc.pre(pattern.test(line) && !(gate === TIMEOUT && P.TIMEOUT_NOISE.test(line)));
        expect(gateOpen(gateMask(automaton, line), gate)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('stay closed on ordinary progress, download and apt lines', () => {
    const automaton = gateAutomaton();
    for (const line of [
      'a1b514f3c2d9: Downloading [=======>       ]  12.3MB/77.1MB',
      'Requirement already satisfied: numpy>=1.14.6 in /azureml-envs/x/lib/python3.8/site-packages (from scikit-learn==1.0.2) (1.21.6)',
      'python-3.8.13       | 22.0 MB   | ########## | 100% ',
      "WARNING: Retrying (Retry(total=4)) after connection broken by 'ReadTimeoutError(\"HTTPSConnectionPool(host='pypi.org', port=443): Read timed out. (read timeout=15)\")': /simple/numpy/",
      'Setting up libglib2.0-0:amd64 (2.64.6-1~ubuntu20.04.7) ...',
    ]) {
      expect(opensAnyGate(gateMask(automaton, line)), line).toBe(false);
    }
  });

  it('give the scanners literals they can find: long ones anywhere, short ones only at the start of the text', () => {
    for (const l of GATE_LITERALS) {
      if (l.place === 'anywhere') expect(l.text.length, l.text).toBeGreaterThanOrEqual(MIN_LITERAL_BYTES);
      if (l.place === 'afterWordChar')
        expect(l.text.length + 1, l.text).toBeGreaterThanOrEqual(MIN_LITERAL_BYTES);
      if (l.place === 'lineStart')
        expect(
          [...l.text].some((c) => !PREFIX_BYTES.has(c.charCodeAt(0))),
          l.text,
        ).toBe(true);
    }
    // A veto holds only where the normalised text holds it too: TIMEOUT_NOISE's unanchored literals.
    for (const l of GATE_LITERALS.filter((x) => x.gates === TIMEOUT_NOISE_BIT)) {
      expect(l.place).toBe('anywhere');
      expect(P.TIMEOUT_NOISE.test(`x ${l.text.toUpperCase()} y`)).toBe(true);
      expect(alternatives(P.TIMEOUT_NOISE.source).some((a) => a.toLowerCase() === l.text)).toBe(true);
    }
    // A maskOnly literal only narrows TIMEOUT, whose other half the scanners do find.
    expect(
      GATE_LITERALS.filter((l) => l.place === 'maskOnly').every((l) => l.gates === GATE.timeoutContext),
    ).toBe(true);
    expect(wordFilterTexts().length).toBe(
      GATE_LITERALS.filter((l) => l.place === 'anywhere' || l.place === 'afterWordChar').length,
    );
  });
});

describe('literal automaton', () => {
  it('fits its state ranges when every transition is taken', () => {
    const a = compileLiteralAutomaton(GATE_LITERALS);
    const states = expandAll(a);
    expect(states).toBeGreaterThan(500);
    expect(states).toBeLessThan(ROOT + 8192);
  });

  it('finds the same literals as a plain substring search, in any text', () => {
    const a = compileLiteralAutomaton(GATE_LITERALS);
    const naive = (text: string): number => {
      let bits = 0;
      for (const l of GATE_LITERALS) {
        const hay0 = text.replaceAll('\u0000', '');
        // The automaton reads past NULs (the line splitter drops them from lines).
        const hay = l.anyCase ? hay0.replace(/[A-Z]/g, (c) => c.toLowerCase()) : hay0;
        if (hay.includes(l.anyCase ? l.text.toLowerCase() : l.text)) bits |= l.gates;
      }
      return bits;
    };
    const pieces = fc.oneof(
      fc.constantFrom(...GATE_LITERALS.map((l) => l.text)),
      fc.constantFrom(...GATE_LITERALS.map((l) => l.text.toUpperCase())),
      fc.string({ maxLength: 6 }),
      fc.constantFrom('ü', '\u0000', '€', 'Ｅ'),
    );
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 8 }), (parts) => {
        const text = parts.join('');
        expect(gateMask(a, text)).toBe(naive(text));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('line-start literals in bytes', () => {
  const index = lineStartIndex(GATE_LITERALS);
  const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
  const bitsOf = (s: string): number => {
    const b = enc(s);
    return lineStartBits(index, b, 0, b.length);
  };

  it('finds them after every prefix the normaliser strips', () => {
    for (const prefix of [
      '',
      '   ',
      '\t',
      '2024-05-14T08:01:02: ',
      '2024-05-14 08:01:02,123 ',
      '2024-05-14T08:01:02.5+01:00 ',
      '2020/05/24 04:28:30 ',
      '#9 12.34 ',
      '69.03 ',
      '\u00a0\u3000',
    ]) {
      expect(bitsOf(`${prefix}ERROR: x`) & GATE.errorLine, prefix).not.toBe(0);
      expect(bitsOf(`${prefix}E: Unable to locate package x`) & GATE.errorLine, prefix).not.toBe(0);
      expect(bitsOf(`${prefix}Step 3/9 : RUN x`) & GATE.stepOther, prefix).not.toBe(0);
      expect(bitsOf(`${prefix} ---> 1a2b3c4d5e6f`) & GATE.stepOther, prefix).not.toBe(0);
      expect(bitsOf(`${prefix}#12 [2/6] RUN x`) & GATE.stepOther, prefix).not.toBe(0);
      expect(bitsOf(`${prefix}denied: requested access`) & GATE.registry, prefix).not.toBe(0);
    }
  });

  it('finds nothing past the start of the text', () => {
    expect(bitsOf('apt said ERROR: x')).toBe(0);
    expect(bitsOf('Get:12 http://archive.ubuntu.com 2.64.6-1~ubuntu20.04.7 [1289 kB]')).toBe(0);
    expect(bitsOf('x E: y')).toBe(0);
  });
});
