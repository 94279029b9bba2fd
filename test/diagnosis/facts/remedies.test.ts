/**
 * Remedies that follow from the evidence: the Python version and the versions the index offers decide the torch
 * pin; an API that moved is fixed by the new import, not by a version pin; the exit code is the container's own.
 */
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnoseSnapshot } from '../../../shared/diagnosis/engine.js';
import type { Finding } from '../../../shared/diagnosis/types.js';
import { loadBundle } from '../../../shared/diagnosis/bundle.js';

const DEMO = join(import.meta.dirname, '..', '..', '..', 'examples', 'demo');
const BUILD_LOG = join(
  DEMO,
  'blobs',
  'azureml',
  'ImageLogs',
  '2f7c9e1a-4b3d-4c8e-9a6f-1d2e3f4a5b6c',
  'build.log',
);
const FRAUD = join(DEMO, 'cluster', '0', 'fraud-score');

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'amlmon-remedies-'));
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

async function rootOf(dir: string): Promise<Finding> {
  const [d] = diagnoseSnapshot(await loadBundle(dir));
  const root = d?.findings[0];
  if (!root) throw new Error(`no finding for ${dir}`);
  return root;
}

describe('remedies derived from the evidence', () => {
  it('torch==1.9.0+cu111 on a cp310 build whose index starts at 1.11.0: never "pin torch==1.9.0"', async () => {
    const dir = join(work, 'build');
    await mkdir(dir, { recursive: true });
    await cp(BUILD_LOG, join(dir, 'build.log'));
    // The image never built, so the cluster has nothing of it: only the log and the meta.
    await writeFile(join(dir, 'snapshot.yaml'), 'apiVersion: v1\nkind: List\nitems: []\n');
    await writeFile(
      join(dir, 'meta.json'),
      JSON.stringify({ service: 'img', capturedAt: '2026-11-26T10:00:00Z' }),
    );
    const root = await rootOf(dir);
    expect(`${root.code}/${root.detail}`).toBe('ImageBuildFailure/PipPackageNotFound');
    const remedy = root.remedy.join('\n');
    expect(remedy).not.toMatch(/torch==1\.9\.0(?!\+)/);
    expect(remedy).toContain('Python 3.10 (cp310 in the build log)');
    expect(remedy).toContain('1.11.0 is the nearest to 1.9.0');
    expect(root.evidence.map((e) => e.text).join('\n')).toContain('cp310');
    expect(root.explanation).toContain('1.9.0 is not among them');
  });

  it('from sklearn.externals import joblib: use `import joblib`, not a scikit-learn pin', async () => {
    const dir = join(work, 'joblib');
    await cp(FRAUD, dir, { recursive: true });
    const logs = join(dir, 'logs', 'fraud-score-5f7d9c8b64-x4p9t');
    expect(await readdir(logs)).toContain('fraud-score.previous.log');
    const log = [
      "2026-11-26T09:58:31,378 | root | INFO | Invoking user's init function",
      "2026-11-26T09:58:33,912 | root | ERROR | User's init function failed",
      '2026-11-26T09:58:33,913 | root | ERROR | Encountered Exception Traceback (most recent call last):',
      '  File "/var/azureml-server/aml_blueprint.py", line 191, in register',
      '    main.init()',
      '  File "/var/azureml-app/score.py", line 3, in <module>',
      '    from sklearn.externals import joblib',
      "ImportError: cannot import name 'joblib' from 'sklearn.externals' (/azureml-envs/azureml_1/lib/python3.10/site-packages/sklearn/externals/__init__.py)",
      '',
      'Worker exiting (pid: 41)',
      '',
    ].join('\n');
    // Both instances crash the same way (the current one is in back-off with the same log).
    await writeFile(join(logs, 'fraud-score.previous.log'), log);
    await writeFile(join(logs, 'fraud-score.log'), log);
    const root = await rootOf(dir);
    expect(`${root.code}/${root.detail}`).toBe('ScoringInitFailure/ImportError');
    const remedy = root.remedy.join('\n');
    expect(remedy).toContain('`import joblib`');
    expect(remedy).not.toMatch(/scikit-learn==|pin sklearn|pin scikit-learn/);
  });

  it("the init failure's exit code is the container's (1 in the demo), not a constant", async () => {
    const root = await rootOf(FRAUD);
    expect(root.explanation).toContain('exited (exit code 1)');
    expect(root.explanation).not.toContain('exit code 3');
  });
});
