/**
 * Golden files: the first run with UPDATE_GOLDENS=1 writes them (then a person reviews them); every other run
 * compares byte for byte, so any change in rendering shows up as a diff to review.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const DIR = join(dirname(fileURLToPath(import.meta.url)), 'golden');

export function expectGolden(name: string, actual: string): void {
  // `.golden` keeps formatters (prettier) away: the bytes are exactly what the renderer produced.
  const file = join(DIR, `${name}.golden`);
  if (process.env.UPDATE_GOLDENS === '1') {
    mkdirSync(DIR, { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file))
    throw new Error(
      `golden ${name} is missing: run UPDATE_GOLDENS=1 npx vitest run test/report and review it`,
    );
  expect(actual, `rendering drifted from test/report/golden/${name}.golden`).toBe(readFileSync(file, 'utf8'));
}
