/**
 * Runs every benchmark in bench/ (each a standalone script that appends its own section to docs/BENCHMARKS.md),
 * one after another so they do not compete for the machine's two cores. `npm run bench` builds first.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
// support.js is the helpers the benchmarks share, not a benchmark itself.
const scripts = readdirSync(here)
  .filter((f) => f.endsWith('.js') && f !== 'run.js' && f !== 'support.js')
  .filter((f) => only.length === 0 || only.includes(basename(f, '.js')))
  .sort();

let failed = 0;
for (const script of scripts) {
  process.stdout.write(`\n== bench/${basename(script, '.js')} ==\n`);
  const r = spawnSync(process.execPath, ['--expose-gc', join(here, script)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
