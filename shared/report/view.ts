/**
 * The channel-neutral view of a notification: everything a person should see, already redacted and clipped,
 * but not yet escaped (each channel escapes for its own syntax). Built once, rendered three ways.
 */
import type { Code, Detail, Finding, Severity, Status } from '../diagnosis/types.js';
import type { IncidentRecord } from '../incidents/types.js';
import { clip, redact } from '../text/redact.js';
import { MAX_LINE_CHARS, type ReportContext } from './context.js';
import { formatDuration, formatTime, spanMs } from './format.js';

export interface LinkView {
  label: string;
  url: string;
}

export interface EvidenceView {
  source: string;
  text: string;
}

export interface FindingView {
  codeLabel: string;
  severity: Severity;
  title: string;
}

export interface IncidentView {
  fingerprint: string;
  service: string;
  workspace: string;
  cluster: string;
  namespace: string;
  status: Status;
  /** "Failed for 2 h 14 min" or "Resolved after 2 h 14 min". */
  statusLine: string;
  duration: string;
  openedAt: string;
  resolvedAt?: string;
  severity: Severity;
  code: Code;
  detail: Detail | null;
  /** `ScoringInitFailure / MissingPythonModule`. */
  codeLabel: string;
  /** The root cause in one sentence (findings[0].title), or a sentence saying none was found. */
  rootCause: string;
  explanation: string;
  /** Decisive evidence lines of the root cause, all of them; channels choose how many to show. */
  evidence: EvidenceView[];
  remedy: string[];
  secondary: FindingView[];
  gaps: string[];
  links: LinkView[];
  /** Text of the evidence bundle location when it is not a web link (a path), for `amlmon diagnose` replay. */
  evidencePath?: string;
}

/** Cluster text is untrusted: secrets out, control characters out, one element never longer than a screen. */
export function clean(text: string, max = MAX_LINE_CHARS): string {
  // eslint-disable-next-line no-control-regex
  const noControls = text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
  return clip(redact(noControls), max);
}

/** Only absolute http(s) URLs become links; anything else (javascript:, paths) is refused. Secrets redacted. */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
  } catch {
    return undefined;
  }
  return redact(url);
}

export function codeLabel(code: string, detail: string | null): string {
  return detail ? `${code} / ${detail}` : code;
}

/** Queue messages outlive code versions: check the shape before rendering, with an error that says what is wrong. */
export function checkIncident(incident: IncidentRecord): void {
  const name = typeof incident?.fingerprint === 'string' ? incident.fingerprint : '(no fingerprint)';
  for (const field of ['cluster', 'namespace', 'service', 'code', 'openedAt'] as const) {
    if (typeof incident?.[field] !== 'string')
      throw new Error(`incident ${name}: ${field} is missing or not a string`);
  }
  const d = incident.diagnosis as Partial<IncidentRecord['diagnosis']> | undefined;
  if (!d || !Array.isArray(d.findings) || !Array.isArray(d.gaps)) {
    throw new Error(`incident ${name}: diagnosis is missing or has no findings/gaps arrays`);
  }
}

export function buildIncidentView(incident: IncidentRecord, ctx: ReportContext): IncidentView {
  checkIncident(incident);
  const diagnosis = incident.diagnosis;
  const root: Finding | undefined = diagnosis.findings[0];
  const resolved = incident.resolvedAt !== undefined;
  const ms = spanMs(incident.openedAt, incident.resolvedAt ?? ctx.now);
  const duration = formatDuration(ms);
  const statusLine = resolved ? `Resolved after ${duration}` : `${incident.status} for ${duration}`;
  const links: LinkView[] = [];
  const portal = safeUrl(incident.portalUrl);
  if (portal) links.push({ label: 'Endpoint in the Azure portal', url: portal });
  const evidenceLink = safeUrl(incident.evidenceUrl);
  if (evidenceLink) links.push({ label: 'Archived evidence bundle', url: evidenceLink });
  const seen = new Set(links.map((l) => l.url));
  for (const finding of diagnosis.findings) {
    for (const doc of finding.docs) {
      const url = safeUrl(doc);
      if (url && !seen.has(url)) {
        seen.add(url);
        links.push({ label: `Docs: ${docLabel(url)}`, url });
      }
    }
  }
  const projectDocs = safeUrl(ctx.docsUrl);
  if (projectDocs && !seen.has(projectDocs)) links.push({ label: 'amlmon documentation', url: projectDocs });
  return {
    fingerprint: clean(incident.fingerprint),
    service: clean(incident.service, 200),
    workspace: clean(incident.workspace ?? '(unknown workspace)', 200),
    cluster: clean(incident.cluster, 200),
    namespace: clean(incident.namespace, 200),
    status: incident.status,
    statusLine,
    duration,
    openedAt: formatTime(incident.openedAt, ctx.timeZone),
    ...(incident.resolvedAt ? { resolvedAt: formatTime(incident.resolvedAt, ctx.timeZone) } : {}),
    severity: root?.severity ?? 'warning',
    code: incident.code,
    detail: incident.detail,
    codeLabel: codeLabel(incident.code, incident.detail),
    rootCause: root ? clean(root.title) : `No root cause identified (status ${incident.status})`,
    explanation: root ? clean(root.explanation, 2000) : '',
    evidence: (root?.evidence ?? []).map((e) => ({ source: clean(e.source, 300), text: clean(e.text) })),
    remedy: (root?.remedy ?? []).map((r) => clean(r, 1000)),
    secondary: diagnosis.findings.slice(1).map((f) => ({
      codeLabel: codeLabel(f.code, f.detail),
      severity: f.severity,
      title: clean(f.title),
    })),
    gaps: diagnosis.gaps.map((g) => clean(g)),
    links,
    ...(incident.evidenceUrl && !evidenceLink ? { evidencePath: clean(incident.evidenceUrl) } : {}),
  };
}

/** A short readable label for a docs URL: its last path segment, dashes to spaces. */
function docLabel(url: string): string {
  const u = new URL(url);
  const last = u.pathname.split('/').filter(Boolean).pop() ?? u.hostname;
  const base = last.replace(/\.[a-z]+$/i, '').replace(/[-_]+/g, ' ');
  return `${base}${u.hash ? ` (${u.hash.slice(1).replace(/[-_]+/g, ' ')})` : ''}`;
}

/** The worst severity first; used to order grouped alerts. */
export const SEVERITY_RANK: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };
