import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBuildLogClassifier } from '../../../shared/diagnosis/buildlog/classifier.js';
import { createLineSplitter } from '../../../shared/diagnosis/buildlog/lines.js';
import { opensAnyGate } from '../../../shared/diagnosis/buildlog/gates.js';
import { normaliseLine } from '../../../shared/diagnosis/buildlog/normalise.js';
import { gateAutomaton, gateMask } from '../../../shared/diagnosis/buildlog/screen.js';
import type { BuildLogClassification } from '../../../shared/diagnosis/buildlog/types.js';
import { TEST_ROOT, logFiles } from './logFiles.js';

function classify(bytes: Uint8Array, prefilter: boolean): BuildLogClassification {
  const classifier = createBuildLogClassifier('build.log', { prefilter });
  const splitter = createLineSplitter({ line: (l) => classifier.push(l) });
  // Odd chunk sizes: line breaks fall inside chunks exactly as when streaming from disk.
  for (let i = 0; i < bytes.length; i += 4093) splitter.write(bytes.subarray(i, i + 4093));
  splitter.end();
  return classifier.finish({
    bytesRead: splitter.bytesRead,
    binaryReason: splitter.binaryReason,
    longLines: splitter.longLines,
  });
}

const files = await logFiles();
/** Whether the observer looks closely at a raw line (its normalised text opens a gate). */
const opensGate = (raw: string): boolean => opensAnyGate(gateMask(gateAutomaton(), normaliseLine(raw).text));

describe('build-log pre-filter', () => {
  it('finds the committed build logs', () => {
    expect(files.filter((f) => f.endsWith('build.log')).length).toBeGreaterThanOrEqual(30);
  });

  it.each(files.map((f) => [relative(TEST_ROOT, f), f]))(
    '%s: same classification with and without the pre-filter',
    async (_name, file) => {
      const bytes = await readFile(file);
      const full = classify(bytes, false);
      const screened = classify(bytes, true);
      expect(JSON.stringify(screened)).toBe(JSON.stringify(full));
    },
  );

  it('skips most lines of a long pip/conda log yet keeps the verdict, line numbers, clock and last line', () => {
    const boring = [
      '2024-05-14T08:01:02: a1b514f3c2d9: Downloading [=======>          ]  12.3MB/77.1MB',
      'Installing collected packages: threadpoolctl, joblib, scikit-learn',
      'python-3.8.13       | 22.0 MB   | ########## | 100% ',
    ];
    expect(boring.some(opensGate)).toBe(false);
    const lines = [
      "2024/05/14 08:00:00 Executing step ID: acb_step_0. Timeout(sec): 5400, Working directory: ''",
      'Step 8/15 : RUN conda env create -f env.yml',
      'Solving environment: ...working...',
      ...Array.from({ length: 300 }, (_, i) => boring[i % 3] as string),
      // A colour code inside the trigger word: the screen cannot see it, the colour guard must.
      'Could not find a version that satisfies the requirement torch==9 (from versions: 1.0)',
      'ERR\u001b[0mOR: No matching distribution found for torch==9',
      "The command '/bin/sh -c pip install torch==9' returned a non-zero code: 1",
      '2024-05-14T08:20:00: done',
      '',
    ].join('\n');
    const bytes = new TextEncoder().encode(lines);
    const full = classify(bytes, false);
    expect(full.detail).toBe('PipPackageNotFound');
    expect(full.timing?.lastAt).toBe('2024-05-14T08:20:00.000Z');
    expect(JSON.stringify(classify(bytes, true))).toBe(JSON.stringify(full));
  });

  it('keeps every line inside a conda package list and a pip conflict window', () => {
    const text = [
      'Step 3/9 : RUN conda env create -f env.yml',
      'ResolvePackageNotFound:',
      '  - numpy=1.16.0',
      '  - python=2.7',
      'Step 4/9 : RUN pip install -r r.txt',
      'ERROR: Cannot install a==1 and b==2 because these package versions have conflicting dependencies.',
      'The conflict is caused by:',
      '    The user requested numpy==1.16',
      '    pandas 2.0 depends on numpy>=1.20',
      "The command '/bin/sh -c pip install -r r.txt' returned a non-zero code: 1",
    ].join('\n');
    const bytes = new TextEncoder().encode(text);
    const full = classify(bytes, false);
    expect(full.subject).toBe('numpy=1.16.0, python=2.7');
    expect(JSON.stringify(classify(bytes, true))).toBe(JSON.stringify(full));
  });

  it('looks closely at a line whose gate literal a colour code splits', () => {
    const colourSplit = 'E\u001b[0mRROR: apt could not locate libfoo';
    // Its only gate literal is the `ERROR:` the colour code splits: the gate opens only once the code is gone.
    expect(opensGate(colourSplit.replace('\u001b[0m', '_'))).toBe(false);
    expect(opensGate(colourSplit)).toBe(true);
    const text = [
      'Step 5/9 : RUN apt-get install -y libfoo',
      colourSplit,
      "The command '/bin/sh -c apt-get install -y libfoo' returned a non-zero code: 100",
    ].join('\n');
    const bytes = new TextEncoder().encode(text);
    const screened = classify(bytes, true);
    expect(screened.detail).toBe('DockerStepFailure');
    expect(screened.evidence.map((e) => e.text)).toContain('ERROR: apt could not locate libfoo');
    expect(JSON.stringify(screened)).toBe(JSON.stringify(classify(bytes, false)));
  });
});
