/**
 * The channel-neutral view of a notification: everything a person should see, already redacted and clipped,
 * but not yet escaped (each channel escapes for its own syntax). Built once, rendered three ways.
 */
import type { Code, Detail, Finding, Severity, Status } from '../diagnosis/types.js';
import type { IncidentRecord } from '../incidents/types.js';
import { clip, redact } from '../text/redact.js';
import { MAX_LINE_CHARS, type ReportContext } from './context.js';
import { formatDuration, formatTime, spanMs } from './format.js';
import { evidenceReplay, type EvidenceReplay } from './replay.js';

/** The pseudo-cluster of image build incidents (a build log in the workspace's storage, no cluster yet). */
const IMAGE_BUILD_CLUSTER = 'image-builds';

/**
 * Codes that, behind another root cause, only restate it (the crash loop of a failing init(), the hang of a rollout
 * whose cause is known). They stay in the JSON and the webhook; messages leave them out.
 */
const RESTATING_CODES = new Set(['CrashLoopBackOff', 'DeploymentHung']);

/** Kubelet messages carry the pod's UID in parentheses (`pod=name_ns(3f1d...)`): noise for a person. */
const UID_IN_PARENS = /\((?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\)/gi;

function withoutUids(text: string): string {
  return text.replace(UID_IN_PARENS, '');
}

/** "09:54 UTC", with the date only when it is not the day of `ref`. */
function clockTime(iso: string, ref: string, timeZone?: string): string {
  const full = formatTime(iso, timeZone);
  const day = full.slice(0, 10);
  return day === formatTime(ref, timeZone).slice(0, 10) ? full.slice(11) : full;
}

type DiagnosisExtras = { amlState?: string | null; deadline?: string | null };

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

export interface FactView {
  label: string;
  value: string;
}

export interface ChangeView {
  field: string;
  before: string;
  after: string;
}

export interface IncidentView {
  /**
   * Who and when, in the order a person reads them: service (or image), endpoint/deployment, workspace, cluster,
   * namespace, Azure ML state, status, failing since / detected, Azure ML deadline, code. Unknown facts are left
   * out, never shown as placeholders.
   */
  facts: FactView[];
  /** Exact commands that confirm the cause (shell-quoted by the engine). */
  commands: string[];
  /** What differs from the last ready revision. */
  changes: ChangeView[];
  /** How to get and replay the archived evidence bundle. */
  replay?: EvidenceReplay;
  /** Resolved notices: what changed and when it was seen ready. */
  resolution?: string;
  /** "down for 16 min (09:54 UTC to 10:10 UTC)" for resolved notices. */
  downtime?: string;
  /** A short identity for subjects and headings: the service, or `image <id>` for an image build. */
  title: string;
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
  // Durations run from the first signal (the first crash, the last progress), not from detection.
  const since =
    root?.since && !Number.isNaN(Date.parse(root.since)) && root.since <= incident.openedAt
      ? root.since
      : undefined;
  const start = since ?? incident.openedAt;
  const ms = spanMs(start, incident.resolvedAt ?? ctx.now);
  const duration = formatDuration(ms);
  const statusLine = resolved
    ? `Resolved after ${duration}`
    : ms >= 60_000
      ? `${incident.status} for ${duration}`
      : incident.status;
  const links: LinkView[] = [];
  const portal = safeUrl(incident.portalUrl);
  if (portal) links.push({ label: 'Endpoint in the Azure portal', url: portal });
  const replay = evidenceReplay(incident.evidenceUrl, ctx.evidenceStorageAccountId);
  if (replay?.portalUrl) links.push({ label: 'Evidence storage in the Azure portal', url: replay.portalUrl });
  const evidenceLink = replay ? undefined : safeUrl(incident.evidenceUrl);
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
  const extras = diagnosis as typeof diagnosis & DiagnosisExtras;
  const image = incident.cluster === IMAGE_BUILD_CLUSTER || incident.imageId !== undefined;
  const facts: FactView[] = [];
  const fact = (label: string, value: string | null | undefined, max = 200) => {
    if (value) facts.push({ label, value: clean(value, max) });
  };
  // A build linked to its deployment (Azure ML's record runs the image) names the service as well as the image.
  const linkedService = image && incident.imageId !== undefined && incident.service !== incident.imageId;
  if (!image || linkedService) fact('Service', incident.service);
  if (image) fact('Environment image', incident.imageId ?? incident.service);
  if (incident.endpoint)
    fact(
      'Endpoint',
      `${incident.endpoint}${incident.deployment ? ` / deployment ${incident.deployment}` : ''}`,
    );
  fact('Workspace', incident.workspace);
  // A build linked to its service is keyed (and muted, acknowledged) where the service runs: say where.
  if (incident.cluster !== IMAGE_BUILD_CLUSTER) {
    fact('Cluster', incident.cluster);
    fact('Namespace', incident.namespace);
  }
  fact('Azure ML state', extras.amlState ?? undefined);
  fact('Status', statusLine);
  const detected = formatTime(incident.openedAt, ctx.timeZone);
  if (!resolved) {
    fact(
      'Failing since',
      since
        ? `${formatTime(since, ctx.timeZone)} (first signal), detected ${clockTime(incident.openedAt, since, ctx.timeZone)}`
        : `detected ${detected} (the evidence carries no earlier signal)`,
    );
    if (extras.deadline && (incident.status === 'Hung' || incident.status === 'Progressing'))
      fact('Azure ML gives up', `at ~${clockTime(extras.deadline, incident.openedAt, ctx.timeZone)}`);
  }
  fact(
    'Code',
    `${codeLabel(incident.code, incident.detail)}${root?.amlCode ? ` (Azure ML: ${root.amlCode})` : ''}`,
  );
  const changes = (extras.changes ?? []).map((c) => ({
    field: clean(c.field, 200),
    before: clean(c.before, 300),
    after: clean(c.after, 300),
  }));
  const resolution = incident.resolution
    ? clean(
        `${incident.resolution.what}${incident.resolution.readyAt ? ` (ready at ${clockTime(incident.resolution.readyAt, incident.resolvedAt ?? ctx.now, ctx.timeZone)})` : ''}`,
        400,
      )
    : undefined;
  const downtime = resolved
    ? `${formatDuration(ms)} (${formatTime(start, ctx.timeZone)}${since ? ', first signal' : ''} to ${clockTime(incident.resolvedAt ?? ctx.now, start, ctx.timeZone)})`
    : undefined;
  return {
    facts,
    title: clean(
      linkedService
        ? `${incident.service} (image ${incident.imageId})`
        : image
          ? `image ${incident.imageId ?? incident.service}`
          : incident.service,
      200,
    ),
    commands: (root?.commands ?? []).map((c) => clean(c, 1000)),
    changes,
    ...(replay ? { replay } : {}),
    ...(resolution ? { resolution } : {}),
    ...(downtime ? { downtime } : {}),
    fingerprint: clean(incident.fingerprint),
    service: clean(incident.service, 200),
    workspace: clean(incident.workspace ?? '', 200),
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
    explanation: root ? clean(withoutUids(root.explanation), 2000) : '',
    evidence: (root?.evidence ?? []).map((e) => ({
      source: clean(e.source, 300),
      text: clean(withoutUids(e.text)),
    })),
    remedy: (root?.remedy ?? []).map((r) => clean(r, 1000)),
    secondary: diagnosis.findings
      .slice(1)
      .filter((f) => !(root && f.code !== root.code && RESTATING_CODES.has(f.code)))
      .map((f) => ({
        codeLabel: codeLabel(f.code, f.detail),
        severity: f.severity,
        title: clean(f.title),
      })),
    gaps: diagnosis.gaps.map((g) => clean(g)),
    links,
    ...(incident.evidenceUrl && !evidenceLink && !replay
      ? { evidencePath: clean(incident.evidenceUrl) }
      : {}),
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

/** The resolved notice's facts: identity, what changed and when, how long it was down, what it was. */
export function resolvedFacts(v: IncidentView): FactView[] {
  const keep = new Set(['Service', 'Environment image', 'Endpoint', 'Workspace', 'Cluster', 'Namespace']);
  return [
    ...v.facts.filter((f) => keep.has(f.label)),
    ...(v.resolution ? [{ label: 'What changed', value: v.resolution }] : []),
    { label: 'Resolved', value: v.resolvedAt ?? '' },
    ...(v.downtime ? [{ label: 'Down for', value: v.downtime }] : []),
    { label: 'Was', value: `${v.codeLabel}: ${v.rootCause}` },
  ];
}
