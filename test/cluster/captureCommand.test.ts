// `amlmon capture` as commander parses it: required options, and the bundle written on a real run.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register } from '../../cli/commands/capture.js';
import { startScenarioCluster, type ScenarioCluster } from '../../sim/standins/kubernetes/index.js';

let cluster: ScenarioCluster;
let work: string;

function program(): Command {
  const p = new Command('amlmon').exitOverride();
  register(p);
  for (const c of p.commands) c.exitOverride().configureOutput({ writeErr: () => undefined });
  return p;
}

beforeAll(async () => {
  cluster = await startScenarioCluster({ bundles: [join(import.meta.dirname, 'fixtures', 'v1-crashloop')] });
  work = await mkdtemp(join(tmpdir(), 'amlmon-capture-cmd-'));
});

afterAll(async () => {
  await cluster.close();
  await rm(work, { recursive: true, force: true });
});

describe('capture command', () => {
  it('refuses to run without --out', async () => {
    const args = [
      'capture',
      '--kubeconfig',
      cluster.kubeconfigPath,
      '--namespace',
      'azureml-myws',
      '--service',
      'my-svc',
    ];
    const error = await program()
      .parseAsync(args, { from: 'user' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommanderError);
    expect((error as CommanderError).code).toBe('commander.missingMandatoryOptionValue');
  });

  it('writes the bundle', async () => {
    const out = join(work, 'bundle');
    const args = ['capture', '--kubeconfig', cluster.kubeconfigPath, '--context', 'scenario'];
    args.push('--namespace', 'azureml-myws', '--service', 'my-svc', '--out', out);
    await program().parseAsync(args, { from: 'user' });
    expect((await readdir(out)).sort()).toEqual(['logs', 'meta.json', 'snapshot.yaml']);
  });
});
