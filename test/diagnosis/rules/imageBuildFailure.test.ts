import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyBuildLogText } from '../../../shared/diagnosis/buildlog/classify.js';
import { diagnoseSnapshot } from '../../../shared/diagnosis/engine.js';
import type { AmlDeployment } from '../../../shared/diagnosis/rule.js';
import { imageBuildFailure } from '../../../shared/diagnosis/rules/imageBuildFailure.js';
import { findAmlDeployments } from '../../../shared/diagnosis/target.js';
import type { RuleFinding } from '../../../shared/diagnosis/types.js';
import { loadBundle } from '../../../shared/diagnosis/bundle.js';
import type { ServiceRecord, Snapshot } from '../../../shared/snapshot/types.js';
import { emptySnapshot } from '../../../shared/snapshot/types.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');

/** The target the engine diagnoses: the bundle's deployment, or (no objects) the service named by meta.json. */
function targetOf(snapshot: Snapshot): AmlDeployment {
  const found = findAmlDeployments(snapshot);
  const named = found.find((t) => t.name === snapshot.meta.service) ?? found[0];
  return (
    named ?? {
      flavor: 'v1',
      name: snapshot.meta.service ?? '',
      namespace: snapshot.meta.namespace ?? '',
      replicaSets: [],
      pods: [],
    }
  );
}

async function run(name: string): Promise<{ findings: RuleFinding[]; snapshot: Snapshot }> {
  const snapshot = await loadBundle(join(FIXTURES, name));
  const now = new Date(snapshot.meta.capturedAt ?? 0);
  return { findings: imageBuildFailure.diagnose({ target: targetOf(snapshot), snapshot, now }), snapshot };
}

interface Case {
  title: RegExp;
  evidence: string[];
  remedy: RegExp;
  specificity: number;
}

const CASES: Record<string, Case> = {
  'ImageBuildFailure.PipResolveFailure.v1-numpy-pandas-conflict': {
    title: /pip dependency conflict on numpy==1\.19\.5 and pandas==2\.0\.3/,
    evidence: ['conflicting dependencies', 'pandas 2.0.3 depends on numpy>=1.20.3'],
    remedy: /Relax one of the conflicting pins/,
    specificity: 90,
  },
  'ImageBuildFailure.PipResolveFailure.v2-protobuf-conflict': {
    title: /pip dependency conflict on protobuf==3\.19\.0 and tensorflow==2\.15\.0/,
    evidence: ['The user requested protobuf==3.19.0'],
    remedy: /conda_file in the environment YAML/,
    specificity: 90,
  },
  'ImageBuildFailure.BuildOutOfMemory.v1-pip-install-killed-exit-247': {
    title: /exited with code 247 \(out of memory\)/,
    evidence: ['returned a non-zero code: 247'],
    remedy: /ran out of memory.*image-build-compute/,
    specificity: 90,
  },
  'ImageBuildFailure.CondaResolveFailure.v1-resolve-package-not-found': {
    title: /conda cannot resolve numpy=1\.16\.0/,
    evidence: [
      'ResolvePackageNotFound:',
      '- numpy=1.16.0',
      'returned a non-zero code: 1',
      'EnvironmentBuildFailed',
    ],
    remedy: /relax the pin.*conda-forge.*pip: section/,
    specificity: 90,
  },
  'ImageBuildFailure.CondaResolveFailure.v2-unsatisfiable-timestamped': {
    title: /conda cannot resolve tensorflow==1\.15/,
    evidence: ['UnsatisfiableError'],
    remedy: /pins conflict.*conda_file/,
    specificity: 90,
  },
  'ImageBuildFailure.PipPackageNotFound.v1-torch-local-version': {
    title: /no pip distribution found for torch==1\.9\.0\+cu111/,
    evidence: ['No matching distribution found for torch==1.9.0+cu111'],
    remedy:
      /not on PyPI.*--extra-index-url https:\/\/download\.pytorch\.org\/whl\/cu111.*Environment\.from_conda_specification/,
    specificity: 90,
  },
  'ImageBuildFailure.PipPackageNotFound.v2-unknown-version-crlf-bare-ansi': {
    title: /no pip distribution found for azureml-samples==0\+unknown/,
    evidence: [
      'azureml-samples==0+unknown (from -r /azureml-environment-setup/condaenv.dxi_0178.requirements.txt (line 39)) (from versions: none)',
    ],
    remedy: /local source checkout/,
    specificity: 90,
  },
  'ImageBuildFailure.PipBuildFailure.v1-command-errored-out': {
    title: /pip could not build pycocotools from source/,
    evidence: ['Command errored out with exit status 1', 'fatal error: Python.h: No such file or directory'],
    remedy: /compile failed: .*Python\.h.*prebuilt wheel.*python3-dev/,
    specificity: 90,
  },
  'ImageBuildFailure.PipBuildFailure.v2-buildkit-subprocess-exited': {
    title: /pip could not build hdbscan from source/,
    evidence: [
      'error: subprocess-exited-with-error',
      "error: command '/usr/bin/gcc' failed with exit code 1",
    ],
    remedy: /conda-forge/,
    specificity: 90,
  },
  'ImageBuildFailure.BaseImagePullFailure.v1-manifest-unknown': {
    title:
      /base image mcr\.microsoft\.com\/azureml\/openmpi3\.1\.2-ubuntu18\.04:20210101\.v1 could not be pulled/,
    evidence: ['manifest unknown'],
    remedy: /does not exist under that name\/tag.*Environment\.docker\.base_image/,
    specificity: 90,
  },
  'ImageBuildFailure.BaseImagePullFailure.v2-buildkit-pull-access-denied': {
    title: /base image docker\.io\/contoso\/ml-base:2\.1 could not be pulled/,
    evidence: ['pull access denied'],
    remedy: /private registry.*az acr import/,
    specificity: 90,
  },
  'ImageBuildFailure.RegistryAuthFailure.v1-push-unauthorized': {
    title: /not authorized to the workspace container registry contosoacr4f2a\.azurecr\.io/,
    evidence: ['unauthorized: authentication required'],
    remedy: /az ml workspace sync-keys.*ws\.sync_keys\(\)/,
    specificity: 90,
  },
  'ImageBuildFailure.RegistryAuthFailure.v2-login-refused': {
    title: /not authorized to the workspace container registry contosoacr4f2a\.azurecr\.io/,
    evidence: [
      'Error logging in to registry contosoacr4f2a.azurecr.io: unauthorized',
      'container registry authorization failure',
    ],
    remedy: /sync-keys.*image-build-compute/,
    specificity: 90,
  },
  'ImageBuildFailure.RegistryAuthFailure.v2-service-record-only': {
    title: /not authorized to the workspace container registry/,
    evidence: ['container registry authorization failure'],
    remedy: /sync-keys/,
    specificity: 50,
  },
  'ImageBuildFailure.BuildTimeout.v1-context-deadline-exceeded': {
    title: /timed out while conda was solving the environment \(step budget 1h 30m\)/,
    evidence: ['Solving environment: ...working...', 'context deadline exceeded', 'Timeout(sec): 5400'],
    remedy: /pin exact versions/,
    specificity: 90,
  },
  'ImageBuildFailure.BuildTimeout.v2-stops-at-pip-install': {
    title: /timed out while conda was installing the pip dependencies/,
    evidence: ['Installing pip dependencies: ...working...', 'Timeout(sec): 5400'],
    remedy: /Pin exact versions of the pip packages/,
    specificity: 90,
  },
  'ImageBuildFailure.BuildTimeout.v1-silent-past-budget': {
    title: /timed out while conda was solving/,
    evidence: ['Solving environment: ...working...'],
    remedy: /curated environment/,
    specificity: 90,
  },
  'ImageBuildFailure.DockerStepFailure.v1-apt-get-unable-to-locate': {
    title: /the apt-get step exited with code 100/,
    evidence: ['E: Unable to locate package libgl1-mesa-glx', 'returned a non-zero code: 100'],
    remedy: /E: Unable to locate package libgl1-mesa-glx.*apt-cache search/,
    specificity: 90,
  },
  'ImageBuildFailure.BuildOutOfMemory.v2-conda-killed-exit-137': {
    title: /exited with code 137 \(out of memory\)/,
    evidence: ['returned a non-zero code: 137'],
    remedy: /ran out of memory.*image-build-compute/,
    specificity: 90,
  },
  'ImageBuildFailure.DockerStepFailure.v1-service-record-only': {
    title: /no build log in the bundle/,
    evidence: ['Docker image build failed'],
    remedy: /ImageLogs\/<image-id>\/build\.log.*amlmon buildlog/,
    specificity: 10,
  },
};

describe('imageBuildFailure over its fixtures', () => {
  it('has a case for every triggering fixture and covers every detail twice', async () => {
    const names = (await readdir(FIXTURES)).filter((n) => n.startsWith('ImageBuildFailure.'));
    expect(Object.keys(CASES).sort()).toEqual(names.sort());
    const perDetail = new Map<string, number>();
    for (const n of names)
      perDetail.set(n.split('.')[1] ?? '', (perDetail.get(n.split('.')[1] ?? '') ?? 0) + 1);
    for (const d of [
      'CondaResolveFailure',
      'PipPackageNotFound',
      'PipBuildFailure',
      'BaseImagePullFailure',
      'RegistryAuthFailure',
      'BuildTimeout',
      'DockerStepFailure',
      'PipResolveFailure',
      'BuildOutOfMemory',
    ]) {
      expect(perDetail.get(d) ?? 0).toBeGreaterThanOrEqual(2);
    }
  });

  it.each(Object.entries(CASES))('%s', async (name, c) => {
    const expected = JSON.parse(await readFile(join(FIXTURES, name, 'expected.json'), 'utf8')) as {
      root: { detail: string };
    };
    const { findings, snapshot } = await run(name);
    expect(findings).toHaveLength(1);
    const f = findings[0] as RuleFinding;
    expect(f).toMatchObject({
      code: 'ImageBuildFailure',
      detail: expected.root.detail,
      stage: 'build',
      severity: 'critical',
      role: 'cause',
    });
    expect(f.specificity).toBe(c.specificity);
    expect(f.title).toMatch(c.title);
    const evidence = f.evidence.map((e) => e.text).join('\n');
    for (const line of c.evidence) expect(evidence).toContain(line);
    expect(f.remedy.join(' ')).toMatch(c.remedy);
    // Why the build outranks failing pods is said only when there are pods to outrank (less noise otherwise).
    const hasObjects = snapshot.pods.length > 0 || snapshot.deployments.length > 0;
    if (hasObjects) expect(f.explanation).toMatch(/first stage of a deployment/);
    else expect(f.explanation).not.toMatch(/first stage of a deployment/);
    expect(f.docs.length).toBeGreaterThan(0);
    expect(f.evidence.length).toBeLessThanOrEqual(8);
    // The SAS signature in the v1 service message never reaches the output.
    expect(JSON.stringify(f)).not.toMatch(/sig=(?!\[REDACTED\])/);
  });

  it.each(Object.keys(CASES))('%s is the root cause through the engine', async (name) => {
    const snapshot = await loadBundle(join(FIXTURES, name));
    const [d] = diagnoseSnapshot(snapshot);
    expect(d?.status).toBe('Failed');
    expect(d?.findings[0]).toMatchObject({ code: 'ImageBuildFailure' });
  });

  it('near-misses do not trigger', async () => {
    const names = (await readdir(FIXTURES)).filter((n) => n.startsWith('nearmiss.ImageBuildFailure.'));
    expect(names.length).toBeGreaterThanOrEqual(7);
    for (const name of names) {
      const { findings } = await run(name);
      expect(findings, name).toEqual([]);
    }
  });
});

describe('imageBuildFailure decisions beyond the fixtures', () => {
  const NOW = new Date('2024-05-14T10:30:00Z');
  const stalled = (startedMinutesAgo: number, stamps = true): string =>
    [
      stamps
        ? `${new Date(NOW.getTime() - startedMinutesAgo * 60_000).toISOString().slice(0, 19).replace(/-/g, '/').replace('T', ' ')} Executing step ID: acb_step_0. Timeout(sec): 5400, Working directory: ''`
        : '',
      'Step 8/15 : RUN conda env create -f env.yml',
      'Solving environment: ...working...',
    ].join('\n');
  const target: AmlDeployment = {
    flavor: 'v1',
    name: 'svc',
    namespace: 'azureml-ws',
    replicaSets: [],
    pods: [],
  };
  const diagnose = (log: string | undefined, service?: ServiceRecord, now = NOW): RuleFinding[] => {
    const snapshot = emptySnapshot({ capturedAt: now.toISOString() });
    if (log !== undefined)
      snapshot.buildLog = { source: 'build.log', classification: classifyBuildLogText(log, 'build.log') };
    if (service) snapshot.service = service;
    return imageBuildFailure.diagnose({ target, snapshot, now });
  };

  it('a build inside its budget is still running, whatever the record says about progress', () => {
    expect(diagnose(stalled(20))).toEqual([]);
    expect(diagnose(stalled(20), { name: 'svc', state: 'Transitioning' })).toEqual([]);
    expect(diagnose(stalled(89))).toEqual([]);
    expect(diagnose(stalled(91))[0]?.detail).toBe('BuildTimeout');
  });

  it('a stall cut short with the record saying failed is a failure, not a timeout, when time says it is early', () => {
    const failed: ServiceRecord = {
      name: 'svc',
      state: 'Failed',
      error: { code: 'EnvironmentBuildFailed', message: 'Failed building the Environment.' },
    };
    const early = diagnose(stalled(20), failed);
    expect(early[0]).toMatchObject({ detail: 'DockerStepFailure', specificity: 50 });
    expect(early[0]?.title).toMatch(/stops while conda was solving the environment without saying why/);
    expect(early[0]?.explanation).toMatch(/20m into its 1h 30m budget/);
    // Without timestamps the stall is the best explanation.
    expect(diagnose(stalled(0, false), failed)[0]?.detail).toBe('BuildTimeout');
  });

  it('without timestamps or a service record, a stop mid-solve is reported with the uncertainty stated', () => {
    const [f] = diagnose(stalled(0, false));
    expect(f).toMatchObject({ detail: 'BuildTimeout', specificity: 50 });
    expect(f?.explanation).toMatch(/no timestamps and there is no service record/);
    // A log that stops anywhere else says nothing by itself.
    expect(
      diagnose('Step 3/15 : RUN apt-get update\nGet:1 http://archive.ubuntu.com/ubuntu focal InRelease'),
    ).toEqual([]);
  });

  it('uses the service record when the log is unusable or shows another, successful build', () => {
    const failed: ServiceRecord = {
      name: 'svc',
      state: 'Failed',
      error: { code: 'ImageBuildFailure', message: 'Environment image build failed.' },
    };
    expect(diagnose('\u0000\u0000binary', failed)[0]).toMatchObject({
      detail: 'DockerStepFailure',
      specificity: 10,
    });
    expect(diagnose('Step 1/1 : FROM x\nSuccessfully built 3f2a9b8c7d6e', failed)[0]).toMatchObject({
      detail: 'DockerStepFailure',
      specificity: 10,
    });
    expect(diagnose('\u0000\u0000binary')).toEqual([]);
    expect(
      diagnose('Step 1/1 : FROM x\nSuccessfully built 3f2a9b8c7d6e', { name: 'svc', state: 'Healthy' }),
    ).toEqual([]);
    expect(
      diagnose(undefined, {
        name: 'svc',
        state: 'Failed',
        error: { code: 'KubernetesDeploymentFailed', message: 'CrashLoopBackOff' },
      }),
    ).toEqual([]);
  });

  it('speaks v1 or v2 depending on the target, and both when there are no objects', async () => {
    const snapshot = await loadBundle(
      join(FIXTURES, 'ImageBuildFailure.CondaResolveFailure.v2-unsatisfiable-timestamped'),
    );
    const t = targetOf(snapshot);
    expect(t.flavor).toBe('v2');
    const v2 = imageBuildFailure.diagnose({ target: t, snapshot, now: NOW })[0];
    expect(v2?.remedy.join(' ')).toMatch(/conda_file/);
    expect(v2?.remedy.join(' ')).not.toMatch(/from_conda_specification/);
    const none = diagnose(
      `Step 1/2 : FROM x\nResolvePackageNotFound:\n  - numpy=1.16.0\nThe command '/bin/sh -c conda' returned a non-zero code: 1`,
    )[0];
    expect(none?.remedy.join(' ')).toMatch(/v1: .*v2: /);
  });

  it('ignores a service record about another service', async () => {
    const snapshot = await loadBundle(
      join(FIXTURES, 'ImageBuildFailure.PipPackageNotFound.v1-torch-local-version'),
    );
    snapshot.service = { ...snapshot.service, name: 'another-svc' };
    expect(imageBuildFailure.diagnose({ target: targetOf(snapshot), snapshot, now: NOW })).toEqual([]);
  });
});
