/**
 * Fixture generator for the platform rules: ModelMountFailure, ModelDownloadFailure, FrontendUnhealthy,
 * NodeFailure, DeploymentHung, ClusterUnreachable, and their near-misses. Regenerate with
 * `npm run build:dev && node dist-dev/test/support/fixtureKit/gen/platform.js` (writes test/fixtures/).
 */
import { runFixtureGenerator, type NamedFixture } from '../write.js';
import { clusterLevelFixtures } from './platformCluster.js';
import { volumeFixtures } from './platformVolumes.js';

export function platformFixtures(): NamedFixture[] {
  return [...volumeFixtures(), ...clusterLevelFixtures()];
}

runFixtureGenerator(import.meta.url, platformFixtures);
