/** `since` is the first signal of the failure: a logged error line counts when it comes before any event. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBundle } from '../../../shared/diagnosis/bundle.js';
import { diagnoseSnapshot } from '../../../shared/diagnosis/engine.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');

async function rootSince(name: string): Promise<string | null | undefined> {
  const [d] = diagnoseSnapshot(await loadBundle(join(FIXTURES, name)), {});
  return d?.findings[0]?.since;
}

describe('since', () => {
  it('is the first WORKER TIMEOUT line, a minute before the first readiness event', async () => {
    expect(await rootSince('ScoringRuntimeFailure.WorkerTimeout.v1-worker-timeout-degraded')).toBe(
      '2026-12-03T02:40:01.000Z',
    );
  });

  it('reads the time of an azmlinfsrv error line when no event or termination carries one', async () => {
    expect(await rootSince('ScoringRuntimeFailure.WorkerTimeout.v2-azmlinfsrv-timeout')).toBe(
      '2024-05-14T09:35:00.000Z',
    );
  });

  it('does not take quoted start-up context (info lines) for the first signal', async () => {
    // The OOM kill at 10:28:50 is the first signal; the "loading model" line quoted beside it is context.
    expect(await rootSince('OutOfMemory.none.v2-running-laststate-oomkilled')).toBe(
      '2024-05-14T10:28:50.000Z',
    );
  });
});
