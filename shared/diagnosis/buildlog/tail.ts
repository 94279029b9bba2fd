/**
 * Keeps the last ≤ `maxBytes` of a log as whole lines, redacted, while it streams past: what an archived bundle
 * carries as `build.log` (BuildLogEvidence.tail) and what an alert can quote. Memory is bounded by `maxBytes`.
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

export function createTailKeeper(maxBytes = BUILD_LOG_TAIL_MAX_BYTES): TailKeeper {
  const lines: { text: string; bytes: number }[] = [];
  let head = 0;
  let bytes = 0;
  let inPrivateKey = false;
  return {
    line(raw: string): void {
      // Redact per line as it arrives: a secret never sits in the ring unredacted. A PEM key spans lines, so it is
      // kept as a block: from its BEGIN line to its END line nothing but the redacted marker is kept.
      if (inPrivateKey) {
        if (PEM_END.test(raw)) inPrivateKey = false;
        return;
      }
      if (PEM_BEGIN.test(raw) && !PEM_END.test(raw)) inPrivateKey = true;
      let text = redact(raw);
      let size = Buffer.byteLength(text) + 1;
      if (size > maxBytes) {
        // One line bigger than the whole budget: keep its end, cut at a character boundary.
        text = Buffer.from(text)
          .subarray(-(maxBytes - 1))
          .toString('utf8')
          .replace(/^\uFFFD+/, '');
        size = Buffer.byteLength(text) + 1;
      }
      lines.push({ text, bytes: size });
      bytes += size;
      while (bytes > maxBytes && head < lines.length) {
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
      let out = '';
      for (let i = head; i < lines.length; i++) out += `${lines[i]?.text ?? ''}\n`;
      // Once more over the whole kept text: a secret split over lines is only recognisable as a whole.
      return redact(out);
    },
  };
}
