/**
 * Rules for container start, init(), probes and request time: ScoringInitFailure, OutOfMemory,
 * SlowInitProbeFailure, CrashLoopBackOff (the catch-all consequence) and ScoringRuntimeFailure.
 */
import type { Rule } from '../rule.js';
import { crashLoopBackOff } from './crashLoopBackOff.js';
import { outOfMemory } from './outOfMemory.js';
import { scoringInitFailure } from './scoringInitFailure.js';
import { scoringRuntimeFailure } from './scoringRuntimeFailure.js';
import { slowInitProbeFailure } from './slowInitProbeFailure.js';

export const initRules: readonly Rule[] = [
  scoringInitFailure,
  outOfMemory,
  slowInitProbeFailure,
  crashLoopBackOff,
  scoringRuntimeFailure,
];
