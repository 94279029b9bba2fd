/** Grouping across a whole sweep: more than GROUP_OVER incidents of one cluster go out as one message. */
import { describe, expect, it } from 'vitest';
import { diagnoseSnapshot } from '../../shared/diagnosis/engine.js';
import { snapshotClusterSource } from '../../shared/monitor/clusterSource.js';
import { commitObservation } from '../../shared/monitor/commit.js';
import { MemoryOutbox, noRecheck } from '../../shared/monitor/local.js';
import { runSweep } from '../../shared/monitor/sweep.js';
import type { EvidenceArchive, MonitorRuntime } from '../../shared/monitor/types.js';
import { SimulatedClock } from '../../shared/time/clock.js';
import { loadBundle } from '../../shared/diagnosis/bundle.js';
import type { Snapshot } from '../../shared/snapshot/types.js';
import { memoryState } from '../../shared/state/store.js';

/** One snapshot holding `n` renamed copies of the demo's crash-looping service. */
async function fleet(n: number): Promise<Snapshot> {
  const base = await loadBundle('examples/demo/cluster/0/fraud-score');
  const all = structuredClone(base);
  all.deployments = [];
  all.pods = [];
  all.events = [];
  all.logs = new Map();
  for (let i = 0; i < n; i += 1) {
    const rename = <T>(o: T): T => JSON.parse(JSON.stringify(o).replaceAll('fraud-score', `svc-${i}`)) as T;
    all.deployments.push(
      ...base.deployments.map((d) => ({
        ...rename(d),
        status: base.deployments[0]?.status,
        metadata: { ...rename(d).metadata, generation: 2 },
      })),
    );
    all.pods.push(
      ...base.pods.map((p) => ({
        ...structuredClone(p),
        metadata: { ...rename(p.metadata), creationTimestamp: p.metadata?.creationTimestamp },
      })),
    );
    for (const [k, v] of base.logs) all.logs.set(rename(k), v);
  }
  return all;
}

function runtime(
  snapshot: Snapshot,
  groupOver: number,
  archived: string[],
): MonitorRuntime & { outbox: MemoryOutbox } {
  const evidence: EvidenceArchive = {
    archive: (key) => Promise.resolve(`mem://${archived.push(key) && key}`),
  };
  return {
    clock: new SimulatedClock('2026-11-26T10:00:00Z'),
    state: memoryState(),
    clusters: [snapshotClusterSource('aks1', () => snapshot)],
    outbox: new MemoryOutbox(),
    recheck: noRecheck,
    imageLogs: { readTail: () => Promise.reject(new Error('unused')) },
    evidence,
    senders: new Map([
      [
        'webhook',
        { kind: 'webhook', name: 't', send: () => Promise.resolve({ ok: true, retryable: false }) },
      ],
    ]),
    diagnose: diagnoseSnapshot,
    options: {
      hangAfterMs: 600_000,
      repeatAfterMs: 14_400_000,
      groupOver,
      imageLogRecheckDelayMs: 0,
      imageLogMaxRechecks: 0,
      imageLogTailBytes: 0,
      workspaces: [],
    },
    log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
  };
}

describe('sweep grouping', () => {
  it('sends 4 failing deployments of one cluster as one grouped alert, each with its own evidence', async () => {
    const archived: string[] = [];
    const rt = runtime(await fleet(4), 3, archived);
    const summary = await runSweep(rt);
    expect(summary.notifications).toHaveLength(1);
    expect(summary.notifications[0]?.incidents.map((i) => i.service).sort()).toEqual([
      'svc-0',
      'svc-1',
      'svc-2',
      'svc-3',
    ]);
    expect(rt.outbox.pending).toHaveLength(1);
    expect(archived).toHaveLength(4);
    expect(
      summary.notifications[0]?.incidents.every((i) =>
        i.evidenceUrl?.startsWith('mem://aks1/azureml-demo-ws/svc-'),
      ),
    ).toBe(true);
  });

  it('sends 3 failing deployments one by one', async () => {
    const rt = runtime(await fleet(3), 3, []);
    const summary = await runSweep(rt);
    expect(summary.notifications.map((n) => n.incidents.length)).toEqual([1, 1, 1]);
  });

  it('re-queues a notification that was decided but never queued (crash between the two writes)', async () => {
    const rt = runtime(await fleet(1), 3, []);
    const snapshot = await fleet(1);
    const diagnosis = diagnoseSnapshot(
      { ...snapshot, meta: { ...snapshot.meta, capturedAt: '2026-11-26T10:00:00Z' } },
      { service: 'svc-0' },
    )[0];
    const finding = diagnosis?.findings[0];
    if (!diagnosis || !finding) throw new Error('fixture did not diagnose');
    const id = { cluster: 'aks1', namespace: 'azureml-demo-ws', service: 'svc-0' };
    // Decided and written, then the process "died": nothing reached the outbox.
    const decided = await commitObservation(rt, id, {
      kind: 'problem',
      diagnosis,
      finding,
      observedAt: '2026-11-26T10:00:00.000Z',
    });
    expect(decided.alerts).toHaveLength(1);
    expect(rt.outbox.pending).toHaveLength(0);
    (rt.clock as SimulatedClock).advance(60_000);
    await runSweep(rt);
    expect(rt.outbox.pending).toHaveLength(0); // not stranded yet: a handler may still be queueing it
    (rt.clock as SimulatedClock).advance(120_000);
    const summary = await runSweep(rt);
    expect(rt.outbox.pending.map((p) => [p.message.notification.kind, p.message.notification.at])).toEqual([
      ['alert', '2026-11-26T10:00:00.000Z'],
    ]);
    expect(summary.notifications).toHaveLength(1);
    const row = (await rt.state.incidents.list('aks1'))[0]?.value;
    expect(row?.outboxPending).toBeUndefined();
    await runSweep(rt);
    expect(rt.outbox.pending).toHaveLength(1);
  });
});
