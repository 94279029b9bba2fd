/**
 * What the on-call engineer receives for the demo scenario, read as they would: every layout (alert, image-build
 * alert, hang, resolved, digest) carries identity without placeholders, "failing since" from the first signal,
 * the commands that confirm the cause, what changed, a usable evidence bundle command, and no noise; and the
 * committed docs/examples/ are byte-identical to a fresh run of `npm run examples`.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable } from '../support/browser.js';
import { EXAMPLES_DIR, generateExamples } from '../support/examples.js';

let dir: string;
let files: string[];
const screenshots = chromiumAvailable();

async function read(prefix: string, suffix: string): Promise<string> {
  const f = files.find((x) => x.startsWith(prefix) && x.endsWith(suffix));
  if (!f) throw new Error(`no ${prefix}*${suffix} among ${files.join(', ')}`);
  return readFile(join(dir, f), 'utf8');
}

/** PNG width and height from the IHDR chunk. */
function pngSize(png: Buffer): [number, number] {
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

beforeAll(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'amlmon-examples-test-')), 'examples');
  files = await generateExamples(dir, { screenshots });
}, 300_000);

afterAll(async () => {
  if (dir) await rm(join(dir, '..'), { recursive: true, force: true });
});

const PLACEHOLDERS = /\(unknown workspace\)|<image id>|undefined|: null\b(?!,\n)|for 0 s|\(no fingerprint\)/;
const POD_UID = '3f1d2c4b-6a7e-4b9c-8d0e-1f2a3b4c5d6e';

describe('every alert of the demo, as received', () => {
  it('no placeholder, no "0 s", no pod UID, no literal backtick, every card within 20 KB', async () => {
    for (const f of files.filter((x) => /\.(txt|html|json)$/.test(x))) {
      const text = await readFile(join(dir, f), 'utf8');
      expect(text, f).not.toMatch(PLACEHOLDERS);
      expect(text, f).not.toContain(POD_UID);
      if (!f.startsWith('06-')) expect(text, f).not.toContain('`');
      // The file is pretty-printed for people; the posted body is the compact JSON.
      if (f.endsWith('-teams.json'))
        expect(Buffer.byteLength(JSON.stringify(JSON.parse(text))), f).toBeLessThanOrEqual(20_000);
    }
  });

  it('alert: identity, first signal and detection, commands, changes, bundle commands, no restated consequence', async () => {
    const txt = await read('03-', '.txt');
    for (const line of [
      'Service:       fraud-score',
      'Workspace:     demo-ws',
      'Cluster:       scenario',
      'Namespace:     azureml-demo-ws',
      'Status:        Failed for 5 min',
      'Failing since: 2026-11-26 09:54 UTC (first signal), detected 10:00 UTC',
      "  $ kubectl logs -n 'azureml-demo-ws' 'fraud-score-5f7d9c8b64-x4p9t' -c 'fraud-score' --previous",
      '  - container fraud-score: image: demoacr.azurecr.io/azureml/azureml_a41c07e2b39d4f5e8c6b2a1d0e9f8c7b:1 -> demoacr.azurecr.io/azureml/azureml_5e0c3f9a1b2d4c6e8f0a1b2c3d4e5f60:1',
      "  $ az storage blob download-batch --connection-string 'UseDevelopmentStorage=true' --source 'amlmon-evidence' --pattern 'scenario/azureml-demo-ws/fraud-score/2026-11-26T10_00_00.000Z/*' --destination .",
      "  $ amlmon diagnose './scenario/azureml-demo-ws/fraud-score/2026-11-26T10_00_00.000Z'",
      'The server logged the failure and exited (exit code 1)',
    ]) {
      expect(txt).toContain(line);
    }
    expect(txt).not.toContain('Also found');
    // The evidence bundle is named by its blob path, never by the stand-in's loopback port.
    expect(txt).not.toMatch(/127\.0\.0\.1/);
    const html = await read('03-', '.html');
    expect(html).toContain('Confirm it');
    expect(html).toMatch(/<pre [^>]*>kubectl logs -n &#x27;azureml-demo-ws&#x27;/);
    const card = await read('03-teams', '.json');
    expect(card).toContain('"fontType": "Monospace"');
    expect(card).toContain('Failing since');
    expect(card).toContain('Changed since the last ready revision');
  });

  it('image build alert: the image, no cluster placeholder, a fix from the evidence (cp310, versions from 1.11.0)', async () => {
    const txt = await read('01-', '.txt');
    // Named by the service whose Azure ML record runs the image and the workspace that owns the storage account.
    expect(txt).toMatch(/^Service:\s+credit-limit$/m);
    expect(txt).toMatch(/^Workspace:\s+demo-ws$/m);
    expect(txt).toContain('Environment image: 2f7c9e1a-4b3d-4c8e-9a6f-1d2e3f4a5b6c');
    // No placeholder cluster: the build is keyed where the service runs, and the alert may say so.
    expect(txt).not.toMatch(/^Cluster:\s+image-builds|image-builds \(namespace|namespace ImageLogs/m);
    expect(txt).toContain('Failing since:     2026-11-26 09:58 UTC (first signal), detected 10:00 UTC');
    expect(txt).toContain('1.9.0 is not among them for Python 3.10 (cp310 in the build log)');
    expect(txt).not.toMatch(/pin[^.]*torch==1\.9\.0(?!\+)/i);
    expect(txt).not.toContain('first stage of a deployment');
  });

  it('hang: the best evidence so far (what still runs, its last log line, events, what was checked) and its commands', async () => {
    const txt = await read('04-', '.txt');
    expect(txt).toContain('Endpoint:      recsys / deployment blue');
    expect(txt).toContain('Status:        Hung for 10 min');
    expect(txt).toContain('Failing since: 2026-11-26 09:58 UTC (first signal), detected 10:08 UTC');
    expect(txt).toContain('last log line: 2026-11-26 09:58:14,032 | INFO | Downloading embeddings.bin');
    expect(txt).toContain('events: no Warning in the last 10 min');
    expect(txt).toContain(
      "$ kubectl logs -n 'ml-serving' 'blue-recsys-84d5f6c7b9-h2j6k' -c 'storageinitializer-modeldata' --tail=20",
    );
    expect(txt).not.toContain('Capture a bundle');
  });

  it('resolved: what changed, when, and how long it was down; no repeated docs links', async () => {
    const txt = await read('05-', '.txt');
    expect(txt).toContain(
      "What changed: the Deployment's generation 3 rolled out: 1 replica ready and available (ready at 10:09 UTC)",
    );
    expect(txt).toContain('Down for:     15 min (2026-11-26 09:54 UTC, first signal to 10:10 UTC)');
    expect(txt).not.toContain('Docs:');
    const card = await read('05-teams', '.json');
    expect(card).toContain('What changed');
    expect(card).not.toContain('learn.microsoft.com');
  });

  it('digest: counts agree with the alerts sent that day, resolved in email and card, no placeholder row', async () => {
    const txt = await read('06-', '.txt');
    expect(txt).not.toContain('(unknown workspace)');
    // fraud-score was alerted Failed (and recovered), blue-recsys Hung, churn-model deployed fine; credit-limit's
    // build failed and demand-forecast's update was refused (both named in demo-ws now); pricing's update was
    // cancelled and then succeeded by a later one: a success.
    expect(txt).toContain('demo-ws | 6 | 2 | 3 | 1 | 4 | 1 |');
    expect(txt).toContain('All workspaces | 6 | 2 | 3 | 1 | 4 | 1 |');
    expect(txt).not.toContain('without a known workspace');
    const html = await read('06-', '.html');
    expect(html).toContain(
      '<title>[amlmon] Daily digest 2026-11-26: 4 incidents, 6 deployments (2 ok, 3 failed, 1 hung), 1 resolved</title>',
    );
    const card = await read('06-teams', '.json');
    expect(card).toContain('1 resolved');
  });
});

describe('docs/examples', () => {
  it('is what `npm run examples` produces now (text byte for byte, screenshots by size)', async () => {
    const committed = (await readdir(EXAMPLES_DIR)).sort();
    const fresh = [...files].sort();
    if (!screenshots) {
      // Without Chromium only the messages themselves can be compared.
      const text = (l: string[]) => l.filter((f) => !f.endsWith('.screenshot.png') && f !== 'README.md');
      expect(text(committed)).toEqual(text(fresh));
    } else {
      expect(committed, 'run `npm run examples` and commit docs/examples/').toEqual(fresh);
    }
    for (const f of fresh) {
      if (!existsSync(join(EXAMPLES_DIR, f))) continue;
      const a = await readFile(join(EXAMPLES_DIR, f));
      const b = await readFile(join(dir, f));
      // Chromium's pixels depend on the machine's fonts; the messages themselves never do.
      if (f.endsWith('.screenshot.png')) expect(pngSize(a), f).toEqual(pngSize(b));
      else expect(a.equals(b), `${f} differs from a fresh render: run \`npm run examples\``).toBe(true);
    }
  });
});
