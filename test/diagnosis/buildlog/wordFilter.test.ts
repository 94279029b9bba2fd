import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GATE, wordFilterTexts } from '../../../shared/diagnosis/buildlog/gates.js';
import {
  compileWordFilter,
  countCandidates,
  flagWords,
  literalBitsAt,
  wordCandidates,
  type WordFilter,
} from '../../../shared/diagnosis/buildlog/wordFilter.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const candidates = wordCandidates(wordFilterTexts());

/** `text` at `shift` bytes into a fresh buffer (so every alignment to the word grid occurs), and its bits. */
function bitsIn(filter: WordFilter, text: string, shift: number): number {
  const backing = new Uint8Array(shift + text.length + 8);
  backing.set(enc(text), shift);
  const buf = backing.subarray(shift);
  const hits = new Int32Array(buf.length / 4 + 2);
  const n = flagWords(filter, buf, hits);
  let bits = 0;
  for (let i = 0; i < n; i++) bits |= literalBitsAt(filter, buf, hits[i] as number, 0, text.length);
  return bits;
}

describe('word filter', () => {
  it('finds every literal at every alignment, inside other text, in any case where the pattern ignores it', () => {
    const filter = compileWordFilter(candidates);
    for (const l of wordFilterTexts()) {
      const spelled = l.afterWordChar ? `x${l.text}` : l.text;
      for (let shift = 0; shift < 4; shift++) {
        for (const text of [spelled, `ab ${spelled} cd`, `${spelled}.`]) {
          expect(bitsIn(filter, text, shift) & l.gates, `${text} at ${shift}`).toBe(l.gates);
        }
        if (l.anyCase) expect(bitsIn(filter, `(${spelled.toUpperCase()})`, shift) & l.gates).toBe(l.gates);
      }
    }
  });

  it('tells case-sensitive literals and a word character before `Error:` apart', () => {
    const filter = compileWordFilter(candidates);
    for (let shift = 0; shift < 4; shift++) {
      expect(bitsIn(filter, 'No matching distribution found for x', shift) & GATE.pip).toBe(GATE.pip);
      expect(bitsIn(filter, 'NO MATCHING DISTRIBUTION FOUND FOR x', shift) & GATE.pip).toBe(0);
      expect(bitsIn(filter, 'ModuleNotFoundError: x', shift) & GATE.errorLine).toBe(GATE.errorLine);
      expect(bitsIn(filter, 'pip said: Error: x', shift) & GATE.errorLine).toBe(0);
      expect(bitsIn(filter, 'ReadTimeoutError(x)', shift) & GATE.errorLine).toBe(0);
    }
  });

  it('finds the literals in random text as a substring search does, whatever word it chose', () => {
    const texts = wordFilterTexts();
    const piece = fc.oneof(
      fc.constantFrom(...texts.map((l) => (l.afterWordChar ? `Q${l.text}` : l.text))),
      fc.string({ maxLength: 5 }),
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 6 }),
        fc.integer({ min: 0, max: 3 }),
        fc.uint8Array({ maxLength: 4096 }),
        (parts, shift, sample) => {
          const text = parts.join('');
          // Any sample makes a sound filter: it only decides which word stands for each literal.
          const filter = compileWordFilter(candidates, countCandidates(candidates, sample));
          let want = 0;
          for (const l of texts) {
            const hay = l.anyCase ? text.toLowerCase() : text;
            const needle = l.anyCase ? l.text.toLowerCase() : l.text;
            for (let at = hay.indexOf(needle); at !== -1; at = hay.indexOf(needle, at + 1)) {
              if (!l.afterWordChar || (at > 0 && /\w/.test(text[at - 1] as string))) want |= l.gates;
            }
          }
          // Only ASCII: a non-ASCII character changes byte offsets, not what the filter finds.
          fc.pre([...text].every((c) => c < '\u0080'));
          expect(bitsIn(filter, text, shift)).toBe(want);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('looks for each literal by the word the log shows least', () => {
    const log = enc(
      Array.from({ length: 400 }, (_, i) => `Downloading package-${i} (from packages index) 12.3MB`).join(
        '\n',
      ),
    );
    const fixed = compileWordFilter(candidates);
    const chosen = compileWordFilter(candidates, countCandidates(candidates, log));
    const hits = new Int32Array(log.length / 4 + 2);
    // Chosen by this log, its own words flag (next to) nothing; it still finds the literals.
    expect(flagWords(chosen, log, hits)).toBeLessThan(flagWords(fixed, log, hits) + 1);
    expect(flagWords(chosen, log, hits)).toBeLessThan(log.length / 4 / 100);
    expect(bitsIn(chosen, 'PackagesNotFoundError: x', 1) & GATE.conda).toBe(GATE.conda);
  });
});
