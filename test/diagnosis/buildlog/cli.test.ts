/**
 * `amlmon buildlog <file>` as a user runs it: the built binary (npm test builds first), real files, real exit codes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const BIN = join(ROOT, 'dist', 'cli', 'amlmon.js');
const FIXTURES = join(ROOT, 'test', 'fixtures');
const RAW = join(FIXTURES, 'buildlogs');

function amlmon(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first (npm test does)`);
});

describe('amlmon buildlog <file>', () => {
  it('--json prints a diagnosis-like document with the finding', () => {
    const r = amlmon(
      'buildlog',
      join(FIXTURES, 'ImageBuildFailure.PipPackageNotFound.v1-torch-local-version', 'build.log'),
      '--json',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      status: string;
      findings: {
        code: string;
        detail: string;
        evidence: { source: string; text: string }[];
        remedy: string[];
      }[];
      classification: { outcome: string; subject: string };
    };
    expect(doc.status).toBe('Failed');
    expect(doc.findings[0]).toMatchObject({ code: 'ImageBuildFailure', detail: 'PipPackageNotFound' });
    expect(Object.keys(doc.findings[0] ?? {})).toEqual([
      'code',
      'detail',
      'severity',
      'title',
      'explanation',
      'evidence',
      'remedy',
      'docs',
    ]);
    expect(doc.findings[0]?.evidence.map((e) => e.text)).toContain(
      'ERROR: No matching distribution found for torch==1.9.0+cu111',
    );
    expect(doc.findings[0]?.remedy.join(' ')).toContain(
      '--extra-index-url https://download.pytorch.org/whl/cu111',
    );
    expect(doc.classification).toMatchObject({ outcome: 'failed', subject: 'torch==1.9.0+cu111' });
  });

  it('prints a short readable report without --json', () => {
    const r = amlmon('buildlog', join(RAW, 'pip-conflict.log'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^pip-conflict\.log {2}Failed\n/);
    // pip's resolver found no set of versions (ResolutionImpossible): a resolve failure, not a missing package.
    expect(r.stdout).toContain('ImageBuildFailure/PipResolveFailure');
    expect(r.stdout).toContain('pandas 2.0.3 depends on numpy>=1.20.3');
    expect(r.stdout).toMatch(/Fix\n {2}1\. /);
    expect(r.stdout).toMatch(/Read \d+ lines/);
    expect(r.stdout).not.toContain('\u001b[');
  });

  it('reports a successful build as Healthy', () => {
    const r = amlmon('buildlog', join(RAW, 'success-esc-crlf.log'), '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'Healthy', findings: [] });
  });

  it('judges a log that stops mid-solve by the file time: still running, or timed out', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'amlmon-buildlog-'));
    const file = join(dir, 'build.log');
    await writeFile(file, await readFile(join(RAW, 'solving-timestamped.log')));
    // The log's step started 2024-05-14T08:00:04Z.
    await utimes(file, new Date('2024-05-14T08:20:00Z'), new Date('2024-05-14T08:20:00Z'));
    const running = amlmon('buildlog', file);
    expect(running.code).toBe(0);
    expect(running.stdout).toMatch(/Progressing\n {2}The build is still running: .*inside its 1h 30m budget/);
    await utimes(file, new Date('2024-05-14T10:00:00Z'), new Date('2024-05-14T10:00:00Z'));
    const timedOut = JSON.parse(amlmon('buildlog', file, '--json').stdout) as {
      status: string;
      findings: { detail: string }[];
    };
    expect(timedOut).toMatchObject({ status: 'Failed', findings: [{ detail: 'BuildTimeout' }] });
  });

  it('exits 3 with one clear line for a missing file, a directory or a binary file', () => {
    const missing = amlmon('buildlog', join(RAW, 'nope.log'));
    expect(missing.code).toBe(3);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toMatch(/^amlmon: .*nope\.log: cannot read: no such file\n$/);
    const dir = amlmon('buildlog', RAW);
    expect(dir.code).toBe(3);
    expect(dir.stderr).toMatch(/is a directory, not a build log\n$/);
    const gz = amlmon('buildlog', join(RAW, 'build.log.gz'), '--json');
    expect(gz.code).toBe(3);
    expect(gz.stdout).toBe('');
    expect(gz.stderr).toMatch(
      /^amlmon: .*build\.log\.gz: gzip-compressed data, not a text log \(decompress it first\)\n$/,
    );
  });

  it('says so when the file is not a build log, and exits 0', () => {
    const r = amlmon('buildlog', join(RAW, 'not-a-build-log.txt'), '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { status: string; summary: string };
    expect(doc.status).toBe('Unknown');
    expect(doc.summary).toMatch(/is this a build log\?/);
  });

  it('exits 2 without a file argument', () => {
    expect(amlmon('buildlog').code).toBe(2);
  });
});
