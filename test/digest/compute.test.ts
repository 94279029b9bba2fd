import { describe, expect, test } from 'vitest';
import { computeDigest, percentiles, weekDays } from '../../shared/digest/compute.js';
import { runDigest } from '../../shared/digest/run.js';
import type { DigestSource } from '../../shared/digest/source.js';
import type { IncidentRecord, Notification } from '../../shared/incidents/types.js';
import type { DeploymentRecord } from '../../shared/state/types.js';
import { sampleDeployments, sampleIncidents } from '../../sim/samples.js';

const NOW = '2026-11-26T09:30:00Z';
const SWEEP = { at: '2026-11-26T09:28:00Z', clustersReachable: ['b', 'a'], clustersUnreachable: [] };

describe('percentiles', () => {
  test('median of odd and even counts, nearest-rank p90', () => {
    expect(percentiles([])).toEqual({ count: 0 });
    expect(percentiles([5, 1, 3])).toEqual({ count: 3, medianMs: 3, p90Ms: 5 });
    expect(percentiles([1, 2, 3, 4])).toEqual({ count: 4, medianMs: 2.5, p90Ms: 4 });
    const ten = Array.from({ length: 10 }, (_, i) => (i + 1) * 1000);
    expect(percentiles(ten)).toEqual({ count: 10, medianMs: 5500, p90Ms: 9000 });
  });
});

describe('computeDigest over the sample day', () => {
  const d = computeDigest({
    now: NOW,
    deployments: sampleDeployments,
    incidents: sampleIncidents,
    lastSweep: SWEEP,
  });

  test('counts deployments started in the last 24 h by outcome', () => {
    // fraud-ranker started 2026-11-25T14:00 (inside), ocr-v2 at 11:00 (inside), all six are inside the window.
    expect(d.overall.deployments).toEqual({ attempted: 6, succeeded: 4, failed: 1, hung: 1, other: 0 });
    const vision = d.workspaces.find((w) => w.workspace === 'vision');
    expect(vision?.deployments).toEqual({ attempted: 3, succeeded: 2, failed: 0, hung: 1, other: 0 });
  });

  test('time to healthy: median and p90 of startedAt → healthyAt', () => {
    // 6.5, 9, 4 and 21 minutes.
    expect(d.overall.timeToHealthy).toEqual({ count: 4, medianMs: 7.75 * 60_000, p90Ms: 21 * 60_000 });
  });

  test('incidents opened in the window, by code, most frequent first', () => {
    expect(d.overall.incidentsOpened).toBe(5);
    expect(d.overall.incidentsByCode[0]).toEqual({
      code: 'ScoringRuntimeFailure',
      detail: 'WorkerTimeout',
      count: 2,
    });
    expect(d.overall.incidentsByCode.reduce((s, c) => s + c.count, 0)).toBe(5);
  });

  test('longest-running open incidents, oldest first, including ones opened before the window', () => {
    expect(d.overall.longestOpen.map((i) => i.service)).toEqual([
      'churn-model',
      'vision-detector',
      'credit-scorer',
    ]);
    expect(d.overall.longestOpen[0]?.openForMs).toBe(Date.parse(NOW) - Date.parse('2026-11-20T08:00:00Z'));
  });

  test("an open incident counts from its root cause's first signal, as the alerts do, when that came first", () => {
    const opened = sampleIncidents.find((i) => i.service === 'credit-scorer' && !i.resolvedAt)!;
    const firstSignal = new Date(Date.parse(opened.openedAt) - 12 * 60_000).toISOString();
    const withSince: IncidentRecord = {
      ...opened,
      diagnosis: {
        ...opened.diagnosis,
        findings: opened.diagnosis.findings.map((f, i) => (i === 0 ? { ...f, since: firstSignal } : f)),
      },
    };
    const incidents = sampleIncidents.map((i) => (i === opened ? withSince : i));
    const e = computeDigest({ now: NOW, deployments: sampleDeployments, incidents, lastSweep: SWEEP });
    const row = e.overall.longestOpen.find((i) => i.service === 'credit-scorer')!;
    expect(row.openedAt).toBe(firstSignal);
    expect(row.openForMs).toBe(Date.parse(NOW) - Date.parse(firstSignal));
  });

  test('services failing repeatedly: two or more incidents in the window', () => {
    expect(d.overall.repeatedFailures).toEqual([
      {
        service: 'fraud-ranker',
        workspace: 'risk-prod',
        cluster: 'aks-prod-weu',
        namespace: 'azureml-risk-prod',
        count: 3,
        codes: ['OutOfMemory', 'ScoringRuntimeFailure'],
      },
    ]);
  });

  test('the week: 7 days ending today, counts per day and code', () => {
    expect(d.weekDays).toEqual([
      '2026-11-20',
      '2026-11-21',
      '2026-11-22',
      '2026-11-23',
      '2026-11-24',
      '2026-11-25',
      '2026-11-26',
    ]);
    expect(d.week.find((w) => w.day === '2026-11-23')).toEqual({
      day: '2026-11-23',
      code: 'ImageBuildFailure',
      count: 2,
    });
    expect(d.week.reduce((s, w) => s + w.count, 0)).toBe(sampleIncidents.length);
  });

  test('the monitor heartbeat: last sweep, sorted cluster names, not stale', () => {
    expect(d.monitor).toEqual({
      lastSweepAt: SWEEP.at,
      sinceLastSweepMs: 120_000,
      stale: false,
      clustersReachable: ['a', 'b'],
      clustersUnreachable: [],
    });
    expect(d.quiet).toBe(false);
  });
});

describe('edge cases', () => {
  test('an empty day is quiet; a missing or old sweep is stale', () => {
    const quiet = computeDigest({ now: NOW, deployments: [], incidents: [], lastSweep: SWEEP });
    expect(quiet.quiet).toBe(true);
    expect(quiet.monitor.stale).toBe(false);
    expect(
      computeDigest({
        now: NOW,
        deployments: [],
        incidents: [],
        lastSweep: { clustersReachable: [], clustersUnreachable: [] },
      }).monitor.stale,
    ).toBe(true);
    const old = computeDigest({
      now: NOW,
      deployments: [],
      incidents: [],
      lastSweep: { ...SWEEP, at: '2026-11-26T08:00:00Z' },
    });
    expect(old.monitor.stale).toBe(true);
  });

  test('day boundaries follow the time zone (a 23:30 UTC incident is the next day in Berlin)', () => {
    const late: IncidentRecord = { ...sampleIncidents[2]!, openedAt: '2026-11-25T23:30:00Z' };
    const utc = computeDigest({ now: NOW, deployments: [], incidents: [late], lastSweep: SWEEP });
    const berlin = computeDigest({
      now: NOW,
      timeZone: 'Europe/Berlin',
      deployments: [],
      incidents: [late],
      lastSweep: SWEEP,
    });
    expect(utc.week[0]?.day).toBe('2026-11-25');
    expect(berlin.week[0]?.day).toBe('2026-11-26');
  });

  test('week days stay consecutive across a DST change', () => {
    expect(weekDays('2026-03-31T10:00:00Z', 'Europe/Berlin')).toEqual([
      '2026-03-25',
      '2026-03-26',
      '2026-03-27',
      '2026-03-28',
      '2026-03-29',
      '2026-03-30',
      '2026-03-31',
    ]);
  });

  test('deleted deployments and incidents opened after "now" are ignored; bad now is a clear error', () => {
    const deleted: DeploymentRecord = { ...sampleDeployments[0]!, deleted: true };
    const future: IncidentRecord = { ...sampleIncidents[0]!, openedAt: '2026-11-27T00:00:00Z' };
    const d = computeDigest({ now: NOW, deployments: [deleted], incidents: [future], lastSweep: SWEEP });
    expect(d.overall.deployments.attempted).toBe(0);
    expect(d.overall.incidentsOpened).toBe(0);
    expect(() =>
      computeDigest({ now: 'yesterday', deployments: [], incidents: [], lastSweep: SWEEP }),
    ).toThrow(/not an RFC 3339 time/);
  });
});

describe('runDigest', () => {
  const quietSource: DigestSource = {
    listDeployments: () => Promise.resolve([]),
    listIncidents: () => Promise.resolve([]),
    lastSweep: () => Promise.resolve(SWEEP),
  };

  test('an empty day still sends a short digest to every channel, with a day-derived id', async () => {
    const sent: [string, Notification][] = [];
    const r = await runDigest({
      source: quietSource,
      now: new Date(NOW),
      channels: ['email', 'teams'],
      deliver: async (c, n) => void sent.push([c, n]),
    });
    expect(r.deliveredTo).toEqual(['email', 'teams']);
    expect(sent.map(([c, n]) => [c, n.id, n.kind])).toEqual([
      ['email', 'digest:2026-11-26:UTC', 'digest'],
      ['teams', 'digest:2026-11-26:UTC', 'digest'],
    ]);
  });

  test('quiet digests can be disabled, but a stale monitor is always reported', async () => {
    const sent: string[] = [];
    const deliver = async (c: string): Promise<void> => void sent.push(c);
    const r = await runDigest({
      source: quietSource,
      now: new Date(NOW),
      sendWhenQuiet: false,
      channels: ['email'],
      deliver,
    });
    expect(r.skipped).toBe('quiet');
    expect(sent).toEqual([]);
    const stale: DigestSource = {
      ...quietSource,
      lastSweep: () => Promise.resolve({ clustersReachable: [], clustersUnreachable: ['a'] }),
    };
    const r2 = await runDigest({
      source: stale,
      now: new Date(NOW),
      sendWhenQuiet: false,
      channels: ['email'],
      deliver,
    });
    expect(r2.deliveredTo).toEqual(['email']);
  });
});
