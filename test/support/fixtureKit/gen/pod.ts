/**
 * Fixture generator for the schedule / pull / configure rules: PodUnschedulable, QuotaExceeded, ImagePullFailure,
 * ContainerConfigError, and their near-misses. Regenerate with
 * `npx tsc -p tsconfig.json && node dist/test/support/fixtureKit/gen/pod.js` (writes test/fixtures/).
 * Message texts are the exact scheduler / kubelet / API server wordings (several Kubernetes versions).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeFixture, type FixtureSpec } from '../write.js';
import { pullCases } from './podPull.js';
import { configCases, quotaCases } from './podQuotaConfig.js';
import { unschedulableCases } from './podSchedule.js';

export type NamedFixture = FixtureSpec & { name: string };

export function podFixtures(): NamedFixture[] {
  return [...unschedulableCases(), ...quotaCases(), ...pullCases(), ...configCases()];
}

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above the generator');
    dir = up;
  }
  return dir;
}

async function main(): Promise<void> {
  const root = join(repoRoot(), 'test', 'fixtures');
  const all = podFixtures();
  const names = new Set<string>();
  for (const f of all) {
    if (names.has(f.name)) throw new Error(`duplicate fixture name ${f.name}`);
    names.add(f.name);
    const { name, ...spec } = f;
    await writeFixture(root, name, spec);
  }
  console.log(`wrote ${all.length} fixtures to ${root}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
