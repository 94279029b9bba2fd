/** Every `.log` file under test/: bundle build.logs, raw build-log samples, and container logs as odd input. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

export const TEST_ROOT = join(import.meta.dirname, '..', '..');

export async function logFiles(dir = TEST_ROOT): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await logFiles(p)));
    else if (e.isFile() && e.name.endsWith('.log')) out.push(p);
  }
  return out.sort();
}
