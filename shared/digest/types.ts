/**
 * The daily digest: a plain-data summary of the last 24 h (plus a week of incident counts for the chart).
 * Computed by ./compute.ts from state, carried in `Notification.digest`, rendered by shared/report.
 * Versioned because it is part of the generic webhook payload (docs/schema/webhook.schema.json).
 */
import type { Code, Detail, Status } from '../diagnosis/types.js';

export const DIGEST_VERSION = 1;

export interface DeploymentCounts {
  /** Deployments started or updated in the window. */
  attempted: number;
  /** Of those, reached Healthy. */
  succeeded: number;
  /** Of those, now Failed. */
  failed: number;
  /** Of those, now Hung. */
  hung: number;
  /** Of those, still Progressing, Degraded or Unknown. */
  other: number;
}

export interface CodeCount {
  code: Code;
  detail: Detail | null;
  count: number;
}

export interface OpenIncidentSummary {
  service: string;
  workspace?: string;
  cluster: string;
  namespace: string;
  code: Code;
  detail: Detail | null;
  status: Status;
  /** When it started failing: the root cause's first signal, or the opening when that is earlier. */
  openedAt: string;
  openForMs: number;
  portalUrl?: string;
  /** Extension: who acknowledged or muted it, or what holds its alerts (one line). */
  note?: string;
}

export interface RepeatedFailure {
  service: string;
  workspace?: string;
  cluster: string;
  namespace: string;
  /** Incidents opened in the window. */
  count: number;
  codes: Code[];
}

export interface DigestScope {
  /** null for the overall scope. */
  workspace: string | null;
  deployments: DeploymentCounts;
  incidentsOpened: number;
  incidentsResolved: number;
  incidentsByCode: CodeCount[];
  timeToHealthy: { count: number; medianMs?: number; p90Ms?: number };
  longestOpen: OpenIncidentSummary[];
  repeatedFailures: RepeatedFailure[];
}

export interface WeekCount {
  /** YYYY-MM-DD in the digest's time zone. */
  day: string;
  code: Code;
  count: number;
}

export interface MonitorHeartbeat {
  lastSweepAt?: string;
  /** Minutes since the last sweep at digest time; absent when there never was one. */
  sinceLastSweepMs?: number;
  /** True when the last sweep is older than the threshold (or missing): the monitor may be dead. */
  stale: boolean;
  clustersReachable: string[];
  clustersUnreachable: string[];
}

export interface Digest {
  version: typeof DIGEST_VERSION;
  generatedAt: string;
  windowStart: string;
  windowEnd: string;
  timeZone: string;
  /** Nothing happened: no deployments attempted, no incidents opened, none open. */
  quiet: boolean;
  overall: DigestScope;
  workspaces: DigestScope[];
  /** Incidents opened in the window that no workspace claims (e.g. an image build seen only in storage). */
  unassignedIncidents?: number;
  /** The 7 days ending with the digest's day, oldest first. */
  weekDays: string[];
  week: WeekCount[];
  monitor: MonitorHeartbeat;
}

/** Narrowing for `Notification.digest`, which the incidents module types as unknown. */
export function isDigest(value: unknown): value is Digest {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<Digest>;
  return v.version === DIGEST_VERSION && typeof v.overall === 'object' && Array.isArray(v.week);
}
