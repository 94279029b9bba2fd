/** The digest's email parts: subject, body HTML (for the common layout), plain text, inline chart. */
import type { InlineAttachment, ReportContext } from '../context.js';
import { compile } from '../handlebars.js';
import { DIGEST_BODY } from './emailTemplate.js';
import type { Digest } from '../../digest/types.js';
import { buildDigestView, type DigestView } from './view.js';

const bodyTemplate = compile(DIGEST_BODY);

export interface DigestEmailParts {
  subject: string;
  heading: string;
  bodyHtml: string;
  text: string;
  inline?: InlineAttachment;
}

function text(v: DigestView): string {
  const lines = [v.heading, '', v.stale ? `WARNING: the monitor looks stale. ${v.alive}` : v.alive];
  if (v.unreachable) lines.push(`Unreachable clusters: ${v.unreachable}`);
  lines.push(`Window: ${v.window}`, '');
  if (v.quiet) {
    lines.push('All quiet: no deployments were started and no incidents were open in the last 24 hours.');
    return lines.join('\n') + '\n';
  }
  lines.push(
    'Workspace | attempted | succeeded | failed | hung | incidents opened | resolved | time to healthy (median / p90)',
  );
  for (const r of [...v.workspaces, v.overall]) {
    lines.push(
      `${r.workspace} | ${r.attempted} | ${r.succeeded} | ${r.failed} | ${r.hung} | ${r.opened} | ${r.resolved} | ${r.medianTth} / ${r.p90Tth}`,
    );
  }
  if (v.unassigned) lines.push(v.unassigned);
  if (v.byCode.length > 0)
    lines.push('', 'Incidents opened, by code:', ...v.byCode.map((c) => `  ${c.label}: ${c.count}`));
  if (v.longestOpen.length > 0) {
    lines.push('', 'Longest-running open incidents:');
    for (const i of v.longestOpen)
      lines.push(
        `  ${i.service}${i.workspace ? ` (${i.workspace})` : ''} ${i.label}: open for ${i.openFor} (since ${i.since})`,
      );
  }
  if (v.repeated.length > 0) {
    lines.push('', 'Services failing repeatedly:');
    for (const r of v.repeated)
      lines.push(
        `  ${r.service}${r.workspace ? ` (${r.workspace})` : ''}: ${r.count} incidents (${r.codes})`,
      );
  }
  if (v.chart) lines.push('', v.chart.alt);
  return lines.join('\n') + '\n';
}

export function renderDigestEmail(d: Digest, ctx: ReportContext): DigestEmailParts {
  const v = buildDigestView(d, ctx);
  return {
    subject: v.subject,
    heading: v.heading,
    bodyHtml: bodyTemplate(v),
    text: text(v),
    ...(ctx.chart && v.chart
      ? {
          inline: {
            name: 'week.png',
            contentType: 'image/png',
            contentId: v.chart.cid,
            contentInBase64: Buffer.from(ctx.chart.emailPng).toString('base64'),
          },
        }
      : {}),
  };
}
