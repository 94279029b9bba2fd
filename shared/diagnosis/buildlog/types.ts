/** Result of classifying an image build log (`azureml/ImageLogs/<id>/build.log`). */
import type { Evidence } from '../types.js';

export type BuildFailureDetail =
  | 'CondaResolveFailure'
  | 'PipPackageNotFound'
  | 'PipBuildFailure'
  | 'BaseImagePullFailure'
  | 'RegistryAuthFailure'
  | 'BuildTimeout'
  | 'DockerStepFailure'
  | 'PipResolveFailure'
  | 'BuildOutOfMemory';

/** Where a log that just stops was stuck: the two long phases that hit the ACR step timeout in practice. */
export type BuildStallPhase = 'conda-solve' | 'pip-install' | 'pip-resolve';

/**
 * Times the log itself states (ACR Task lines `2021/06/02 10:14:07 ...`, prefixes `2024-09-05T15:26:38: `),
 * read as UTC. The classifier never reads the clock: deciding "timed out" vs "still running" needs "now",
 * which the rule (snapshot capturedAt) or the CLI (the file's mtime) supplies.
 */
export interface BuildLogTiming {
  /** First and last timestamped line (RFC 3339). */
  firstAt?: string;
  lastAt?: string;
  /** `Executing step ID: acb_step_0. Timeout(sec): 5400, ...`: when the build step started and its budget. */
  stepStartedAt?: string;
  timeoutSeconds?: number;
  /** `Run ID: cj2 failed after 3m33s`: the run's own duration, when it printed one. */
  runSeconds?: number;
}

export interface BuildLogClassification {
  /** `failed` with a detail, `succeeded` when the log shows a pushed image, `incomplete` when it just stops. */
  outcome: 'failed' | 'succeeded' | 'incomplete' | 'unknown';
  /**
   * For `failed`: the failure class. For `incomplete`: `BuildTimeout` when the log stops inside a conda solve or
   * pip install (the timeout signature); whether it did time out depends on "now" (see `judgeIncompleteBuild`).
   */
  detail?: BuildFailureDetail;
  /** The decisive lines (ANSI codes stripped, secrets redacted), at most a handful. */
  evidence: Evidence[];
  /** Package or image named by the failure, e.g. `torch==1.9.0+cu111`, for a specific remedy. */
  subject?: string;
  /** The last non-empty line seen, useful when a log stops mid-solve. */
  lastLine?: string;
  linesRead: number;
  bytesRead: number;
  /** Extension: why the outcome is `unknown` (empty, binary), or how an `incomplete` log ends. */
  reason?: string;
  /** Extension: set when the input is not text (NUL bytes, gzip/zip, undecodable); `reason` says which. */
  binary?: boolean;
  /** Extension: times stated in the log (see `BuildLogTiming`). */
  timing?: BuildLogTiming;
  /** Extension: for a log that stops, the phase it stopped in. */
  stalledIn?: BuildStallPhase;
  /** Extension: the exit code of the failed build step (`returned a non-zero code: 137`), when printed. */
  exitCode?: number;
  /** Extension: the failing Dockerfile command (`/bin/sh -c ...`), clipped, for DockerStepFailure. */
  failedCommand?: string;
  /** Extension: the image of the Dockerfile's FROM line, when seen. */
  baseImage?: string;
  /** Extension: the registry the build logged in to or pushed to (the workspace ACR). */
  registry?: string;
  /** Extension: for pip "not found", the versions pip did see (`from versions: none` means none at all). */
  availableVersions?: string;
  /** Extension: lines longer than the classifier keeps (16 KiB); only their start was examined. */
  longLines?: number;
}
