/**
 * Entry points for build-log classification. Streaming (`classifyBuildLog`) and in-memory (`classifyBuildLogText`)
 * inputs go through the same line splitter and the same state machine, so they cannot disagree.
 */
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

async function drain(input: AsyncIterable<string | Uint8Array>, reader: BuildLogReader): Promise<void> {
  for await (const chunk of input) {
    // Leaving the loop early closes the stream (for await calls return()), so a binary file is not read to the end.
    if (!reader.write(chunk)) break;
  }
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
  const reader = createBuildLogReader(source, { tailBytes });
  await drain(input, reader);
  const { classification, tail } = reader.end();
  return { source, classification, ...(tail !== undefined ? { tail } : {}) };
}

/** The redacted last ≤64 KiB of a text already in memory, as `BuildLogEvidence.tail`. */
export function buildLogTail(text: string, maxBytes = BUILD_LOG_TAIL_MAX_BYTES): string {
  const tail = createTailKeeper(maxBytes);
  const splitter = createLineSplitter({ line: (l) => tail.line(l) });
  splitter.write(text);
  splitter.end();
  return splitter.binaryReason ? '' : tail.text();
}
