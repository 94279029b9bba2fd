/**
 * Writes a fixture bundle (docs/CONTRACT.md §1) plus `expected.json`, the answer the engine must give for it.
 * `snapshot.yaml` is one `kind: List` with keys sorted, as `kubectl get ... -o yaml` prints it.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { kubectlListYaml } from '../../../shared/snapshot/bundle.js';
import type { K8sObject } from './kit.js';

/** Objects as `kubectl get -o yaml` prints them: the same writer bundles use. */
export { kubectlListYaml as kubectlYaml };

/** What the engine must answer for a fixture. `root` is findings[0]; `absent` codes/details must appear nowhere. */
export interface FixtureExpectation {
  description: string;
  /** The service to diagnose (`--service`); omitted when meta.json names it. */
  service?: string;
  status: 'Failed' | 'Hung' | 'Progressing' | 'Degraded' | 'Healthy' | 'Unknown';
  root?: { code: string; detail: string | null; evidenceIncludes?: string };
  absent?: { code: string; detail?: string | null }[];
}

export interface FixtureSpec {
  objects: K8sObject[];
  /** `<pod>/<container>` → text, and `<pod>/<container>.previous` → previous-instance text. */
  logs?: Record<string, string>;
  buildLog?: string;
  service?: Record<string, unknown>;
  meta: {
    service?: string;
    namespace?: string;
    workspace?: string;
    capturedAt: string;
    gaps?: string[];
    clusterError?: { kind: string; message: string };
  };
  expected: FixtureExpectation;
}

/** A fixture and the folder name it is written under in test/fixtures/. */
export type NamedFixture = FixtureSpec & { name: string };

export async function writeFixture(root: string, name: string, spec: FixtureSpec): Promise<string> {
  const dir = join(root, name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'snapshot.yaml'), kubectlListYaml(spec.objects));
  for (const [key, text] of Object.entries(spec.logs ?? {})) {
    const previous = key.endsWith('.previous');
    const [pod, container] = (previous ? key.slice(0, -'.previous'.length) : key).split('/');
    if (!pod || !container) throw new Error(`log key ${key} is not <pod>/<container>[.previous]`);
    await mkdir(join(dir, 'logs', pod), { recursive: true });
    await writeFile(join(dir, 'logs', pod, `${container}${previous ? '.previous' : ''}.log`), text);
  }
  if (spec.buildLog !== undefined) await writeFile(join(dir, 'build.log'), spec.buildLog);
  if (spec.service) await writeFile(join(dir, 'service.json'), JSON.stringify(spec.service, null, 2) + '\n');
  await writeFile(join(dir, 'meta.json'), JSON.stringify(spec.meta, null, 2) + '\n');
  await writeFile(join(dir, 'expected.json'), JSON.stringify(spec.expected, null, 2) + '\n');
  return dir;
}

/** Writes each fixture under `root/<name>`, in order; a name used twice is an error, since it would overwrite. */
export async function writeNamedFixtures(root: string, fixtures: readonly NamedFixture[]): Promise<string[]> {
  const names = new Set<string>();
  const written: string[] = [];
  for (const f of fixtures) {
    if (names.has(f.name)) throw new Error(`duplicate fixture name ${f.name}`);
    names.add(f.name);
    const { name, ...spec } = f;
    written.push(await writeFixture(root, name, spec));
  }
  return written;
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

export interface FixtureGeneratorOptions {
  /** Where to write; default `test/fixtures` of the repository. Asked only when the generator runs. */
  outDir?: () => string;
  /** Writes further files beside the fixtures and says what, for the summary line (e.g. `9 raw build logs`). */
  alsoWrite?: (root: string) => Promise<string>;
}

/**
 * The main of a fixture generator script: when `moduleUrl` (the generator's `import.meta.url`) is the script node
 * was started with, writes `fixtures()` (see writeNamedFixtures) and prints a summary; on failure prints the error
 * and exits 1. Does nothing when the generator is only imported (tests import the fixture lists).
 */
export function runFixtureGenerator(
  moduleUrl: string,
  fixtures: () => NamedFixture[],
  options: FixtureGeneratorOptions = {},
): void {
  if (!process.argv[1] || moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  const main = async (): Promise<void> => {
    const root = options.outDir?.() ?? join(repoRoot(), 'test', 'fixtures');
    const all = fixtures();
    await writeNamedFixtures(root, all);
    const also = options.alsoWrite ? ` and ${await options.alsoWrite(root)}` : '';
    console.log(`wrote ${all.length} fixtures${also} to ${root}`);
  };
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
