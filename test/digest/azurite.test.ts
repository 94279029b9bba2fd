/**
 * The digest computed from Azure Table storage (Azurite) seeded with 30 days of incidents, read through the
 * monitor's AzureTable store and the digest's state source; then the timer handler end to end: outbox →
 * real senders → ACS and Teams stand-ins.
 */
import { InvocationContext, type Timer } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { collectDigest } from '../../shared/digest/collect.js';
import { digestSourceFromState } from '../../shared/digest/stateSource.js';
import { MemoryOutbox, noRecheck } from '../../shared/monitor/local.js';
import type { MonitorRuntime } from '../../shared/monitor/types.js';
import { createSender } from '../../shared/notify/index.js';
import { SimulatedClock } from '../../shared/time/clock.js';
import { azureState } from '../../shared/state/azureState.js';
import { startAcsStandIn, type AcsStandIn } from '../../sim/standins/acsEmail.js';
import { startAzurite, type AzuriteInstance } from '../../sim/azurite.js';
import { startTeamsStandIn, type TeamsStandIn } from '../../sim/standins/teams.js';
import { dayInZone } from '../../shared/report/format.js';
import { generateSeed, seedTables, type Seed } from './seed.js';

const NOW = '2026-11-26T08:00:00.000Z';
const HOUR = 3_600_000;
let azurite: AzuriteInstance;
let seed: Seed;

beforeAll(async () => {
  azurite = await startAzurite();
  seed = generateSeed(NOW, 30);
  await seedTables(azurite.connectionString, seed);
});
afterAll(async () => {
  await azurite?.stop();
});

const sweep = {
  at: '2026-11-26T07:58:00.000Z',
  clustersReachable: ['aks-prod-weu', 'aks-prod-neu'],
  clustersUnreachable: [],
};

describe('digest from a seeded Azure Table (30 days of incidents)', () => {
  test('the seed spans 30 days and the digest reads it through the monitor store', async () => {
    const days = new Set(seed.incidents.map((i) => i.openedAt.slice(0, 10)));
    expect(days.size).toBeGreaterThanOrEqual(25);
    const state = azureState({ connectionString: azurite.connectionString });
    expect((await state.incidents.list()).length).toBe(seed.incidents.length);

    const d = await collectDigest(digestSourceFromState(state, { lastSweep: () => Promise.resolve(sweep) }), {
      now: NOW,
    });
    const end = Date.parse(NOW);
    const inWindow = (t?: string): boolean =>
      t !== undefined && Date.parse(t) >= end - 24 * HOUR && Date.parse(t) <= end;

    // Expectations derived from the seed with plain loops, independently of computeDigest.
    const opened = seed.incidents.filter((i) => inWindow(i.openedAt));
    expect(d.overall.incidentsOpened).toBe(opened.length);
    expect(d.overall.incidentsResolved).toBe(seed.incidents.filter((i) => inWindow(i.resolvedAt)).length);
    expect(d.overall.incidentsByCode.reduce((s, c) => s + c.count, 0)).toBe(opened.length);
    for (const c of d.overall.incidentsByCode) {
      expect(c.count).toBe(opened.filter((i) => i.code === c.code && i.detail === c.detail).length);
    }

    const open = seed.incidents
      .filter((i) => i.resolvedAt === undefined)
      .sort((a, b) => a.openedAt.localeCompare(b.openedAt));
    expect(open.length).toBeGreaterThan(5);
    expect(d.overall.longestOpen.map((i) => i.service)).toEqual(open.slice(0, 5).map((i) => i.service));
    // The oldest open incident is weeks old: it is listed although it opened long before the window.
    expect(d.overall.longestOpen[0]!.openForMs).toBeGreaterThan(7 * 24 * HOUR);

    const week = new Set(d.weekDays);
    const weekTotal = seed.incidents.filter((i) => week.has(dayInZone(i.openedAt, 'UTC'))).length;
    expect(d.week.reduce((s, w) => s + w.count, 0)).toBe(weekTotal);
    expect(weekTotal).toBeLessThan(seed.incidents.length); // older days are not in the chart

    const started = seed.deployments.filter((x) => inWindow(x.startedAt));
    expect(d.overall.deployments.attempted).toBe(started.length);
    expect(
      d.overall.deployments.succeeded +
        d.overall.deployments.failed +
        d.overall.deployments.other +
        d.overall.deployments.hung,
    ).toBe(started.length);
    const perWs = d.workspaces.reduce((s, w) => s + w.incidentsOpened, 0);
    expect(perWs).toBe(opened.length);
    expect(d.monitor.stale).toBe(false);
  });

  describe('the dailyDigest timer handler, end to end', () => {
    let acs: AcsStandIn;
    let teams: TeamsStandIn;
    beforeAll(async () => {
      acs = await startAcsStandIn();
      teams = await startTeamsStandIn();
    });
    afterAll(async () => {
      await acs?.close();
      await teams?.close();
    });

    test('queues the digest per channel; delivery puts a chart in the email and the card', async () => {
      const { dailyDigest } = await import('../../functions/dailyDigest.js');
      const { setRuntime } = await import('../../functions/runtime.js');
      const outbox = new MemoryOutbox();
      const unused = (): Promise<never> => Promise.reject(new Error('not used by the digest'));
      const rt: MonitorRuntime = {
        clock: new SimulatedClock(NOW),
        state: azureState({ connectionString: azurite.connectionString }),
        clusters: [{ name: 'aks-prod-weu', discover: unused, collect: unused }],
        outbox,
        recheck: noRecheck,
        imageLogs: { readTail: unused },
        evidence: { archive: unused },
        senders: new Map([
          [
            'email',
            createSender({
              kind: 'email',
              connectionString: acs.connectionString,
              caCert: acs.caCert,
              senderAddress: 'DoNotReply@amlmon.example',
              recipients: [{ to: ['oncall@example.com'] }],
              pollIntervalMs: 0,
            }),
          ],
          ['teams', createSender({ kind: 'teams', url: teams.url })],
        ]),
        diagnose: () => [],
        options: {
          hangAfterMs: 1_800_000,
          repeatAfterMs: 14_400_000,
          groupOver: 3,
          imageLogRecheckDelayMs: 60_000,
          imageLogMaxRechecks: 3,
          imageLogTailBytes: 4 * 1024 * 1024,
          workspaces: [],
        },
        log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
      };
      setRuntime(rt);
      try {
        const timer = {
          isPastDue: false,
          schedule: { adjustForDST: true },
          scheduleStatus: { last: '', next: '', lastUpdated: '' },
        } as Timer;
        const result = await dailyDigest(timer, new InvocationContext({ functionName: 'dailyDigest' }));
        expect(result.deliveredTo).toEqual(['email', 'teams']);
        expect(outbox.pending.map((p) => p.message.channel)).toEqual(['email', 'teams']);
        // No sweep is recorded in state: the digest says so instead of claiming the monitor is alive.
        expect(result.digest.monitor.stale).toBe(true);
        await outbox.drain(rt);
        expect(outbox.pending).toEqual([]);
        expect(outbox.poisoned).toEqual([]);

        expect(acs.emails).toHaveLength(1);
        const email = acs.emails[0]!.message;
        expect(email.content.subject).toMatch(/^\[amlmon\] Daily digest 2026-11-26: \d+ incidents/);
        expect(email.content.html).toContain('cid:amlmon-week-chart');
        expect(email.attachments?.[0]?.contentId).toBe('amlmon-week-chart');
        expect(teams.received).toHaveLength(1);
        expect(Buffer.byteLength(teams.received[0]!.raw)).toBeLessThan(20_000);

        // The same day's timer firing again is the same notification: no second email.
        await dailyDigest(timer, new InvocationContext({ functionName: 'dailyDigest' }));
        await outbox.drain(rt);
        expect(acs.emails).toHaveLength(1);
      } finally {
        setRuntime(undefined);
      }
    });
  });
});
