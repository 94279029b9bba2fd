/**
 * The generic webhook payload: the incident(s) and their full diagnoses as JSON, versioned and documented in
 * docs/schema/webhook.schema.json. Receivers branch on `schema`; additive changes bump the minor `schemaVersion`.
 * Everything from the cluster is redacted (JSON needs no other escaping: JSON.stringify does it).
 */
import type { Digest } from '../digest/types.js';
import { isDigest } from '../digest/types.js';
import type { Diagnosis, Finding } from '../diagnosis/types.js';
import type { HoldReason, IncidentRecord, Notification, NotificationKind } from '../incidents/types.js';
import { redact } from '../text/redact.js';
import type { ReportContext } from './context.js';
import { muteInForce } from './actions.js';
import { oneLine } from './format.js';
import { checkIncident, codeLabel } from './view.js';

export const WEBHOOK_SCHEMA = 'amlmon.webhook/v1';
export const WEBHOOK_SCHEMA_VERSION = '1.2';

export interface WebhookIncident {
  fingerprint: string;
  cluster: string;
  workspace: string | null;
  namespace: string;
  service: string;
  code: IncidentRecord['code'];
  detail: IncidentRecord['detail'];
  status: IncidentRecord['status'];
  openedAt: string;
  resolvedAt: string | null;
  lastNotifiedAt: string | null;
  /** Seconds from openedAt to resolvedAt, or to the notification time while open. */
  durationSeconds: number;
  evidenceUrl: string | null;
  portalUrl: string | null;
  diagnosis: Diagnosis;
  /** 1.1: the root cause's first signal (RFC 3339), null when unknown. */
  since: string | null;
  /** 1.1: v2 endpoint and deployment names, null when not v2 or unknown. */
  endpoint: string | null;
  deployment: string | null;
  /** 1.1: on resolved notices, what changed and when the deployment was seen ready. */
  resolution: { what: string; readyAt: string | null } | null;
  /** 1.2: who acknowledged the incident, when and why (no repeats since); null when nobody did. */
  ack: { by: string; at: string; reason: string | null } | null;
  /** 1.2: the service's mute as the email and card show it; `inForce` is false once a timed mute ran out. */
  mute: {
    by: string;
    at: string;
    reason: string | null;
    silenceId: string;
    until: string | null;
    untilResolved: boolean;
    inForce: boolean;
  } | null;
  /** 1.2: why its alerts are held back now (a silence or mute, or the platform incident that explains it). */
  held: WebhookHold | null;
  /** 1.2: the hold that ended just before this alert (why the alert comes now). */
  released: WebhookHold | null;
  /** 1.2: services whose alerts this platform incident holds back (inhibition). */
  covers: string[];
}

export interface WebhookHold {
  since: string;
  /** The silence or mute that holds it, or null. */
  silenceId: string | null;
  /** The fingerprint of the platform incident that explains it (inhibition), or null. */
  inhibitedBy: string | null;
  /** One line for people, e.g. "muted by ana@contoso.com until 2026-11-26T12:00:00.000Z". */
  text: string;
}

export interface WebhookPayload {
  schema: typeof WEBHOOK_SCHEMA;
  schemaVersion: typeof WEBHOOK_SCHEMA_VERSION;
  id: string;
  kind: NotificationKind;
  at: string;
  cluster: string | null;
  /** One human-readable line (for chat relays that show only text). */
  summary: string;
  incidents: WebhookIncident[];
  digest: Digest | null;
}

// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

function r(text: string): string {
  return redact(text.replace(CONTROLS, ''));
}

function redactFinding(f: Finding): Finding {
  return {
    code: f.code,
    detail: f.detail,
    severity: f.severity,
    title: r(f.title),
    explanation: r(f.explanation),
    evidence: f.evidence.map((e) => ({ source: r(e.source), text: r(e.text) })),
    remedy: f.remedy.map(r),
    docs: f.docs.map(r),
    ...(f.since !== undefined ? { since: f.since } : {}),
    ...(f.commands ? { commands: f.commands.map(r) } : {}),
  };
}

function hold(h: HoldReason | undefined): WebhookHold | null {
  if (!h) return null;
  return {
    since: h.since,
    silenceId: h.silenceId === undefined ? null : r(h.silenceId),
    inhibitedBy: h.inhibitedBy === undefined ? null : r(h.inhibitedBy),
    text: r(h.text),
  };
}

function incident(i: IncidentRecord, at: string): WebhookIncident {
  checkIncident(i);
  const end = Date.parse(i.resolvedAt ?? at);
  const seconds = Math.max(0, Math.round((end - Date.parse(i.openedAt)) / 1000));
  return {
    fingerprint: r(i.fingerprint),
    cluster: r(i.cluster),
    workspace: i.workspace === undefined ? null : r(i.workspace),
    namespace: r(i.namespace),
    service: r(i.service),
    code: i.code,
    detail: i.detail,
    status: i.status,
    openedAt: i.openedAt,
    resolvedAt: i.resolvedAt ?? null,
    lastNotifiedAt: i.lastNotifiedAt ?? null,
    durationSeconds: Number.isFinite(seconds) ? seconds : 0,
    evidenceUrl: i.evidenceUrl === undefined ? null : r(i.evidenceUrl),
    portalUrl: i.portalUrl === undefined ? null : r(i.portalUrl),
    diagnosis: {
      service: r(i.diagnosis.service),
      namespace: r(i.diagnosis.namespace),
      status: i.diagnosis.status,
      findings: i.diagnosis.findings.map(redactFinding),
      gaps: i.diagnosis.gaps.map(r),
      ...(i.diagnosis.changes !== undefined
        ? {
            changes:
              i.diagnosis.changes?.map((c) => ({
                field: r(c.field),
                before: r(c.before),
                after: r(c.after),
              })) ?? null,
          }
        : {}),
    },
    since: i.diagnosis.findings[0]?.since ?? null,
    endpoint: i.endpoint === undefined ? null : r(i.endpoint),
    deployment: i.deployment === undefined ? null : r(i.deployment),
    resolution: i.resolution ? { what: r(i.resolution.what), readyAt: i.resolution.readyAt ?? null } : null,
    ack: i.ack ? { by: r(i.ack.by), at: i.ack.at, reason: i.ack.reason ? r(i.ack.reason) : null } : null,
    mute: i.mute
      ? {
          by: r(i.mute.by),
          at: i.mute.at,
          reason: i.mute.reason ? r(i.mute.reason) : null,
          silenceId: r(i.mute.silenceId),
          until: i.mute.until ?? null,
          untilResolved: i.mute.untilResolved === true,
          inForce: muteInForce(i, at),
        }
      : null,
    held: hold(i.held),
    released: hold(i.released),
    covers: (i.covers ?? []).map(r),
  };
}

function summary(n: Notification, incidents: WebhookIncident[], digest: Digest | null): string {
  if (n.kind === 'digest') {
    if (!digest) return 'Daily digest';
    if (digest.quiet) return `Daily digest: all quiet (${digest.weekDays.at(-1) ?? ''})`;
    const o = digest.overall;
    return `Daily digest: ${o.deployments.attempted} deployments (${o.deployments.succeeded} succeeded, ${o.deployments.failed} failed, ${o.deployments.hung} hung), ${o.incidentsOpened} incidents opened`;
  }
  const first = incidents[0];
  if (!first) return `${n.kind}: no incidents`;
  const label = codeLabel(first.code, first.detail);
  const title = first.diagnosis.findings[0]?.title ?? first.status;
  if (n.kind === 'resolved') {
    return oneLine(
      incidents.length === 1
        ? `Resolved: ${first.service} (${label})`
        : `Resolved: ${incidents.length} deployments`,
      300,
    );
  }
  return oneLine(
    incidents.length === 1
      ? `${first.status}: ${first.service} - ${label}: ${title}`
      : `${incidents.length} deployments need attention on ${n.cluster ?? first.cluster}`,
    300,
  );
}

export function renderWebhook(n: Notification, _ctx: ReportContext): WebhookPayload {
  const incidents = n.incidents.map((i) => incident(i, n.at));
  const digest = n.kind === 'digest' && isDigest(n.digest) ? n.digest : null;
  if (n.kind === 'digest' && !digest)
    throw new Error(`notification ${n.id}: kind digest without a digest (version 1)`);
  return {
    schema: WEBHOOK_SCHEMA,
    schemaVersion: WEBHOOK_SCHEMA_VERSION,
    id: n.id,
    kind: n.kind,
    at: n.at,
    cluster: n.cluster === undefined ? null : r(n.cluster),
    summary: summary(n, incidents, digest),
    incidents,
    digest,
  };
}
