/**
 * A user has only this repository: nothing they read (README, CONTRIBUTING, docs/, CLI help, code comments) may
 * point outside it, and every reference to docs/CONTRACT.md must name a section that exists there.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

function files(dir: string, ext: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory())
      return name === 'fixtures' || name === 'node_modules' ? [] : files(path, ext);
    return ext.test(name) ? [path] : [];
  });
}

const READ_BY_USERS = [
  'README.md',
  ...(existsSync('CONTRIBUTING.md') ? ['CONTRIBUTING.md'] : []),
  ...files('docs', /\.(md|json)$/),
  ...files('examples', /\.md$/),
  ...['cli', 'shared', 'functions', 'sim', 'bench', 'test', 'infra', 'scripts'].flatMap((d) =>
    existsSync(d) ? files(d, /\.(ts|md|sh|bicep)$/) : [],
  ),
];

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  for (const m of markdown.matchAll(/^#{1,6} (.+)$/gm)) {
    out.add(
      m[1]!
        .trim()
        .toLowerCase()
        .replace(/[^\w\- ]/g, '')
        .replace(/ /g, '-'),
    );
  }
  return out;
}

const contract = readFileSync('docs/CONTRACT.md', 'utf8');
const sections = new Set([...contract.matchAll(/^## (\d+)\. /gm)].map((m) => m[1]));

describe('references stay inside the repository', () => {
  it('no ../shared link and no bare "CONTRACT §n"', () => {
    const bad: string[] = [];
    for (const file of READ_BY_USERS) {
      if (file === 'test/contract/links.test.ts') continue;
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (/\.\.\/shared\/CONTRACT|\/work\/shared|(?<![\w.])CONTRACT §/.test(line))
            bad.push(`${file}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(bad).toEqual([]);
  });

  it('every "CONTRACT.md §n" names a section of docs/CONTRACT.md', () => {
    expect(sections.size).toBeGreaterThanOrEqual(5);
    const bad: string[] = [];
    for (const file of READ_BY_USERS) {
      for (const m of readFileSync(file, 'utf8').matchAll(/CONTRACT\.md`? §(\d+)(?:[–-]§(\d+))?/g)) {
        for (const n of [m[1], m[2]]) if (n && !sections.has(n)) bad.push(`${file}: §${n}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('every relative Markdown link resolves, anchors included', () => {
    const bad: string[] = [];
    for (const file of READ_BY_USERS.filter((f) => f.endsWith('.md'))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1]!;
        if (/^[a-z]+:/.test(target)) continue;
        const [path, anchor] = target.split('#');
        const resolved = path ? normalize(join(dirname(file), path)) : file;
        if (resolved.startsWith('..') || !existsSync(resolved)) {
          bad.push(`${file}: ${target}`);
          continue;
        }
        if (anchor && resolved.endsWith('.md') && !anchors(readFileSync(resolved, 'utf8')).has(anchor))
          bad.push(`${file}: ${target} (no such heading)`);
      }
    }
    expect(bad).toEqual([]);
  });
});

describe("README's layout table", () => {
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.slice(
    readme.indexOf('## Layout'),
    readme.indexOf('\n## ', readme.indexOf('## Layout') + 3),
  );
  const listed = new Set(
    [...section.matchAll(/^\|([^|]+)\|/gm)].flatMap((m) =>
      [...m[1]!.matchAll(/`([^`]+\/)`/g)].map((x) => x[1]!),
    ),
  );
  const IGNORED = new Set(['node_modules/', 'dist/', 'dist-dev/', 'out/', 'coverage/', '.git/']);
  const folders = (dir: string, prefix = ''): string[] =>
    readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !IGNORED.has(`${e.name}/`) && !e.name.startsWith('__'))
      .map((e) => `${prefix}${e.name}/`);

  it('names every top-level folder and every shared/ folder', () => {
    // shared/ is listed by its stage folders.
    const tree = [...folders('.').filter((f) => f !== 'shared/'), ...folders('shared', 'shared/')];
    expect(tree.filter((f) => !listed.has(f))).toEqual([]);
  });

  it('names only folders that exist', () => {
    expect([...listed].filter((f) => !existsSync(f))).toEqual([]);
  });
});
