/**
 * The diagnosis engine: runs every rule against every Azure ML deployment in a snapshot, ranks what they found
 * (earliest failing stage first, then the most specific rule; consequences after causes) and derives the status.
 * Pure: no I/O, no clock. "Now" is the snapshot's capture time.
 */
import { normaliseEventTimes } from '../snapshot/objects.js';
import { redactSnapshot } from '../snapshot/redactSnapshot.js';
import type { Snapshot } from '../snapshot/types.js';
import { redact } from '../text/redact.js';
import { deploymentCondition, evidence, humanDuration, podCondition } from './context.js';
import type { AmlDeployment, Rule } from './rule.js';
import { allRules } from './registry.js';
import {
  CANCEL_GRACE_MS,
  documentedAmlCode,
  isCanceled,
  isHistory,
  mostSpecificCode,
  operationDeadline,
  recordFailure,
  recordIsFor,
} from './signals/amlRecord.js';
import { findAmlDeployments, selectsTarget } from './target.js';
import type { Diagnosis, Finding, RuleFinding, Status } from './types.js';
import type { ServiceRecord } from '../snapshot/types.js';
import { STAGES } from './types.js';
import { revisionChanges } from './confirm/changes.js';
import { findingCommands } from './confirm/commands.js';
import { findingSince } from './confirm/since.js';
import { DEFAULT_HANG_AFTER_SECONDS, hungFinding } from './rules/deploymentHung.js';

export interface DiagnoseOptions {
  /** Diagnose only this service (Deployment name, or `<endpoint>/<deployment>` for v2). Defaults to meta.service. */
  service?: string;
  /** Rules to run; all by default (tests pass one rule or a subset). */
  rules?: readonly Rule[];
  /** HANG_AFTER: no rollout progress for this long is a hang. The monitor passes its setting; default 10 min. */
  hangAfterMs?: number;
}

const ROLE_ORDER = { cause: 0, consequence: 1, advisory: 2 } as const;

/** Root cause first: causes before consequences before advisories, then stage order, then specificity. */
export function rankFindings(findings: RuleFinding[]): RuleFinding[] {
  return [...findings].sort(
    (a, b) =>
      ROLE_ORDER[a.role ?? 'cause'] - ROLE_ORDER[b.role ?? 'cause'] ||
      STAGES.indexOf(a.stage) - STAGES.indexOf(b.stage) ||
      b.specificity - a.specificity,
  );
}

/** Every timestamp a snapshot carries, for a reproducible "now" when meta.json has no capturedAt. */
function latestTimestamp(snapshot: Snapshot): Date | undefined {
  let max = 0;
  const see = (d: Date | undefined | null) => {
    if (d instanceof Date && !Number.isNaN(d.getTime())) max = Math.max(max, d.getTime());
  };
  for (const e of snapshot.events) {
    see(e.lastTimestamp);
    see(e.eventTime);
    see(e.series?.lastObservedTime);
  }
  for (const p of snapshot.pods) {
    see(p.metadata?.creationTimestamp);
    for (const c of p.status?.conditions ?? []) see(c.lastTransitionTime);
    for (const cs of [...(p.status?.containerStatuses ?? []), ...(p.status?.initContainerStatuses ?? [])]) {
      see(cs.state?.running?.startedAt);
      see(cs.state?.terminated?.finishedAt);
      see(cs.lastState?.terminated?.finishedAt);
    }
  }
  for (const d of snapshot.deployments) for (const c of d.status?.conditions ?? []) see(c.lastUpdateTime);
  return max ? new Date(max) : undefined;
}

/** "Now" for time-based rules, and a gap when it had to be inferred. */
export function snapshotNow(snapshot: Snapshot): { now: Date; gap?: string } {
  const captured = snapshot.meta.capturedAt ? new Date(snapshot.meta.capturedAt) : undefined;
  if (captured && !Number.isNaN(captured.getTime())) return { now: captured };
  const latest = latestTimestamp(snapshot);
  if (latest) {
    return {
      now: latest,
      gap: `capture time: meta.json has no capturedAt; "now" is the newest timestamp in the snapshot (${latest.toISOString()})`,
    };
  }
  return {
    now: new Date(0),
    gap: 'capture time: unknown (no capturedAt and no timestamps); time-based rules are unreliable',
  };
}

function isReady(t: AmlDeployment): boolean {
  const d = t.deployment;
  if (d) {
    const want = d.spec?.replicas ?? 1;
    const st = d.status ?? {};
    const observed = (st.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0);
    return (
      observed &&
      (st.readyReplicas ?? 0) >= want &&
      (st.updatedReplicas ?? 0) >= want &&
      (st.availableReplicas ?? 0) >= want &&
      deploymentCondition(d, 'Progressing')?.reason !== 'ProgressDeadlineExceeded'
    );
  }
  return t.pods.length > 0 && t.pods.every((p) => podCondition(p, 'Ready')?.status === 'True');
}

/**
 * Azure ML is still working on the deployment: its operation is running, or an operation was cancelled so recently
 * (or while a later one runs) that the cancel is not yet a finding.
 */
function recordInProgress(record: ServiceRecord | undefined, now: Date): boolean {
  const op = record?.operation;
  if (!record || !op) return false;
  if (op.status === 'InProgress') return true;
  const failure = recordFailure(record);
  if (!failure || !isCanceled(op, failure)) return false;
  if (/^(transitioning|updating|creating)$/i.test(record.state ?? '')) return true;
  const at = Date.parse(op.endTime ?? op.startTime ?? '');
  return !Number.isNaN(at) && now.getTime() - at < CANCEL_GRACE_MS;
}

function statusOf(
  target: AmlDeployment,
  ranked: RuleFinding[],
  hasEvidence: boolean,
  inProgress: boolean,
): Status {
  const root = ranked[0];
  if (!root || root.role === 'advisory') {
    if (!hasEvidence) return 'Unknown';
    if (inProgress) return 'Progressing';
    return isReady(target) ? 'Healthy' : 'Progressing';
  }
  if (root.code === 'ClusterUnreachable') return 'Unknown';
  if (root.code === 'DeploymentHung') return 'Hung';
  if (root.stage === 'runtime') return 'Degraded';
  return 'Failed';
}

/**
 * `DeploymentHung` means "stuck, cause unknown" (docs/CONTRACT.md §3): once a definitive cause leads the findings, the hang
 * is that cause's symptom and repeating it would only add noise.
 */
function withoutUnknownCauseHang(ranked: RuleFinding[]): RuleFinding[] {
  const root = ranked[0];
  if (!root || (root.role ?? 'cause') !== 'cause') return ranked;
  return ranked.filter((f) => f.code !== 'DeploymentHung');
}

/**
 * The "explained by" step: a consequence that names what explains it (CrashLoopBackOff: "a consequence of
 * OutOfMemory") instead of claiming no cause was found. Done here, over every rule's findings, so no rule has to run
 * other rules itself.
 */
export function explainConsequences(found: RuleFinding[]): RuleFinding[] {
  return found.map((f) => {
    if (!f.explainable) return f;
    const { codes, evidenceMarker, explained } = f.explainable;
    const labels: string[] = [];
    for (const code of codes) {
      for (const g of found) {
        if (g === f || g.code !== code || (g.role ?? 'cause') !== 'cause') continue;
        if (!g.evidence.some((e) => e.source.includes(evidenceMarker))) continue;
        const label = g.detail ? `${g.code}/${g.detail}` : g.code;
        if (!labels.includes(label)) labels.push(label);
      }
    }
    return labels.length ? { ...f, ...explained(labels) } : f;
  });
}

function toFinding(
  f: RuleFinding,
  amlCode: string | null,
  snapshot: Snapshot,
  target: AmlDeployment,
  now: Date,
): Finding {
  return {
    code: f.code,
    detail: f.detail,
    severity: f.severity,
    title: redact(f.title),
    explanation: redact(f.explanation),
    evidence: f.evidence.map((e) => ({ source: e.source, text: redact(e.text) })),
    remedy: f.remedy.map(redact),
    docs: f.docs,
    amlCode,
    since: f.since ?? findingSince(snapshot, target, f.evidence, now),
    commands: f.commands ?? findingCommands(snapshot, target, f.evidence),
  };
}

function hangAfterSeconds(opts: DiagnoseOptions): number {
  return opts.hangAfterMs !== undefined ? Math.round(opts.hangAfterMs / 1000) : DEFAULT_HANG_AFTER_SECONDS;
}

/**
 * The Azure ML code a user sees for each finding: what the rule took from the record, else (for the root cause) the
 * record's own most specific code when it reports a failure, else the documented code of the finding's class.
 */
function amlCodes(ranked: RuleFinding[], record: ServiceRecord | undefined): (string | null)[] {
  const recordCode = mostSpecificCode(recordFailure(record));
  return ranked.map((f, i) => {
    if (f.amlCode !== undefined) return f.amlCode;
    if (i === 0 && recordCode) return recordCode;
    return documentedAmlCode(f.code, f.detail);
  });
}

function diagnoseTarget(
  snapshot: Snapshot,
  target: AmlDeployment,
  now: Date,
  opts: DiagnoseOptions,
  baseGaps: string[],
): Diagnosis {
  const rules = opts.rules ?? allRules;
  const gaps = [...baseGaps];
  const found: RuleFinding[] = [];
  for (const rule of rules) {
    try {
      found.push(...rule.diagnose({ target, snapshot, now, hangAfterSeconds: hangAfterSeconds(opts) }));
    } catch (err) {
      // One broken rule must not cost the whole diagnosis: name the gap and go on.
      gaps.push(`rule ${rule.id}: failed (${err instanceof Error ? err.message : String(err)})`);
    }
  }
  const ranked = withoutUnknownCauseHang(rankFindings(explainConsequences(found)));
  // A build log counts as evidence: a service whose image is still building has no objects yet.
  const hasObjects = !!target.deployment || target.pods.length > 0 || !!snapshot.buildLog;
  if (!hasObjects && !snapshot.meta.clusterError) {
    gaps.push(`objects: no Deployment or pods of ${target.name} in the snapshot`);
  }
  // Azure ML's record of this deployment is evidence too: it is watched even with no Kubernetes objects.
  const record = recordIsFor(snapshot, target) ? snapshot.service : undefined;
  const codes = amlCodes(ranked, record);
  return {
    service: target.name,
    namespace: target.namespace,
    status: statusOf(target, ranked, hasObjects || !!record, recordInProgress(record, now)),
    findings: ranked.map((f, i) => toFinding(f, codes[i] ?? null, snapshot, target, now)),
    gaps: gaps.map(redact),
    ...(record ? { amlState: record.state ?? null, deadline: operationDeadline(record) } : {}),
    changes: revisionChanges(target),
  };
}

/**
 * The record as rules read it. A failed or cancelled operation older than the record's last success is history: no
 * rule may read its error as the deployment's current failure. A live failed write whose error only the operation
 * carries (v2: the Activity Log entry) is the record's error.
 */
function effectiveRecord(record: ServiceRecord | undefined): ServiceRecord | undefined {
  if (!record) return record;
  if (!isHistory(record)) {
    const op = record.operation;
    if (!record.error && op?.error && /^(failed|cancel+ed)$/i.test(op.status ?? ''))
      return { ...record, error: op.error };
    return record;
  }
  const { error: _error, operation, ...rest } = record;
  void _error;
  if (!operation) return rest;
  const { error: _opError, ...op } = operation;
  void _opError;
  return { ...rest, operation: op };
}

function normalised(input: Snapshot): Snapshot {
  // Every free text is redacted whole before a rule cuts anything out of it (a cut can keep a secret's tail).
  const redacted = redactSnapshot(input);
  // Snapshots built from API objects (the collector) carry MicroTimes as strings; rules compare Dates.
  return {
    ...redacted,
    events: redacted.events.map(normaliseEventTimes),
    service: effectiveRecord(redacted.service),
  };
}

/** One diagnosis per Azure ML deployment in the snapshot (or just the selected service). */
export function diagnoseSnapshot(input: Snapshot, opts: DiagnoseOptions = {}): Diagnosis[] {
  const snapshot = normalised(input);
  const { now, gap } = snapshotNow(snapshot);
  const baseGaps = [...(snapshot.meta.gaps ?? []), ...(gap ? [gap] : [])];
  return targetsOf(snapshot, opts).map((t) => diagnoseTarget(snapshot, t, now, opts, baseGaps));
}

function targetsOf(snapshot: Snapshot, opts: DiagnoseOptions): AmlDeployment[] {
  let targets = findAmlDeployments(snapshot);
  // With no deployment objects at all (a failed image build never creates any), the service record names the service.
  const selector =
    opts.service ?? snapshot.meta.service ?? (targets.length === 0 ? snapshot.service?.name : undefined);
  if (selector) {
    targets = targets.filter((t) => selectsTarget(t, selector));
    if (targets.length === 0) {
      // The named service has no objects (deleted, never created, or the cluster refused us): still diagnose it,
      // so build-log, service-record and cluster-access rules can speak, and say what is missing.
      targets = [
        { flavor: 'v1', name: selector, namespace: snapshot.meta.namespace ?? '', replicaSets: [], pods: [] },
      ];
    }
  }
  return targets;
}

/** No rollout progress for `hangAfterMs` (the same comparison the DeploymentHung rule makes). */
export function isHung(progress: { lastProgress: string }, now: Date, hangAfterMs: number): boolean {
  return now.getTime() - Date.parse(progress.lastProgress) >= hangAfterMs;
}

export interface HangInput {
  /** RFC 3339: the last time the monitor saw the rollout move (its own record of replica counts and events). */
  lastProgress: string;
  hangAfterMs: number;
}

/**
 * The monitor's hang: the engine saw nothing definitive (status Progressing) but the monitor's own record says the
 * rollout has not moved for HANG_AFTER. The finding is the engine's DeploymentHung with the same evidence it
 * gathers (what is still running and its last log line, pods, newest warnings, logs, build log, front end, record),
 * signalled by the monitor's record. Pure, like the engine.
 */
export function diagnoseHang(input: Snapshot, diagnosis: Diagnosis, hang: HangInput): Diagnosis {
  const snapshot = normalised(input);
  const { now } = snapshotNow(snapshot);
  const target =
    targetsOf(snapshot, { service: diagnosis.service }).find((t) => t.namespace === diagnosis.namespace) ??
    targetsOf(snapshot, { service: diagnosis.service })[0];
  const threshold = Math.round(hang.hangAfterMs / 1000);
  const since = new Date(hang.lastProgress);
  const idle = Math.max(0, Math.round((now.getTime() - since.getTime()) / 1000));
  const signal = {
    evidence: evidence(
      'monitor/progress',
      `no rollout progress since ${hang.lastProgress} (ready, updated and available replicas unchanged); hang threshold ${humanDuration(threshold)}`,
    ),
    since,
    what: `no rollout progress for ${humanDuration(idle)}`,
  };
  const fallback: AmlDeployment = {
    flavor: 'v1',
    name: diagnosis.service,
    namespace: diagnosis.namespace,
    replicaSets: [],
    pods: [],
  };
  const t = target ?? fallback;
  const finding = hungFinding({ target: t, snapshot, now, hangAfterSeconds: threshold }, signal);
  return {
    ...diagnosis,
    status: 'Hung',
    findings: [toFinding(finding, null, snapshot, t, now), ...diagnosis.findings],
  };
}
