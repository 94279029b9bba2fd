/**
 * Turns a build log arriving in arbitrary chunks (bytes or strings) into lines, with bounded memory: chunk
 * boundaries may fall inside a line, a CRLF pair or a UTF-8 sequence; a line longer than `maxLineChars` keeps only
 * its start (the rest is counted, not stored). The first bytes are sniffed so a binary or compressed file is
 * refused with a clear reason instead of being "classified".
 */

/** Longest line kept; build logs carry megabyte-long progress lines, the decisive text is at their start. */
export const MAX_LINE_CHARS = 16 * 1024;
/** Like git: a NUL byte in the first 8000 bytes means binary. */
export const SNIFF_BYTES = 8000;

export interface LineSink {
  line(text: string): void;
}

export interface LineSplitter {
  /** Feeds a chunk; returns false once the input was found to be binary (stop feeding). */
  write(chunk: string | Uint8Array): boolean;
  /** Flushes the last line (a log need not end with a newline). */
  end(): void;
  readonly bytesRead: number;
  /** Set when the input is not text. */
  readonly binaryReason: string | undefined;
  /** Lines longer than `maxLineChars`. */
  readonly longLines: number;
}

/** Magic numbers of the archives a build log is most often mistaken for. */
export function sniffMagic(head: Uint8Array): string | undefined {
  if (head[0] === 0x1f && head[1] === 0x8b)
    return 'gzip-compressed data, not a text log (decompress it first)';
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) {
    return 'a zip archive, not a text log (extract build.log first)';
  }
  return undefined;
}

/** Invalid UTF-8 becomes U+FFFD; a few are a mis-encoded character, a flood of them is not text. */
export function mostlyUndecodable(text: string): boolean {
  if (text.length < 64) return false;
  let bad = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 0xfffd) bad++;
  return bad / text.length > 0.1;
}

export function createLineSplitter(sink: LineSink, maxLineChars = MAX_LINE_CHARS): LineSplitter {
  const decoder = new TextDecoder('utf-8', { fatal: false });
  let bytesRead = 0;
  let sniffed = 0;
  let head = new Uint8Array(0);
  let sniffText = '';
  let binaryReason: string | undefined;
  let longLines = 0;
  let partial = '';
  let partialOverflow = false;
  // A CR ended the previous chunk: an LF starting the next one belongs to the same line break.
  let pendingCR = false;

  const emit = (): void => {
    if (partialOverflow) longLines++;
    sink.line(partial.includes('\u0000') ? partial.replaceAll('\u0000', '') : partial);
    partial = '';
    partialOverflow = false;
  };

  const append = (s: string, from: number, to: number): void => {
    if (to <= from) return;
    const room = maxLineChars - partial.length;
    if (room <= 0) {
      partialOverflow = true;
      return;
    }
    if (to - from > room) {
      partial += s.slice(from, from + room);
      partialOverflow = true;
    } else partial += s.slice(from, to);
  };

  /** LF-only text, the common case: one indexOf per line. */
  const feedLF = (s: string, from: number): void => {
    let i = from;
    for (;;) {
      const j = s.indexOf('\n', i);
      if (j === -1) {
        append(s, i, s.length);
        return;
      }
      append(s, i, j);
      emit();
      i = j + 1;
    }
  };

  /** Text with CRs: CRLF and a lone CR (progress bars) both end a line. */
  const feedCR = (s: string, from: number): void => {
    let i = from;
    // Next LF / CR positions are cached: re-searching both for every line is quadratic when CRs are rare.
    let lf = s.indexOf('\n', i);
    let cr = s.indexOf('\r', i);
    while (i < s.length) {
      if (lf !== -1 && lf < i) lf = s.indexOf('\n', i);
      if (cr !== -1 && cr < i) cr = s.indexOf('\r', i);
      const j = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
      if (j === -1) {
        append(s, i, s.length);
        return;
      }
      append(s, i, j);
      emit();
      if (j === cr) {
        if (j + 1 < s.length) i = s.charCodeAt(j + 1) === 10 ? j + 2 : j + 1;
        else {
          pendingCR = true;
          i = j + 1;
        }
      } else i = j + 1;
    }
  };

  const feedText = (s: string): void => {
    let i = 0;
    if (pendingCR && s.length > 0) {
      if (s.charCodeAt(0) === 10) i = 1;
      pendingCR = false;
    }
    // Most logs have no CR at all: they take the simpler loop, which V8 runs many times faster.
    if (s.indexOf('\r', i) === -1) feedLF(s, i);
    else feedCR(s, i);
  };

  const checkText = (text: string): void => {
    if (sniffText.length >= SNIFF_BYTES || binaryReason) return;
    sniffText += text.slice(0, SNIFF_BYTES - sniffText.length);
    if (sniffText.includes('\u0000'))
      binaryReason = `binary data, not a text log (NUL at character ${sniffText.indexOf('\u0000')})`;
    else if (sniffText.length >= SNIFF_BYTES && mostlyUndecodable(sniffText))
      binaryReason = 'not UTF-8 text (mostly undecodable bytes)';
  };

  return {
    write(chunk: string | Uint8Array): boolean {
      if (binaryReason) return false;
      let text: string;
      if (typeof chunk === 'string') {
        bytesRead += Buffer.byteLength(chunk);
        text = chunk;
      } else {
        if (sniffed < SNIFF_BYTES) {
          // Sniff only the start: archive magic in the first 4 bytes (they may arrive one by one), NULs in 8000.
          const window = chunk.subarray(0, SNIFF_BYTES - sniffed);
          if (head.length < 4) {
            head = Uint8Array.from([...head, ...window.subarray(0, 4 - head.length)]);
            binaryReason = sniffMagic(head);
          }
          const nul = window.indexOf(0);
          if (!binaryReason && nul !== -1)
            binaryReason = `binary data, not a text log (NUL byte at offset ${sniffed + nul})`;
          sniffed += window.byteLength;
        }
        bytesRead += chunk.byteLength;
        if (binaryReason) return false;
        text = decoder.decode(chunk, { stream: true });
      }
      checkText(text);
      if (binaryReason) return false;
      feedText(text);
      return true;
    },
    end(): void {
      if (binaryReason) return;
      const rest = decoder.decode();
      if (rest) {
        checkText(rest);
        feedText(rest);
      }
      if (
        !binaryReason &&
        sniffText.length > 0 &&
        sniffText.length < SNIFF_BYTES &&
        mostlyUndecodable(sniffText)
      ) {
        binaryReason = 'not UTF-8 text (mostly undecodable bytes)';
        return;
      }
      if (partial.length > 0 || partialOverflow) emit();
    },
    get bytesRead() {
      return bytesRead;
    },
    get binaryReason() {
      return binaryReason;
    },
    get longLines() {
      return longLines;
    },
  };
}
