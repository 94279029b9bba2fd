/** Generated strings matching a pattern alternative: what the gate and byte-reader property tests feed. */
import fc from 'fast-check';

/** The top-level alternatives of a pattern source (split at `|` outside groups and classes). */
export function alternatives(source: string): string[] {
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

/**
 * Strings that match one alternative, in random ASCII case when the pattern ignores case, without line breaks. The
 * generator knows no anchors, lookahead or `\b`: without them it makes a superset of the matches, which a test
 * filters with the pattern itself when it needs real matches only.
 */
export function matchesOf(alternative: string, anyCase: boolean): fc.Arbitrary<string> {
  const body = alternative
    .replace(/^\^/, '')
    .replace(/\(\?:\^/g, '(?:')
    .replace(/\(\?[!=][^()]*\)/g, '')
    .replaceAll('\\b', '');
  const match = fc.stringMatching(new RegExp(`^(?:${body})$`)).map((m) => m.replace(/[\r\n]/g, ' '));
  if (!anyCase) return match;
  return fc
    .tuple(match, fc.array(fc.boolean(), { minLength: 32, maxLength: 32 }))
    .map(([m, flips]) => [...m].map((c, i) => (flips[i % 32] ? c.toUpperCase() : c.toLowerCase())).join(''));
}
