import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLineSplitter } from '../../../shared/diagnosis/buildlog/lines.js';
import {
  createTailKeeper,
  privateKeyBlock,
  type TailKeeper,
} from '../../../shared/diagnosis/buildlog/tail.js';
import { redact } from '../../../shared/text/redact.js';
import { logFiles } from './logFiles.js';

/**
 * The reference: every line redacted as it arrives, the oldest dropped while the redacted lines exceed the budget
 * (how the tail was kept before redaction moved to the end). The keeper must keep exactly the same tail.
 */
function streamingRedactedKeeper(maxBytes: number): TailKeeper {
  const lines: { text: string; bytes: number }[] = [];
  let head = 0;
  let bytes = 0;
  const inPrivateKey = privateKeyBlock();
  return {
    line(raw: string): void {
      // Redact per line as it arrives: a secret never sits in the ring unredacted. A PEM key is dropped as a block.
      if (inPrivateKey(raw)) return;
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

function tailOf(text: string | Uint8Array, keeper: TailKeeper): string {
  const splitter = createLineSplitter({ line: (l) => keeper.line(l) });
  splitter.write(text);
  splitter.end();
  return keeper.text();
}

const files = await logFiles();

describe('build-log tail', () => {
  it('keeps the same tail as redacting each line as it streams past, for every committed log and budget', async () => {
    for (const file of files) {
      const bytes = await readFile(file);
      for (const max of [256, 1024, 64 * 1024]) {
        expect(tailOf(bytes, createTailKeeper(max)), `${file} ${max}`).toBe(
          tailOf(bytes, streamingRedactedKeeper(max)),
        );
      }
    }
  });

  it('keeps the same tail for random logs of secrets, PEM keys, long and short lines', () => {
    const line = fc.oneof(
      fc.constantFrom(
        'ERROR: No matching distribution found for torch==9',
        'DefaultEndpointsProtocol=https;AccountName=ws1;AccountKey=' +
          'k'.repeat(88) +
          ';EndpointSuffix=core.windows.net',
        'https://ws1.blob.core.windows.net/azureml/x?sv=2021-08-06&sig=abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH%3D',
        '-----BEGIN RSA PRIVATE KEY-----',
        'MIIEpAIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun',
        '-----END RSA PRIVATE KEY-----',
        'DB_PASSWORD=hunter2',
        '',
      ),
      fc.string({ maxLength: 300 }),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 80 }), fc.integer({ min: 64, max: 4096 }), (lines, max) => {
        const text = lines.join('\n');
        expect(tailOf(text, createTailKeeper(max))).toBe(tailOf(text, streamingRedactedKeeper(max)));
      }),
      { numRuns: 300 },
    );
  });

  it('never holds more than a bounded window of raw lines', () => {
    const keeper = createTailKeeper(1024);
    for (let i = 0; i < 100_000; i++) keeper.line(`line ${i} ${'x'.repeat(50)}`);
    const tail = keeper.text();
    expect(Buffer.byteLength(tail)).toBeLessThanOrEqual(1024);
    expect(tail.endsWith(`line 99999 ${'x'.repeat(50)}\n`)).toBe(true);
  });
});
