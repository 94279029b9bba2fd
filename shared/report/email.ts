/**
 * Email rendering: HTML (Handlebars, auto-escaped) and plain text of alerts, grouped alerts, resolved notices and
 * digests. Pure: same notification and context, same bytes.
 */
import type { Notification } from '../incidents/types.js';
import { isDigest } from '../digest/types.js';
import { renderDigestEmail } from './digest/email.js';
import { DEFAULT_MAX_EVIDENCE_LINES, type InlineAttachment, type ReportContext } from './context.js';

export type { InlineAttachment } from './context.js';
import { compile, layoutTemplate, STATUS_COLOR } from './handlebars.js';
import { formatTime, oneLine } from './format.js';
import { GROUP_BODY, INCIDENT_DETAIL, RESOLVED_BODY } from './templates.js';
import { buildIncidentView, resolvedFacts, SEVERITY_RANK, type IncidentView } from './view.js';
import { incidentText } from './text.js';
import { actionHooks } from './actions.js';

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
  inlineAttachments?: InlineAttachment[];
}

const incidentTemplate = compile(INCIDENT_DETAIL);
const groupTemplate = compile(GROUP_BODY);
const resolvedTemplate = compile(RESOLVED_BODY);

interface StyledFact {
  label: string;
  value: string;
  /** Inline CSS of the value cell (the status in its colour, the code in monospace). */
  style: string;
}

interface EmailIncident extends Omit<IncidentView, 'facts'> {
  facts: StyledFact[];
  resolvedFacts: StyledFact[];
  statusColor: string;
  evidenceHidden: number;
}

const MONO_CELL = "font-family:Consolas,'Courier New',monospace;font-size:13px;";

function styled(v: IncidentView, color: string): StyledFact[] {
  return v.facts.map((f) => ({
    ...f,
    style:
      f.label === 'Status'
        ? `color:${color};font-weight:bold;`
        : f.label === 'Code'
          ? MONO_CELL
          : f.label === 'Service' || f.label === 'Environment image'
            ? 'font-weight:bold;'
            : '',
  }));
}

function forEmail(view: IncidentView, ctx: ReportContext): EmailIncident {
  const max = ctx.maxEvidenceLines ?? DEFAULT_MAX_EVIDENCE_LINES;
  const statusColor = STATUS_COLOR[view.status] ?? '#616161';
  return {
    ...view,
    facts: styled(view, statusColor),
    resolvedFacts: resolvedFacts(view).map((f) => ({
      ...f,
      style: f.label === 'What changed' ? 'color:#237b4b;font-weight:bold;' : f.label === 'Was' ? '' : '',
    })),
    evidence: view.evidence.slice(0, max),
    evidenceHidden: Math.max(0, view.evidence.length - max),
    statusColor,
  };
}

/** ` (workspace)` when the workspace is known, nothing otherwise: never a placeholder in a subject. */
function inWorkspace(v: IncidentView): string {
  return v.workspace ? ` (${v.workspace})` : '';
}

export function renderEmail(n: Notification, ctx: ReportContext): RenderedEmail {
  const product = ctx.productName ?? 'amlmon';
  // The send time, not the decision time: "failing for 44 min" is measured at the same instant.
  const sentAt = formatTime(ctx.now, ctx.timeZone);
  const docsUrl = ctx.docsUrl ?? '';
  if (n.kind === 'digest') {
    if (!isDigest(n.digest))
      throw new Error(`notification ${n.id}: kind digest without a digest (version 1)`);
    const d = renderDigestEmail(n.digest, ctx);
    const html = layoutTemplate({
      subject: d.subject,
      accent: STATUS_COLOR.digest,
      product,
      banner: 'Daily digest',
      heading: d.heading,
      body: d.bodyHtml,
      sentAt,
      docsUrl,
    });
    return { subject: d.subject, html, text: d.text, ...(d.inline ? { inlineAttachments: [d.inline] } : {}) };
  }
  if (n.incidents.length === 0) throw new Error(`notification ${n.id}: kind ${n.kind} without incidents`);
  const views = n.incidents
    .map((i) => buildIncidentView(i, ctx))
    .sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
  const first = views[0] as IncidentView;

  if (n.kind === 'resolved') {
    const subject =
      views.length === 1
        ? oneLine(
            `[${product}] Resolved: ${first.title}${inWorkspace(first)} - ${first.codeLabel}, ${first.statusLine.toLowerCase()}`,
            200,
          )
        : oneLine(
            `[${product}] Resolved: ${views.length} deployments (${views.map((v) => v.title).join(', ')})`,
            200,
          );
    const body = views
      .map((v) => resolvedTemplate(forEmail(v, ctx)) + actionHooks.html(n, v.fingerprint, ctx))
      .join('<hr style="border:0;border-top:1px solid #e1dfdd;margin:16px 0;">');
    const heading = views.length === 1 ? `Resolved: ${first.title}` : `${views.length} deployments recovered`;
    const html = layoutTemplate({
      subject,
      accent: STATUS_COLOR.resolved,
      product,
      banner: 'Resolved',
      heading,
      body,
      sentAt,
      docsUrl,
    });
    const text = [
      heading,
      '',
      ...views.map((v) => resolvedText(v) + actionHooks.text(n, v.fingerprint, ctx)),
    ].join('\n');
    return { subject, html, text };
  }

  if (views.length === 1) {
    const v = forEmail(first, ctx);
    const subject = oneLine(
      `[${product}] ${v.status}: ${v.title}${inWorkspace(v)} - ${v.codeLabel}: ${v.rootCause}`,
      200,
    );
    const html = layoutTemplate({
      subject,
      accent: v.statusColor,
      product,
      banner: `${v.status} · ${v.severity}`,
      heading: `${v.title}: ${oneLine(v.rootCause, 120)}`,
      body: incidentTemplate(v) + actionHooks.html(n, v.fingerprint, ctx),
      sentAt,
      docsUrl,
    });
    return { subject, html, text: incidentText(v, ctx) + actionHooks.text(n, v.fingerprint, ctx) };
  }

  // `actionsHtml` is rendered (escaped) HTML from ./actions.ts, placed unescaped after each incident.
  const group = views.map((v) => ({
    ...forEmail(v, ctx),
    actionsHtml: actionHooks.html(n, v.fingerprint, ctx),
  }));
  const cluster = n.cluster ?? first.cluster;
  const names = group.map((v) => v.title);
  const shown = names.slice(0, 3).join(', ') + (names.length > 3 ? `, +${names.length - 3}` : '');
  const subject = oneLine(`[${product}] ${group.length} deployments failing on ${cluster}: ${shown}`, 200);
  const html = layoutTemplate({
    subject,
    accent: (group[0] as EmailIncident).statusColor,
    product,
    banner: `${group.length} incidents`,
    heading: `${group.length} deployments need attention`,
    body: groupTemplate({ count: group.length, cluster, incidents: group }),
    sentAt,
    docsUrl,
  });
  const text = [
    `${group.length} deployments need attention on cluster ${cluster}:`,
    ...group.map((v) => `- ${v.title}${inWorkspace(v)}: ${v.statusLine} - ${v.codeLabel}: ${v.rootCause}`),
    '',
    ...group.map((v) => incidentText(v, ctx) + actionHooks.text(n, v.fingerprint, ctx)),
  ].join('\n');
  return { subject, html, text };
}

function resolvedText(v: IncidentView): string {
  const facts = resolvedFacts(v);
  const width = Math.max(...facts.map((f) => f.label.length)) + 2;
  return [...facts.map((f) => `${`${f.label}:`.padEnd(width)}${f.value}`), ''].join('\n');
}
