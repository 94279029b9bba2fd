/** Rules for scheduling, quota, image pull and container configuration. */
import type { Rule } from '../rule.js';
import { containerConfigError } from './containerConfigError.js';
import { imagePullFailure } from './imagePullFailure.js';
import { podUnschedulable } from './podUnschedulable.js';
import { quotaExceeded } from './quotaExceeded.js';

export const podRules: readonly Rule[] = [
  podUnschedulable,
  quotaExceeded,
  imagePullFailure,
  containerConfigError,
];
