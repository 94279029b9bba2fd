/**
 * Every rule the engine runs, in one flat list (k8sgpt's analyzer map). Order does not decide the root cause —
 * the engine ranks findings by role, stage and specificity — but it is the order rules run in, so keep it in
 * pipeline order for readable traces. A test checks that every file under `rules/` is listed here and that each
 * rule's id is its file name.
 */
import type { Rule } from './rule.js';
import { clusterUnreachable } from './rules/clusterUnreachable.js';
import { computeAttachFailure } from './rules/computeAttachFailure.js';
import { containerConfigError } from './rules/containerConfigError.js';
import { crashLoopBackOff } from './rules/crashLoopBackOff.js';
import { deploymentHung } from './rules/deploymentHung.js';
import { deploymentRejected } from './rules/deploymentRejected.js';
import { extensionFailure } from './rules/extensionFailure.js';
import { frontendUnhealthy } from './rules/frontendUnhealthy.js';
import { imageBuildFailure } from './rules/imageBuildFailure.js';
import { imagePullFailure } from './rules/imagePullFailure.js';
import { modelDownloadFailure } from './rules/modelDownloadFailure.js';
import { modelMountFailure } from './rules/modelMountFailure.js';
import { nodeFailure } from './rules/nodeFailure.js';
import { outOfMemory } from './rules/outOfMemory.js';
import { podCreateRejected } from './rules/podCreateRejected.js';
import { podUnschedulable } from './rules/podUnschedulable.js';
import { quotaExceeded } from './rules/quotaExceeded.js';
import { scoringInitFailure } from './rules/scoringInitFailure.js';
import { scoringRuntimeFailure } from './rules/scoringRuntimeFailure.js';
import { slowInitProbeFailure } from './rules/slowInitProbeFailure.js';

export const allRules: readonly Rule[] = [
  clusterUnreachable,
  deploymentRejected,
  imageBuildFailure,
  podCreateRejected,
  podUnschedulable,
  quotaExceeded,
  imagePullFailure,
  modelMountFailure,
  modelDownloadFailure,
  containerConfigError,
  scoringInitFailure,
  outOfMemory,
  slowInitProbeFailure,
  crashLoopBackOff,
  scoringRuntimeFailure,
  nodeFailure,
  frontendUnhealthy,
  extensionFailure,
  computeAttachFailure,
  deploymentHung,
];
