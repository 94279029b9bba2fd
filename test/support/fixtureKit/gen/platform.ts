/**
 * Fixture generator for the platform rules: ModelMountFailure, ModelDownloadFailure, FrontendUnhealthy,
 * NodeFailure, DeploymentHung, ClusterUnreachable, and their near-misses. Regenerate with
 * `npx tsc -p tsconfig.json && node dist/test/support/fixtureKit/gen/platform.js` (writes test/fixtures/).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeFixture } from '../write.js';
import type { NamedFixture } from './pod.js';
import { clusterLevelFixtures } from './platformCluster.js';
import { volumeFixtures } from './platformVolumes.js';

export function platformFixtures(): NamedFixture[] {
  return [...volumeFixtures(), ...clusterLevelFixtures()];
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
  const all = platformFixtures();
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
