/** Result of classifying an image build log (`azureml/ImageLogs/<id>/build.log`). */
import type { Evidence } from '../types.js';

export type BuildFailureDetail =
  | 'CondaResolveFailure'
  | 'PipPackageNotFound'
  | 'PipBuildFailure'
  | 'BaseImagePullFailure'
  | 'RegistryAuthFailure'
  | 'BuildTimeout'
  | 'DockerStepFailure';

export interface BuildLogClassification {
  /** `failed` with a detail, `succeeded` when the log shows a pushed image, `incomplete` when it just stops. */
  outcome: 'failed' | 'succeeded' | 'incomplete' | 'unknown';
  detail?: BuildFailureDetail;
  /** The decisive lines (ANSI codes stripped, secrets redacted), at most a handful. */
  evidence: Evidence[];
  /** Package or image named by the failure, e.g. `torch==1.9.0+cu111`, for a specific remedy. */
  subject?: string;
  /** The last non-empty line seen, useful when a log stops mid-solve. */
  lastLine?: string;
  linesRead: number;
  bytesRead: number;
}
