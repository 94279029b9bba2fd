/**
 * Entry points for build-log classification: a file (`classifyBuildLogFile`), a stream (`classifyBuildLog`) and text
 * in memory (`classifyBuildLogText`). Bytes go through the byte reader and text through the line splitter, both into
 * the same line observer; test/diagnosis/buildlog/byteReader.test.ts holds them to the same verdict.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { BuildLogEvidence } from '../../snapshot/types.js';
import { createByteLogReader } from './byteReader.js';
import { createBuildLogClassifier } from './classifier.js';
import { createLineSplitter } from './lines.js';
import { BUILD_LOG_TAIL_MAX_BYTES, createTailKeeper } from './tail.js';
import type { BuildLogClassification } from './types.js';

export { createBuildLogClassifier } from './classifier.js';
export { createTailKeeper } from './tail.js';

export interface BuildLogReader {
  /** Feeds a chunk; returns false when reading on is pointless (the input is binary). */
  write(chunk: string | Uint8Array): boolean;
  end(): { classification: BuildLogClassification; tail?: string };
}

/** Splitter + classifier (+ optionally a tail keeper), fed chunk by chunk. */
export function createBuildLogReader(source: string, opts: { tailBytes?: number } = {}): BuildLogReader {
  const classifier = createBuildLogClassifier(source);
  const tail = opts.tailBytes ? createTailKeeper(opts.tailBytes) : undefined;
  const splitter = createLineSplitter({
    line(text: string): void {
      classifier.push(text);
      tail?.line(text);
    },
  });
  return {
    write: (chunk) => splitter.write(chunk),
    end() {
      splitter.end();
      const classification = classifier.finish({
        bytesRead: splitter.bytesRead,
        binaryReason: splitter.binaryReason,
        longLines: splitter.longLines,
      });
      return { classification, ...(tail && !splitter.binaryReason ? { tail: tail.text() } : {}) };
    },
  };
}

/**
 * Classifies a build log streamed in chunks (e.g. `createReadStream(file)`); memory stays bounded. Byte chunks take
 * the byte reader (byteReader.ts: only lines that may matter become strings); text chunks the line splitter.
 */
export async function classifyBuildLog(
  input: AsyncIterable<string | Uint8Array>,
  source: string,
): Promise<BuildLogClassification> {
  let reader: { write(chunk: string | Uint8Array): boolean; end(): BuildLogClassification } | undefined;
  for await (const chunk of input) {
    if (!reader) {
      if (typeof chunk === 'string') {
        const lines = createBuildLogReader(source);
        reader = { write: (c) => lines.write(c), end: () => lines.end().classification };
      } else {
        const bytes = createByteLogReader(source);
        reader = {
          write: (c) => bytes.write(typeof c === 'string' ? Buffer.from(c) : c),
          end: () => bytes.end(),
        };
      }
    }
    // Leaving the loop early closes the stream (for await calls return()), so a binary file is not read to the end.
    if (!reader.write(chunk)) break;
  }
  return (reader ?? createByteLogReader(source)).end();
}

/** The read size of `classifyBuildLogFile`: one buffer, reused, so a larger one only means fewer reads. */
export const BUILD_LOG_READ_BYTES = 1024 * 1024;

/**
 * Classifies a build log file by reading it in place: one buffer, reused for every read, and synchronous reads, for a
 * command line reading a local file with nothing else to wait for. A stream allocates a new buffer per chunk and
 * hops through the thread pool per read: for a 100 MiB log that is some 100 ms of CPU time against some 25 ms
 * (docs/BENCHMARKS.md). The byte reader copies what it keeps of a chunk, so the buffer can be refilled.
 */
export function classifyBuildLogFile(path: string, source: string): BuildLogClassification {
  const fd = openSync(path, 'r');
  try {
    const reader = createByteLogReader(source);
    const buf = Buffer.allocUnsafe(BUILD_LOG_READ_BYTES);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0 || !reader.write(buf.subarray(0, n))) break;
    }
    return reader.end();
  } finally {
    closeSync(fd);
  }
}

/** Classifies a build log already in memory (service messages, small logs, tests). */
export function classifyBuildLogText(text: string, source: string): BuildLogClassification {
  const reader = createBuildLogReader(source);
  reader.write(text);
  return reader.end().classification;
}

/**
 * One pass over a streamed build log giving what `Snapshot.buildLog` holds: the classification and the redacted
 * last ≤64 KiB as `tail` (no tail for a binary file).
 */
export async function readBuildLogEvidence(
  input: AsyncIterable<string | Uint8Array>,
  source: string,
  tailBytes = BUILD_LOG_TAIL_MAX_BYTES,
): Promise<BuildLogEvidence> {
  // Text takes the line path for both. Bytes are classified by the byte reader (most lines never decoded), while the
  // line splitter feeds only the tail keeper: the tail must drop PEM key blocks wherever they start.
  let reader: BuildLogReader | undefined;
  for await (const chunk of input) {
    reader ??=
      typeof chunk === 'string'
        ? createBuildLogReader(source, { tailBytes })
        : bytesWithTail(source, tailBytes);
    if (!reader.write(chunk)) break;
  }
  const { classification, tail } = (reader ?? createBuildLogReader(source, { tailBytes })).end();
  return { source, classification, ...(tail !== undefined ? { tail } : {}) };
}

/** The byte reader for the classification and the line splitter for the tail, fed the same byte chunks. */
function bytesWithTail(source: string, tailBytes: number): BuildLogReader {
  const bytes = createByteLogReader(source);
  const tail = createTailKeeper(tailBytes);
  const splitter = createLineSplitter({ line: (l) => tail.line(l) });
  return {
    write(chunk: string | Uint8Array): boolean {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      // Both sniff the same way, so both refuse binary input together.
      return bytes.write(b) && splitter.write(b);
    },
    end() {
      splitter.end();
      const classification = bytes.end();
      return { classification, ...(!classification.binary ? { tail: tail.text() } : {}) };
    },
  };
}

/** The redacted last ≤64 KiB of a text already in memory, as `BuildLogEvidence.tail`. */
export function buildLogTail(text: string, maxBytes = BUILD_LOG_TAIL_MAX_BYTES): string {
  const tail = createTailKeeper(maxBytes);
  const splitter = createLineSplitter({ line: (l) => tail.line(l) });
  splitter.write(text);
  splitter.end();
  return splitter.binaryReason ? '' : tail.text();
}
