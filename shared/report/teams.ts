/**
 * Teams rendering: an Adaptive Card 1.5 in the Workflows envelope, under the byte budget. When the full card does
 * not fit, whole elements are dropped in a fixed order (evidence lines first, then explanation, secondary findings,
 * gaps) and a visible note plus a "Full report" link say so; text is never cut in the middle of an element.
 */
import { actionHooks } from './actions.js';
import { isDigest } from '../digest/types.js';
import { renderDigestCard } from './digest/card.js';
import type { Notification } from '../incidents/types.js';
import {
  card,
  envelope,
  type CardElement,
  type ContainerStyle,
  type OpenUrlAction,
  type Spacing,
  type TeamsMessage,
  type TextBlock,
  type TextRun,
} from './cardTypes.js';
import { DEFAULT_MAX_CARD_BYTES, type ReportContext } from './context.js';
import { oneLine } from './format.js';
import { escapeCardMarkdown as md } from './markdown.js';
import { fitToBudget, heading, text, truncationNote } from './cardKit.js';
import { codeParts } from './code.js';
import { buildIncidentView, resolvedFacts, SEVERITY_RANK, type IncidentView } from './view.js';

interface Limits {
  evidence: number;
  explanation: boolean;
  secondary: number;
  gaps: number;
  remedy: number;
  /** Grouped alerts: how many incidents get a section. */
  incidents: number;
}

const FULL: Limits = { evidence: 12, explanation: true, secondary: 10, gaps: 10, remedy: 10, incidents: 10 };

/** Each step gives up a little more; the last one is small enough for any input (lines are clipped at 600). */
const LADDER: Limits[] = [
  FULL,
  { ...FULL, evidence: 8 },
  { ...FULL, evidence: 5 },
  { ...FULL, evidence: 3, explanation: false },
  { ...FULL, evidence: 3, explanation: false, secondary: 3, gaps: 3, incidents: 6 },
  { evidence: 2, explanation: false, secondary: 2, gaps: 2, remedy: 5, incidents: 4 },
  { evidence: 1, explanation: false, secondary: 0, gaps: 0, remedy: 3, incidents: 3 },
  { evidence: 0, explanation: false, secondary: 0, gaps: 0, remedy: 2, incidents: 2 },
];

export const STATUS_STYLE: Record<string, ContainerStyle> = {
  Failed: 'attention',
  Hung: 'warning',
  Degraded: 'warning',
  Unknown: 'emphasis',
  Progressing: 'accent',
  Healthy: 'good',
};

function fullReportUrl(v: IncidentView, ctx: ReportContext): string | undefined {
  return (
    ctx.fullReportUrl ??
    v.links.find((l) => l.label.startsWith('Archived evidence') || l.label.startsWith('Evidence storage'))
      ?.url ??
    v.links.find((l) => l.label.startsWith('Endpoint'))?.url
  );
}

/**
 * Facts as a FactSet. Values (image names, pod names, URLs) are copied from the card, so they carry no invisible
 * break characters: Teams wraps a long fact value by itself.
 */
function factSet(facts: ReadonlyArray<{ label: string; value: string }>): CardElement {
  return {
    type: 'FactSet',
    facts: facts.map((f) => ({ title: md(f.label), value: md(f.value) })),
  };
}

/**
 * The longest run without a break opportunity that one line of the card holds: the card is about 500 px wide
 * inside its padding, 55 to 65 monospace characters (checked in Chromium with the Adaptive Cards renderer). Blob
 * paths, image names with digests and resource ids are longer. (A phone is narrower: about 40.)
 */
export const LONG_TOKEN_CHARS = 48;

/**
 * Whether the text holds a run longer than LONG_TOKEN_CHARS with no place to wrap: browsers break lines at spaces
 * and after a hyphen followed by a letter (not inside `0000-0000`, Unicode line breaking's HY × NU).
 */
export function hasLongToken(value: string): boolean {
  return value.split(/\s+|-(?=[^\s\d-])/).some((t) => [...t].length > LONG_TOKEN_CHARS);
}

/**
 * One line of code or log text. A TextRun keeps it exactly as written (no markdown), but a RichTextBlock wraps only
 * at spaces, so a longer unbroken token would run past the card's edge and be cut off (Chromium with the Adaptive
 * Cards renderer: test/report/screenshot.test.ts). Such a line becomes a wrapping TextBlock, which breaks inside
 * words; its markdown escaping renders the same characters, so what a person copies is still the text as written
 * (no zero-width spaces).
 */
function codeLine(
  value: string,
  style: Pick<TextRun, 'size' | 'isSubtle'> & { spacing: Spacing },
): CardElement {
  const { spacing, ...run } = style;
  if (hasLongToken(value))
    return { type: 'TextBlock', text: md(value), wrap: true, fontType: 'Monospace', spacing, ...run };
  return {
    type: 'RichTextBlock',
    spacing,
    inlines: [{ type: 'TextRun', text: value, fontType: 'Monospace', ...run }],
  };
}

/**
 * Rule text with its backtick spans as monospace runs (TextRuns are plain text: no markdown, no escaping). A
 * RichTextBlock always wraps at spaces, so code is kept exactly as written: no zero-width spaces in text a person
 * copies. Text with a token too long for a line is a wrapping TextBlock instead (plain font: see codeLine).
 */
function codeAware(value: string, extra: { isSubtle?: boolean; prefix?: string } = {}): CardElement {
  const plain = codeParts(value)
    .map((p) => p.text)
    .join('');
  // The backticks go: a TextBlock cannot show part of a line as code, and a literal backtick is noise.
  if (hasLongToken(plain))
    return text(`${extra.prefix ?? ''}${plain}`, {
      spacing: 'Small',
      ...(extra.isSubtle ? { isSubtle: true } : {}),
    });
  return {
    type: 'RichTextBlock',
    spacing: 'Small',
    inlines: [
      ...(extra.prefix ? [{ type: 'TextRun' as const, text: extra.prefix }] : []),
      ...codeParts(value).map((p) => ({
        type: 'TextRun' as const,
        text: p.text,
        ...(p.code ? { fontType: 'Monospace' as const } : {}),
        ...(extra.isSubtle ? { isSubtle: true } : {}),
      })),
    ],
  };
}

/** Commands a person copies: one monospace run each, in an emphasis box. */
function commandBox(commands: string[]): CardElement {
  return {
    type: 'Container',
    style: 'emphasis',
    spacing: 'Small',
    items: commands.map((c) => codeLine(c, { size: 'Small', spacing: 'Small' })),
  };
}

function incidentSection(v: IncidentView, lim: Limits, ctx: ReportContext, notes: string[]): CardElement[] {
  const items: CardElement[] = [
    factSet(v.facts),
    heading('Root cause'),
    text(v.rootCause, { size: 'Medium', spacing: 'Small' }),
  ];
  if (lim.explanation && v.explanation) items.push(codeAware(v.explanation, { isSubtle: true }));
  if (v.commands.length > 0) {
    items.push(heading('Confirm it'));
    items.push(commandBox(v.commands));
  }
  if (v.changes.length > 0) {
    items.push(heading('Changed since the last ready revision'));
    const changes = v.changes.map((c) => ({ label: c.field, value: `${c.before} → ${c.after}` }));
    // A FactSet's value column does not break a long image name or path: such changes are lines that wrap.
    if (changes.some((c) => hasLongToken(c.value)))
      for (const c of changes) items.push(text(`${c.label}: ${c.value}`, { spacing: 'Small' }));
    else items.push(factSet(changes));
  }
  if (v.evidence.length > 0) {
    const shown = v.evidence.slice(0, lim.evidence);
    if (shown.length > 0) {
      items.push(heading('Evidence'));
      items.push({
        type: 'Container',
        style: 'emphasis',
        spacing: 'Small',
        items: shown.flatMap((e): CardElement[] => [
          codeLine(e.source, { size: 'Small', isSubtle: true, spacing: 'Small' }),
          codeLine(e.text, { spacing: 'None' }),
        ]),
      });
    }
    if (shown.length < v.evidence.length) {
      notes.push(`${v.service}: ${shown.length} of ${v.evidence.length} evidence lines shown`);
    }
  }
  if (v.remedy.length > 0) {
    items.push(heading('How to fix it'));
    // Numbered as plain text, not a markdown list: Teams clients render nested list markup inconsistently.
    v.remedy.slice(0, lim.remedy).forEach((r, i) => items.push(codeAware(r, { prefix: `${i + 1}. ` })));
    if (v.remedy.length > lim.remedy)
      notes.push(`${v.service}: ${v.remedy.length - lim.remedy} more fix steps`);
  }
  if (v.secondary.length > 0 && lim.secondary > 0) {
    items.push(heading('Also found'));
    for (const f of v.secondary.slice(0, lim.secondary)) {
      items.push(text(`${f.codeLabel} (${f.severity}): ${f.title}`, { spacing: 'Small' }));
    }
  }
  if (v.secondary.length > lim.secondary)
    notes.push(`${v.service}: ${v.secondary.length - lim.secondary} more findings`);
  if (v.gaps.length > 0 && lim.gaps > 0) {
    items.push(heading('What could not be checked'));
    for (const g of v.gaps.slice(0, lim.gaps)) items.push(text(g, { spacing: 'Small', isSubtle: true }));
  }
  if (v.gaps.length > lim.gaps) notes.push(`${v.service}: ${v.gaps.length - lim.gaps} more unchecked items`);
  if (v.replay) {
    items.push(heading('Evidence bundle: download, then replay'));
    items.push(commandBox([v.replay.download, v.replay.diagnose]));
  }
  if (v.evidencePath)
    items.push(text(`Evidence bundle: ${v.evidencePath}`, { isSubtle: true, size: 'Small' }));
  const docs = v.links.filter((l) => l.label.startsWith('Docs: '));
  if (lim.secondary > 0 && docs.length > 0) {
    items.push(heading('Docs'));
    for (const d of docs) items.push(link(d.label.slice('Docs: '.length), d.url));
  }
  return items;
}

function banner(title: string, subtitle: string, style: ContainerStyle): CardElement {
  return {
    type: 'Container',
    style,
    bleed: true,
    items: [
      text(subtitle, { size: 'Small', isSubtle: true, spacing: 'None' }),
      text(title, { size: 'Large', weight: 'Bolder', spacing: 'Small' }),
    ],
  };
}

/** Short titles: Teams cuts long action titles to a few characters. */
function actionTitle(label: string): string {
  if (label.startsWith('Endpoint')) return 'Azure portal';
  if (label.startsWith('Archived evidence') || label.startsWith('Evidence storage')) return 'Evidence bundle';
  return label;
}

/** A markdown link whose text is escaped and whose URL (already http(s)) cannot end the link early. */
function link(label: string, url: string): TextBlock {
  const safe = url.replace(
    /[()<>\s]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
  return { type: 'TextBlock', text: `[${md(label)}](${safe})`, wrap: true, spacing: 'Small' };
}

function linkActions(v: IncidentView, ctx: ReportContext): OpenUrlAction[] {
  const actions: OpenUrlAction[] = v.links
    .filter((l) => !l.label.startsWith('Docs: ') && l.label !== 'amlmon documentation')
    .map((l) => ({ type: 'Action.OpenUrl', title: actionTitle(l.label), url: l.url }));
  const full = ctx.fullReportUrl;
  if (full && !actions.some((a) => a.url === full))
    actions.unshift({ type: 'Action.OpenUrl', title: 'Full report', url: full });
  const docs = safeDocs(ctx);
  if (docs) actions.push({ type: 'Action.OpenUrl', title: 'How to read this', url: docs });
  return actions.slice(0, 5);
}

function safeDocs(ctx: ReportContext): string | undefined {
  return ctx.docsUrl && /^https?:\/\//.test(ctx.docsUrl) ? ctx.docsUrl : undefined;
}

function withNotes(body: CardElement[], notes: string[], url: string | undefined): CardElement[] {
  if (notes.length === 0) return body;
  const where = url ? 'the full report (link below)' : 'the email report and the archived evidence bundle';
  return [...body, truncationNote(`Shortened to fit Teams: ${notes.join('; ')}. See ${where}.`)];
}

function singleCard(n: Notification, v: IncidentView, lim: Limits, ctx: ReportContext): TeamsMessage {
  const product = ctx.productName ?? 'amlmon';
  const notes: string[] = [];
  const resolved = n.kind === 'resolved';
  const body: CardElement[] = resolved
    ? [banner(`Resolved: ${v.title}`, `${product} · resolved`, 'good'), factSet(resolvedFacts(v))]
    : [
        banner(
          `${v.title}: ${oneLine(v.rootCause, 120)}`,
          `${product} · ${v.status} · ${v.severity}`,
          STATUS_STYLE[v.status] ?? 'emphasis',
        ),
        ...incidentSection(v, lim, ctx, notes),
      ];
  body.push(...actionHooks.card(n, v.fingerprint, ctx));
  const url = fullReportUrl(v, ctx);
  const actions = linkActions(v, ctx);
  if (notes.length > 0 && url && !actions.some((a) => a.url === url)) {
    actions.unshift({ type: 'Action.OpenUrl', title: 'Full report', url });
  }
  const fallback = resolved ? `Resolved: ${v.title}` : `${v.status}: ${v.title} - ${v.rootCause}`;
  // A resolved notice links nothing: the docs were for the failure, and the evidence is in the alert.
  return envelope(
    card(withNotes(body, notes, url), resolved ? [] : actions.slice(0, 5), oneLine(fallback, 200)),
  );
}

function groupCard(n: Notification, views: IncidentView[], lim: Limits, ctx: ReportContext): TeamsMessage {
  const product = ctx.productName ?? 'amlmon';
  const cluster = n.cluster ?? (views[0] as IncidentView).cluster;
  const notes: string[] = [];
  const body: CardElement[] = [
    banner(`${views.length} deployments need attention`, `${product} · cluster ${cluster}`, 'attention'),
  ];
  const shown = views.slice(0, lim.incidents);
  // The grouped layout is a summary: a couple of evidence lines each. Say so once, not per incident.
  const shortened: string[] = [];
  for (const v of shown) {
    const perIncident: Limits = {
      ...lim,
      evidence: Math.min(lim.evidence, 2),
      secondary: 0,
      gaps: 0,
      explanation: false,
    };
    body.push({
      type: 'Container',
      separator: true,
      spacing: 'Large',
      items: [
        text(`${v.title} · ${v.statusLine}`, {
          weight: 'Bolder',
          size: 'Medium',
          color: v.status === 'Failed' ? 'Attention' : 'Warning',
        }),
        ...incidentSection(v, perIncident, ctx, shortened),
        ...actionHooks.card(n, v.fingerprint, ctx),
      ],
    });
    const links = v.links.filter((l) => !l.label.startsWith('Docs') && l.label !== 'amlmon documentation');
    if (links.length > 0) {
      body.push({
        type: 'ActionSet',
        actions: links
          .slice(0, 3)
          .map((l) => ({ type: 'Action.OpenUrl', title: actionTitle(l.label), url: l.url })),
      });
    }
  }
  if (shortened.length > 0) notes.push('evidence cut to the first lines per incident');
  if (views.length > shown.length) {
    notes.push(
      `${views.length - shown.length} more incidents not shown (${views
        .slice(shown.length)
        .map((v) => v.service)
        .join(', ')})`,
    );
  }
  const url = ctx.fullReportUrl;
  const actions: OpenUrlAction[] = url ? [{ type: 'Action.OpenUrl', title: 'Full report', url }] : [];
  const fallback = `${views.length} deployments need attention on ${cluster}`;
  return envelope(card(withNotes(body, notes, url), actions, fallback));
}

export function renderTeamsCard(n: Notification, ctx: ReportContext): TeamsMessage {
  const maxBytes = ctx.maxCardBytes ?? DEFAULT_MAX_CARD_BYTES;
  if (n.kind === 'digest') {
    if (!isDigest(n.digest))
      throw new Error(`notification ${n.id}: kind digest without a digest (version 1)`);
    return renderDigestCard(n.digest, ctx, maxBytes);
  }
  if (n.incidents.length === 0) throw new Error(`notification ${n.id}: kind ${n.kind} without incidents`);
  const views = n.incidents
    .map((i) => buildIncidentView(i, ctx))
    .sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
  if (views.length === 1 || n.kind === 'resolved') {
    if (n.kind === 'resolved' && views.length > 1) {
      return fitToBudget(LADDER, (lim) => resolvedGroupCard(views, lim, ctx), maxBytes);
    }
    return fitToBudget(LADDER, (lim) => singleCard(n, views[0] as IncidentView, lim, ctx), maxBytes);
  }
  return fitToBudget(LADDER, (lim) => groupCard(n, views, lim, ctx), maxBytes);
}

function resolvedGroupCard(views: IncidentView[], lim: Limits, ctx: ReportContext): TeamsMessage {
  const product = ctx.productName ?? 'amlmon';
  const shown = views.slice(0, lim.incidents * 2);
  const body: CardElement[] = [
    banner(`${views.length} deployments recovered`, `${product} · resolved`, 'good'),
    {
      type: 'FactSet',
      facts: shown.map((v) => ({
        title: md(v.title),
        value: md(
          `${v.downtime ? `down for ${v.downtime}` : v.statusLine}, was ${v.codeLabel}${v.resolution ? `; ${v.resolution}` : ''}`,
        ),
      })),
    },
  ];
  const notes = views.length > shown.length ? [`${views.length - shown.length} more not shown`] : [];
  return envelope(
    card(withNotes(body, notes, ctx.fullReportUrl), [], `${views.length} deployments recovered`),
  );
}
