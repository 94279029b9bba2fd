/** Builds the ReportContext for one send: settings + the clock + (for digests) the rendered week chart. */
import { isDigest } from '../digest/types.js';
import type { Notification } from '../incidents/types.js';
import type { ReportContext } from '../report/context.js';
import type { ReportSettings } from './config.js';

export async function reportContextFor(
  n: Notification,
  settings: ReportSettings | undefined,
  nowMs: number,
): Promise<ReportContext> {
  const ctx: ReportContext = { ...settings, now: new Date(nowMs).toISOString() };
  if (n.kind === 'digest' && isDigest(n.digest)) {
    // Loaded only for digests: Vega and resvg are heavy and alerts must not pay for them at cold start.
    const { renderWeekChart } = await import('../report/digest/chart.js');
    const chart = await renderWeekChart(n.digest);
    if (chart) ctx.chart = chart;
  }
  return ctx;
}
