/**
 * The grouped alert, as received: a scenario derived from the demo where four deployments crash in the same sweep
 * (more than GROUP_OVER = 3), so the monitor sends one grouped message. Each incident in it still carries its
 * identity, first signal, confirm commands and bundle commands; the Teams card stays within 20 KB.
 */
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSimulate } from '../../cli/commands/simulate.js';

const DEMO = join(import.meta.dirname, '..', '..', 'examples', 'demo');
const COPIES = ['fraud-scorea', 'fraud-scoreb', 'fraud-scorec'];

let root: string;
let out: string;
let files: string[];

/** A copy of a bundle directory with every occurrence of one name replaced (file names and contents). */
async function renamed(from: string, to: string, oldName: string, newName: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const target = join(to, entry.name.replaceAll(oldName, newName));
    if (entry.isDirectory()) await renamed(join(from, entry.name), target, oldName, newName);
    else
      await writeFile(target, (await readFile(join(from, entry.name), 'utf8')).replaceAll(oldName, newName));
  }
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'amlmon-grouped-'));
  const scenario = join(root, 'scenario');
  await mkdir(join(scenario, 'cluster', '0'), { recursive: true });
  await writeFile(
    join(scenario, 'scenario.json'),
    JSON.stringify({ start: '2026-11-26T10:00:00Z', sweeps: 1, sweepInterval: '2m' }),
  );
  await cp(join(DEMO, 'cluster', '0', 'platform'), join(scenario, 'cluster', '0', 'platform'), {
    recursive: true,
  });
  const fraud = join(DEMO, 'cluster', '0', 'fraud-score');
  await cp(fraud, join(scenario, 'cluster', '0', 'fraud-score'), { recursive: true });
  for (const name of COPIES) await renamed(fraud, join(scenario, 'cluster', '0', name), 'fraud-score', name);
  out = join(root, 'messages');
  await runSimulate(scenario, { out });
  files = (await readdir(out)).sort();
}, 300_000);

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('grouped alert', () => {
  it('one message for the four incidents, each with identity, first signal, commands and bundle commands', async () => {
    const emails = files.filter((f) => f.endsWith('.txt'));
    expect(emails).toHaveLength(1);
    const txt = await readFile(join(out, emails[0]!), 'utf8');
    expect(txt).toMatch(/^4 deployments need attention on cluster scenario:/);
    for (const name of ['fraud-score', ...COPIES]) {
      expect(txt).toContain(`Service:       ${name}\n`);
      expect(txt).toContain(
        `$ kubectl logs -n 'azureml-demo-ws' '${name}-5f7d9c8b64-x4p9t' -c '${name}' --previous`,
      );
      expect(txt).toContain(`--pattern 'scenario/azureml-demo-ws/${name}/2026-11-26T10_00_00.000Z/*'`);
    }
    expect(
      txt.match(/Failing since: 2026-11-26 09:54 UTC \(first signal\), detected 10:00 UTC/g),
    ).toHaveLength(4);
    expect(txt).not.toMatch(/\(unknown workspace\)|for 0 s|3f1d2c4b-6a7e-4b9c-8d0e-1f2a3b4c5d6e|`/);
    const html = await readFile(
      join(
        out,
        files.find((f) => f.endsWith('.html'))!,
      ),
      'utf8',
    );
    expect(html).toContain('4 deployments need attention');
    expect(html).not.toContain('`');
    const card = await readFile(
      join(
        out,
        files.find((f) => f.endsWith('-teams.json'))!,
      ),
      'utf8',
    );
    // The file is pretty-printed for people; the posted body is the compact JSON.
    expect(Buffer.byteLength(JSON.stringify(JSON.parse(card)))).toBeLessThanOrEqual(20_000);
    expect(card).toContain('4 deployments need attention');
    expect(card).toContain('Failing since');
    expect(card).not.toContain('`');
  });
});
