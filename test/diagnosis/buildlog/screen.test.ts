import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LINE_TRIGGERS, MAY_HAVE_COLOUR } from '../../../shared/diagnosis/buildlog/patterns.js';
import {
  buildLogScreen,
  compileScreen,
  screenHits,
  type ScreenLiteral,
} from '../../../shared/diagnosis/buildlog/screen.js';

/** The top-level alternatives of a pattern source (split at `|` outside groups and classes). */
function alternatives(source: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      out.push(source.slice(start, i));
      start = i + 1;
    }
  }
  out.push(source.slice(start));
  return out;
}

/** Strings matching one alternative, in random ASCII case when the pattern ignores case, inside random text. */
function matchesOf(alternative: string, anyCase: boolean): fc.Arbitrary<string> {
  // The screen reads the raw line; anchors apply to the normalised one, so drop them.
  const body = alternative.replace(/^\^/, '').replace(/\(\?:\^/g, '(?:');
  const match = fc.stringMatching(new RegExp(`^(?:${body})$`));
  const cased = anyCase
    ? fc
        .tuple(match, fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }))
        .map(([s, flips]) =>
          [...s].map((ch, i) => (flips[i % 64] ? ch.toUpperCase() : ch.toLowerCase())).join(''),
        )
    : match;
  // Context without NUL or colour codes: the screen must find the match itself.
  // eslint-disable-next-line no-control-regex
  const text = fc.string({ maxLength: 20 }).map((s) => s.replace(/[\u0000\u001b[]/g, ' '));
  return fc.tuple(text, cased, text).map(([a, m, b]) => `${a}${m}${b}`);
}

const cases = LINE_TRIGGERS.flatMap((re) =>
  alternatives(re.source).map((alt) => ({
    name: `${re.source.slice(0, 12)}… ${alt}`,
    alt,
    anyCase: re.flags.includes('i'),
  })),
);

describe('build-log screen', () => {
  it('has a case per trigger alternative', () => {
    expect(cases.length).toBeGreaterThan(45);
  });

  it.each(cases)('finds every match of $name', ({ alt, anyCase }) => {
    const screen = buildLogScreen();
    fc.assert(
      fc.property(matchesOf(alt, anyCase), (line) => {
        // Only lines the trigger itself matches count (case flips may turn a case-sensitive literal into a miss).
        const trigger = new RegExp(alt.replace(/^\^/, ''), anyCase ? 'i' : '');
        fc.pre(trigger.test(line));
        expect(screenHits(screen, line)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('stops at every colour code stripAnsi would remove', () => {
    const screen = buildLogScreen();
    for (const code of ['\u001b[91m', '\u001b[0m', '[91m', '[0m', '[1m', '[4m', '[31m', '[97m']) {
      expect(MAY_HAVE_COLOUR.test(`x${code}y`)).toBe(true);
      expect(screenHits(screen, `pip output ${code}more`)).toBe(true);
    }
  });

  it('passes over ordinary progress lines', () => {
    const screen = buildLogScreen();
    for (const line of [
      'a1b514f3c2d9: Downloading [=======>       ]  12.3MB/77.1MB',
      'Requirement already satisfied: numpy>=1.14.6 in /azureml-envs/x/lib/python3.8/site-packages (1.21.6)',
      'python-3.8.13       | 22.0 MB   | ########## | 100% ',
      'Get:12 http://archive.ubuntu.com/ubuntu focal-updates/main amd64 libglib2.0-0 amd64 [1289 kB]',
    ]) {
      expect(screenHits(screen, line)).toBe(false);
    }
  });

  it('matches case-insensitive literals in any case, case-sensitive ones exactly, and reads past NUL', () => {
    const literals: ScreenLiteral[] = [
      { text: 'error', anyCase: true },
      { text: 'E: ', anyCase: false },
    ];
    const screen = compileScreen(literals);
    expect(screenHits(screen, 'an ErRoR here')).toBe(true);
    expect(screenHits(screen, 'E: x')).toBe(true);
    expect(screenHits(screen, 'e: x')).toBe(false);
    expect(screenHits(screen, 'err\u0000or')).toBe(true);
    expect(screenHits(screen, 'eerror')).toBe(true);
    expect(screenHits(screen, 'erro r')).toBe(false);
    expect(screenHits(screen, 'ünïcödé error')).toBe(true);
  });
});
