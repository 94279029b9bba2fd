/** Rules for volumes and model download, the front end, nodes, hangs and cluster access. */
import type { Rule } from '../rule.js';
import { clusterUnreachable } from './clusterUnreachable.js';
import { deploymentHung } from './deploymentHung.js';
import { frontendUnhealthy } from './frontendUnhealthy.js';
import { modelDownloadFailure } from './modelDownloadFailure.js';
import { modelMountFailure } from './modelMountFailure.js';
import { nodeFailure } from './nodeFailure.js';

export const platformRules: readonly Rule[] = [
  clusterUnreachable,
  modelMountFailure,
  modelDownloadFailure,
  nodeFailure,
  frontendUnhealthy,
  deploymentHung,
];
