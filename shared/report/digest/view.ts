/** The digest as people read it: formatted numbers and times, redacted names. Shared by email and card. */
import { CHART_CONTENT_ID, type ReportContext } from '../context.js';
import { formatDuration, formatTime } from '../format.js';
import { clean, codeLabel, safeUrl } from '../view.js';
import type { Digest, DigestScope } from '../../digest/types.js';

export interface ScopeRowView {
  workspace: string;
  attempted: number;
  succeeded: number;
  failed: number;
  hung: number;
  other: number;
  opened: number;
  resolved: number;
  open: number;
  medianTth: string;
  p90Tth: string;
}

export interface DigestView {
  subject: string;
  heading: string;
  day: string;
  quiet: boolean;
  alive: string;
  stale: boolean;
  unreachable: string;
  overall: ScopeRowView;
  workspaces: ScopeRowView[];
  /** A sentence about incidents no workspace claims, or empty. */
  unassigned: string;
  byCode: { label: string; count: number }[];
  longestOpen: {
    service: string;
    workspace: string;
    cluster: string;
    label: string;
    openFor: string;
    since: string;
    url?: string;
  }[];
  repeated: { service: string; workspace: string; count: number; codes: string }[];
  chart?: { cid: string; alt: string };
  window: string;
}

function row(s: DigestScope, name: string): ScopeRowView {
  return {
    workspace: clean(name, 200),
    attempted: s.deployments.attempted,
    succeeded: s.deployments.succeeded,
    failed: s.deployments.failed,
    hung: s.deployments.hung,
    other: s.deployments.other,
    opened: s.incidentsOpened,
    resolved: s.incidentsResolved,
    open: s.longestOpen.length,
    medianTth: s.timeToHealthy.medianMs === undefined ? '-' : formatDuration(s.timeToHealthy.medianMs),
    p90Tth: s.timeToHealthy.p90Ms === undefined ? '-' : formatDuration(s.timeToHealthy.p90Ms),
  };
}

export function buildDigestView(d: Digest, ctx: ReportContext): DigestView {
  const product = ctx.productName ?? 'amlmon';
  // The digest's own zone (DIGEST_TIME_ZONE, else REPORT_TIME_ZONE): its days were cut in it, so its times are too.
  const tz = d.timeZone;
  const day = d.weekDays.at(-1) ?? d.windowEnd.slice(0, 10);
  const m = d.monitor;
  const reachable = m.clustersReachable.map((c) => clean(c, 100));
  const alive = m.lastSweepAt
    ? `Monitor is alive: last sweep ${formatTime(m.lastSweepAt, tz)} (${formatDuration(m.sinceLastSweepMs ?? 0)} before this digest); ` +
      `clusters reachable: ${reachable.length > 0 ? reachable.join(', ') : 'none'}.`
    : 'No completed sweep is recorded: the monitor may not be running.';
  const o = d.overall;
  const subject = d.quiet
    ? `[${product}] Daily digest ${day}: all quiet${m.stale ? ' - MONITOR STALE' : ''}`
    : `[${product}] Daily digest ${day}: ${o.incidentsOpened} incidents, ${o.deployments.attempted} deployments ` +
      `(${o.deployments.succeeded} ok, ${o.deployments.failed} failed, ${o.deployments.hung} hung), ` +
      `${o.incidentsResolved} resolved${m.stale ? ' - MONITOR STALE' : ''}`;
  const overall = row(o, 'All workspaces');
  return {
    subject,
    heading: d.quiet ? `All quiet on ${day}` : `Daily digest for ${day}`,
    day,
    quiet: d.quiet,
    alive,
    stale: m.stale,
    unreachable: m.clustersUnreachable.map((c) => clean(c, 100)).join(', '),
    overall,
    workspaces: d.workspaces.filter((w) => w.workspace).map((w) => row(w, w.workspace ?? '')),
    unassigned:
      d.unassignedIncidents && d.unassignedIncidents > 0
        ? `${d.unassignedIncidents} incident${d.unassignedIncidents === 1 ? '' : 's'} opened without a known workspace (an image build seen only in storage) ${d.unassignedIncidents === 1 ? 'is' : 'are'} counted in All workspaces only.`
        : '',
    byCode: o.incidentsByCode.map((c) => ({ label: codeLabel(c.code, c.detail), count: c.count })),
    longestOpen: o.longestOpen.map((i) => {
      const url = safeUrl(i.portalUrl);
      return {
        service: clean(i.service, 200),
        workspace: clean(i.workspace ?? '', 200),
        cluster: clean(i.cluster, 200),
        label: codeLabel(i.code, i.detail) + (i.note ? ` (${clean(i.note, 300)})` : ''),
        openFor: formatDuration(i.openForMs),
        since: formatTime(i.openedAt, tz),
        ...(url ? { url } : {}),
      };
    }),
    repeated: o.repeatedFailures.map((r) => ({
      service: clean(r.service, 200),
      workspace: clean(r.workspace ?? '', 200),
      count: r.count,
      codes: r.codes.join(', '),
    })),
    ...(ctx.chart ? { chart: { cid: CHART_CONTENT_ID, alt: ctx.chart.alt } } : {}),
    window: `${formatTime(d.windowStart, tz)} to ${formatTime(d.windowEnd, tz)}`,
  };
}
