/** Plain-text rendering of one incident (the email's text part; also what a terminal shows). */
import { DEFAULT_MAX_EVIDENCE_LINES, type ReportContext } from './context.js';
import { plainCode } from './code.js';
import type { IncidentView } from './view.js';

/** `Label:   value` lines, values aligned. */
export function factLines(v: IncidentView): string[] {
  const width = Math.max(...v.facts.map((f) => f.label.length)) + 2;
  return v.facts.map((f) => `${`${f.label}:`.padEnd(width)}${f.value}`);
}

export function incidentText(v: IncidentView, ctx: ReportContext): string {
  const max = ctx.maxEvidenceLines ?? DEFAULT_MAX_EVIDENCE_LINES;
  const lines: string[] = [
    `${v.title}: ${v.rootCause}`,
    '',
    ...factLines(v),
    '',
    'Root cause:',
    `  ${v.rootCause}`,
  ];
  if (v.explanation) lines.push(`  ${plainCode(v.explanation)}`);
  if (v.commands.length > 0) {
    lines.push('', 'Confirm it:');
    for (const c of v.commands) lines.push(`  $ ${c}`);
  }
  if (v.changes.length > 0) {
    lines.push('', 'Changed since the last ready revision:');
    for (const c of v.changes) lines.push(`  - ${c.field}: ${c.before} -> ${c.after}`);
  }
  if (v.evidence.length > 0) {
    lines.push('', 'Evidence:');
    for (const e of v.evidence.slice(0, max)) lines.push(`  [${e.source}]`, `    ${e.text}`);
    if (v.evidence.length > max)
      lines.push(`  (${v.evidence.length - max} more lines in the evidence bundle)`);
  }
  if (v.remedy.length > 0) {
    lines.push('', 'How to fix it:');
    v.remedy.forEach((r, i) => lines.push(`  ${i + 1}. ${plainCode(r)}`));
  }
  if (v.secondary.length > 0) {
    lines.push('', 'Also found:');
    for (const f of v.secondary) lines.push(`  - ${f.codeLabel} (${f.severity}): ${f.title}`);
  }
  if (v.gaps.length > 0) {
    lines.push('', 'What could not be checked:');
    for (const g of v.gaps) lines.push(`  - ${g}`);
  }
  if (v.replay) {
    lines.push(
      '',
      'Evidence bundle (download, then replay):',
      `  $ ${v.replay.download}`,
      `  $ ${v.replay.diagnose}`,
    );
  }
  if (v.links.length > 0) {
    lines.push('', 'Links:');
    for (const l of v.links) lines.push(`  ${l.label}: ${l.url}`);
  }
  if (v.evidencePath) lines.push('', `Evidence bundle: ${v.evidencePath} (replay with amlmon diagnose)`);
  lines.push('');
  return lines.join('\n');
}
