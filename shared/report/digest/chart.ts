/**
 * The week chart (incidents opened per day, stacked by code) drawn with Vega-Lite, rendered to SVG headless by
 * Vega and rasterised to PNG by resvg. No network, no canvas: Vega's SVG renderer needs no DOM.
 * Text uses the machine's fonts (resvg loads system fonts); set AMLMON_CHART_FONT to a .ttf to pin one.
 */
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { DigestChart } from '../context.js';
import type { Digest } from '../../digest/types.js';

export interface ChartOptions {
  /** Font files (TTF/OTF) to use in addition to the system's. */
  fontFiles?: string[];
}

/**
 * The fixed colour of each code in the week chart, in taxonomy order (colour-blind-aware Tableau-like palette).
 * Documented in docs/delivery.md; a new code gets the next colour at the end, never shifting the others.
 */
export const CODE_COLOURS: Readonly<Record<string, string>> = {
  ImageBuildFailure: '#4e79a7',
  PodUnschedulable: '#f28e2b',
  QuotaExceeded: '#e15759',
  ImagePullFailure: '#76b7b2',
  ModelMountFailure: '#59a14f',
  ModelDownloadFailure: '#edc948',
  ContainerConfigError: '#b07aa1',
  ScoringInitFailure: '#ff9da7',
  OutOfMemory: '#9c755f',
  SlowInitProbeFailure: '#bab0ac',
  CrashLoopBackOff: '#d37295',
  ScoringRuntimeFailure: '#8cd17d',
  FrontendUnhealthy: '#b6992d',
  NodeFailure: '#499894',
  DeploymentHung: '#86bcb6',
  ClusterUnreachable: '#79706e',
  DeploymentRejected: '#f1ce63',
  ExtensionFailure: '#a0cbe8',
  ComputeAttachFailure: '#ffbe7d',
  PodCreateRejected: '#d4a6c8',
};

function codeColour(code: string): string {
  return CODE_COLOURS[code] ?? '#7f7f7f';
}

function presentCodes(digest: Digest): string[] {
  return [...new Set(digest.week.map((w) => w.code))].sort();
}

function spec(digest: Digest, width: number, height: number, title: boolean): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width,
    height,
    background: 'white',
    padding: 8,
    ...(title
      ? {
          title: {
            text: 'Incidents opened per day, by code (last 7 days)',
            fontSize: 13,
            anchor: 'start' as const,
          },
        }
      : {}),
    data: { values: digest.week.map((w) => ({ day: w.day.slice(5), code: w.code, count: w.count })) },
    mark: { type: 'bar', tooltip: false },
    encoding: {
      x: {
        field: 'day',
        type: 'ordinal',
        title: null,
        // Every day of the week shows, including days without incidents.
        scale: { domain: digest.weekDays.map((d) => d.slice(5)) },
        axis: { labelAngle: 0 },
      },
      y: {
        field: 'count',
        type: 'quantitative',
        aggregate: 'sum',
        title: 'incidents',
        axis: { tickMinStep: 1 },
      },
      color: {
        field: 'code',
        type: 'nominal',
        title: null,
        // One colour per code, the same in every render (docs/delivery.md lists them): the domain is the codes
        // present, each mapped to its fixed colour, so the legend lists only what happened.
        scale: { domain: presentCodes(digest), range: presentCodes(digest).map(codeColour) },
        legend: { orient: 'bottom', columns: 3, labelLimit: 260, symbolType: 'square' },
      },
    },
    config: {
      font: 'DejaVu Sans, Liberation Sans, Arial, sans-serif',
      view: { stroke: null },
      // Without anti-aliasing (the card's PNG) 10 px glyphs lose strokes; 12 px stays legible.
      ...(title ? {} : { axis: { labelFontSize: 12, titleFontSize: 12 }, legend: { labelFontSize: 12 } }),
    },
  };
}

export async function renderChartSvg(
  digest: Digest,
  width = 560,
  height = 180,
  title = true,
): Promise<string> {
  const compiled = compile(spec(digest, width, height, title)).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** `crisp` turns anti-aliasing off: fewer distinct colours, a PNG a third the size (for the card's byte budget). */
function rasterise(svg: string, zoom: number, opts: ChartOptions, crisp = false): Uint8Array {
  const fontFiles = [
    ...(opts.fontFiles ?? []),
    ...(process.env.AMLMON_CHART_FONT ? [process.env.AMLMON_CHART_FONT] : []),
  ];
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: zoom },
    ...(crisp ? { shapeRendering: 0 as const, textRendering: 0 as const } : {}),
    font: { loadSystemFonts: true, fontFiles, defaultFontFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}

export function chartAltText(digest: Digest): string {
  const perDay = digest.weekDays.map((d) => {
    const n = digest.week.filter((w) => w.day === d).reduce((s, w) => s + w.count, 0);
    return `${d.slice(5)}: ${n}`;
  });
  return `Incidents opened per day: ${perDay.join(', ')}`;
}

/** The email PNG (2x for sharp text) and a smaller card PNG; undefined when the week had no incidents. */
export async function renderWeekChart(
  digest: Digest,
  opts: ChartOptions = {},
): Promise<DigestChart | undefined> {
  if (digest.week.length === 0) return undefined;
  const emailSvg = await renderChartSvg(digest, 560, 180);
  // The card already says what the chart is; no title, smaller, crisp: it must fit Teams' ~20 KB with the rest.
  const cardSvg = await renderChartSvg(digest, 360, 110, false);
  return {
    emailPng: rasterise(emailSvg, 2, opts),
    cardPng: rasterise(cardSvg, 1, opts, true),
    alt: chartAltText(digest),
  };
}
