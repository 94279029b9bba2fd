/**
 * The colour codes `stripAnsi` (text/redact.ts) removes, found in raw UTF-8 bytes: `ESC [ digits/semicolons letter`,
 * and the bare `[91m` form left when the ESC byte was dropped. Every byte these codes hold is ASCII, so in bytes
 * they remove what they remove from the decoded text. The byte reader (byteReader.ts) uses them to see the text a
 * coloured line leaves, without decoding it.
 */

export const ESC = 27;
export const OPEN_BRACKET = 0x5b;

/** Where the first `byte` at or after `from` stands (`n`: none). */
export function nextByteIn(buf: Buffer, byte: number, from: number, n: number): number {
  const i = buf.indexOf(byte, from);
  return i === -1 ? n : i;
}

/** Whether `buf[p]` starts a bare colour code `stripAnsi` removes: `[0m`, `[1m`, `[4m`, `[30m`..`[37m`, `[90m`..`[97m`. */
export function bareColourAt(buf: Uint8Array, p: number, end: number): boolean {
  const a = buf[p + 1];
  if (p + 2 < end && buf[p + 2] === 0x6d && (a === 0x30 || a === 0x31 || a === 0x34)) return true;
  const b = buf[p + 2];
  return (
    p + 3 < end &&
    buf[p + 3] === 0x6d &&
    (a === 0x33 || a === 0x39) &&
    b !== undefined &&
    b >= 0x30 &&
    b <= 0x37
  );
}

/** The length of the `ESC [ digits/semicolons letter` sequence `stripAnsi` removes at `buf[p]`, or 0. */
export function escapeLength(buf: Uint8Array, p: number, end: number): number {
  if (buf[p] !== ESC || p + 1 >= end || buf[p + 1] !== OPEN_BRACKET) return 0;
  let q = p + 2;
  while (
    q < end &&
    ((buf[q] as number) === 0x3b || ((buf[q] as number) >= 0x30 && (buf[q] as number) <= 0x39))
  )
    q++;
  const l = (buf[q] as number) | 0x20;
  return q < end && l >= 0x61 && l <= 0x7a ? q + 1 - p : 0;
}

/** The length of the bare `[91m` form `stripAnsi` removes at `buf[p]`, or 0. */
export function bareColourLength(buf: Uint8Array, p: number, end: number): number {
  if (buf[p] !== OPEN_BRACKET || !bareColourAt(buf, p, end)) return 0;
  return buf[p + 2] === 0x6d ? 3 : 4;
}

/** The length of the colour code `stripAnsi` removes at `buf[p]` (either form), or 0. */
export function codeLength(buf: Uint8Array, p: number, end: number): number {
  return p < end ? escapeLength(buf, p, end) || bareColourLength(buf, p, end) : 0;
}

/** Where the first bare colour code at or after `from` starts (`n`: none). */
export function nextBareColourIn(buf: Buffer, from: number, n: number): number {
  for (let i = nextByteIn(buf, OPEN_BRACKET, from, n); i < n; i = nextByteIn(buf, OPEN_BRACKET, i + 1, n)) {
    if (bareColourAt(buf, i, n)) return i;
  }
  return n;
}

/**
 * Where the first ESC or bare colour code in [from, end) starts (`end`: none). A bare code before the ESC ends before
 * it too (no code holds an ESC), so the search for one stops there.
 */
export function nextCodeIn(buf: Buffer, from: number, end: number): number {
  const esc = Math.min(nextByteIn(buf, ESC, from, end), end);
  return nextBareColourIn(buf, from, esc);
}

/** Where the run of colour codes starting at `p` ends (`p` itself when none starts there). */
export function pastCodes(buf: Uint8Array, p: number, end: number): number {
  for (let k = codeLength(buf, p, end); k > 0; k = codeLength(buf, p, end)) p += k;
  return p;
}

/**
 * Copies [from, to) of `buf` into `out` without the colour codes, in `stripAnsi`'s two passes (ESC sequences, then
 * in what is left the bare forms, which removing an ESC sequence can create). Returns the length.
 */
export function stripColourInto(buf: Uint8Array, from: number, to: number, out: Uint8Array): number {
  let n = 0;
  for (let p = from; p < to;) {
    const k = escapeLength(buf, p, to);
    if (k > 0) p += k;
    else out[n++] = buf[p++] as number;
  }
  let w = 0;
  for (let r = 0; r < n;) {
    const k = bareColourLength(out, r, n);
    if (k > 0) r += k;
    else out[w++] = out[r++] as number;
  }
  return w;
}
