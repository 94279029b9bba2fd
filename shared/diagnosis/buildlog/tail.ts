/**
 * Keeps the last ≤ `maxBytes` of a log as whole lines, redacted, while it streams past: what an archived bundle
 * carries as `build.log` (BuildLogEvidence.tail) and what an alert can quote. Memory is bounded by a multiple of
 * `maxBytes`.
 */
import { redact } from '../../text/redact.js';

export const BUILD_LOG_TAIL_MAX_BYTES = 64 * 1024;

const PEM_BEGIN = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----/;
const PEM_END = /-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----/;

export interface TailKeeper {
  line(text: string): void;
  /** The kept lines, newline-terminated, redacted; never more than `maxBytes` UTF-8 bytes. */
  text(): string;
}

/**
 * Raw text kept per byte of tail: redaction runs only over the last lines when the tail is asked for (redacting every
 * line of a 100 MB log as it streams past cost seconds), so enough raw lines are kept for their redacted form to fill
 * `maxBytes` even when redaction shrinks them eightfold (a line made of a long key). Only a log whose last
 * `RAW_PER_TAIL_BYTE × maxBytes` bytes shrink more than that gets a shorter tail, never an unredacted one.
 */
const RAW_PER_TAIL_BYTE = 8;

/**
 * Line by line, whether a line lies inside a PEM private key block: the lines after its BEGIN line up to its END
 * line. A key spans lines, so it is dropped as a block; the BEGIN line itself is kept, and redaction turns it into
 * the marker that stands for the key.
 */
export function privateKeyBlock(): (raw: string) => boolean {
  let inside = false;
  return (raw) => {
    if (inside) {
      if (PEM_END.test(raw)) inside = false;
      return true;
    }
    if (PEM_BEGIN.test(raw) && !PEM_END.test(raw)) inside = true;
    return false;
  };
}

export function createTailKeeper(maxBytes = BUILD_LOG_TAIL_MAX_BYTES): TailKeeper {
  // Raw lines, oldest first from `head`, with their UTF-8 size; at most about RAW_PER_TAIL_BYTE × maxBytes of them.
  const lines: { raw: string; bytes: number }[] = [];
  let head = 0;
  let bytes = 0;
  const inPrivateKey = privateKeyBlock();
  return {
    line(raw: string): void {
      // No line of a private key sits in memory.
      if (inPrivateKey(raw)) return;
      const size = Buffer.byteLength(raw) + 1;
      lines.push({ raw, bytes: size });
      bytes += size;
      while (bytes > RAW_PER_TAIL_BYTE * maxBytes && head < lines.length - 1) {
        bytes -= lines[head]?.bytes ?? 0;
        head++;
      }
      // Compact the array now and then, so dropped lines are released.
      if (head > 1024 && head * 2 > lines.length) {
        lines.splice(0, head);
        head = 0;
      }
    },
    text(): string {
      // The longest run of last lines whose redacted forms fit in maxBytes: what keeping redacted lines as they
      // streamed past, dropping the oldest while over budget, would have kept.
      const kept: string[] = [];
      let keptBytes = 0;
      for (let i = lines.length - 1; i >= head; i--) {
        let text = redact(lines[i]?.raw ?? '');
        let size = Buffer.byteLength(text) + 1;
        if (size > maxBytes) {
          // One line bigger than the whole budget: keep its end, cut at a character boundary.
          text = Buffer.from(text)
            .subarray(-(maxBytes - 1))
            .toString('utf8')
            .replace(/^\uFFFD+/, '');
          size = Buffer.byteLength(text) + 1;
        }
        if (keptBytes + size > maxBytes) break;
        kept.push(text);
        keptBytes += size;
      }
      let out = '';
      for (let i = kept.length - 1; i >= 0; i--) out += `${kept[i] ?? ''}\n`;
      // Once more over the whole kept text: a secret split over lines is only recognisable as a whole.
      return redact(out);
    },
  };
}
