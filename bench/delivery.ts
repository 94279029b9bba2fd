/**
 * Delivery benchmark: rendering cost and output size per channel, the week chart, and a send round trip to the
 * loopback stand-ins. Writes the section `## Delivery` of docs/BENCHMARKS.md.
 * Run: `npm run build && node dist/bench/delivery.js` (or `npm run bench delivery`).
 */
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { renderWeekChart } from '../shared/report/digest/chart.js';
import type { Digest } from '../shared/digest/types.js';
import type { Notification } from '../shared/incidents/types.js';
import { createSender } from '../shared/notify/index.js';
import { messageBytes, renderEmail, renderTeamsCard, renderWebhook } from '../shared/report/index.js';
import { alertGroup, alertSingle, baseContext, digestNotification, hugeAlert } from '../sim/samples.js';
import { startAcsStandIn } from '../sim/standins/acsEmail.js';
import { startTeamsStandIn } from '../sim/standins/teams.js';
import { upperMedian, writeBenchSection } from './support.js';

function timeSync(fn: () => void, iterations: number): number {
  for (let i = 0; i < 20; i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t = performance.now();
    fn();
    samples.push(performance.now() - t);
  }
  return upperMedian(samples);
}

async function timeAsync(fn: () => Promise<unknown>, iterations: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return upperMedian(samples);
}

const us = (ms: number): string => `${Math.round(ms * 1000)} µs`;
const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`;

async function main(): Promise<void> {
  const rows: string[] = [];
  const cases: [string, Notification][] = [
    ['alert, 1 incident', alertSingle],
    ['alert, 2 incidents grouped', alertGroup],
    ['alert, 200 evidence lines', hugeAlert],
    ['digest (no chart)', digestNotification],
  ];
  for (const [name, n] of cases) {
    const email = renderEmail(n, baseContext);
    const card = renderTeamsCard(n, baseContext);
    const hook = JSON.stringify(renderWebhook(n, baseContext));
    rows.push(
      `| ${name} | ${us(timeSync(() => renderEmail(n, baseContext), 300))} / ${kb(Buffer.byteLength(email.html))} | ` +
        `${us(timeSync(() => renderTeamsCard(n, baseContext), 300))} / ${kb(messageBytes(card))} | ` +
        `${us(timeSync(() => renderWebhook(n, baseContext), 300))} / ${kb(Buffer.byteLength(hook))} |`,
    );
  }
  const digest = digestNotification.digest as Digest;
  const coldStart = performance.now();
  const chart = await renderWeekChart(digest);
  const cold = performance.now() - coldStart;
  const warm = await timeAsync(() => renderWeekChart(digest), 10);
  const withChart = renderTeamsCard(digestNotification, { ...baseContext, ...(chart ? { chart } : {}) });

  const acs = await startAcsStandIn();
  const teams = await startTeamsStandIn();
  let k = 0;
  const email = createSender({
    kind: 'email',
    connectionString: acs.connectionString,
    caCert: acs.caCert,
    senderAddress: 'DoNotReply@amlmon.example',
    recipients: [{ to: ['oncall@example.com'] }],
    pollIntervalMs: 0,
    throttle: [],
  });
  const teamsSender = createSender({ kind: 'teams', url: teams.url, throttle: [] });
  const emailMs = await timeAsync(() => email.send({ ...alertSingle, id: `bench-${k++}` }), 30);
  const teamsMs = await timeAsync(() => teamsSender.send(alertSingle), 30);
  await acs.close();
  await teams.close();

  const md = [
    '## Delivery',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} on this machine (${cpus().length} cores, Node ${process.version}) by \`bench/delivery.ts\`.`,
    'Render times are the median of 300 calls after warm-up (pure functions, one core); sizes are the HTML email,',
    'the whole Teams message as sent, and the webhook body. The Teams budget is 20 KB.',
    '',
    '| notification | email: time / size | Teams card: time / size | webhook: time / size |',
    '|---|---|---|---|',
    ...rows,
    '',
    `Week chart (Vega-Lite → SVG → resvg PNG): first render ${Math.round(cold)} ms (module warm-up), then ${Math.round(warm)} ms median;`,
    `email PNG ${kb(chart?.emailPng.length ?? 0)}, card PNG ${kb(chart?.cardPng?.length ?? 0)}; the digest card with the chart image is ${kb(messageBytes(withChart))}.`,
    '',
    `Send round trip to the loopback stand-ins (median of 30, includes rendering and a new TLS connection):`,
    `email via \`@azure/communication-email\` (POST + one status poll) ${Math.round(emailMs)} ms; Teams POST ${Math.round(teamsMs)} ms.`,
    'Real ACS and Workflows add network latency and their own queues; the local limits (30/min, 100/h for email;',
    '4/s, 60/30 s, 100/h for Teams) dominate throughput long before rendering does.',
    '',
  ].join('\n');
  process.stdout.write(`${md}\n`);
  await writeBenchSection('## Delivery', md);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench/delivery failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
