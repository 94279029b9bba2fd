/**
 * `npm run examples`: regenerates docs/examples/ from what the product delivers for the demo scenario. It runs the
 * real CLI (`amlmon simulate examples/demo --out <dir>`: Azurite, the scenario cluster, the real handlers and
 * renderers, the ACS and Teams stand-ins), copies every received message as it is, and adds a Chromium screenshot
 * of each email and Teams card. Deterministic: the scenario fixes the clock and the names, and the evidence bundle
 * is named by its blob path, not by the stand-in's port. Nothing here is hand-written.
 *
 * Run: `npm run examples` (builds dist-dev first). Needs Debian's chromium (CHROMIUM_PATH); nothing is downloaded.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { TeamsMessage } from '../../shared/report/index.js';
import { cardPageHtml, chromiumAvailable, CHROMIUM_PATH, launchChromium, screenshotHtml } from './browser.js';

const run = promisify(execFile);
/** The repository root: the nearest directory up from this file with a package.json (source or dist-dev). */
function repoRoot(): string {
  let dir = import.meta.dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}
const ROOT = repoRoot();
export const DEMO_SCENARIO = join(ROOT, 'examples', 'demo');
export const EXAMPLES_DIR = join(ROOT, 'docs', 'examples');
/** The CLI as built next to this file (dist-dev/cli/bin.js when run from dist-dev). */
const CLI = resolve(import.meta.dirname, '..', '..', 'cli', 'bin.js');

/**
 * Every message the demo delivered, as `amlmon simulate --out` wrote it: the built CLI when there is one next to
 * this file (npm run examples), else the same command's code in-process (a test running from source).
 */
export async function simulateDemo(outDir: string, scenario = DEMO_SCENARIO): Promise<string[]> {
  if (existsSync(CLI)) {
    await run(process.execPath, [CLI, 'simulate', scenario, '--out', outDir], {
      timeout: 300_000,
      maxBuffer: 16 * 1024 * 1024,
    });
  } else {
    const { runSimulate } = await import('../../cli/commands/simulate.js');
    await runSimulate(scenario, { out: outDir });
  }
  return (await readdir(outDir)).sort();
}

/** The email page as a mail client shows it: the chart file it references inlined (the page loads nothing). */
async function withInlineImages(dir: string, html: string): Promise<string> {
  let out = html;
  for (const m of html.matchAll(/src="([^"/:]+\.png)"/g)) {
    const file = m[1] ?? '';
    const png = await readFile(join(dir, file));
    out = out.replaceAll(`src="${file}"`, `src="data:image/png;base64,${png.toString('base64')}"`);
  }
  return out;
}

function titleOf(file: string, content: string): string {
  if (file.endsWith('.html'))
    return /<title>([^<]*)<\/title>/.exec(content)?.[1]?.replace(/&#x27;/g, "'") ?? file;
  if (file.endsWith('.json')) {
    const card = JSON.parse(content) as TeamsMessage & { summary?: string };
    return card.attachments?.[0]?.content.fallbackText ?? card.summary ?? file;
  }
  return '';
}

function readme(rows: Array<{ file: string; what: string }>): string {
  return [
    '# Rendered delivery examples',
    '',
    'Produced by `npm run examples`: the demo scenario (`examples/demo/`) run through `amlmon simulate --out`, which',
    'drives the real handlers and renderers against Azurite, the scenario cluster and the ACS and Teams stand-ins, and',
    'writes every message as the stand-ins received it. The PNGs are screenshots from headless Chromium (the Teams',
    'ones render the card with the `adaptivecards` JS renderer and markdown-it, as Teams does). Nothing here is',
    'written by hand; a test fails when these files differ from a fresh run.',
    '',
    '| file | what |',
    '|---|---|',
    ...rows.map((r) => `| \`${r.file}\` | ${r.what.replace(/\|/g, '\\|')} |`),
    '',
  ].join('\n');
}

export interface ExamplesOptions {
  /** Take screenshots (default true); the freshness test compares the text files only. */
  screenshots?: boolean;
  scenario?: string;
}

/** Writes the examples to `outDir` (replacing what is there) and returns the file names. */
export async function generateExamples(outDir: string, opts: ExamplesOptions = {}): Promise<string[]> {
  const work = await mkdtemp(join(tmpdir(), 'amlmon-examples-'));
  try {
    const messages = join(work, 'messages');
    const files = await simulateDemo(messages, opts.scenario);
    await rm(outDir, { recursive: true, force: true });
    await mkdir(outDir, { recursive: true });
    const rows: Array<{ file: string; what: string }> = [];
    for (const f of files) {
      await copyFile(join(messages, f), join(outDir, f));
      const what = f.endsWith('.png')
        ? 'the week chart attached to the digest email'
        : f.endsWith('.txt')
          ? 'the plain-text part of the same email'
          : `${f.endsWith('.json') ? 'Teams (Workflows) message' : 'email'}: ${titleOf(f, await readFile(join(messages, f), 'utf8'))}`;
      rows.push({ file: f, what });
    }
    if (opts.screenshots !== false) {
      const browser = await launchChromium();
      try {
        for (const f of files) {
          const base = f.replace(/\.(html|json)$/, '');
          if (f.endsWith('.html')) {
            const html = await withInlineImages(messages, await readFile(join(messages, f), 'utf8'));
            await writeFile(
              join(outDir, `${base}.screenshot.png`),
              (await screenshotHtml(browser, html)).png,
            );
            rows.push({ file: `${base}.screenshot.png`, what: `screenshot of ${f}` });
          } else if (f.endsWith('-teams.json')) {
            const card = JSON.parse(await readFile(join(messages, f), 'utf8')) as TeamsMessage;
            const png = (await screenshotHtml(browser, await cardPageHtml(card), 600)).png;
            await writeFile(join(outDir, `${base}.screenshot.png`), png);
            rows.push({ file: `${base}.screenshot.png`, what: `screenshot of ${f}` });
          }
        }
      } finally {
        await browser.close();
      }
    }
    rows.sort((a, b) => a.file.localeCompare(b.file));
    await writeFile(join(outDir, 'README.md'), readme(rows));
    return [...rows.map((r) => r.file), 'README.md'];
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const out = resolve(process.argv[2] ?? EXAMPLES_DIR);
  if (!chromiumAvailable()) {
    process.stderr.write(`examples: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium)\n`);
    process.exit(2);
  }
  generateExamples(out).then(
    (written) => process.stdout.write(`wrote ${written.length} files to ${out}\n`),
    (err: unknown) => {
      process.stderr.write(`examples failed: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
