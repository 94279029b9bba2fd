/**
 * The build-log classifier: the line observer (observer.ts: what the lines show) and the decision (decide.ts: what
 * that means), fed one line at a time. Memory stays bounded however long the log is; the verdict can be asked for
 * at any point (a log being tailed) and again later.
 */
import { decideBuildLog, type ReadSummary } from './decide.js';
import { createLineObserver, type LineObserverOptions } from './observer.js';
import type { BuildLogClassification } from './types.js';

export { DEFAULT_BUILD_TIMEOUT_SECONDS, STALL_WORDS } from './decide.js';

export interface BuildLogClassifier {
  /** One raw line (colour codes and timestamp prefix still on it; no line break). */
  push(rawLine: string): void;
  /** The verdict so far; the classifier can keep going after it (a log being tailed). */
  finish(read?: ReadSummary): BuildLogClassification;
}

export function createBuildLogClassifier(
  source = 'build.log',
  opts: LineObserverOptions = {},
): BuildLogClassifier {
  const observer = createLineObserver(opts);
  return {
    push: (rawLine) => observer.push(rawLine),
    finish: (read = {}) => decideBuildLog(observer.observations, source, read),
  };
}
