/**
 * ASCII tests on raw bytes, shared by the byte scanners (wordFilter.ts, lineStart.ts, screen.ts): every gate literal
 * is ASCII, and no byte of a multi-byte UTF-8 character is, so a literal can be compared in the bytes of a line
 * without decoding it.
 */

export const isAsciiLetter = (c: number): boolean => (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;

/** `\w`: a letter, a digit or `_`. */
export const isWordChar = (c: number): boolean => (c >= 0x30 && c <= 0x39) || c === 0x5f || isAsciiLetter(c);

/** Whether `text` is all ASCII without NUL (what a byte scanner can look for). */
export const isPlainAscii = (text: string): boolean => [...text].every((c) => c > '\u0000' && c < '\u0080');

/**
 * Whether `bytes` stand at `buf[start]`, letters in any ASCII case when `anyCase`. The caller has checked that they
 * fit before the end of what it reads.
 */
export function bytesAt(buf: Uint8Array, start: number, bytes: Uint8Array, anyCase: boolean): boolean {
  for (let j = 0; j < bytes.length; j++) {
    const b = buf[start + j] as number;
    const c = bytes[j] as number;
    if (b !== c && !(anyCase && isAsciiLetter(c) && (b | 0x20) === (c | 0x20))) return false;
  }
  return true;
}
