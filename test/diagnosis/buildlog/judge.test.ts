import { describe, expect, it } from 'vitest';
import { classifyBuildLogText } from '../../../shared/diagnosis/buildlog/classify.js';
import {
  isBuildInProgress,
  judgeIncompleteBuild,
  serviceBuildState,
} from '../../../shared/diagnosis/buildlog/judge.js';
import { emptySnapshot } from '../../../shared/snapshot/types.js';

const STALLED = [
  "2024/05/14 08:00:00 Executing step ID: acb_step_0. Timeout(sec): 3600, Working directory: ''",
  'Step 8/15 : RUN conda env create -f env.yml',
  'Solving environment: ...working...',
].join('\n');
const at = (iso: string): Date => new Date(iso);

describe('judgeIncompleteBuild', () => {
  const c = classifyBuildLogText(STALLED, 'build.log');
  const none = serviceBuildState(undefined);

  it('uses the budget the log states, counted from the step start', () => {
    expect(judgeIncompleteBuild(c, at('2024-05-14T08:59:59Z'), none)).toMatchObject({
      verdict: 'running',
      budgetSeconds: 3600,
      elapsedSeconds: 3599,
    });
    expect(judgeIncompleteBuild(c, at('2024-05-14T09:00:00Z'), none)).toMatchObject({
      verdict: 'timedOut',
      since: '2024-05-14T08:00:00.000Z',
    });
  });

  it('tolerates small clock skew, and ignores a "now" far before the log', () => {
    expect(judgeIncompleteBuild(c, at('2024-05-14T07:58:00Z'), none)).toMatchObject({
      verdict: 'running',
      elapsedSeconds: 0,
    });
    const early = judgeIncompleteBuild(c, at('2024-05-13T00:00:00Z'), none);
    expect(early.verdict).toBe('undetermined');
    expect(early.elapsedSeconds).toBeUndefined();
  });

  it('lets the service record decide when time cannot', () => {
    const untimed = classifyBuildLogText(
      'Step 8/15 : RUN conda env create\nSolving environment: ...working...',
      'b',
    );
    const failed = serviceBuildState({
      state: 'Failed',
      error: { code: 'EnvironmentBuildFailed', message: 'Failed building the Environment.' },
    });
    const transitioning = serviceBuildState({ state: 'Transitioning' });
    expect(judgeIncompleteBuild(untimed, at('2024-05-14T09:00:00Z'), failed).verdict).toBe(
      'endedWithoutReason',
    );
    expect(judgeIncompleteBuild(untimed, at('2024-05-14T09:00:00Z'), transitioning).verdict).toBe('running');
    expect(judgeIncompleteBuild(untimed, at('2024-05-14T09:00:00Z'), none).verdict).toBe('undetermined');
  });
});

describe('serviceBuildState', () => {
  it('reads v1 and v2 build errors, and ignores other failures', () => {
    expect(serviceBuildState({ state: 'Failed', error: { code: 'EnvironmentBuildFailed' } })).toMatchObject({
      buildFailed: true,
      failed: true,
    });
    expect(
      serviceBuildState({
        state: 'Failed',
        error: {
          code: 'DeploymentFailed',
          message: 'Image creation failed with StatusCode: 400 Message: Docker image build failed.',
        },
      }).buildFailed,
    ).toBe(true);
    expect(
      serviceBuildState({
        state: 'Failed',
        error: { code: 'BadRequest', details: [{ code: 'ImageBuildFailure', message: 'x' }] },
      }).buildFailed,
    ).toBe(true);
    expect(
      serviceBuildState({
        state: 'Failed',
        error: { code: 'KubernetesDeploymentFailed', message: 'CrashLoopBackOff' },
      }),
    ).toMatchObject({ buildFailed: false, failed: true });
    expect(serviceBuildState({ state: 'Transitioning' })).toMatchObject({
      buildFailed: false,
      failed: false,
      inProgress: true,
    });
  });
});

describe('isBuildInProgress', () => {
  it('is true only for a log that stops inside its budget', () => {
    const snapshot = emptySnapshot();
    expect(isBuildInProgress(snapshot, at('2024-05-14T08:10:00Z'))).toBe(false);
    snapshot.buildLog = { source: 'build.log', classification: classifyBuildLogText(STALLED, 'build.log') };
    expect(isBuildInProgress(snapshot, at('2024-05-14T08:10:00Z'))).toBe(true);
    expect(isBuildInProgress(snapshot, at('2024-05-14T09:10:00Z'))).toBe(false);
  });
});
