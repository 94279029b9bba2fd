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
