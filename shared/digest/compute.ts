/**
 * Pure digest computation: state records in, a Digest out. No clock and no I/O: `now` is an input, so the same
 * records always give the same digest.
 */
import type { Code } from '../diagnosis/types.js';
import type { IncidentRecord } from '../incidents/types.js';
import { dayInZone } from '../report/format.js';
import type { DeploymentRecord } from '../state/types.js';
import type { SweepInfo } from './source.js';
import {
  DIGEST_VERSION,
  type CodeCount,
  type DeploymentCounts,
  type Digest,
  type DigestScope,
  type OpenIncidentSummary,
  type RepeatedFailure,
  type WeekCount,
} from './types.js';

export interface DigestOptions {
  /** RFC 3339 end of the window (the digest's "now"). */
  now: string;
  /** IANA zone for day boundaries of the week chart and the times shown; default UTC. */
  timeZone?: string;
  /** Window length; default 24. */
  windowHours?: number;
  /** How many longest-open incidents to list; default 5. */
  longestOpenLimit?: number;
  /** A service with at least this many incidents opened in the window is "failing repeatedly"; default 2. */
  repeatThreshold?: number;
  /** The monitor counts as stale when its last sweep is older than this; default 30 min. */
  staleAfterMs?: number;
}

export interface DigestInput extends DigestOptions {
  deployments: DeploymentRecord[];
  incidents: IncidentRecord[];
  lastSweep: SweepInfo;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const WEEK_DAYS = 7;
const UNKNOWN_WORKSPACE = '(unknown workspace)';

/** The earliest time the digest needs records from (window start or the week chart's first day). */
export function digestSince(opts: DigestOptions): string {
  const end = Date.parse(opts.now);
  return new Date(Math.min(end - (opts.windowHours ?? 24) * HOUR, end - (WEEK_DAYS + 1) * DAY)).toISOString();
}

function inWindow(iso: string | undefined, start: number, end: number): boolean {
  if (!iso) return false;
  const t = Date.parse(iso);
  return t >= start && t <= end;
}

/** Median (mean of the middle two) and nearest-rank p90 of a list of durations. */
export function percentiles(values: number[]): { count: number; medianMs?: number; p90Ms?: number } {
  if (values.length === 0) return { count: 0 };
  const v = [...values].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  const median = v.length % 2 === 1 ? (v[mid] as number) : ((v[mid - 1] as number) + (v[mid] as number)) / 2;
  const p90 = v[Math.min(v.length - 1, Math.ceil(0.9 * v.length) - 1)] as number;
  return { count: v.length, medianMs: median, p90Ms: p90 };
}

function deploymentStart(d: DeploymentRecord): string {
  return d.startedAt ?? d.firstSeen;
}

/**
 * Deployments by outcome. A deployment that was alerted as failed (or hung) in the window counts as failed (hung)
 * even when it recovered later that day: the counts agree with the alerts that went out.
 */
function countDeployments(
  deps: DeploymentRecord[],
  opened: IncidentRecord[],
): { counts: DeploymentCounts; healthyMs: number[] } {
  const counts: DeploymentCounts = { attempted: deps.length, succeeded: 0, failed: 0, hung: 0, other: 0 };
  const healthyMs: number[] = [];
  const alerted = new Map<string, string>();
  for (const i of opened) {
    const key = serviceKey(i);
    // Failed outranks Hung: one failure alert makes the day's outcome "failed".
    if (i.status === 'Hung' && alerted.get(key) !== 'Failed') alerted.set(key, 'Hung');
    else if (i.status === 'Failed' || i.status === 'Degraded') alerted.set(key, 'Failed');
  }
  for (const d of deps) {
    const start = Date.parse(deploymentStart(d));
    const healthyAfterStart = d.healthyAt !== undefined && Date.parse(d.healthyAt) >= start;
    if (healthyAfterStart) healthyMs.push(Date.parse(d.healthyAt as string) - start);
    const alert = alerted.get(serviceKey(d));
    if (d.status === 'Failed' || alert === 'Failed') counts.failed++;
    else if (d.status === 'Hung' || alert === 'Hung') counts.hung++;
    else if (d.status === 'Healthy' || healthyAfterStart) counts.succeeded++;
    else counts.other++;
  }
  return { counts, healthyMs };
}

function byCode(incidents: IncidentRecord[]): CodeCount[] {
  const map = new Map<string, CodeCount>();
  for (const i of incidents) {
    const key = `${i.code}/${i.detail ?? ''}`;
    const entry = map.get(key) ?? { code: i.code, detail: i.detail, count: 0 };
    entry.count++;
    map.set(key, entry);
  }
  return [...map.values()].sort(
    (a, b) =>
      b.count - a.count || a.code.localeCompare(b.code) || (a.detail ?? '').localeCompare(b.detail ?? ''),
  );
}

function serviceKey(i: { cluster: string; namespace: string; service: string }): string {
  return `${i.cluster}\u0000${i.namespace}\u0000${i.service}`;
}

function scope(
  workspace: string | null,
  deps: DeploymentRecord[],
  opened: IncidentRecord[],
  resolvedCount: number,
  open: IncidentRecord[],
  end: number,
  opts: DigestOptions,
): DigestScope {
  const { counts, healthyMs } = countDeployments(deps, opened);
  const longestOpen: OpenIncidentSummary[] = [...open]
    .sort(
      (a, b) =>
        Date.parse(failingSince(a)) - Date.parse(failingSince(b)) || a.service.localeCompare(b.service),
    )
    .slice(0, opts.longestOpenLimit ?? 5)
    .map((i) => ({
      service: i.service,
      ...(i.workspace !== undefined ? { workspace: i.workspace } : {}),
      cluster: i.cluster,
      namespace: i.namespace,
      code: i.code,
      detail: i.detail,
      status: i.status,
      // From the first signal, as the alerts count it ("failing since 09:58"), not from when the monitor noticed.
      openedAt: failingSince(i),
      openForMs: Math.max(0, end - Date.parse(failingSince(i))),
      ...(i.portalUrl !== undefined ? { portalUrl: i.portalUrl } : {}),
      ...(incidentNote(i) ? { note: incidentNote(i) } : {}),
    }));
  const groups = new Map<string, IncidentRecord[]>();
  for (const i of opened) groups.set(serviceKey(i), [...(groups.get(serviceKey(i)) ?? []), i]);
  const repeatedFailures: RepeatedFailure[] = [...groups.values()]
    .filter((g) => g.length >= (opts.repeatThreshold ?? 2))
    .map((g) => {
      const first = g[0] as IncidentRecord;
      return {
        service: first.service,
        ...(first.workspace !== undefined ? { workspace: first.workspace } : {}),
        cluster: first.cluster,
        namespace: first.namespace,
        count: g.length,
        codes: [...new Set(g.map((i) => i.code))].sort() as Code[],
      };
    })
    .sort((a, b) => b.count - a.count || a.service.localeCompare(b.service));
  return {
    workspace,
    deployments: counts,
    incidentsOpened: opened.length,
    incidentsResolved: resolvedCount,
    incidentsByCode: byCode(opened),
    timeToHealthy: percentiles(healthyMs),
    longestOpen,
    repeatedFailures,
  };
}

/** The 7 calendar days (in `timeZone`) ending with the day of `now`, oldest first. */
export function weekDays(now: string, timeZone: string): string[] {
  const today = dayInZone(now, timeZone);
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  const days: string[] = [];
  for (let k = WEEK_DAYS - 1; k >= 0; k--)
    days.push(new Date(Date.UTC(y, m - 1, d - k)).toISOString().slice(0, 10));
  return days;
}

export function computeDigest(input: DigestInput): Digest {
  const timeZone = input.timeZone ?? 'UTC';
  const end = Date.parse(input.now);
  if (Number.isNaN(end)) throw new Error(`computeDigest: now is not an RFC 3339 time: ${input.now}`);
  const start = end - (input.windowHours ?? 24) * HOUR;
  const deps = input.deployments.filter((d) => !d.deleted && inWindow(deploymentStart(d), start, end));
  const known = input.incidents.filter((i) => Date.parse(i.openedAt) <= end);
  const opened = known.filter((i) => inWindow(i.openedAt, start, end));
  const resolved = known.filter((i) => inWindow(i.resolvedAt, start, end));
  const open = known.filter((i) => i.resolvedAt === undefined || Date.parse(i.resolvedAt) > end);

  const wsOf = (w: string | undefined): string => w ?? UNKNOWN_WORKSPACE;
  // Only real workspaces get a row: what no workspace claims (an image build seen only in storage) is counted
  // in the overall row and named as unassigned, never shown as a placeholder row.
  const names = new Set<string>(
    [...deps, ...opened, ...resolved, ...open].flatMap((x) => (x.workspace ? [x.workspace] : [])),
  );
  const unassigned = opened.filter((i) => !i.workspace).length;
  const workspaces = [...names].sort().map((w) =>
    scope(
      w,
      deps.filter((d) => wsOf(d.workspace) === w),
      opened.filter((i) => wsOf(i.workspace) === w),
      resolved.filter((i) => wsOf(i.workspace) === w).length,
      open.filter((i) => wsOf(i.workspace) === w),
      end,
      input,
    ),
  );

  const days = weekDays(input.now, timeZone);
  const weekMap = new Map<string, WeekCount>();
  for (const i of known) {
    const day = dayInZone(i.openedAt, timeZone);
    if (!days.includes(day)) continue;
    const key = `${day}/${i.code}`;
    const entry = weekMap.get(key) ?? { day, code: i.code, count: 0 };
    entry.count++;
    weekMap.set(key, entry);
  }
  const week = [...weekMap.values()].sort(
    (a, b) => a.day.localeCompare(b.day) || a.code.localeCompare(b.code),
  );

  const sweepAt = input.lastSweep.at;
  const since = sweepAt ? end - Date.parse(sweepAt) : undefined;
  const overall = scope(null, deps, opened, resolved.length, open, end, input);
  return {
    version: DIGEST_VERSION,
    generatedAt: input.now,
    windowStart: new Date(start).toISOString(),
    windowEnd: new Date(end).toISOString(),
    timeZone,
    quiet: deps.length === 0 && opened.length === 0 && resolved.length === 0 && open.length === 0,
    overall,
    ...(unassigned > 0 ? { unassignedIncidents: unassigned } : {}),
    workspaces,
    weekDays: days,
    week,
    monitor: {
      ...(sweepAt ? { lastSweepAt: sweepAt } : {}),
      ...(since !== undefined && Number.isFinite(since) ? { sinceLastSweepMs: Math.max(0, since) } : {}),
      stale: since === undefined || !Number.isFinite(since) || since > (input.staleAfterMs ?? 30 * 60_000),
      clustersReachable: [...input.lastSweep.clustersReachable].sort(),
      clustersUnreachable: [...input.lastSweep.clustersUnreachable].sort(),
    },
  };
}

/** Acknowledged, muted or held back: what the digest says beside an open incident. */
function incidentNote(i: IncidentRecord): string | undefined {
  const parts: string[] = [];
  if (i.ack) parts.push(`acknowledged by ${i.ack.by}`);
  if (i.mute)
    parts.push(
      `muted by ${i.mute.by} ${i.mute.untilResolved ? 'until resolved' : `until ${i.mute.until ?? '?'}`}`,
    );
  else if (i.held) parts.push(`alerts held: ${i.held.text}`);
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/** When the incident's root cause first showed: the finding's first signal when it is earlier than the opening. */
function failingSince(i: IncidentRecord): string {
  const since = i.diagnosis.findings[0]?.since;
  return since && Date.parse(since) < Date.parse(i.openedAt) ? since : i.openedAt;
}
