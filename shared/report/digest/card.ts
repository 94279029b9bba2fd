/**
 * The digest as a Teams card. The week chart goes in as an Image with a PNG data URI when the card stays under
 * the budget; otherwise the same numbers go in as a Table (Adaptive Card 1.5), so the card never breaks the limit.
 */
import {
  card,
  envelope,
  type CardElement,
  type Table,
  type TableCell,
  type TeamsMessage,
} from '../cardTypes.js';
import type { ReportContext } from '../context.js';
import { escapeCardMarkdown as md } from '../markdown.js';
import { fitToBudget, heading, text, truncationNote } from '../cardKit.js';
import type { Digest } from '../../digest/types.js';
import { buildDigestView, type DigestView } from './view.js';

interface DigestLimits {
  chart: 'image' | 'table' | 'none';
  rows: number;
}

const LADDER: DigestLimits[] = [
  { chart: 'image', rows: 10 },
  { chart: 'table', rows: 10 },
  { chart: 'table', rows: 5 },
  { chart: 'none', rows: 5 },
  { chart: 'none', rows: 2 },
];

function cell(value: string, bold = false): TableCell {
  return {
    type: 'TableCell',
    items: [text(value, bold ? { weight: 'Bolder', spacing: 'None' } : { spacing: 'None' })],
  };
}

function table(header: string[], rows: string[][], widths: number[]): Table {
  return {
    type: 'Table',
    columns: widths.map((width) => ({ width })),
    firstRowAsHeader: true,
    showGridLines: true,
    rows: [
      { type: 'TableRow', style: 'emphasis', cells: header.map((h) => cell(h, true)) },
      ...rows.map((r) => ({ type: 'TableRow' as const, cells: r.map((c) => cell(c)) })),
    ],
  };
}

function weekTable(d: Digest): Table {
  return table(
    ['Day', 'Incidents', 'By code'],
    d.weekDays.map((day) => {
      const counts = d.week.filter((w) => w.day === day);
      const total = counts.reduce((s, w) => s + w.count, 0);
      return [day, String(total), counts.map((w) => `${w.code} ${w.count}`).join(', ') || '-'];
    }),
    [2, 1, 5],
  );
}

function body(
  d: Digest,
  v: DigestView,
  lim: DigestLimits,
  ctx: ReportContext,
  product: string,
): CardElement[] {
  const notes: string[] = [];
  const items: CardElement[] = [
    {
      type: 'Container',
      style: v.stale ? 'attention' : 'accent',
      bleed: true,
      items: [
        text(`${product} · daily digest`, { size: 'Small', isSubtle: true, spacing: 'None' }),
        text(v.heading, { size: 'Large', weight: 'Bolder', spacing: 'Small' }),
      ],
    },
    text(v.stale ? `Warning: the monitor looks stale. ${v.alive}` : v.alive, {
      color: v.stale ? 'Attention' : 'Good',
      spacing: 'Small',
    }),
  ];
  if (v.unreachable)
    items.push(text(`Unreachable clusters: ${v.unreachable}`, { color: 'Attention', spacing: 'Small' }));
  if (v.quiet) {
    items.push(
      text('All quiet: no deployments were started and no incidents were open in the last 24 hours.'),
    );
  } else {
    const o = v.overall;
    items.push({
      type: 'FactSet',
      facts: [
        {
          title: 'Deployments',
          value: md(`${o.attempted} attempted: ${o.succeeded} succeeded, ${o.failed} failed, ${o.hung} hung`),
        },
        { title: 'Incidents', value: md(`${o.opened} opened, ${o.resolved} resolved`) },
        { title: 'Time to healthy', value: md(`median ${o.medianTth}, p90 ${o.p90Tth}`) },
      ],
    });
    if (v.workspaces.length > 0) {
      items.push(heading('Per workspace'));
      const rows = v.workspaces.slice(0, lim.rows);
      items.push(
        table(
          ['Workspace', 'Deploys', 'Failed/Hung', 'Incidents'],
          rows.map((w) => [
            w.workspace,
            `${w.succeeded}/${w.attempted} ok`,
            `${w.failed}/${w.hung}`,
            String(w.opened),
          ]),
          [3, 2, 2, 2],
        ),
      );
      if (v.workspaces.length > rows.length)
        notes.push(`${v.workspaces.length - rows.length} more workspaces`);
    }
    if (v.byCode.length > 0) {
      items.push(heading('Incidents by code'));
      for (const c of v.byCode.slice(0, lim.rows))
        items.push(text(`${c.count} × ${c.label}`, { spacing: 'Small' }));
      if (v.byCode.length > lim.rows) notes.push(`${v.byCode.length - lim.rows} more codes`);
    }
    if (v.longestOpen.length > 0) {
      items.push(heading('Longest-running open incidents'));
      for (const i of v.longestOpen.slice(0, lim.rows)) {
        items.push(
          text(`${i.service} (${i.workspace}): ${i.label}, open for ${i.openFor}`, { spacing: 'Small' }),
        );
      }
    }
    if (v.repeated.length > 0) {
      items.push(heading('Services failing repeatedly'));
      for (const r of v.repeated.slice(0, lim.rows)) {
        items.push(
          text(`${r.service} (${r.workspace}): ${r.count} incidents (${r.codes})`, { spacing: 'Small' }),
        );
      }
    }
  }
  if (d.week.length > 0) {
    if (lim.chart === 'image' && ctx.chart?.cardPng) {
      items.push(heading('The week'));
      items.push({
        type: 'Image',
        url: `data:image/png;base64,${Buffer.from(ctx.chart.cardPng).toString('base64')}`,
        altText: ctx.chart.alt,
        size: 'Stretch',
      });
    } else if (lim.chart !== 'none') {
      items.push(heading('The week (incidents opened per day)'));
      items.push(weekTable(d));
    } else {
      notes.push('the week chart');
    }
  }
  if (notes.length > 0)
    items.push(
      truncationNote(
        `Shortened to fit Teams: ${notes.join('; ')} left out. The email digest has everything.`,
      ),
    );
  return items;
}

export function renderDigestCard(d: Digest, ctx: ReportContext, maxBytes: number): TeamsMessage {
  const product = ctx.productName ?? 'amlmon';
  const v = buildDigestView(d, ctx);
  const docs = ctx.docsUrl
    ? [{ type: 'Action.OpenUrl' as const, title: 'amlmon documentation', url: ctx.docsUrl }]
    : [];
  return fitToBudget(
    LADDER,
    (lim) => envelope(card(body(d, v, lim, ctx, product), docs, v.subject)),
    maxBytes,
  );
}
