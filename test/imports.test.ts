/**
 * The import check (`npm run imports`, part of `npm run check`) is dependency-cruiser with .dependency-cruiser.cjs.
 * Here it runs, exactly as the npm script does, on small trees with one planted violation each, so a rule that
 * stopped firing (a renamed folder, a resolver change) fails this test instead of silently passing CI.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CONFIG = resolve('.dependency-cruiser.cjs');
const BIN = resolve('node_modules/dependency-cruiser/bin/dependency-cruiser.mjs');
const ROOTS = ['functions', 'shared', 'cli', 'sim', 'bench', 'test'];
const dirs: string[] = [];

afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** A tree laid out like the repository, with these files; returns the check's exit code and report. */
async function check(files: Record<string, string>): Promise<{ code: number; report: string }> {
  const root = await mkdtemp(join(tmpdir(), 'amlmon-imports-'));
  dirs.push(root);
  const all: Record<string, string> = {
    'tsconfig.test.json': JSON.stringify({
      compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true },
      include: ROOTS.map((r) => `${r}/**/*.ts`),
    }),
    // Every root exists (the check names them all), with one harmless module each.
    ...Object.fromEntries(ROOTS.map((r) => [`${r}/ok.ts`, 'export const ok = 1;\n'])),
    ...files,
  };
  for (const [path, text] of Object.entries(all)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  try {
    const { stdout } = await run(
      process.execPath,
      [BIN, '--config', CONFIG, '--output-type', 'err', ...ROOTS],
      {
        cwd: root,
      },
    );
    return { code: 0, report: stdout };
  } catch (err) {
    const e = err as { code?: number; stdout?: string };
    return { code: e.code ?? -1, report: e.stdout ?? '' };
  }
}

describe('import check', () => {
  it('passes a tree that keeps the rules (test → sim → shared, cli → shared)', async () => {
    const r = await check({
      'shared/stage.ts': "import { ok } from './ok.js';\nexport const stage = ok;\n",
      'sim/runner.ts': "import { stage } from '../shared/stage.js';\nexport const runner = stage;\n",
      'cli/main.ts': "import { stage } from '../shared/stage.js';\nexport const main = stage;\n",
      'test/a.test.ts': "import { runner } from '../sim/runner.js';\nexport const t = runner;\n",
    });
    expect(r).toMatchObject({ code: 0 });
    expect(r.report).toContain('no dependency violations found');
  });

  it('fails on an import from test/ outside test/ (also from bench/)', async () => {
    const r = await check({
      'test/support/standIn.ts': 'export const standIn = 1;\n',
      'bench/run.ts': "import { standIn } from '../test/support/standIn.js';\nexport const b = standIn;\n",
    });
    expect(r.code).not.toBe(0);
    expect(r.report).toMatch(
      /error no-test-imports-outside-test: bench\/run\.ts → test\/support\/standIn\.ts/,
    );
  });

  it.each(['functions', 'cli', 'sim'])('fails on shared/ importing %s/', async (up) => {
    const r = await check({
      [`${up}/thing.ts`]: 'export const thing = 1;\n',
      'shared/stage.ts': `import { thing } from '../${up}/thing.js';\nexport const s = thing;\n`,
    });
    expect(r.code).not.toBe(0);
    expect(r.report).toContain(`error shared-does-not-import-adapters: shared/stage.ts → ${up}/thing.ts`);
  });

  it('fails on shared/snapshot/ running diagnosis code (naming its types is allowed)', async () => {
    const r = await check({
      'shared/diagnosis/classify.ts':
        'export interface Classified { ok: boolean }\nexport const classify = 1;\n',
      'shared/snapshot/types.ts':
        "import type { Classified } from '../diagnosis/classify.js';\nexport type T = Classified;\n",
      'shared/snapshot/bundle.ts':
        "import { classify } from '../diagnosis/classify.js';\nexport const b = classify;\n",
    });
    expect(r.code).not.toBe(0);
    expect(r.report).toContain(
      'error snapshot-does-not-run-diagnosis: shared/snapshot/bundle.ts → shared/diagnosis/classify.ts',
    );
    expect(r.report).not.toContain('shared/snapshot/types.ts →');
  });

  it('fails on shared/config/ importing shared/notify/', async () => {
    const r = await check({
      'shared/notify/recipients.ts': 'export const parse = 1;\n',
      'shared/config/settings.ts':
        "import { parse } from '../notify/recipients.js';\nexport const s = parse;\n",
    });
    expect(r.code).not.toBe(0);
    expect(r.report).toContain(
      'error config-does-not-import-notify: shared/config/settings.ts → shared/notify/recipients.ts',
    );
  });

  it('fails on an import cycle, a type-only one included', async () => {
    const r = await check({
      'shared/a.ts': "import type { B } from './b.js';\nexport interface A { b?: B }\n",
      'shared/b.ts': "import type { A } from './a.js';\nexport interface B { a?: A }\n",
    });
    expect(r.code).not.toBe(0);
    expect(r.report).toMatch(/error no-cycles: shared\/(a|b)\.ts →/);
  });

  it('fails on an import it cannot resolve (which the rules above could not see)', async () => {
    const r = await check({ 'shared/lost.ts': "import { x } from './missing.js';\nexport const y = x;\n" });
    expect(r.code).not.toBe(0);
    expect(r.report).toContain('error no-unresolvable: shared/lost.ts → ./missing.js');
  });
});
