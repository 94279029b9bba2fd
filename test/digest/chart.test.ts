import { describe, expect, test } from 'vitest';
import { chartAltText, renderChartSvg, renderWeekChart } from '../../shared/report/digest/chart.js';
import { computeDigest } from '../../shared/digest/compute.js';
import { sampleDigest } from '../../sim/samples.js';

function pngSize(png: Uint8Array): { width: number; height: number } {
  const b = Buffer.from(png);
  expect(b.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

describe('week chart', () => {
  test('Vega-Lite draws one bar segment per day and code, every day on the axis', async () => {
    const svg = await renderChartSvg(sampleDigest);
    for (const day of sampleDigest.weekDays) expect(svg).toContain(`>${day.slice(5)}</text>`);
    const bars = svg.match(/role-mark marks[^>]*>[\s\S]*?<\/g>/)?.[0].match(/<path /g) ?? [];
    expect(bars.length).toBe(sampleDigest.week.length);
  });

  test('email PNG is 2x (sharp), the card PNG small enough for the Teams budget', async () => {
    const chart = await renderWeekChart(sampleDigest);
    expect(chart).toBeDefined();
    const email = pngSize(chart!.emailPng);
    const card = pngSize(chart!.cardPng!);
    expect(email.width).toBeGreaterThan(1000);
    expect(card.width).toBeLessThan(700);
    expect(chart!.cardPng!.length).toBeLessThan(9_000);
    expect(chart!.alt).toBe(chartAltText(sampleDigest));
    expect(chart!.alt).toContain('11-26: 3');
  });

  test('a week without incidents has no chart', async () => {
    const empty = computeDigest({
      now: '2026-11-26T08:00:00Z',
      deployments: [],
      incidents: [],
      lastSweep: { clustersReachable: [], clustersUnreachable: [] },
    });
    expect(await renderWeekChart(empty)).toBeUndefined();
  });
});

describe('week chart colours', () => {
  test('every code of the taxonomy has its own fixed colour', async () => {
    const { CODE_COLOURS } = await import('../../shared/report/digest/chart.js');
    const { CODE_DETAILS } = await import('../../shared/diagnosis/types.js');
    for (const code of Object.keys(CODE_DETAILS)) expect(CODE_COLOURS[code], code).toMatch(/^#[0-9a-f]{6}$/);
    const colours = Object.values(CODE_COLOURS);
    expect(new Set(colours).size).toBe(colours.length);
  });

  test('a code keeps its colour whatever else happened that week', async () => {
    const { renderChartSvg, CODE_COLOURS } = await import('../../shared/report/digest/chart.js');
    const base = {
      version: 1,
      weekDays: [
        '2026-11-20',
        '2026-11-21',
        '2026-11-22',
        '2026-11-23',
        '2026-11-24',
        '2026-11-25',
        '2026-11-26',
      ],
    };
    const one = await renderChartSvg({
      ...base,
      week: [{ day: '2026-11-26', code: 'ImageBuildFailure', count: 1 }],
    } as never);
    const two = await renderChartSvg({
      ...base,
      week: [
        { day: '2026-11-26', code: 'DeploymentHung', count: 1 },
        { day: '2026-11-26', code: 'ImageBuildFailure', count: 2 },
      ],
    } as never);
    for (const svg of [one, two]) expect(svg.toLowerCase()).toContain(CODE_COLOURS.ImageBuildFailure);
    expect(two.toLowerCase()).toContain(CODE_COLOURS.DeploymentHung);
  });
});
