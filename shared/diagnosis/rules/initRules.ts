/** Rules for container start and init(): ScoringInitFailure, OutOfMemory, SlowInitProbeFailure, CrashLoopBackOff. */
import type { Rule } from '../rule.js';

export const initRules: readonly Rule[] = [];
