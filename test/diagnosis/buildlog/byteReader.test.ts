import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createByteLogReader } from '../../../shared/diagnosis/buildlog/byteReader.js';
import { decideBuildLog } from '../../../shared/diagnosis/buildlog/decide.js';
import { createLineSplitter } from '../../../shared/diagnosis/buildlog/lines.js';
import type { BuildLogObservations } from '../../../shared/diagnosis/buildlog/observations.js';
import { createLineObserver } from '../../../shared/diagnosis/buildlog/observer.js';
import * as P from '../../../shared/diagnosis/buildlog/patterns.js';
import type { BuildLogClassification } from '../../../shared/diagnosis/buildlog/types.js';
import { alternatives, matchesOf } from './patternMatches.js';
import { TEST_ROOT, logFiles } from './logFiles.js';

function chunksOf(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

interface Read {
  classification: BuildLogClassification;
  observations: Readonly<BuildLogObservations>;
}

/** The reference: the line splitter, and an observer that tries every pattern on every line (no gates). */
function viaLines(chunks: Uint8Array[]): Read {
  const observer = createLineObserver({ prefilter: false });
  const splitter = createLineSplitter({ line: (l) => observer.push(l) });
  for (const c of chunks) if (!splitter.write(c)) break;
  splitter.end();
  const { bytesRead, binaryReason, longLines } = splitter;
  const classification = decideBuildLog(observer.observations, 'build.log', {
    bytesRead,
    binaryReason,
    longLines,
  });
  return { classification, observations: observer.observations };
}

function viaBytes(chunks: Uint8Array[]): Read {
  const reader = createByteLogReader('build.log');
  for (const c of chunks) if (!reader.write(c)) break;
  return { classification: reader.end(), observations: reader.observations() };
}

/** As JSON: failure candidates (a Map) as entries, object keys sorted (when a field was first set may differ). */
const json = (r: Read): string =>
  JSON.stringify(r, (_k, v: unknown) => {
    if (v instanceof Map) return [...(v as Map<unknown, unknown>)];
    if (v && typeof v === 'object' && !Array.isArray(v))
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)),
      );
    return v;
  });

function expectSame(bytes: Uint8Array, sizes: number[]): void {
  for (const size of sizes) {
    const chunks = chunksOf(bytes, size);
    expect(json(viaBytes(chunks)), `chunks of ${size}`).toBe(json(viaLines(chunks)));
  }
}

const files = await logFiles();
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('byte reader', () => {
  it.each(files.map((f) => [relative(TEST_ROOT, f), f]))(
    '%s: same classification as the line splitter, in any chunk size',
    async (_name, file) => {
      const bytes = await readFile(file);
      expectSame(bytes, [1, 7, 4093, 1 << 20]);
    },
  );

  const failure = [
    "2024/05/14 08:00:00 Executing step ID: acb_step_0. Timeout(sec): 5400, Working directory: ''",
    'Step 8/15 : RUN conda env create -f env.yml',
    'Solving environment: ...working...',
    'python-3.8.13       | 22.0 MB   | ########## | 100% ',
    '2024-05-14T08:01:02: a1b514f3c2d9: Downloading [=====>   ]  12.3MB/77.1MB',
    'ERROR: No matching distribution found for torch==9',
    "The command '/bin/sh -c pip install torch==9' returned a non-zero code: 1",
    '2024-05-14T08:20:00: progress 3/4',
    '',
  ];

  it('cuts CRLF, lone CR and breaks split across chunks like the line splitter', () => {
    expectSame(enc(failure.join('\r\n')), [1, 2, 3, 5, 64, 4096]);
    expectSame(enc(failure.join('\r')), [1, 2, 3, 5, 64, 4096]);
    expectSame(enc(failure.join('\r\r\n\n')), [1, 2, 3, 64]);
  });

  it('finds a trigger split across chunks and a multi-byte character split across chunks', () => {
    const text = [
      'Step 1/2 : RUN x',
      'ünïcödé → ✓ 日本語 🎉 ERROR: No matching distribution found for ü==1',
      'done',
    ].join('\n');
    expectSame(enc(text), [1, 2, 3, 5, 9, 17]);
  });

  it('clips very long lines, counts them, and keeps what follows', () => {
    const long = (n: number, ch: string): string => ch.repeat(n);
    const text = [
      'Step 1/2 : RUN pip install x',
      `Downloading ${long(20_000, '#')}`,
      `${long(16_384, '€')}ERROR: No matching distribution found for hidden==1`,
      `ERROR: No matching distribution found for torch==9 ${long(60_000, 'é')}`,
      long(200_000, '=') + ' then the end',
      "The command '/bin/sh -c pip install x' returned a non-zero code: 1",
    ].join('\n');
    expectSame(enc(text), [4093, 65_536, 1 << 20]);
    expect(viaBytes([enc(text)]).classification.longLines).toBe(4);
  });

  it('reads NULs, a BOM, invalid UTF-8 and a log without a final line break like the line splitter', () => {
    const body = failure.join('\n');
    const withNul = enc(body.replace('Solving', 'Sol\u0000ving'));
    const nulInTimestamp = enc(
      `${'x'.repeat(9000)}\n\u00002024-05-14T09:00:00: late line\nStep 1/1 : RUN y\n`,
    );
    // The BOM hides the timestamp of an otherwise ordinary first line from a byte-level look.
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...enc(`2024-05-14T07:00:00: hello\n${body}`)]);
    const invalid = new Uint8Array([
      ...enc('Step 1/1 : RUN x\nbad \xff'),
      0xe2,
      0x82,
      10,
      0xe2,
      ...enc('\nend'),
    ]);
    for (const bytes of [withNul, nulInTimestamp, bom, invalid, enc(body.trimEnd())]) {
      expectSame(bytes, [1, 3, 4093]);
    }
  });

  it('keeps the clock right when digit-led lines are not timestamps', () => {
    const text = [
      'Step 1/2 : RUN conda install',
      '3 packages to install',
      '2024-05-14T08:00:00: first',
      'plain',
      '2024-05-14T08:05:00: middle',
      '42 is not a time',
      'plain again',
      'Solving environment: ...working...',
      '',
    ].join('\n');
    expectSame(enc(text), [1, 5, 4096]);
    expect(viaBytes([enc(text)]).classification.timing?.lastAt).toBe('2024-05-14T08:05:00.000Z');
  });

  it('refuses binary input like the line splitter', () => {
    const gzip = new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2, 3]);
    const nul = enc(`Step 1/1 : RUN x\n${'a'.repeat(100)}\u0000rest`);
    const undecodable = new Uint8Array(9000).fill(0xff);
    for (const bytes of [gzip, nul, undecodable]) expectSame(bytes, [1, 5, 4093]);
  });

  it('agrees with the line splitter on random logs made of real line shapes, in random chunks', () => {
    const shapes = [
      ...failure,
      '  - numpy=1.16.0',
      'ResolvePackageNotFound:',
      'ERROR: Cannot install a==1 and b==2 because these package versions have conflicting dependencies.',
      '    pandas 2.0 depends on numpy>=1.20',
      '\u001b[91mdebconf: delaying package configuration\u001b[0m',
      "[91m  Building wheel for termcolor (setup.py): finished with status 'done'[0m",
      'Successfully tagged ws1.azurecr.io/azureml/azureml_x:latest',
      '2024/05/14 08:30:00 Run ID: cj2 failed after 3m33s. Error: failed during run, err: exit status 1',
      '12 not a time',
      '\u0000',
      '   ',
      'ü',
    ];
    const separators = ['\n', '\r\n', '\r'];
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...shapes), fc.constantFrom(...separators)), { maxLength: 40 }),
        fc.integer({ min: 1, max: 300 }),
        (lines, size) => {
          const bytes = enc(lines.map(([l, sep]) => l + sep).join(''));
          const chunks = chunksOf(bytes, size);
          expect(json(viaBytes(chunks))).toBe(json(viaLines(chunks)));
        },
      ),
      { numRuns: 300 },
    );
  });

  const patterns = Object.entries(P).filter(
    (e): e is [string, RegExp] => e[1] instanceof RegExp && e[0] !== 'INTERESTING',
  );
  const alternativeCases = patterns.flatMap(([name, re]) =>
    alternatives(re.source).map((alt) => ({
      name: `${name}: ${alt.slice(0, 50)}`,
      alt,
      anyCase: re.flags.includes('i'),
    })),
  );

  it.each(alternativeCases)(
    'finds every line $name can match, wherever the line stands, in any chunks',
    ({ alt, anyCase }) => {
      const cased = matchesOf(alt, anyCase);
      const prefix = fc.constantFrom(
        '',
        '  ',
        '2024-05-14T08:01:02: ',
        '2020/05/24 04:28:30 ',
        '#9 12.34 ',
        '\u001b[91m',
        '[91m',
        '2024-05-14T08:01:02.5Z \u001b[91m  ',
        '\u001b[91m2024-05-14T08:01:02: ',
        '[0m#9 12.34 ',
      );
      const text = fc.string({ maxLength: 12 }).map((t) => t.replace(/[\r\n]/g, ' '));
      const filler = fc.constantFrom(
        'a1b514f3c2d9: Downloading [=======>       ]  12.3MB/77.1MB',
        'Requirement already satisfied: numpy in /x (from scikit-learn==1.0.2)',
        '2024-05-14T08:01:03: Installing collected packages: numpy',
        'ü€ 日本語 ' + 'x'.repeat(70),
        '',
      );
      fc.assert(
        fc.property(
          fc.array(filler, { maxLength: 4 }),
          prefix,
          text,
          cased,
          text,
          fc.boolean(),
          fc.array(filler, { maxLength: 4 }),
          fc.integer({ min: 1, max: 200 }),
          (before, pre, lead, m, trail, endColour, after, size) => {
            const line = `${pre}${alt.startsWith('^') ? '' : lead}${m}${trail}${endColour ? '\u001b[0m' : ''}`;
            const chunks = chunksOf(enc([...before, line, ...after, 'done'].join('\n')), size);
            expect(json(viaBytes(chunks))).toBe(json(viaLines(chunks)));
          },
        ),
        { numRuns: 25 },
      );
    },
  );

  it('finds a timeout whose context word stands 60 characters before it, in any script', () => {
    for (const filler of ['x', 'é', '日', '🎉']) {
      // 60 UTF-16 units between the words: the blanks and 58 of them.
      const gap = filler.repeat(filler === '🎉' ? 29 : 58);
      for (const line of [`the build ${gap} timed out`, `Timeout(sec) ${'日'.repeat(38)} exceeded`]) {
        const bytes = enc(['Step 1/2 : RUN make', line, 'done'].join('\n'));
        expect(viaLines([bytes]).classification.detail, line).toBe('BuildTimeout');
        expectSame(bytes, [1, 7, 4093]);
      }
    }
  });

  it('reads TIMEOUT and its veto from the text only: colour codes, later timeout words, invalid UTF-8', () => {
    const cases: Uint8Array[] = [
      // `ESC[r` is a code: the text says `etrying`, no retry noise, so this is a timeout.
      enc('\n\u001b[retrying run timed out\n'),
      enc('\n\u001b[5;read timed out run timed out\n'),
      // The context word stands before the second timeout word only.
      enc('\ntimed out xxxxxx run timed out\n'),
      enc('\nexceededxxxxxxxx run timed out\n'),
      // 45 invalid bytes are 45 characters, within TIMEOUT's 60.
      new Uint8Array([...enc('\nrun '), ...new Uint8Array(45).fill(0xff), ...enc(' timed out\n')]),
      new Uint8Array([...enc('\nrun '), ...new Uint8Array(45).fill(0xf0), ...enc(' timed out\n')]),
    ];
    for (const bytes of cases) {
      expect(
        viaLines([bytes]).observations.explicitTimeout,
        JSON.stringify(new TextDecoder().decode(bytes)),
      ).toBeDefined();
      expectSame(bytes, [bytes.length, 64, 4093]);
    }
  });

  it('agrees on generated TIMEOUT lines: context and timeout words apart, retry noise, colour codes, any script', () => {
    const ctx = [
      'step',
      'build',
      'run',
      'task',
      'Step',
      'BUILD',
      'context deadline',
      'Timeout(sec)',
      'rebuild',
    ];
    const word = [
      'timed out',
      'exceeded',
      'timeout exceeded',
      'exceeded its timeout',
      'exceeded the time limit',
    ];
    const noise = ['', 'Retrying', 'Read timed out', 'connect timeout', 'ReadTimeoutError', 'WARNING'];
    const fill = fc
      .array(fc.constantFrom('x', 'é', '😀', '€', ' ', '\u00a0', '\u001b[0m', '[0m', '\u001b[5;r'), {
        maxLength: 70,
      })
      .map((a) => a.join(''));
    const line = fc
      .record({
        pre: fc.constantFrom('', '\u001b[91m', '\u001b[r', '[91m', '2024-05-14T08:01:02Z ', '#9 1.2 ', '  '),
        first: fc.constantFrom('', ...word.map((w) => `${w} `)),
        c: fc.constantFrom(...ctx),
        gap: fill,
        w: fc.constantFrom(...word),
        nz: fc.constantFrom(...noise),
        at: fc.nat(),
        post: fc.constantFrom('', '\u001b[0m', '[0m'),
      })
      .map(({ pre, first, c, gap, w, nz, at, post }) => {
        const body = `${first}${c} ${gap} ${w}`;
        const i = at % (body.length + 1);
        return `${pre}${body.slice(0, i)}${nz}${body.slice(i)}${post}`;
      });
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 4 }),
        fc.constantFrom(7, 64, 4093, 1 << 20),
        (lines, size) => {
          const chunks = chunksOf(enc(['Step 1/2 : RUN make', ...lines, 'done'].join('\n')), size);
          expect(json(viaBytes(chunks))).toBe(json(viaLines(chunks)));
        },
      ),
      { numRuns: 400 },
    );
  });
});
