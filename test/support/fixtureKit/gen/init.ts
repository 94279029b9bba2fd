/**
 * Fixture generator for the init group (container start, init(), probes, runtime): ScoringInitFailure,
 * OutOfMemory, SlowInitProbeFailure, CrashLoopBackOff, ScoringRuntimeFailure and their near-misses.
 * Run: `npm run build:dev && node dist-dev/test/support/fixtureKit/gen/init.js [out-dir]`
 * (default out-dir: test/fixtures under the current directory).
 */
import { join, resolve } from 'node:path';
import type { AmlServiceObjects, K8sObject } from '../kit.js';
import { amlService, node } from '../kit.js';
import { runFixtureGenerator, writeNamedFixtures, type NamedFixture } from '../write.js';
import { initFailureScenarios } from './initFailureCases.js';
import type { Built } from './initKit.js';
import { CAPTURED, ago, appStatus } from './initKit.js';
import { runtimeScenarios } from './initRuntimeCases.js';

function nodesFor(o: AmlServiceObjects): K8sObject[] {
  const names = [...new Set(o.pods.map((p) => p.spec.nodeName as string))];
  return names.map((name) => node({ name, createdAt: '2024-03-01T08:00:00Z', heartbeat: ago(20) }));
}

export function initFixtures(): NamedFixture[] {
  return [...initFailureScenarios, ...runtimeScenarios].map((s) => {
    const created = ago(s.createdAgo);
    const o = amlService({
      flavor: s.flavor,
      name: s.svc,
      endpoint: s.endpoint,
      createdAt: created,
      replicas: s.replicas,
      memory: s.memory,
      cpu: s.cpu,
    });
    const b: Built = {
      o,
      pod: o.pods[0]!,
      app: appStatus(o, o.pods[0]!),
      events: [],
      logs: {},
      extra: [],
      created,
    };
    s.build(b);
    const objects = [
      o.deployment,
      o.replicaSet,
      ...o.pods,
      ...(o.pvc ? [o.pvc] : []),
      ...(o.pv ? [o.pv] : []),
      ...(o.configMap ? [o.configMap] : []),
      ...nodesFor(o),
      ...b.extra,
      ...b.events,
    ];
    return {
      name: s.name,
      objects,
      logs: b.logs,
      meta: {
        service: o.deploymentName,
        namespace: o.namespace,
        workspace: 'contoso-ml',
        capturedAt: CAPTURED,
      },
      expected: { description: s.description, ...s.expected },
    };
  });
}

/** Writes the init fixtures into `outDir`; returns their folders. */
export function generate(outDir: string): Promise<string[]> {
  return writeNamedFixtures(outDir, initFixtures());
}

runFixtureGenerator(import.meta.url, initFixtures, {
  outDir: () => resolve(process.argv[2] ?? join(process.cwd(), 'test/fixtures')),
});
