/**
 * Renders the delivery examples a reviewer looks at without running anything (docs/examples/): an alert email
 * (HTML, text, PNG screenshot in headless Chromium), its Teams card (JSON, and a PNG of it rendered by the
 * `adaptivecards` JS renderer in Chromium, with markdown-it as Teams processes markdown), a digest (email HTML +
 * PNG, card JSON + PNG) and a webhook payload. Also exports the browser helpers the screenshot tests use.
 *
 * Run: `npm run build:dev && node dist-dev/test/support/renderExamples.js [outDir]` (default docs/examples).
 * Needs Debian's chromium at /usr/bin/chromium (or CHROMIUM_PATH); nothing is downloaded.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { renderWeekChart } from '../../shared/report/digest/chart.js';
import type { Notification } from '../../shared/incidents/types.js';
import {
  CHART_CONTENT_ID,
  renderEmail,
  renderTeamsCard,
  renderWebhook,
  type ReportContext,
  type TeamsMessage,
} from '../../shared/report/index.js';
import { alertSingle, baseContext, digestNotification } from '../../sim/samples.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/** Headless Debian Chromium with the flags this machine needs (no background network, no sandbox as root). */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** What a mail client does with an inline attachment: `cid:` becomes the attached image. */
export function inlineCid(html: string, png: Uint8Array | undefined): string {
  if (!png) return html;
  return html.replaceAll(
    `cid:${CHART_CONTENT_ID}`,
    `data:image/png;base64,${Buffer.from(png).toString('base64')}`,
  );
}

export interface Screenshot {
  png: Buffer;
  /** Visible text of the page, for "the key text is visible" checks. */
  text: string;
  /** Dialogs (alert/confirm) the page tried to open: must be none. */
  dialogs: string[];
  /** Every <img> with its decoded width (0 = broken image). */
  images: { alt: string; naturalWidth: number }[];
}

/** Renders HTML offline (every network request is refused) and takes a full-page screenshot. */
export async function screenshotHtml(browser: Browser, html: string, width = 760): Promise<Screenshot> {
  const page = await browser.newPage({
    viewport: { width, height: 600 },
    deviceScaleFactor: 1,
    javaScriptEnabled: true,
  });
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.route('**/*', (route) =>
    route.request().url().startsWith('data:') ? route.continue() : route.abort(),
  );
  try {
    await page.setContent(html, { waitUntil: 'load' });
    const png = await page.screenshot({ fullPage: true, type: 'png' });
    const text = String(await page.evaluate('document.body.innerText'));
    const images = (await page.evaluate(
      '[...document.images].map((i) => ({ alt: i.alt, naturalWidth: i.naturalWidth }))',
    )) as Screenshot['images'];
    return { png, text, dialogs, images };
  } finally {
    await page.close();
  }
}

const require = createRequire(import.meta.url);

/** A page that renders one Adaptive Card with the official JS renderer, Teams-like width and markdown. */
export async function cardPageHtml(message: TeamsMessage): Promise<string> {
  const adaptive = await readFile(require.resolve('adaptivecards/dist/adaptivecards.min.js'), 'utf8');
  const markdown = await readFile(
    join(require.resolve('markdown-it'), '..', '..', 'dist', 'browser', 'markdown-it.umd.min.js'),
    'utf8',
  );
  const css = await readFile(require.resolve('adaptivecards/dist/adaptivecards.css'), 'utf8').catch(() => '');
  const card = JSON.stringify(message.attachments[0]?.content).replace(/</g, '\\u003c');
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><style>${css}
body{margin:0;padding:16px;background:#f5f5f5;font-family:'Segoe UI',Helvetica,Arial,sans-serif}
#card{width:560px;background:#fff;border:1px solid #e0e0e0;border-radius:6px;overflow:hidden}</style>
<script>${markdown}</script><script>${adaptive}</script></head><body><div id="card"></div>
<script>
const md = window.markdownit({ html: false, linkify: false });
AdaptiveCards.AdaptiveCard.onProcessMarkdown = (text, result) => { result.outputHtml = md.render(text); result.didProcess = true; };
const ac = new AdaptiveCards.AdaptiveCard();
ac.hostConfig = new AdaptiveCards.HostConfig({ fontFamily: "'Segoe UI', Helvetica, Arial, sans-serif",
  containerStyles: { default: { backgroundColor: '#FFFFFF' }, emphasis: { backgroundColor: '#F5F5F5' },
    attention: { backgroundColor: '#FDE7E9' }, warning: { backgroundColor: '#FFF4CE' }, good: { backgroundColor: '#DFF6DD' }, accent: { backgroundColor: '#DEECF9' } } });
ac.parse(${card}, new AdaptiveCards.SerializationContext());
document.getElementById('card').appendChild(ac.render());
</script></body></html>`;
}

export interface PixelStats {
  width: number;
  height: number;
  /** Share of pixels that differ from the top-left (background) pixel. */
  inkRatio: number;
  /** Distinct colours among sampled pixels. */
  colours: number;
}

/** Decodes a PNG in the browser (canvas) and measures how much is drawn: a blank page has ink 0, 1 colour. */
export async function pixelStats(browser: Browser, png: Buffer): Promise<PixelStats> {
  const page = await browser.newPage();
  try {
    await page.setContent(`<img id="shot" src="data:image/png;base64,${png.toString('base64')}">`, {
      waitUntil: 'load',
    });
    return (await page.evaluate(`(() => {
      const img = document.getElementById('shot');
      const c = document.createElement('canvas');
      c.width = img.naturalWidth; c.height = img.naturalHeight;
      const g = c.getContext('2d'); g.drawImage(img, 0, 0);
      const d = g.getImageData(0, 0, c.width, c.height).data;
      const bg = d[0] + ',' + d[1] + ',' + d[2];
      let ink = 0, n = 0; const seen = new Set();
      for (let i = 0; i < d.length; i += 4 * 7) {
        const k = d[i] + ',' + d[i + 1] + ',' + d[i + 2];
        n++; if (k !== bg) ink++; if (seen.size < 5000) seen.add(k);
      }
      return { width: c.width, height: c.height, inkRatio: ink / n, colours: seen.size };
    })()`)) as PixelStats;
  } finally {
    await page.close();
  }
}

export interface ExampleFiles {
  written: string[];
}

async function writeEmail(
  browser: Browser,
  dir: string,
  name: string,
  n: Notification,
  ctx: ReportContext,
  written: string[],
): Promise<void> {
  const email = renderEmail(n, ctx);
  const html = inlineCid(email.html, ctx.chart?.emailPng);
  await writeFile(join(dir, `${name}-email.html`), html);
  await writeFile(join(dir, `${name}-email.txt`), `Subject: ${email.subject}\n\n${email.text}`);
  await writeFile(join(dir, `${name}-email.png`), (await screenshotHtml(browser, html)).png);
  const card = renderTeamsCard(n, ctx);
  await writeFile(join(dir, `${name}-teams-card.json`), `${JSON.stringify(card, null, 2)}\n`);
  await writeFile(
    join(dir, `${name}-teams-card.png`),
    (await screenshotHtml(browser, await cardPageHtml(card), 600)).png,
  );
  written.push(
    `${name}-email.html`,
    `${name}-email.txt`,
    `${name}-email.png`,
    `${name}-teams-card.json`,
    `${name}-teams-card.png`,
  );
}

export async function renderExamples(outDir: string): Promise<ExampleFiles> {
  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  const browser = await launchChromium();
  try {
    await writeEmail(browser, outDir, 'alert', alertSingle, baseContext, written);
    const chart = await renderWeekChart(digestNotification.digest as Parameters<typeof renderWeekChart>[0]);
    await writeEmail(
      browser,
      outDir,
      'digest',
      digestNotification,
      { ...baseContext, ...(chart ? { chart } : {}) },
      written,
    );
    if (chart) {
      await writeFile(join(outDir, 'digest-week-chart.png'), chart.emailPng);
      written.push('digest-week-chart.png');
    }
    await writeFile(
      join(outDir, 'alert-webhook.json'),
      `${JSON.stringify(renderWebhook(alertSingle, baseContext), null, 2)}\n`,
    );
    written.push('alert-webhook.json');
  } finally {
    await browser.close();
  }
  return { written };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const out = resolve(process.argv[2] ?? 'docs/examples');
  if (!chromiumAvailable()) {
    process.stderr.write(`renderExamples: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium)\n`);
    process.exit(2);
  }
  renderExamples(out).then(
    (r) =>
      process.stdout.write(
        `wrote ${r.written.length} files to ${out}:\n${r.written.map((f) => `  ${f}`).join('\n')}\n`,
      ),
    (err: unknown) => {
      process.stderr.write(`renderExamples failed: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
