/**
 * A bundle as diagnosis reads it: shared/snapshot/bundle.ts loads the objects, logs and records, and the build log
 * is classified here, in the same single pass that keeps its redacted tail.
 */
import { loadBundle as loadSnapshotBundle } from '../snapshot/bundle.js';
import type { Snapshot } from '../snapshot/types.js';
import { readBuildLogEvidence } from './buildlog/classify.js';

export { BundleError } from '../snapshot/bundle.js';

/** Loads a bundle directory with its build log classified (what `amlmon diagnose <dir>` reads). */
export function loadBundle(dir: string): Promise<Snapshot> {
  return loadSnapshotBundle(dir, { readBuildLog: readBuildLogEvidence });
}
