import { createReadStream } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildLogTail,
  classifyBuildLog,
  classifyBuildLogText,
  createBuildLogClassifier,
  readBuildLogEvidence,
} from '../../../shared/diagnosis/buildlog/classify.js';
import type { BuildLogClassification } from '../../../shared/diagnosis/buildlog/types.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');
const RAW = join(FIXTURES, 'buildlogs');

interface Expect {
  outcome: BuildLogClassification['outcome'];
  detail?: string;
  subject?: string;
  evidence?: string[];
  stalledIn?: string;
  exitCode?: number;
}

/** What each committed build log must classify as (bundle build.logs and raw samples). */
const EXPECTED: Record<string, Expect> = {
  'ImageBuildFailure.CondaResolveFailure.v1-resolve-package-not-found': {
    outcome: 'failed',
    detail: 'CondaResolveFailure',
    subject: 'numpy=1.16.0, python=3.6.2=h02fb82a_12',
    evidence: ['Solving environment: ...working... failed', 'ResolvePackageNotFound:', '- numpy=1.16.0'],
  },
  'ImageBuildFailure.CondaResolveFailure.v2-unsatisfiable-timestamped': {
    outcome: 'failed',
    detail: 'CondaResolveFailure',
    subject: 'tensorflow==1.15',
    evidence: ['UnsatisfiableError: The following specifications were found'],
  },
  'ImageBuildFailure.PipPackageNotFound.v1-torch-local-version': {
    outcome: 'failed',
    detail: 'PipPackageNotFound',
    subject: 'torch==1.9.0+cu111',
    evidence: [
      'ERROR: Could not find a version that satisfies the requirement torch==1.9.0+cu111',
      'No matching distribution found for torch==1.9.0+cu111',
    ],
  },
  'ImageBuildFailure.PipPackageNotFound.v2-unknown-version-crlf-bare-ansi': {
    outcome: 'failed',
    detail: 'PipPackageNotFound',
    subject: 'azureml-samples==0+unknown',
  },
  'ImageBuildFailure.PipBuildFailure.v1-command-errored-out': {
    outcome: 'failed',
    detail: 'PipBuildFailure',
    subject: 'pycocotools',
    evidence: [
      'ERROR: Command errored out with exit status 1',
      'fatal error: Python.h: No such file or directory',
    ],
  },
  'ImageBuildFailure.PipBuildFailure.v2-buildkit-subprocess-exited': {
    outcome: 'failed',
    detail: 'PipBuildFailure',
    subject: 'hdbscan',
    evidence: ['error: subprocess-exited-with-error'],
  },
  'ImageBuildFailure.BaseImagePullFailure.v1-manifest-unknown': {
    outcome: 'failed',
    detail: 'BaseImagePullFailure',
    subject: 'mcr.microsoft.com/azureml/openmpi3.1.2-ubuntu18.04:20210101.v1',
    evidence: ['manifest unknown'],
  },
  'ImageBuildFailure.BaseImagePullFailure.v2-buildkit-pull-access-denied': {
    outcome: 'failed',
    detail: 'BaseImagePullFailure',
    subject: 'docker.io/contoso/ml-base:2.1',
    evidence: ['pull access denied'],
  },
  'ImageBuildFailure.RegistryAuthFailure.v1-push-unauthorized': {
    outcome: 'failed',
    detail: 'RegistryAuthFailure',
    subject: 'contosoacr4f2a.azurecr.io',
    evidence: ['unauthorized: authentication required'],
  },
  'ImageBuildFailure.RegistryAuthFailure.v2-login-refused': {
    outcome: 'failed',
    detail: 'RegistryAuthFailure',
    subject: 'contosoacr4f2a.azurecr.io',
    evidence: ['Error logging in to registry'],
  },
  'ImageBuildFailure.BuildTimeout.v1-context-deadline-exceeded': {
    outcome: 'failed',
    detail: 'BuildTimeout',
    stalledIn: 'conda-solve',
    evidence: ['Solving environment: ...working...', 'context deadline exceeded'],
  },
  'ImageBuildFailure.BuildTimeout.v2-stops-at-pip-install': {
    outcome: 'incomplete',
    detail: 'BuildTimeout',
    stalledIn: 'pip-install',
  },
  'ImageBuildFailure.BuildTimeout.v1-silent-past-budget': {
    outcome: 'incomplete',
    detail: 'BuildTimeout',
    stalledIn: 'conda-solve',
  },
  'ImageBuildFailure.DockerStepFailure.v1-apt-get-unable-to-locate': {
    outcome: 'failed',
    detail: 'DockerStepFailure',
    exitCode: 100,
    evidence: ['E: Unable to locate package libgl1-mesa-glx', 'returned a non-zero code: 100'],
  },
  'ImageBuildFailure.BuildOutOfMemory.v2-conda-killed-exit-137': {
    outcome: 'failed',
    detail: 'BuildOutOfMemory',
    exitCode: 137,
    stalledIn: 'conda-solve',
    evidence: ['returned a non-zero code: 137'],
  },
  'ImageBuildFailure.BuildOutOfMemory.v1-pip-install-killed-exit-247': {
    outcome: 'failed',
    detail: 'BuildOutOfMemory',
    exitCode: 247,
    evidence: ['returned a non-zero code: 247'],
  },
  'ImageBuildFailure.PipResolveFailure.v1-numpy-pandas-conflict': {
    outcome: 'failed',
    detail: 'PipResolveFailure',
    evidence: ['conflicting dependencies', 'pandas 2.0.3 depends on numpy>=1.20.3'],
  },
  'ImageBuildFailure.PipResolveFailure.v2-protobuf-conflict': {
    outcome: 'failed',
    detail: 'PipResolveFailure',
    evidence: ['The user requested protobuf==3.19.0'],
  },
  'nearmiss.ImageBuildFailure.PipResolveFailure.backtracked-then-resolved': { outcome: 'succeeded' },
  'nearmiss.ImageBuildFailure.BuildOutOfMemory.killed-word-build-pushed': { outcome: 'succeeded' },
  'nearmiss.ImageBuildFailure.CondaResolveFailure.frozen-solve-retry': { outcome: 'succeeded' },
  'nearmiss.ImageBuildFailure.PipPackageNotFound.extra-index-fixed': { outcome: 'succeeded' },
  'nearmiss.ImageBuildFailure.PipBuildFailure.wheel-fallback-succeeded': { outcome: 'succeeded' },
  'nearmiss.ImageBuildFailure.RegistryAuthFailure.private-feed-401-warning': { outcome: 'succeeded' },
  'nearmiss.ImageBuildFailure.BaseImagePullFailure.base-image-layer-retry': { outcome: 'succeeded' },
  'nearmiss.ImageBuildFailure.DockerStepFailure.red-stderr-warnings': { outcome: 'succeeded' },
  'nearmiss.ImageBuildFailure.BuildTimeout.still-solving-recent': {
    outcome: 'incomplete',
    detail: 'BuildTimeout',
    stalledIn: 'conda-solve',
  },
  'nearmiss.ImageBuildFailure.BuildTimeout.new-service-still-solving': {
    outcome: 'incomplete',
    detail: 'BuildTimeout',
    stalledIn: 'conda-solve',
  },
  'buildlogs/pip-conflict.log': {
    outcome: 'failed',
    detail: 'PipResolveFailure',
    subject: 'numpy==1.19.5',
    evidence: [
      'conflicting dependencies',
      'The user requested numpy==1.19.5',
      'pandas 2.0.3 depends on numpy>=1.20.3',
    ],
  },
  'buildlogs/buildkit-base-not-found.log': {
    outcome: 'failed',
    detail: 'BaseImagePullFailure',
    subject: 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest',
  },
  'buildlogs/acr-login-failed.log': {
    outcome: 'failed',
    detail: 'RegistryAuthFailure',
    subject: 'contosoacr4f2a.azurecr.io',
  },
  'buildlogs/solving-timestamped.log': {
    outcome: 'incomplete',
    detail: 'BuildTimeout',
    stalledIn: 'conda-solve',
  },
  'buildlogs/success-red-warnings.log': { outcome: 'succeeded' },
  'buildlogs/success-esc-crlf.log': { outcome: 'succeeded' },
  'buildlogs/empty.log': { outcome: 'unknown' },
  'buildlogs/not-a-build-log.txt': { outcome: 'unknown' },
  // Independent evaluation bundles (eval.*), written from real failure reports rather than from this classifier.
  'eval.ImageBuildFailure.CondaResolveFailure.classic-docker-ansi': {
    outcome: 'failed',
    detail: 'CondaResolveFailure',
    subject: 'numpy=1.16.0=py36h7e9f1db_1, scikit-learn=0.20.2=py36hd81dba3_0',
    evidence: ['ResolvePackageNotFound:', '- numpy=1.16.0'],
  },
  'eval.ImageBuildFailure.PipPackageNotFound.buildkit-timestamps': {
    outcome: 'failed',
    detail: 'PipPackageNotFound',
    subject: 'docai-tokenizers==2.3.1',
    evidence: ['No matching distribution found for docai-tokenizers==2.3.1'],
  },
  'eval.ImageBuildFailure.PipBuildFailure.modern-pip-wheel': {
    outcome: 'failed',
    detail: 'PipBuildFailure',
    subject: 'pycocotools',
    evidence: ['error: subprocess-exited-with-error'],
  },
  'eval.ImageBuildFailure.BuildTimeout.log-just-stops': {
    outcome: 'incomplete',
    detail: 'BuildTimeout',
    stalledIn: 'conda-solve',
  },
  'eval.ImageBuildFailure.BaseImagePullFailure.buildkit-not-found': {
    outcome: 'failed',
    detail: 'BaseImagePullFailure',
    subject: 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:20230101.v1',
    evidence: ['failed to resolve source metadata'],
  },
  'eval.ImageBuildFailure.DockerStepFailure.apt-get-custom-step': {
    outcome: 'failed',
    detail: 'DockerStepFailure',
    exitCode: 100,
    evidence: ["for 'tesseract-ocr-deu' was not found", 'returned a non-zero code: 100'],
  },
  'eval.nearmiss.ImageBuildFailure.CondaResolveFailure.frozen-solve-retry': { outcome: 'succeeded' },
};

function pathOf(key: string): string {
  return key.startsWith('buildlogs/') ? join(FIXTURES, key) : join(FIXTURES, key, 'build.log');
}

function check(c: BuildLogClassification, e: Expect): void {
  expect(c.outcome).toBe(e.outcome);
  expect(c.detail).toBe(e.detail);
  if (e.subject !== undefined) expect(c.subject).toBe(e.subject);
  if (e.stalledIn !== undefined) expect(c.stalledIn).toBe(e.stalledIn);
  if (e.exitCode !== undefined) expect(c.exitCode).toBe(e.exitCode);
  for (const line of e.evidence ?? []) expect(c.evidence.map((x) => x.text).join('\n')).toContain(line);
  for (const ev of c.evidence) {
    // Evidence is cleaned: no colour codes, no timestamp prefix; it points at its line.
    expect(ev.text).not.toContain('\u001b');
    expect(ev.text).not.toMatch(/\[9\dm|\[0m|^\d{4}-\d{2}-\d{2}T/);
    expect(ev.source).toMatch(/^(build\.log|[\w.-]+):\d+$/);
  }
  expect(c.evidence.length).toBeLessThanOrEqual(4);
}

/** Chunks of the given sizes (cycled), as a stream would deliver them. */
async function* chunked(bytes: Uint8Array, sizes: number[]): AsyncGenerator<Uint8Array> {
  let i = 0;
  let k = 0;
  while (i < bytes.length) {
    const n = sizes[k++ % sizes.length] ?? 1;
    yield bytes.subarray(i, i + n);
    i += n;
  }
}

describe('classifyBuildLog over the committed logs', () => {
  it('covers every build log in the fixtures', async () => {
    const bundles = (await readdir(FIXTURES)).filter((n) => n.includes('ImageBuildFailure'));
    const withLog = [];
    for (const b of bundles) {
      if ((await readdir(join(FIXTURES, b))).includes('build.log')) withLog.push(b);
    }
    const raws = (await readdir(RAW)).filter((f) => !f.endsWith('.gz')).map((f) => `buildlogs/${f}`);
    expect(Object.keys(EXPECTED).sort()).toEqual([...withLog, ...raws].sort());
  });

  it.each(Object.entries(EXPECTED))('%s', async (key, e) => {
    const c = await classifyBuildLog(createReadStream(pathOf(key)), 'build.log');
    check(c, e);
  });

  it.each(Object.entries(EXPECTED))(
    '%s: same verdict in memory, in 1-byte chunks and in odd chunks',
    async (key, e) => {
      const bytes = await readFile(pathOf(key));
      const whole = classifyBuildLogText(bytes.toString('utf8'), 'build.log');
      check(whole, e);
      const streamed = await classifyBuildLog(createReadStream(pathOf(key)), 'build.log');
      for (const sizes of [[1], [7, 1, 4093, 2, 13], [65536]]) {
        const c = await classifyBuildLog(chunked(bytes, sizes), 'build.log');
        expect(c).toEqual(streamed);
      }
      expect(whole).toEqual(streamed);
    },
  );

  it.each(Object.entries(EXPECTED).filter(([k]) => !k.endsWith('empty.log')))(
    '%s: same verdict with CRLF line endings and every line in red',
    async (key, e) => {
      const text = (await readFile(pathOf(key), 'utf8')).replace(/\r\n/g, '\n');
      const red = text
        .split('\n')
        .map((l) => (l ? `\u001b[91m${l}\u001b[0m` : l))
        .join('\r\n');
      check(classifyBuildLogText(red, 'build.log'), e);
    },
  );
});

describe('classifier edge cases', () => {
  const failing = [
    'Step 8/15 : RUN conda env create -f env.yml',
    'Pip subprocess error:',
    'ERROR: No matching distribution found for torch==1.9.0+cu111',
    "The command '/bin/sh -c conda env create -f env.yml' returned a non-zero code: 1",
  ].join('\n');

  it('reports an empty log as unknown with a reason', () => {
    const c = classifyBuildLogText('', 'build.log');
    expect(c).toMatchObject({
      outcome: 'unknown',
      reason: 'the build log is empty',
      linesRead: 0,
      bytesRead: 0,
    });
    expect(classifyBuildLogText('\n\n   \r\n', 'build.log').reason).toBe('the build log is empty');
  });

  it('refuses binary input: NUL bytes, gzip, zip, undecodable bytes', async () => {
    const nul = Buffer.concat([
      Buffer.from('Step 1/2 : FROM x\n'),
      Buffer.from([0, 1, 2, 0, 255]),
      Buffer.from('\nmore'),
    ]);
    const c1 = await classifyBuildLog(chunked(nul, [3]), 'build.log');
    expect(c1).toMatchObject({ outcome: 'unknown', binary: true });
    expect(c1.reason).toMatch(/NUL byte at offset 18/);
    expect(c1.evidence).toEqual([]);

    const gz = await readFile(join(RAW, 'build.log.gz'));
    for (const sizes of [[1], [65536]]) {
      const c = await classifyBuildLog(chunked(gz, sizes), 'build.log');
      expect(c).toMatchObject({ outcome: 'unknown', binary: true });
      expect(c.reason).toMatch(/gzip/);
    }
    const zip = Buffer.from([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0]);
    expect((await classifyBuildLog(chunked(zip, [2]), 'build.log')).reason).toMatch(/zip archive/);
    const noise = Buffer.alloc(9000);
    for (let i = 0; i < noise.length; i++) noise[i] = 0x80 + (i % 60);
    expect((await classifyBuildLog(chunked(noise, [1000]), 'build.log')).reason).toMatch(/not UTF-8/);
    expect(classifyBuildLogText('Step 1/2 : FROM x\n\u0000\u0000', 'b').binary).toBe(true);
  });

  it('stops reading a binary stream early', async () => {
    let pulled = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      for (;;) {
        pulled++;
        yield new Uint8Array(4096);
      }
    }
    const c = await classifyBuildLog(endless(), 'build.log');
    expect(c.binary).toBe(true);
    expect(pulled).toBe(1);
  });

  it('tolerates a few invalid UTF-8 bytes and multi-byte characters split across chunks', async () => {
    const text = `Step 1/3 : FROM mcr.microsoft.com/azureml/base:latest\nDownloading caf\u00e9 \u2192 \u{1F600} ok\n${failing}\n`;
    const bytes = Buffer.concat([
      Buffer.from(text.slice(0, 60)),
      Buffer.from([0xc3, 0x28, 0xff]),
      Buffer.from(text.slice(60)),
    ]);
    const c = await classifyBuildLog(chunked(bytes, [1]), 'build.log');
    expect(c).toMatchObject({
      outcome: 'failed',
      detail: 'PipPackageNotFound',
      subject: 'torch==1.9.0+cu111',
    });
    expect(c.bytesRead).toBe(bytes.length);
    const lines: string[] = [];
    const splitterCheck = await readBuildLogEvidence(chunked(Buffer.from('a \u00e9\u{1F600}\n'), [1]), 'x');
    lines.push(...(splitterCheck.tail ?? '').split('\n'));
    expect(lines[0]).toBe('a \u00e9\u{1F600}');
  });

  it('keeps only the start of a very long line and still finds the decision after it', () => {
    const huge = `Downloading ${'#'.repeat(3_000_000)}`;
    const c = classifyBuildLogText(`Step 1/2 : FROM x\n${huge}\n${failing}`, 'build.log');
    expect(c).toMatchObject({ outcome: 'failed', detail: 'PipPackageNotFound', longLines: 1 });
    // The decisive line of a long line is found when it is at the start.
    const longError = `ERROR: No matching distribution found for numpy==9.9 ${'x'.repeat(100_000)}`;
    const c2 = classifyBuildLogText(
      `Step 1/2 : FROM x\n${longError}\nThe command '/bin/sh -c pip' returned a non-zero code: 1`,
      'b',
    );
    expect(c2).toMatchObject({ detail: 'PipPackageNotFound', subject: 'numpy==9.9' });
    expect(c2.evidence[0]?.text.length).toBeLessThanOrEqual(400);
  });

  it('treats CR, CRLF and LF alike, also when CR and LF arrive in different chunks', async () => {
    const lf = `${failing}\n`;
    const variants = [lf, lf.replace(/\n/g, '\r\n'), lf.replace(/\n/g, '\r')];
    const base = classifyBuildLogText(lf, 'b');
    for (const v of variants) {
      const c = await classifyBuildLog(chunked(Buffer.from(v), [1]), 'b');
      expect({ ...c, bytesRead: 0 }).toEqual({ ...base, bytesRead: 0 });
      expect(c.bytesRead).toBe(Buffer.byteLength(v));
    }
    // A CRLF split over two chunks is one line break, not two (line numbers stay the same).
    const c = await classifyBuildLog(
      (async function* () {
        yield 'Step 1/2 : FROM x\r';
        yield '\nERROR: No matching distribution found for a==1\r';
        yield '\n';
      })(),
      'b',
    );
    expect(c.linesRead).toBe(2);
    expect(c.evidence[0]?.source).toBe('b:2');
  });

  it('strips colour codes and timestamp prefixes of both forms before matching', () => {
    const c = classifyBuildLogText(
      [
        "2021/06/02 10:14:07 Executing step ID: acb_step_0. Timeout(sec): 600, Working directory: ''",
        '2024-09-05T15:26:38: Step 8/15 : RUN conda env create',
        '2024-09-05T15:26:39: [91mResolvePackageNotFound: [0m',
        '2024-09-05T15:26:39: \u001b[91m  - numpy=1.16.0\u001b[0m',
      ].join('\n'),
      'build.log',
    );
    expect(c).toMatchObject({ outcome: 'failed', detail: 'CondaResolveFailure', subject: 'numpy=1.16.0' });
    expect(c.evidence.map((e) => e.text)).toEqual(['ResolvePackageNotFound:', '- numpy=1.16.0']);
    expect(c.timing).toMatchObject({
      stepStartedAt: '2021-06-02T10:14:07.000Z',
      timeoutSeconds: 600,
      lastAt: '2024-09-05T15:26:39.000Z',
    });
  });

  it('lets the most specific line win over the generic step failure, and the earliest specific line win', () => {
    const c = classifyBuildLogText(
      [
        'Step 8/15 : RUN conda env create',
        'Solving environment: ...working... failed',
        'ResolvePackageNotFound:',
        '  - numpy=1.16.0',
        'ERROR: No matching distribution found for torch==1.9.0',
        "The command '/bin/sh -c conda env create' returned a non-zero code: 1",
        'failed to run step ID: acb_step_0: exit status 1',
      ].join('\n'),
      'b',
    );
    expect(c.detail).toBe('CondaResolveFailure');
    expect(c.evidence.map((e) => e.text)).toContain(
      "The command '/bin/sh -c conda env create' returned a non-zero code: 1",
    );
  });

  it('classifies a weak "Failed building wheel" only when the build fails', () => {
    const lines = ['Step 8/9 : RUN pip install termcolor', '  ERROR: Failed building wheel for termcolor'];
    const failed = classifyBuildLogText(
      [...lines, "The command '/bin/sh -c pip install termcolor' returned a non-zero code: 1"].join('\n'),
      'b',
    );
    expect(failed).toMatchObject({ outcome: 'failed', detail: 'PipBuildFailure', subject: 'termcolor' });
    const ok = classifyBuildLogText(
      [...lines, 'Successfully built 3f2a9b8c7d6e', 'Successfully tagged x.azurecr.io/a:latest'].join('\n'),
      'b',
    );
    expect(ok.outcome).toBe('succeeded');
    const stopped = classifyBuildLogText(lines.join('\n'), 'b');
    expect(stopped).toMatchObject({ outcome: 'incomplete' });
    expect(stopped.detail).toBeUndefined();
  });

  it('a failure after the success marker wins (push after build)', () => {
    const c = classifyBuildLogText(
      [
        'Step 1/1 : FROM x',
        'Successfully built 3f2a9b8c7d6e',
        'Pushing image: ws.azurecr.io/azureml/a:latest, attempt 1',
        'denied: requested access to the resource is denied',
      ].join('\n'),
      'b',
    );
    expect(c).toMatchObject({ outcome: 'failed', detail: 'RegistryAuthFailure', subject: 'ws.azurecr.io' });
  });

  it('pip "Successfully built <wheels>" is not the image being built', () => {
    const c = classifyBuildLogText(
      ['Step 8/15 : RUN conda env create', 'Successfully built pycocotools termcolor'].join('\n'),
      'b',
    );
    expect(c.outcome).toBe('incomplete');
  });

  it('a stall killed (137) before the budget is the build running out of memory; past the budget it is a timeout', () => {
    const log = (end: string) =>
      [
        "2021/06/02 10:00:00 Executing step ID: acb_step_0. Timeout(sec): 5400, Working directory: ''",
        'Step 8/15 : RUN conda env create',
        'Solving environment: ...working...',
        "The command '/bin/sh -c conda env create' returned a non-zero code: 137",
        `${end} Container failed during run: acb_step_0. No retries remaining.`,
      ].join('\n');
    expect(classifyBuildLogText(log('2021/06/02 10:23:00'), 'b')).toMatchObject({
      detail: 'BuildOutOfMemory',
      exitCode: 137,
      stalledIn: 'conda-solve',
    });
    expect(classifyBuildLogText(log('2021/06/02 11:30:01'), 'b')).toMatchObject({
      detail: 'BuildTimeout',
      stalledIn: 'conda-solve',
    });
  });

  it('pip resolver backtracking that stops is a timeout candidate', () => {
    const c = classifyBuildLogText(
      [
        'Step 8/15 : RUN pip install -r requirements.txt',
        'INFO: pip is looking at multiple versions of tensorflow to determine which version is compatible with other requirements. This could take a while.',
        '  Downloading tensorflow-2.4.0-cp38-cp38-manylinux2010_x86_64.whl (394.7 MB)',
      ].join('\n'),
      'b',
    );
    expect(c).toMatchObject({ outcome: 'incomplete', detail: 'BuildTimeout', stalledIn: 'pip-resolve' });
  });

  it('does not mistake network retries or benign "failed" lines for failures', () => {
    const c = classifyBuildLogText(
      [
        'Step 8/15 : RUN conda env create',
        'Solving environment: failed with initial frozen solve. Retrying with flexible solve.',
        "WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after connection broken by 'ReadTimeoutError(\"HTTPSConnectionPool(host='pypi.org', port=443): Read timed out. (read timeout=15)\")': /simple/numpy/",
        "ERROR: pip's dependency resolver does not currently take into account all the packages that are installed.",
        'WARNING: 401 Error, Credentials not correct for https://pkgs.dev.azure.com/contoso/_packaging/ml/pypi/simple/x/',
        'debconf: delaying package configuration, since apt-utils is not installed',
        'Successfully built 3f2a9b8c7d6e',
      ].join('\n'),
      'b',
    );
    expect(c.outcome).toBe('succeeded');
  });

  it('redacts secrets in evidence', () => {
    const c = classifyBuildLogText(
      [
        'Step 1/2 : FROM x',
        'ERROR: No matching distribution found for pkg==1 (from https://feed.example/simple?sv=2020&sig=c2VjcmV0c2VjcmV0c2VjcmV0&se=1)',
        "The command '/bin/sh -c pip install --index-url https://user:AccountKey=abcd1234secret@feed' returned a non-zero code: 1",
      ].join('\n'),
      'b',
    );
    const all = JSON.stringify(c);
    expect(all).not.toContain('c2VjcmV0c2VjcmV0c2VjcmV0');
    expect(all).not.toContain('abcd1234secret');
    expect(all).toContain('sig=[REDACTED]');
  });

  it('the pure classifier can be fed line by line and asked for its verdict at any point', () => {
    const k = createBuildLogClassifier('build.log');
    k.push("2021/06/02 10:00:00 Executing step ID: acb_step_0. Timeout(sec): 5400, Working directory: ''");
    k.push('Step 8/15 : RUN conda env create');
    k.push('Solving environment: ...working...');
    expect(k.finish()).toMatchObject({ outcome: 'incomplete', detail: 'BuildTimeout', linesRead: 3 });
    k.push('Solving environment: ...working... done');
    k.push('Successfully built 3f2a9b8c7d6e');
    expect(k.finish()).toMatchObject({ outcome: 'succeeded', linesRead: 5 });
  });
});

describe('tail', () => {
  it('keeps at most the last 64 KiB as whole, redacted lines', async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `line ${i} ${'x'.repeat(40)} AccountKey=secret${i}`);
    const text = lines.join('\n') + '\n';
    const evidence = await readBuildLogEvidence(chunked(Buffer.from(text), [333]), 'build.log');
    const tail = evidence.tail ?? '';
    expect(Buffer.byteLength(tail)).toBeLessThanOrEqual(64 * 1024);
    expect(Buffer.byteLength(tail)).toBeGreaterThan(60 * 1024);
    expect(tail.endsWith(`line 4999 ${'x'.repeat(40)} AccountKey=[REDACTED]\n`)).toBe(true);
    expect(tail.startsWith('line ')).toBe(true);
    expect(tail).not.toMatch(/secret\d/);
    expect(buildLogTail(text)).toBe(tail);
    expect(evidence.classification.linesRead).toBe(5000);
  });

  it('keeps the end of a single line longer than the budget, and no tail for binary input', async () => {
    expect(Buffer.byteLength(buildLogTail('y'.repeat(200_000), 1024))).toBeLessThanOrEqual(1024);
    const gz = await readFile(join(RAW, 'build.log.gz'));
    const e = await readBuildLogEvidence(chunked(gz, [4096]), 'build.log');
    expect(e.tail).toBeUndefined();
    expect(e.classification.binary).toBe(true);
  });
});
