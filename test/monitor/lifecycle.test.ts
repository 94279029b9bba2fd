import { describe, expect, it } from 'vitest';
import type { Diagnosis, Finding } from '../../shared/diagnosis/types.js';
import { fingerprint } from '../../shared/incidents/fingerprint.js';
import { decideIncidents, type Observation } from '../../shared/incidents/lifecycle.js';
import { groupNotifications } from '../../shared/incidents/notifications.js';
import type { IncidentRecord } from '../../shared/incidents/types.js';
import type { Versioned } from '../../shared/state/table.js';

const id = { cluster: 'aks1', namespace: 'azureml-ws', service: 'svc' };
const HOUR = 3_600_000;
const opts = (now: string) => ({ now: new Date(now), repeatAfterMs: 4 * HOUR });

function finding(code: Finding['code'], detail: Finding['detail']): Finding {
  return {
    code,
    detail,
    severity: 'critical',
    title: `${code}`,
    explanation: '',
    evidence: [],
    remedy: [],
    docs: [],
  };
}
function problem(code: Finding['code'], detail: Finding['detail'], at: string): Observation {
  const f = finding(code, detail);
  const diagnosis: Diagnosis = {
    service: 'svc',
    namespace: 'azureml-ws',
    status: 'Failed',
    findings: [f],
    gaps: [],
  };
  return { kind: 'problem', diagnosis, finding: f, observedAt: at };
}
function stored(
  obs: Observation,
  openedAt: string,
  extra: Partial<IncidentRecord> = {},
): Versioned<IncidentRecord> {
  if (obs.kind !== 'problem') throw new Error('problem only');
  return {
    etag: 'e1',
    value: {
      fingerprint: fingerprint(id, obs.finding.code, obs.finding.detail),
      ...id,
      code: obs.finding.code,
      detail: obs.finding.detail,
      status: 'Failed',
      openedAt,
      lastNotifiedAt: openedAt,
      diagnosis: obs.diagnosis,
      ...extra,
    },
  };
}

describe('decideIncidents', () => {
  const init = problem('ScoringInitFailure', 'MissingPythonModule', '2026-11-26T10:00:00Z');

  it('opens an incident and alerts on a new problem', () => {
    const changes = decideIncidents(id, init, [], opts('2026-11-26T10:00:00Z'));
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({
      type: 'open',
      notify: 'alert',
      etag: undefined,
      record: { code: 'ScoringInitFailure', openedAt: '2026-11-26T10:00:00.000Z', alertCount: 1 },
    });
    expect(changes[0]?.record.fingerprint).toBe('aks1|azureml-ws/svc/ScoringInitFailure/MissingPythonModule');
  });

  it('stays quiet while the same problem persists, and repeats after REPEAT_AFTER', () => {
    const rows = [stored(init, '2026-11-26T10:00:00.000Z')];
    expect(decideIncidents(id, init, rows, opts('2026-11-26T13:59:00Z'))).toEqual([]);
    const repeat = decideIncidents(id, init, rows, opts('2026-11-26T14:00:00Z'));
    expect(repeat).toEqual([expect.objectContaining({ type: 'repeat', notify: 'alert', etag: 'e1' })]);
    expect(repeat[0]?.record).toMatchObject({
      lastNotifiedAt: '2026-11-26T14:00:00.000Z',
      openedAt: '2026-11-26T10:00:00.000Z',
      alertCount: 2,
    });
  });

  it('a changed root cause supersedes the old incident quietly and alerts once for the new one', () => {
    const rows = [stored(init, '2026-11-26T10:00:00.000Z')];
    const oom = problem('OutOfMemory', null, '2026-11-26T10:10:00Z');
    const changes = decideIncidents(id, oom, rows, opts('2026-11-26T10:10:00Z'));
    expect(changes.map((c) => [c.type, c.notify])).toEqual([
      ['resolve', undefined],
      ['open', 'alert'],
    ]);
    expect(changes[0]?.record.supersededBy).toBe('aks1|azureml-ws/svc/OutOfMemory/-');
    expect(changes[1]?.record.previous).toEqual({
      code: 'ScoringInitFailure',
      detail: 'MissingPythonModule',
    });
  });

  it('resolves open incidents with a notice when the deployment is healthy or gone', () => {
    const rows = [stored(init, '2026-11-26T10:00:00.000Z')];
    for (const kind of ['healthy', 'gone'] as const) {
      const changes = decideIncidents(
        id,
        { kind, observedAt: '2026-11-26T10:20:00Z' },
        rows,
        opts('2026-11-26T10:20:00Z'),
      );
      expect(changes).toEqual([
        expect.objectContaining({
          type: 'resolve',
          notify: 'resolved',
          record: expect.objectContaining({ resolvedAt: '2026-11-26T10:20:00.000Z' }),
        }),
      ]);
    }
  });

  it('does nothing while pending', () => {
    expect(
      decideIncidents(
        id,
        { kind: 'pending', observedAt: '2026-11-26T10:20:00Z' },
        [stored(init, '2026-11-26T10:00:00.000Z')],
        opts('2026-11-26T10:20:00Z'),
      ),
    ).toEqual([]);
  });

  it('reopens a resolved incident when the problem comes back, replacing its row', () => {
    const rows = [stored(init, '2026-11-26T10:00:00.000Z', { resolvedAt: '2026-11-26T10:20:00.000Z' })];
    const again = problem('ScoringInitFailure', 'MissingPythonModule', '2026-11-26T11:00:00Z');
    const changes = decideIncidents(id, again, rows, opts('2026-11-26T11:00:00Z'));
    expect(changes).toEqual([expect.objectContaining({ type: 'open', etag: 'e1', notify: 'alert' })]);
    expect(changes[0]?.record.resolvedAt).toBeUndefined();
    expect(changes[0]?.record.openedAt).toBe('2026-11-26T11:00:00.000Z');
  });

  it('an observation older than the resolution (a late event) does not reopen', () => {
    const rows = [stored(init, '2026-11-26T10:00:00.000Z', { resolvedAt: '2026-11-26T10:20:00.000Z' })];
    const late = problem('ScoringInitFailure', 'MissingPythonModule', '2026-11-26T10:05:00.000Z');
    expect(decideIncidents(id, late, rows, opts('2026-11-26T10:30:00Z'))).toEqual([]);
  });

  it('a healthy observation older than the incident (a late ModelDeployed) does not resolve it', () => {
    const rows = [stored(init, '2026-11-26T10:00:00.000Z')];
    expect(
      decideIncidents(
        id,
        { kind: 'healthy', observedAt: '2026-11-26T09:59:00.000Z' },
        rows,
        opts('2026-11-26T10:30:00Z'),
      ),
    ).toEqual([]);
  });
});

describe('groupNotifications', () => {
  const incident = (service: string, cluster = 'aks1'): IncidentRecord =>
    stored({ ...problem('CrashLoopBackOff', null, 'x') }, '2026-11-26T10:00:00.000Z', {
      service,
      cluster,
      fingerprint: `${cluster}|${service}`,
    }).value;

  it('sends up to three incidents of a cluster one by one', () => {
    const n = groupNotifications(
      'alert',
      ['a', 'b', 'c'].map((s) => incident(s)),
      '2026-11-26T10:00:00.000Z',
    );
    expect(n.map((x) => x.incidents.length)).toEqual([1, 1, 1]);
    expect(new Set(n.map((x) => x.id)).size).toBe(3);
  });

  it('groups more than three incidents of one cluster into one message, per cluster', () => {
    const list = [...['a', 'b', 'c', 'd'].map((s) => incident(s)), incident('z', 'aks2')];
    const n = groupNotifications('alert', list, '2026-11-26T10:00:00.000Z');
    expect(n.map((x) => [x.cluster, x.incidents.length])).toEqual([
      ['aks1', 4],
      ['aks2', 1],
    ]);
  });

  it('gives the same notification the same id (an idempotency key for senders)', () => {
    const a = groupNotifications('resolved', [incident('a')], '2026-11-26T10:00:00.000Z');
    const b = groupNotifications('resolved', [incident('a')], '2026-11-26T10:00:00.000Z');
    expect(a[0]?.id).toBe(b[0]?.id);
  });
});
