/** Rules for scheduling, quota, image pull and container configuration. */
import type { Rule } from '../rule.js';

export const podRules: readonly Rule[] = [];
