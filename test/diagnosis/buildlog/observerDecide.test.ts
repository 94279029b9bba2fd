import { describe, expect, it } from 'vitest';
import { decideBuildLog } from '../../../shared/diagnosis/buildlog/decide.js';
import {
  emptyObservations,
  type BuildLogObservations,
  type LogHit,
} from '../../../shared/diagnosis/buildlog/observations.js';
import { createLineObserver } from '../../../shared/diagnosis/buildlog/observer.js';

function observe(lines: string[]): BuildLogObservations {
  const observer = createLineObserver();
  for (const l of lines) observer.push(l);
  return observer.observations;
}

const hit = (lineNo: number, text: string, at?: number): LogHit => ({ lineNo, text, at });

describe('line observer', () => {
  it('records the step budget, its start, the base image and the registry without deciding anything', () => {
    const o = observe([
      '2024/05/14 08:00:00 Logging in to registry: ws1.azurecr.io',
      "2024/05/14 08:00:01 Executing step ID: acb_step_0. Timeout(sec): 600, Working directory: ''",
      'Step 1/9 : FROM mcr.microsoft.com/azureml/base:latest@sha256:0123abcd',
    ]);
    expect(o.linesRead).toBe(3);
    expect(o.registry).toBe('ws1.azurecr.io');
    expect(o.baseImage).toBe('mcr.microsoft.com/azureml/base:latest');
    expect(o.timing.timeoutSeconds).toBe(600);
    expect(o.timing.stepStartedAt).toBe(Date.parse('2024-05-14T08:00:01Z'));
    expect(o.stepLine?.lineNo).toBe(2);
    expect(o.specific.size).toBe(0);
    expect(o.failedStep).toBeUndefined();
  });

  it('reads `unauthorized` by the part of the build it appears in', () => {
    const pulling = observe([
      'Step 1/9 : FROM private.example.com/img:1',
      'unauthorized: authentication required',
    ]);
    expect([...pulling.specific.keys()]).toEqual(['BaseImagePullFailure']);
    const pushing = observe([
      'Successfully tagged ws1.azurecr.io/azureml/azureml_x:latest',
      'Pushing image: ws1.azurecr.io/azureml/azureml_x:latest, attempt 1',
      'unauthorized: authentication required',
    ]);
    expect([...pushing.specific.keys()]).toEqual(['RegistryAuthFailure']);
    expect(pushing.specific.get('RegistryAuthFailure')?.subject).toBe('ws1.azurecr.io');
    // A RUN step's 401 from a package feed names no registry: not ours, not recorded.
    const feed = observe(['Step 5/9 : RUN pip install -r r.txt', 'unauthorized: authentication required']);
    expect(feed.specific.size).toBe(0);
  });

  it("collects conda's package list under the error header, three at most", () => {
    const o = observe([
      'ResolvePackageNotFound:',
      '  - numpy=1.16.0',
      '  - tensorflow==1.15 -> python[version=">=3.7"]',
      '  - a=1',
      '  - b=2',
    ]);
    expect(o.specific.get('CondaResolveFailure')?.subject).toBe('numpy=1.16.0, tensorflow==1.15, a=1');
  });

  it('keeps a stall open only until the next ordinary line, and ties a failed step to the stall it died in', () => {
    const o = observe(['Solving environment: ...working...']);
    expect(o.openStall?.phase).toBe('conda-solve');
    const moved = observe(['Solving environment: ...working...', 'done installing']);
    expect(moved.openStall).toBeUndefined();
    const died = observe([
      'Installing pip dependencies: ...working...',
      "The command '/bin/sh -c conda env create' returned a non-zero code: 137",
    ]);
    expect(died.failedStep?.afterStall?.phase).toBe('pip-install');
    expect(died.failedStep?.exitCode).toBe(137);
  });

  it('forgets a failed step once a success marker follows (a retried step)', () => {
    const o = observe([
      "The command '/bin/sh -c pip install x' returned a non-zero code: 1",
      'Successfully tagged ws1.azurecr.io/azureml/azureml_x:latest',
    ]);
    expect(o.failedStep).toBeUndefined();
    expect(o.lastSuccess?.lineNo).toBe(2);
  });
});

describe('decision', () => {
  const withMarker = (patch: Partial<BuildLogObservations>): BuildLogObservations => ({
    ...emptyObservations(),
    linesRead: 20,
    sawText: true,
    sawBuildMarker: true,
    lastLines: [hit(20, 'last line')],
    ...patch,
  });

  it('names the earliest specific failure after the last success, not the latest', () => {
    const o = withMarker({
      specific: new Map([
        [
          'PipBuildFailure',
          { detail: 'PipBuildFailure', lines: [hit(12, 'ERROR: Could not build wheels for x')] },
        ],
        [
          'PipPackageNotFound',
          {
            detail: 'PipPackageNotFound',
            lines: [hit(9, 'ERROR: No matching distribution found for y')],
            subject: 'y',
          },
        ],
        [
          'CondaResolveFailure',
          { detail: 'CondaResolveFailure', lines: [hit(3, 'ResolvePackageNotFound:')], subject: 'z' },
        ],
      ]),
      lastSuccess: hit(5, 'Successfully tagged a:b'),
    });
    const c = decideBuildLog(o, 'build.log');
    expect(c.outcome).toBe('failed');
    expect(c.detail).toBe('PipPackageNotFound');
    expect(c.subject).toBe('y');
    expect(c.evidence[0]).toEqual({
      source: 'build.log:9',
      text: 'ERROR: No matching distribution found for y',
    });
  });

  it('turns a pip conflict into a resolve failure and an OOM exit code into BuildOutOfMemory', () => {
    const conflict = withMarker({
      pipConflict: true,
      specific: new Map([
        [
          'PipPackageNotFound',
          { detail: 'PipPackageNotFound', lines: [hit(4, 'ERROR: Cannot install a and b')] },
        ],
      ]),
    });
    expect(decideBuildLog(conflict, 'build.log').detail).toBe('PipResolveFailure');
    const killed = withMarker({
      failedStep: { lines: [hit(7, 'returned a non-zero code: 137')], exitCode: 137 },
    });
    const c = decideBuildLog(killed, 'build.log');
    expect(c.detail).toBe('BuildOutOfMemory');
    expect(c.exitCode).toBe(137);
  });

  it('calls a stalled step that ran its whole budget a timeout, and a shorter one a step failure', () => {
    const stall = { hit: hit(3, 'Solving environment: ...working...'), phase: 'conda-solve' as const };
    const step = { lines: [hit(9, 'failed to run step ID: acb_step_0: exit status 1')], afterStall: stall };
    const started = Date.parse('2024-05-14T08:00:00Z');
    const timing = (minutes: number) => ({
      stepStartedAt: started,
      lastAt: started + minutes * 60_000,
      timeoutSeconds: 3600,
    });
    const long = decideBuildLog(withMarker({ failedStep: step, timing: timing(61) }), 'build.log');
    expect(long.detail).toBe('BuildTimeout');
    expect(long.stalledIn).toBe('conda-solve');
    const short = decideBuildLog(withMarker({ failedStep: step, timing: timing(10) }), 'build.log');
    expect(short.detail).toBe('DockerStepFailure');
  });

  it('leaves the observations as they were, so it can decide again while the log is read on', () => {
    const o = observe([
      'Step 8/15 : RUN conda env create -f env.yml',
      'Solving environment: ...working...',
      'ERROR: No matching distribution found for torch==9',
    ]);
    const before = JSON.stringify({ ...o, specific: [...o.specific] });
    const first = decideBuildLog(o, 'build.log');
    expect(JSON.stringify({ ...o, specific: [...o.specific] })).toBe(before);
    expect(decideBuildLog(o, 'build.log')).toEqual(first);
  });

  it('says why when there is nothing to decide', () => {
    expect(decideBuildLog(emptyObservations(), 'build.log').reason).toBe('the build log is empty');
    const notABuild = {
      ...emptyObservations(),
      linesRead: 1,
      sawText: true,
      lastLines: [hit(1, 'hello')],
    };
    expect(decideBuildLog(notABuild, 'build.log').reason).toMatch(/is this a build log/);
    expect(decideBuildLog(notABuild, 'build.log', { binaryReason: 'gzip' }).binary).toBe(true);
  });
});
