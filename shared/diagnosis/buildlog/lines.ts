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

/**
 * The binary sniff both build-log readers share (the line splitter here and the byte reader): archive magic in the
 * first 4 bytes (they may arrive one by one), a NUL in the first `SNIFF_BYTES` bytes, then the decoded start of the
 * text: a NUL in it, or mostly undecodable characters. `reason` says why the input is not a text log.
 */
export class BinarySniffer {
  reason: string | undefined;
  private head = new Uint8Array(0);
  private sniffed = 0;
  private text = '';

  /** Raw bytes of the next chunk: magic and NULs at the start. */
  bytes(chunk: Uint8Array): void {
    if (this.sniffed >= SNIFF_BYTES) return;
    const window = chunk.subarray(0, SNIFF_BYTES - this.sniffed);
    if (this.head.length < 4) {
      this.head = Uint8Array.from([...this.head, ...window.subarray(0, 4 - this.head.length)]);
      this.reason = sniffMagic(this.head);
    }
    const nul = window.indexOf(0);
    if (!this.reason && nul !== -1)
      this.reason = `binary data, not a text log (NUL byte at offset ${this.sniffed + nul})`;
    this.sniffed += window.byteLength;
  }

  /** Whether the decoded start is still being looked at (a reader may skip decoding once it is not). */
  get wantsText(): boolean {
    return !this.reason && this.text.length < SNIFF_BYTES;
  }

  /** The next decoded text: NULs and undecodable characters at the start. */
  decoded(text: string): void {
    if (!this.wantsText) return;
    this.text += text.slice(0, SNIFF_BYTES - this.text.length);
    if (this.text.includes('\u0000'))
      this.reason = `binary data, not a text log (NUL at character ${this.text.indexOf('\u0000')})`;
    else if (this.text.length >= SNIFF_BYTES && mostlyUndecodable(this.text))
      this.reason = 'not UTF-8 text (mostly undecodable bytes)';
  }

  /** At the end of the input: a log shorter than the sniff window that is mostly undecodable. */
  end(): void {
    if (
      !this.reason &&
      this.text.length > 0 &&
      this.text.length < SNIFF_BYTES &&
      mostlyUndecodable(this.text)
    )
      this.reason = 'not UTF-8 text (mostly undecodable bytes)';
  }
}

export function createLineSplitter(sink: LineSink, maxLineChars = MAX_LINE_CHARS): LineSplitter {
  const decoder = new TextDecoder('utf-8', { fatal: false });
  let bytesRead = 0;
  const sniffer = new BinarySniffer();
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

  return {
    write(chunk: string | Uint8Array): boolean {
      if (sniffer.reason) return false;
      let text: string;
      if (typeof chunk === 'string') {
        bytesRead += Buffer.byteLength(chunk);
        text = chunk;
      } else {
        sniffer.bytes(chunk);
        bytesRead += chunk.byteLength;
        if (sniffer.reason) return false;
        text = decoder.decode(chunk, { stream: true });
      }
      sniffer.decoded(text);
      if (sniffer.reason) return false;
      feedText(text);
      return true;
    },
    end(): void {
      if (sniffer.reason) return;
      const rest = decoder.decode();
      if (rest) {
        sniffer.decoded(rest);
        feedText(rest);
      }
      // A short log found mostly undecodable at the end yields no lines; one stopped by its last text still does.
      const before = sniffer.reason;
      sniffer.end();
      if (sniffer.reason !== before) return;
      if (partial.length > 0 || partialOverflow) emit();
    },
    get bytesRead() {
      return bytesRead;
    },
    get binaryReason() {
      return sniffer.reason;
    },
    get longLines() {
      return longLines;
    },
  };
}
