/**
 * Decisions that need more than the log: what the Azure ML service record says about the build, and whether a
 * log that just stops is a build that timed out or one still running.
 *
 * Timeout vs in progress: a conda solve prints nothing for tens of minutes, so silence since the last line proves
 * nothing. What does is the step budget: ACR Tasks kill the build step after `Timeout(sec)` (5400 s unless the log
 * says otherwise), counted from `Executing step ID: ... Timeout(sec): N` (or the first timestamped line). So:
 *   now − step start ≥ budget → timed out;  < budget → still running (unless the service record already says the
 *   build failed: then the log was cut short and the stall is the best explanation we have);
 *   no timestamps → the service record decides (Failed → ended, Transitioning/Creating → running); with neither,
 *   a stop inside a solve is still reported as a timeout, with that uncertainty stated.
 */
import type { ServiceRecord, Snapshot } from '../../snapshot/types.js';
import { DEFAULT_BUILD_TIMEOUT_SECONDS } from './decide.js';
import type { BuildLogClassification } from './types.js';

export interface ServiceBuildState {
  /** The service record reports an image build failure (code or message). */
  buildFailed: boolean;
  /** The service is in a failed terminal state (any cause). */
  failed: boolean;
  /** The service is still being created/updated. */
  inProgress: boolean;
  /** The record's error text: code, message and detail messages, for evidence and detail classification. */
  lines: string[];
}

const BUILD_ERROR_CODES =
  /^(?:EnvironmentBuildFailed|EnvironmentBuildFailure|ImageBuildFailure|ImageBuildFailed|ImageCreationFailed|DockerBuildFailed)$/i;
const BUILD_ERROR_TEXT =
  /Docker image build failed|Failed building the Environment|Environment image build failed|image build (?:has )?failed|Image creation failed|container registry authori[sz]ation (?:failure|error)|ImageLogs\/[^\s'"]+\/build\.log/i;
const FAILED_STATES = /^(?:Failed|Unhealthy|Canceled|Cancelled)$/i;
const IN_PROGRESS_STATES =
  /^(?:Transitioning|Creating|Updating|Building|Provisioning|Running|InProgress|NotStarted)$/i;

export function serviceBuildState(service: ServiceRecord | undefined): ServiceBuildState {
  const err = service?.error;
  const lines: string[] = [];
  const codes: string[] = [];
  if (err?.code || err?.message) {
    if (err.code) codes.push(err.code);
    lines.push([err.code, err.message].filter(Boolean).join(': '));
  }
  for (const d of err?.details ?? []) {
    if (d.code) codes.push(d.code);
    if (d.code || d.message) lines.push([d.code, d.message].filter(Boolean).join(': '));
  }
  const buildFailed =
    codes.some((c) => BUILD_ERROR_CODES.test(c)) || lines.some((l) => BUILD_ERROR_TEXT.test(l));
  const state = service?.state ?? '';
  return {
    buildFailed,
    failed: FAILED_STATES.test(state) || (buildFailed && !IN_PROGRESS_STATES.test(state)),
    inProgress: IN_PROGRESS_STATES.test(state) && !buildFailed,
    lines,
  };
}

export type IncompleteVerdict =
  /** Past the step budget: the build timed out. */
  | 'timedOut'
  /** The service record says the build failed; the log stops short of saying why. */
  | 'endedWithoutReason'
  /** Still inside the budget, or the service is still deploying: not a failure (yet). */
  | 'running'
  /** No time and no service verdict. */
  | 'undetermined';

export interface IncompleteJudgement {
  verdict: IncompleteVerdict;
  budgetSeconds: number;
  /** Seconds from the step start (or first timestamp) to now, when both are known. */
  elapsedSeconds?: number;
  /** The start the elapsed time counts from (RFC 3339). */
  since?: string;
}

/** Clock skew allowance: a capture a few minutes "before" the log's start is the same moment, not the past. */
const SKEW_SECONDS = 300;

export function judgeIncompleteBuild(
  c: BuildLogClassification,
  now: Date | undefined,
  service: ServiceBuildState,
): IncompleteJudgement {
  const budgetSeconds = c.timing?.timeoutSeconds ?? DEFAULT_BUILD_TIMEOUT_SECONDS;
  const since = c.timing?.stepStartedAt ?? c.timing?.firstAt;
  let elapsedSeconds: number | undefined;
  if (since && now && !Number.isNaN(now.getTime()) && now.getTime() > 0) {
    const e = Math.round((now.getTime() - Date.parse(since)) / 1000);
    if (e >= -SKEW_SECONDS) elapsedSeconds = Math.max(0, e);
  }
  const out = { budgetSeconds, ...(elapsedSeconds !== undefined ? { elapsedSeconds, since } : {}) };
  if (elapsedSeconds !== undefined && elapsedSeconds >= budgetSeconds) return { verdict: 'timedOut', ...out };
  if (service.failed || service.buildFailed) return { verdict: 'endedWithoutReason', ...out };
  if (elapsedSeconds !== undefined || service.inProgress) return { verdict: 'running', ...out };
  return { verdict: 'undetermined', ...out };
}

/**
 * True while the snapshot's image build is still running (a log that stops inside its step budget, or a service
 * record still deploying): for rules that judge progress (DeploymentHung), a build in progress is progress.
 */
export function isBuildInProgress(snapshot: Snapshot, now: Date): boolean {
  const c = snapshot.buildLog?.classification;
  if (c?.outcome !== 'incomplete') return false;
  return judgeIncompleteBuild(c, now, serviceBuildState(snapshot.service)).verdict === 'running';
}
