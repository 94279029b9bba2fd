/**
 * The `lineStart` gate literals (gates.ts) in raw bytes: they open a gate only at the start of the text the patterns
 * see, after the prefix the normaliser strips (timestamps, BuildKit step numbers, blanks: `PREFIX_BYTES` only). So
 * where the prefix bytes of a line end (its first byte outside them) fixes where each such literal would start: at
 * that byte if the literal starts with a byte outside the prefix set (`ERROR:`), a little before it if its first
 * bytes are prefix bytes themselves (`---> `, `5 [`). One comparison per literal that can end the prefix with that
 * byte, instead of reading the line.
 */
import { bytesAt, isAsciiLetter } from './asciiBytes.js';
import { PREFIX_BYTES, type GateLiteral } from './gates.js';

interface Anchored {
  bytes: Uint8Array;
  anyCase: boolean;
  gates: number;
  /** Offset of the literal's first byte outside the prefix set. */
  anchor: number;
}

export interface LineStartIndex {
  /** 1 for a prefix byte. */
  readonly prefix: Uint8Array;
  /** By the byte where the prefix ends: the literals whose first non-prefix byte it can be. */
  readonly byAnchor: readonly (readonly Anchored[] | undefined)[];
}

export function lineStartIndex(literals: readonly GateLiteral[]): LineStartIndex {
  const prefix = new Uint8Array(256);
  for (const b of PREFIX_BYTES) prefix[b] = 1;
  const byAnchor: Anchored[][] = [];
  for (const l of literals) {
    if (l.place !== 'lineStart') continue;
    const bytes = Uint8Array.from(l.text, (c) => c.charCodeAt(0));
    const anchor = bytes.findIndex((b) => prefix[b] === 0);
    if (anchor < 0)
      throw new Error(`lineStart literal ${JSON.stringify(l.text)} is made of prefix bytes only`);
    const a = bytes[anchor] as number;
    for (const c of l.anyCase && isAsciiLetter(a) ? [a | 0x20, (a | 0x20) - 32] : [a]) {
      (byAnchor[c] ??= []).push({ bytes, anyCase: l.anyCase, gates: l.gates, anchor });
    }
  }
  return { prefix, byAnchor };
}

/** The GATE bits of the `lineStart` literals that stand where the prefix of the text in [from, to) ends. */
export function lineStartBits(index: LineStartIndex, buf: Uint8Array, from: number, to: number): number {
  const { prefix, byAnchor } = index;
  let r = from;
  while (r < to && prefix[buf[r] as number] === 1) r++;
  if (r === to) return 0;
  const candidates = byAnchor[buf[r] as number];
  if (candidates === undefined) return 0;
  let bits = 0;
  for (const l of candidates) {
    const start = r - l.anchor;
    if (start >= from && start + l.bytes.length <= to && bytesAt(buf, start, l.bytes, l.anyCase))
      bits |= l.gates;
  }
  return bits;
}
