/**
 * Fixture generator for the schedule / pull / configure rules: PodUnschedulable, QuotaExceeded, ImagePullFailure,
 * ContainerConfigError, and their near-misses. Regenerate with
 * `npm run build:dev && node dist-dev/test/support/fixtureKit/gen/pod.js` (writes test/fixtures/).
 * Message texts are the exact scheduler / kubelet / API server wordings (several Kubernetes versions).
 */
import { runFixtureGenerator, type NamedFixture } from '../write.js';
import { pullCases } from './podPull.js';
import { configCases, quotaCases } from './podQuotaConfig.js';
import { unschedulableCases } from './podSchedule.js';

export function podFixtures(): NamedFixture[] {
  return [...unschedulableCases(), ...quotaCases(), ...pullCases(), ...configCases()];
}

runFixtureGenerator(import.meta.url, podFixtures);
