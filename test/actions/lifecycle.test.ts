/**
 * Acknowledgements, mutes, silences and inhibition through the real sweep, lifecycle and outbox (in-memory state):
 * what is held back is never queued, and what is still failing when the hold ends alerts exactly once.
 */
import { describe, expect, it } from 'vitest';
import { createSilence, expireSilence, performAction } from '../../shared/actions/apply.js';
import { diagnoseSnapshot } from '../../shared/diagnosis/engine.js';
import type { Diagnosis, Finding } from '../../shared/diagnosis/types.js';
import type { IncidentRecord } from '../../shared/incidents/types.js';
import { snapshotClusterSource } from '../../shared/monitor/clusterSource.js';
import { commitObservation } from '../../shared/monitor/commit.js';
import { enqueueNotifications } from '../../shared/monitor/enqueue.js';
import { MemoryOutbox, noRecheck } from '../../shared/monitor/local.js';
import { runSweep } from '../../shared/monitor/sweep.js';
import type { MonitorRuntime } from '../../shared/monitor/types.js';
import { loadBundle } from '../../shared/snapshot/bundle.js';
import type { Snapshot } from '../../shared/snapshot/types.js';
import { memoryState } from '../../shared/state/store.js';
import { SimulatedClock } from '../../shared/time/clock.js';

const HOUR = 3_600_000;

/** The demo's crash-looping service, renamed `svc-<i>` for each i. */
async function fleet(n: number): Promise<Snapshot> {
  const base = await loadBundle('examples/demo/cluster/0/fraud-score');
  const all = structuredClone(base);
  all.deployments = [];
  all.pods = [];
  all.logs = new Map();
  for (let i = 0; i < n; i += 1) {
    const rename = <T>(o: T): T => JSON.parse(JSON.stringify(o).replaceAll('fraud-score', `svc-${i}`)) as T;
    all.deployments.push(
      ...base.deployments.map((d) => ({ ...rename(d), status: base.deployments[0]?.status })),
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

interface TestRuntime extends MonitorRuntime {
  clock: SimulatedClock;
  outbox: MemoryOutbox;
  lines: string[];
}

function runtime(snapshot: () => Snapshot): TestRuntime {
  const lines: string[] = [];
  return {
    clock: new SimulatedClock('2026-11-26T10:00:00Z'),
    state: memoryState(),
    clusters: [snapshotClusterSource('aks1', snapshot)],
    outbox: new MemoryOutbox(),
    recheck: noRecheck,
    imageLogs: { readTail: () => Promise.reject(new Error('unused')) },
    evidence: { archive: (key) => Promise.resolve(`mem://${key}`) },
    senders: new Map([
      [
        'webhook',
        { kind: 'webhook', name: 't', send: () => Promise.resolve({ ok: true, retryable: false }) },
      ],
    ]),
    diagnose: diagnoseSnapshot,
    options: {
      hangAfterMs: 600_000,
      repeatAfterMs: 4 * HOUR,
      groupOver: 3,
      imageLogRecheckDelayMs: 0,
      imageLogMaxRechecks: 0,
      imageLogTailBytes: 0,
      workspaces: [],
    },
    lines,
    log: {
      debug: () => undefined,
      info: (m) => lines.push(m),
      warn: (m) => lines.push(m),
      error: (m) => lines.push(m),
    },
  };
}

/** Sweeps at `+minutes` and returns what was queued: `alert svc-0`, `resolved svc-1`, ... */
async function sweepAt(rt: TestRuntime, minutes: number): Promise<string[]> {
  rt.clock.set(new Date(Date.parse('2026-11-26T10:00:00Z') + minutes * 60_000));
  const s = await runSweep(rt);
  expect(s.errors).toEqual([]);
  return s.notifications.flatMap((n) => n.incidents.map((i) => `${n.kind} ${i.service}`)).sort();
}

async function openIncident(rt: TestRuntime, service: string): Promise<IncidentRecord> {
  const rows = await rt.state.incidents.list('aks1');
  const row = rows.find((r) => r.value.service === service && r.value.resolvedAt === undefined);
  if (!row) throw new Error(`no open incident of ${service}`);
  return row.value;
}

describe('acknowledge', () => {
  it('stops repeats until the root cause changes, and the next alert shows who acknowledged', async () => {
    const snap = await fleet(1);
    const rt = runtime(() => snap);
    expect(await sweepAt(rt, 0)).toEqual(['alert svc-0']);
    const inc = await openIncident(rt, 'svc-0');
    const r = await performAction(rt.state, {
      incident: inc.fingerprint,
      action: 'ack',
      by: 'ana@contoso.com',
      reason: 'on it',
      now: rt.clock.now(),
    });
    expect(r.ok).toBe(true);
    // Past REPEAT_AFTER (4 h): no repeat.
    expect(await sweepAt(rt, 5 * 60)).toEqual([]);
    // A second acknowledgement is refused with who did it first.
    const again = await performAction(rt.state, {
      incident: inc.fingerprint,
      action: 'ack',
      by: 'bo',
      now: rt.clock.now(),
    });
    expect(again).toMatchObject({ ok: false, status: 409 });
    expect(again.ok ? '' : again.message).toContain('ana@contoso.com');
  });

  it('without an acknowledgement the same incident repeats after REPEAT_AFTER', async () => {
    const snap = await fleet(1);
    const rt = runtime(() => snap);
    expect(await sweepAt(rt, 0)).toEqual(['alert svc-0']);
    expect(await sweepAt(rt, 5 * 60)).toEqual(['alert svc-0']);
  });
});

describe('mute', () => {
  it('sends nothing while muted, then alerts once when the mute ends with the incident still open', async () => {
    const snap = await fleet(1);
    const rt = runtime(() => snap);
    expect(await sweepAt(rt, 0)).toEqual(['alert svc-0']);
    const inc = await openIncident(rt, 'svc-0');
    const r = await performAction(rt.state, {
      incident: inc.fingerprint,
      action: 'mute',
      duration: HOUR,
      by: 'ana',
      now: rt.clock.now(),
    });
    expect(r.ok).toBe(true);
    expect(await sweepAt(rt, 2)).toEqual([]);
    expect(await sweepAt(rt, 58)).toEqual([]);
    // The mute ended at 11:00; the incident still fails: one alert, saying why it comes now.
    expect(await sweepAt(rt, 62)).toEqual(['alert svc-0']);
    const released = await openIncident(rt, 'svc-0');
    expect(released.released?.text).toContain('muted by ana');
    expect(released.held).toBeUndefined();
    expect(await sweepAt(rt, 64)).toEqual([]);
  });

  it('drops the resolved notice of a muted service', async () => {
    let snap = await fleet(1);
    const rt = runtime(() => snap);
    expect(await sweepAt(rt, 0)).toEqual(['alert svc-0']);
    const inc = await openIncident(rt, 'svc-0');
    await performAction(rt.state, {
      incident: inc.fingerprint,
      action: 'mute',
      duration: 'resolved',
      by: 'ana',
      now: rt.clock.now(),
    });
    snap = await fleet(0);
    expect(await sweepAt(rt, 2)).toEqual([]);
    expect(
      rt.lines.some(
        (l) => l.includes('resolved notice of svc-0 svc') || l.includes('resolved notice of svc-0'),
      ),
    ).toBe(true);
  });

  it('unmute lifts the mute; a still failing service alerts once at the next sweep', async () => {
    const snap = await fleet(1);
    const rt = runtime(() => snap);
    await sweepAt(rt, 0);
    const inc = await openIncident(rt, 'svc-0');
    await performAction(rt.state, {
      incident: inc.fingerprint,
      action: 'mute',
      duration: 24 * HOUR,
      by: 'ana',
      now: rt.clock.now(),
    });
    expect(await sweepAt(rt, 2)).toEqual([]);
    const un = await performAction(rt.state, {
      incident: inc.fingerprint,
      action: 'unmute',
      by: 'bo',
      now: rt.clock.now(),
    });
    expect(un.ok).toBe(true);
    expect((await openIncident(rt, 'svc-0')).mute).toBeUndefined();
    expect(await sweepAt(rt, 4)).toEqual(['alert svc-0']);
    const notMuted = await performAction(rt.state, {
      incident: inc.fingerprint,
      action: 'unmute',
      by: 'bo',
      now: rt.clock.now(),
    });
    expect(notMuted).toMatchObject({ ok: false, status: 409 });
  });
});

describe('silences', () => {
  it('a silence on a code holds a new incident before anything is queued; its expiry releases it once', async () => {
    const snap = await fleet(2);
    const rt = runtime(() => snap);
    // The renamed copies crash-loop without their logs' module error: CrashLoopBackOff.
    const code = 'CrashLoopBackOff';
    const s = await createSilence(rt.state, {
      kind: 'silence',
      matchers: { cluster: 'aks1', service: 'svc-1', code },
      createdBy: 'ops',
      reason: 'known: new image rolling out',
      createdAt: '2026-11-26T09:59:00Z',
      startsAt: '2026-11-26T09:59:00Z',
      endsAt: '2026-11-26T10:30:00Z',
    });
    const first = await sweepAt(rt, 0);
    expect(first).toEqual(['alert svc-0']);
    expect((await openIncident(rt, 'svc-1')).held?.silenceId).toBe(s.id);
    expect(
      rt.outbox.pending.every((m) => m.message.notification.incidents.every((i) => i.service !== 'svc-1')),
    ).toBe(true);
    expect(await sweepAt(rt, 10)).toEqual([]);
    await expireSilence(rt.state, s.id, 'ops', rt.clock.now());
    expect(await sweepAt(rt, 12)).toEqual(['alert svc-1']);
    expect(await sweepAt(rt, 14)).toEqual([]);
  });

  it('a silence that starts later does not hold; one that ended by time releases without anyone expiring it', async () => {
    const snap = await fleet(1);
    const rt = runtime(() => snap);
    await createSilence(rt.state, {
      kind: 'silence',
      matchers: { service: 'svc-0' },
      createdBy: 'ops',
      reason: 'window',
      createdAt: '2026-11-26T09:00:00Z',
      startsAt: '2026-11-26T09:00:00Z',
      endsAt: '2026-11-26T10:05:00Z',
    });
    expect(await sweepAt(rt, 0)).toEqual([]);
    expect(await sweepAt(rt, 4)).toEqual([]);
    expect(await sweepAt(rt, 6)).toEqual(['alert svc-0']);
  });
});

describe('inhibition', () => {
  function nodeFailure(service: string): { diagnosis: Diagnosis; finding: Finding } {
    const finding: Finding = {
      code: 'NodeFailure',
      detail: 'NotReady',
      severity: 'critical',
      title: 'Node aks-nodepool1-0 is NotReady',
      explanation: 'The kubelet stopped posting status.',
      evidence: [{ source: 'node/aks-nodepool1-0', text: 'Ready=Unknown' }],
      remedy: ['Check the node'],
      docs: [],
    };
    return {
      finding,
      diagnosis: { service, namespace: 'azureml-demo-ws', status: 'Failed', findings: [finding], gaps: [] },
    };
  }

  it('a node failure holds the per-service alerts it explains, lists them, and when it resolves what still fails alerts on its own', async () => {
    const snap = await fleet(2);
    const rt = runtime(() => snap);
    // The platform incident opens first (its own deployment), in the same cluster.
    const { diagnosis, finding } = nodeFailure('platform-probe');
    const parent = await commitObservation(
      rt,
      { cluster: 'aks1', namespace: 'azureml-demo-ws', service: 'platform-probe' },
      { kind: 'problem', diagnosis, finding, observedAt: rt.clock.now().toISOString() },
    );
    const queued = await enqueueNotifications(rt, parent);
    expect(queued.map((n) => n.incidents[0]?.service)).toEqual(['platform-probe']);
    // svc-0 and svc-1 crash-loop (CrashLoopBackOff): a node failure explains that.
    const codes = (await runSweep(rt)).notifications.flatMap((n) =>
      n.incidents.map((i) => `${i.service} ${i.code}`),
    );
    const open = await rt.state.incidents.list('aks1');
    const held = open.filter((r) => r.value.held?.inhibitedBy !== undefined).map((r) => r.value.service);
    const explained = open.filter(
      (r) =>
        r.value.service.startsWith('svc-') &&
        ['CrashLoopBackOff', 'ScoringRuntimeFailure', 'DeploymentHung'].includes(r.value.code),
    );
    expect(held.sort()).toEqual(explained.map((r) => r.value.service).sort());
    expect(held).toEqual(['svc-0', 'svc-1']);
    for (const s of held) expect(codes.join()).not.toContain(s);
    const p = await openIncident(rt, 'platform-probe');
    expect(p.covers ?? []).toEqual(held.sort());
    // The node recovers: its incident resolves, and what still fails alerts on its own at the next sweep.
    await enqueueNotifications(
      rt,
      await commitObservation(
        rt,
        { cluster: 'aks1', namespace: 'azureml-demo-ws', service: 'platform-probe' },
        { kind: 'healthy', observedAt: rt.clock.now().toISOString() },
      ),
    );
    expect((await sweepAt(rt, 2)).filter((x) => x.startsWith('alert'))).toEqual(
      held.map((s) => `alert ${s}`).sort(),
    );
  });
});
