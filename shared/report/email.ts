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
import { buildIncidentView, SEVERITY_RANK, type IncidentView } from './view.js';
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

interface EmailIncident extends IncidentView {
  statusColor: string;
  evidenceHidden: number;
}

function forEmail(view: IncidentView, ctx: ReportContext): EmailIncident {
  const max = ctx.maxEvidenceLines ?? DEFAULT_MAX_EVIDENCE_LINES;
  return {
    ...view,
    evidence: view.evidence.slice(0, max),
    evidenceHidden: Math.max(0, view.evidence.length - max),
    statusColor: STATUS_COLOR[view.status] ?? '#616161',
  };
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
            `[${product}] Resolved: ${first.service} (${first.workspace}) - ${first.codeLabel}, ${first.statusLine.toLowerCase()}`,
            200,
          )
        : oneLine(
            `[${product}] Resolved: ${views.length} deployments (${views.map((v) => v.service).join(', ')})`,
            200,
          );
    const body = views
      .map((v) => resolvedTemplate(v) + actionHooks.html(n, v.fingerprint, ctx))
      .join('<hr style="border:0;border-top:1px solid #e1dfdd;margin:16px 0;">');
    const heading =
      views.length === 1 ? `Resolved: ${first.service}` : `${views.length} deployments recovered`;
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
      `[${product}] ${v.status}: ${v.service} (${v.workspace}) - ${v.codeLabel}: ${v.rootCause}`,
      200,
    );
    const html = layoutTemplate({
      subject,
      accent: v.statusColor,
      product,
      banner: `${v.status} · ${v.severity}`,
      heading: `${v.service}: ${oneLine(v.rootCause, 120)}`,
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
  const names = group.map((v) => v.service);
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
    ...group.map((v) => `- ${v.service} (${v.workspace}): ${v.statusLine} - ${v.codeLabel}: ${v.rootCause}`),
    '',
    ...group.map((v) => incidentText(v, ctx) + actionHooks.text(n, v.fingerprint, ctx)),
  ].join('\n');
  return { subject, html, text };
}

function resolvedText(v: IncidentView): string {
  return [
    `Service:   ${v.service}`,
    `Workspace: ${v.workspace}`,
    `Cluster:   ${v.cluster} (namespace ${v.namespace})`,
    `Outcome:   ${v.statusLine}`,
    `Opened:    ${v.openedAt}`,
    `Resolved:  ${v.resolvedAt ?? ''}`,
    `Was:       ${v.codeLabel}: ${v.rootCause}`,
    ...v.links.map((l) => `${l.label}: ${l.url}`),
    '',
  ].join('\n');
}
