/**
 * Headless Chromium helpers (Debian's chromium through playwright-core; nothing is downloaded): screenshots of an
 * email's HTML and of a Teams card rendered by the official `adaptivecards` JS renderer with markdown-it, as Teams
 * processes TextBlock markdown. Used by the screenshot tests and by `npm run examples`.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { CHART_CONTENT_ID, type TeamsMessage } from '../../shared/report/index.js';

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
