// The confirming commands a finding carries, run as a person would paste them: through /bin/sh, with the real
// kubectl, against the scenario cluster serving the same bundle the diagnosis read.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnoseSnapshot } from '../../../shared/diagnosis/engine.js';
import { shellQuote } from '../../../shared/diagnosis/confirm/shellQuote.js';
import { loadBundle } from '../../../shared/diagnosis/bundle.js';
import { startScenarioCluster, type ScenarioCluster } from '../../../sim/standins/kubernetes/index.js';

const KUBECTL = '/usr/bin/kubectl';
const DEMO = join(import.meta.dirname, '..', '..', '..', 'examples', 'demo', 'cluster');
const run = promisify(execFile);
const haveKubectl = existsSync(KUBECTL);

let cluster: ScenarioCluster;
let home: string;

async function sh(command: string): Promise<string> {
  const { stdout } = await run('/bin/sh', ['-c', command], {
    env: {
      PATH: `/usr/bin:/bin`,
      HOME: home,
      KUBECONFIG: cluster.kubeconfigPath,
      KUBECACHEDIR: join(home, 'cache'),
    },
    timeout: 30_000,
  });
  return stdout;
}

describe('shellQuote', () => {
  it.each(['plain', "it's", 'a b;rm -rf /', '$(id)`id`', "'", ''])(
    'round-trips %j through sh',
    async (word) => {
      const { stdout } = await run('/bin/sh', ['-c', `printf %s ${shellQuote(word)}`]);
      expect(stdout).toBe(word);
    },
  );
});

describe.skipIf(!haveKubectl)('finding commands against the scenario cluster with the real kubectl', () => {
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'amlmon-commands-'));
    cluster = await startScenarioCluster({
      bundles: ['fraud-score', 'blue-recsys', 'churn-model'].map((s) => join(DEMO, '0', s)),
    });
  });
  afterAll(async () => {
    await cluster?.close();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('the crash-loop root cause: every command runs, and the previous log shows the evidence', async () => {
    const [d] = diagnoseSnapshot(await loadBundle(join(DEMO, '0', 'fraud-score')));
    const root = d!.findings[0]!;
    expect(root.code).toBe('ScoringInitFailure');
    expect(root.commands).toContain(
      "kubectl logs -n 'azureml-demo-ws' 'fraud-score-5f7d9c8b64-x4p9t' -c 'fraud-score' --previous",
    );
    for (const command of root.commands ?? []) {
      const out = await sh(command);
      expect(out.length, command).toBeGreaterThan(0);
      if (command.includes('--previous')) expect(out).toContain("No module named 'sklearn'");
      // The stand-in serves no Table columns for events, so kubectl prints their names: this pod's events.
      if (command.includes('get events'))
        expect(out).toContain('fraud-score-5f7d9c8b64-x4p9t.187b26f4c5d6e7f8');
      if (command.startsWith('kubectl describe pod')) expect(out).toContain('CrashLoopBackOff');
    }
  });

  it('every finding of every demo bundle carries commands that kubectl accepts', async () => {
    for (const k of ['0', '1']) {
      for (const service of ['fraud-score', 'blue-recsys']) {
        for (const d of diagnoseSnapshot(await loadBundle(join(DEMO, k, service)))) {
          for (const f of d.findings) {
            for (const command of f.commands ?? []) {
              expect(command.startsWith('kubectl ')).toBe(true);
              await expect(sh(command), command).resolves.toBeTypeOf('string');
            }
          }
        }
      }
    }
  });
});
