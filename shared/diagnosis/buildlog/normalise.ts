/**
 * One raw build-log line → the text the patterns see: ANSI colour codes removed (including the bare `[91m` form
 * that survives when the ESC byte was dropped) and the timestamp prefix split off and parsed.
 */
import { stripAnsi } from '../../text/redact.js';

export interface NormalisedLine {
  /** The line without colour codes and timestamp prefix, trimmed. */
  text: string;
  /** Whether the original had leading whitespace (conda lists its packages as `  - numpy=1.16.0`). */
  indented: boolean;
  /** Epoch milliseconds of the timestamp prefix, read as UTC when it carries no zone. */
  at?: number;
}

// `2024-09-05T15:26:38: `, `2024-09-05T15:26:38.123456Z `, `2024-09-05 15:26:38,123 `.
const ISO_PREFIX = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:[.,]\d+)?(Z|[+-]\d{2}:?\d{2})?:?\s+/;
// ACR Task runner: `2020/05/24 04:28:30 Downloading source code...`.
const ACR_PREFIX = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}:\d{2}:\d{2})\s+/;
// BuildKit plain progress prefixes each output line of step #9 with its elapsed seconds: `#9 12.34 ERROR: ...`.
const BUILDKIT_OUTPUT = /^#\d+ \d+\.\d+ /;
// BuildKit's error summary (between `------` rules, after ` > [3/6] RUN ...:`) repeats the failed step's last output
// lines with their elapsed seconds but without the `#9`: `69.03 ERROR: ...`.
const BUILDKIT_SUMMARY = /^\d+\.\d{2,3} (?=\S)/;

function zone(z: string | undefined): string {
  if (!z || z === 'Z') return 'Z';
  return z.includes(':') ? z : `${z.slice(0, 3)}:${z.slice(3)}`;
}

export function normaliseLine(raw: string): NormalisedLine {
  // Cheap guards first: most lines carry neither colour codes nor a timestamp.
  let text = raw.includes('[') ? stripAnsi(raw) : raw;
  let at: number | undefined;
  const c0 = text.charCodeAt(0);
  if (c0 >= 48 && c0 <= 57) {
    const iso = ISO_PREFIX.exec(text);
    if (iso) {
      at = Date.parse(`${iso[1]}T${iso[2]}${zone(iso[3])}`);
      text = text.slice(iso[0].length);
    }
    // A log whose every line got a timestamp prefix still carries the ACR runner's own one on its lines
    // (`2024-09-05T15:26:38: 2024/09/05 15:26:38 Logging in to registry: ...`): strip that too, keep the first time.
    const acr = ACR_PREFIX.exec(text);
    if (acr) {
      at ??= Date.parse(`${acr[1]}-${acr[2]}-${acr[3]}T${acr[4]}Z`);
      text = text.slice(acr[0].length);
    } else {
      const summary = BUILDKIT_SUMMARY.exec(text);
      if (summary) text = text.slice(summary[0].length);
    }
    if (at !== undefined && Number.isNaN(at)) at = undefined;
  }
  if (text.charCodeAt(0) === 35 /* # */) {
    const bk = BUILDKIT_OUTPUT.exec(text);
    if (bk) text = text.slice(bk[0].length);
  }
  const c = text.charCodeAt(0);
  const indented = c === 32 || c === 9;
  return { text: indented || text.charCodeAt(text.length - 1) <= 32 ? text.trim() : text, indented, at };
}
