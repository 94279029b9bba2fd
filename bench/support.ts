/**
 * Helpers every benchmark shares: where the repository is, writing one's own section of docs/BENCHMARKS.md, and
 * the statistics the tables report. A library, not a benchmark: `run.ts` skips it, and it has no main.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The nearest folder above this module holding package.json (the same from bench/ and dist/bench/). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above the benchmarks');
    dir = up;
  }
  return dir;
}

/**
 * Puts `markdown` in docs/BENCHMARKS.md in place of the section that starts with `heading` (up to the next
 * `## ` heading), or appends it when there is none yet, so each benchmark rewrites only its own figures.
 */
export async function writeBenchSection(heading: string, markdown: string): Promise<void> {
  const path = join(repoRoot(), 'docs', 'BENCHMARKS.md');
  const current = existsSync(path) ? await readFile(path, 'utf8') : '# Benchmarks\n';
  const start = current.indexOf(heading);
  let next: string;
  if (start === -1) next = `${current.trimEnd()}\n\n${markdown}`;
  else {
    const after = current.indexOf('\n## ', start + heading.length);
    next = current.slice(0, start) + markdown + (after === -1 ? '' : current.slice(after + 1));
  }
  await writeFile(path, next.endsWith('\n') ? next : `${next}\n`);
}

function sorted(xs: readonly number[]): number[] {
  if (xs.length === 0) throw new RangeError('no samples');
  return [...xs].sort((a, b) => a - b);
}

/** The middle value; for an even count, the mean of the two middle values. */
export function median(xs: readonly number[]): number {
  const s = sorted(xs);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/**
 * The value at index ⌊n/2⌋ once sorted: the median for an odd count, the higher of the two middle values for an
 * even one. The delivery figures have always been reported this way; kept so they stay comparable.
 */
export function upperMedian(xs: readonly number[]): number {
  const s = sorted(xs);
  return s[Math.floor(s.length / 2)] as number;
}
