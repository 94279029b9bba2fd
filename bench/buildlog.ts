/**
 * Build log classifier: throughput and memory over a generated 100 MB build log, streamed from disk the way
 * `loadBundle` reads it (`classifyBuildLog(createReadStream(file))`), against reading it whole first for contrast.
 * Each run is a fresh child process so peak RSS is that run's own. Writes the section `## Build log classifier`
 * of docs/BENCHMARKS.md. Run: `npm run build && node --expose-gc dist/bench/buildlog.js` (or `npm run bench buildlog`).
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { classifyBuildLog, classifyBuildLogText } from '../shared/diagnosis/buildlog/classify.js';
import { median, writeBenchSection } from './support.js';

const MB = 1024 * 1024;
const TARGET_BYTES = 100 * MB;
const RUNS = 5;

interface Sample {
  ms: number;
  /** CPU time (user + system) of the run: stable when the machine is shared, unlike wall time. */
  cpuMs: number;
  mbPerSec: number;
  /** Peak RSS of the run minus RSS before it (MiB). */
  rssGrowthMiB: number;
  /** Peak RSS of the whole process (MiB). */
  peakRssMiB: number;
  /** Peak heapUsed minus heapUsed before it (MiB), sampled every 20 ms. */
  heapGrowthMiB: number;
  outcome: string;
  detail?: string;
  lines: number;
}

/** A realistic mix: ACR preamble, docker pull progress, conda, pip with colour codes and timestamp prefixes. */
function* logLines(): Generator<string> {
  yield "2024/05/14 08:00:00 Executing step ID: acb_step_0. Timeout(sec): 5400, Working directory: ''";
  yield 'Step 1/15 : FROM mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:20240418.v1';
  yield 'Step 8/15 : RUN conda env create -p /azureml-envs/azureml_x -f azureml-environment-setup/mutated_conda_dependencies.yml';
  yield 'Collecting package metadata (repodata.json): ...working... done';
  yield 'Solving environment: ...working... done';
  const body = [
    '2024-05-14T08:01:02: a1b514f3c2d9: Downloading [=======>                                 ]  12.3MB/77.1MB',
    'Collecting scikit-learn==1.0.2',
    '  Downloading scikit_learn-1.0.2-cp38-cp38-manylinux_2_17_x86_64.manylinux2014_x86_64.whl (26.7 MB)',
    'Requirement already satisfied: numpy>=1.14.6 in /azureml-envs/azureml_x/lib/python3.8/site-packages (from scikit-learn==1.0.2) (1.21.6)',
    '\u001b[91mdebconf: delaying package configuration, since apt-utils is not installed\u001b[0m',
    "WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after connection broken by 'ReadTimeoutError(\"HTTPSConnectionPool(host='pypi.org', port=443): Read timed out. (read timeout=15)\")': /simple/numpy/",
    'python-3.8.13       | 22.0 MB   | ########## | 100% ',
    "[91m  Building wheel for termcolor (setup.py): finished with status 'done'[0m",
    '2024-05-14T08:01:03: Installing collected packages: threadpoolctl, joblib, scikit-learn',
    'Get:12 http://archive.ubuntu.com/ubuntu focal-updates/main amd64 libglib2.0-0 amd64 2.64.6-1~ubuntu20.04.7 [1289 kB]',
  ];
  for (let i = 0; ; i++) yield body[i % body.length] as string;
}

const TAIL = [
  'Pip subprocess error:',
  'ERROR: Could not find a version that satisfies the requirement torch==1.9.0+cu111 (from versions: 1.9.0, 1.9.1)',
  'ERROR: No matching distribution found for torch==1.9.0+cu111',
  "The command '/bin/sh -c conda env create -p /azureml-envs/azureml_x -f mutated_conda_dependencies.yml' returned a non-zero code: 1",
  '2024/05/14 08:20:00 Container failed during run: acb_step_0. No retries remaining.',
  'failed to run step ID: acb_step_0: exit status 1',
];

async function generate(path: string, target: number, oneLongLine = false): Promise<void> {
  if (existsSync(path) && statSync(path).size >= target) return;
  const out = createWriteStream(path);
  if (oneLongLine) {
    // Progress output without line breaks: one line of `target` bytes, written in pieces.
    const piece = '#'.repeat(MB);
    out.write('Step 8/15 : RUN pip install -r requirements.txt\nDownloading ');
    for (let written = 0; written < target; written += MB) {
      if (!out.write(piece)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    out.end('\n' + TAIL.join('\n') + '\n');
    await new Promise<void>((r) => out.once('finish', () => r()));
    return;
  }
  let bytes = 0;
  let batch: string[] = [];
  for (const line of logLines()) {
    batch.push(line);
    bytes += Buffer.byteLength(line) + 1;
    if (batch.length === 5000 || bytes >= target) {
      if (!out.write(batch.join('\n') + '\n')) await new Promise<void>((r) => out.once('drain', () => r()));
      batch = [];
    }
    if (bytes >= target) break;
  }
  out.end(TAIL.join('\n') + '\n');
  await new Promise<void>((r) => out.once('finish', () => r()));
}

/** Child: one measured run. `mode` = stream (what the product does) or whole (read all, then classify). */
async function child(file: string, mode: string): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const rss0 = process.memoryUsage().rss;
  const heap0 = process.memoryUsage().heapUsed;
  let heapPeak = heap0;
  const timer = setInterval(() => {
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  }, 20);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const c =
    mode === 'whole'
      ? classifyBuildLogText(await readFile(file, 'utf8'), 'build.log')
      : await classifyBuildLog(createReadStream(file, { highWaterMark: 256 * 1024 }), 'build.log');
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(timer);
  heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  const peakRss = process.resourceUsage().maxRSS * 1024;
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const sample: Sample = {
    ms,
    cpuMs,
    mbPerSec: c.bytesRead / MB / (cpuMs / 1000),
    rssGrowthMiB: (peakRss - rss0) / MB,
    peakRssMiB: peakRss / MB,
    heapGrowthMiB: (heapPeak - heap0) / MB,
    outcome: c.outcome,
    detail: c.detail,
    lines: c.linesRead,
  };
  process.stdout.write(JSON.stringify(sample));
}

function runChild(file: string, mode: string): Sample {
  const r = spawnSync(
    process.execPath,
    ['--expose-gc', fileURLToPath(import.meta.url), '--child', file, mode],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  if (r.status !== 0) throw new Error(`bench child failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Sample;
}

/**
 * `grep -E` with patterns comparable to the classifier's triggers (the failure, step and success words), counting
 * matching lines: the baseline the classifier's throughput is held against. GNU time gives its CPU time and peak RSS.
 */
const GREP_PATTERN =
  'error|fail|denied|unauthori|not found|timed out|deadline exceeded|Step [0-9]+/|non-zero code|exit code|No matching distribution|Could not find a version|Successfully (built|tagged|pushed)|Executing step|toomanyrequests|manifest';

interface GrepSample {
  ms: number;
  cpuMs: number;
  peakRssMiB: number;
  matches: number;
}

function runGrep(file: string): GrepSample {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S %M', 'grep', '-E', '-i', '-c', GREP_PATTERN, file], {
    encoding: 'utf8',
  });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`grep failed: ${r.stderr}`);
  const [user, sys, maxKiB] = (r.stderr.trim().split('\n').pop() ?? '').split(' ').map(Number);
  return {
    ms,
    cpuMs: ((user ?? 0) + (sys ?? 0)) * 1000,
    peakRssMiB: (maxKiB ?? 0) / 1024,
    matches: Number(r.stdout.trim()),
  };
}

interface Scenario {
  label: string;
  file: string;
  mode: 'stream' | 'whole';
  runs: number;
}

async function main(): Promise<void> {
  const big = join(tmpdir(), 'amlmon-bench-build.log');
  const small = join(tmpdir(), 'amlmon-bench-build-10mb.log');
  const longLine = join(tmpdir(), 'amlmon-bench-build-longline.log');
  await generate(big, TARGET_BYTES);
  await generate(small, 10 * MB);
  await generate(longLine, 50 * MB, true);
  const scenarios: Scenario[] = [
    {
      label: '100 MiB log, `classifyBuildLog(createReadStream(file))` (product path)',
      file: big,
      mode: 'stream',
      runs: RUNS,
    },
    {
      label: '10 MiB log, same path (memory must not depend on size)',
      file: small,
      mode: 'stream',
      runs: RUNS,
    },
    { label: '50 MiB single line then the failure, same path', file: longLine, mode: 'stream', runs: 3 },
    {
      label: '100 MiB log, `readFile` whole + `classifyBuildLogText` (contrast)',
      file: big,
      mode: 'whole',
      runs: 3,
    },
  ];
  const rows: string[] = [];
  let wholeRss = 0;
  let productCpuMs = 0;
  let productMs = 0;
  let productPeakRss = 0;
  // Interleaved with the product runs below would be fairer still; at least both run in this one process, minutes apart.
  const grepSamples: GrepSample[] = [];
  for (let i = 0; i < RUNS; i++) grepSamples.push(runGrep(big));
  const grep = {
    ms: median(grepSamples.map((x) => x.ms)),
    cpuMs: median(grepSamples.map((x) => x.cpuMs)),
    peakRssMiB: median(grepSamples.map((x) => x.peakRssMiB)),
  };
  process.stdout.write(`grep -E: ${JSON.stringify(grep)}\n`);
  for (const sc of scenarios) {
    const samples: Sample[] = [];
    for (let i = 0; i < sc.runs; i++) samples.push(runChild(sc.file, sc.mode));
    for (const x of samples) {
      if (x.outcome !== 'failed' || x.detail !== 'PipPackageNotFound')
        throw new Error(`unexpected verdict ${x.outcome}/${x.detail} for ${sc.label}`);
    }
    const s = {
      ms: median(samples.map((x) => x.ms)),
      cpuMs: median(samples.map((x) => x.cpuMs)),
      mbPerSec: median(samples.map((x) => x.mbPerSec)),
      rss: median(samples.map((x) => x.rssGrowthMiB)),
      heap: median(samples.map((x) => x.heapGrowthMiB)),
    };
    if (sc.mode === 'whole') wholeRss = s.rss;
    if (sc.file === big && sc.mode === 'stream') {
      productCpuMs = s.cpuMs;
      productMs = s.ms;
      productPeakRss = median(samples.map((x) => x.peakRssMiB));
    }
    rows.push(
      `| ${sc.label} | ${(statSync(sc.file).size / MB).toFixed(0)} MiB / ${(samples[0] as Sample).lines.toLocaleString('en-US')} | ${sc.runs} | ${(s.cpuMs / 1000).toFixed(2)} s | ${(s.ms / 1000).toFixed(2)} s | ${s.mbPerSec.toFixed(0)} MiB/s | ${s.rss.toFixed(1)} MiB | ${s.heap.toFixed(1)} MiB |`,
    );
    process.stdout.write(`${sc.label}: ${JSON.stringify(s)}\n`);
  }
  const size = statSync(big).size / MB;
  const md = [
    '## Build log classifier',
    '',
    'Generated logs: pip/conda/docker progress with ANSI colour codes and timestamp prefixes, ending in a pip',
    '"No matching distribution" failure (classified correctly in every run).',
    `Each run is a fresh \`node --expose-gc\` process; medians. Machine: ${process.platform} ${process.arch}, Node ${process.version}.`,
    'Throughput is per CPU second (user + system), because wall time on a shared machine varies with its load.',
    'Peak RSS growth = `process.resourceUsage().maxRSS` after the run minus RSS before it; heap growth = peak',
    '`heapUsed` (sampled every 20 ms) minus `heapUsed` before.',
    '',
    '| scenario | size / lines | runs | CPU time | wall time | throughput (per CPU second) | peak RSS growth | peak heap growth |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Against \`grep -E -i -c\` with comparable patterns (\`${GREP_PATTERN}\`) on the same 100 MiB`,
    `log, in the same run (medians of ${RUNS}; grep's CPU time and peak RSS from GNU time):`,
    '',
    '| what | CPU time | wall time | throughput (per CPU second) | peak RSS (whole process) |',
    '|---|---|---|---|---|',
    `| \`grep -E\` | ${(grep.cpuMs / 1000).toFixed(2)} s | ${(grep.ms / 1000).toFixed(2)} s | ${(size / (grep.cpuMs / 1000)).toFixed(0)} MiB/s | ${grep.peakRssMiB.toFixed(0)} MiB |`,
    `| \`classifyBuildLog\` (what \`amlmon buildlog\` runs) | ${(productCpuMs / 1000).toFixed(2)} s | ${(productMs / 1000).toFixed(2)} s | ${(size / (productCpuMs / 1000)).toFixed(0)} MiB/s | ${productPeakRss.toFixed(0)} MiB |`,
    '',
    `Ratio (classifier throughput / grep throughput, per CPU second): **${(grep.cpuMs / productCpuMs).toFixed(2)}×** (target ≥ 0.5×: ${grep.cpuMs / productCpuMs >= 0.5 ? 'met' : 'NOT met'}; peak RSS ${productPeakRss.toFixed(0)} MiB against the ≤ 150 MB target: ${productPeakRss * MB <= 150e6 ? 'met' : 'NOT met'}).`,
    'The classifier screens each raw line with one alternation per flag set built from its own trigger patterns',
    '(`LINE_TRIGGERS` in `shared/diagnosis/buildlog/patterns.ts`); lines that cannot trigger only advance the line',
    'count, clock and last-lines ring. `test/diagnosis/buildlog/prefilter.test.ts` checks that every `.log` under `test/`',
    'classifies identically with and without the screen.',
    '',
    'Streaming keeps memory flat: the classifier holds a bounded state (first decisive line per failure class, the',
    "failing step, a ring of the last 5 lines; lines capped at 16 KiB). RSS grows by the stream buffers, V8's young",
    'generation and JIT code, which level off (compare the 10 and 100 MiB rows: 10x the log, far from 10x the memory);',
    'one 50 MiB line costs almost nothing since only its first 16 KiB are kept.',
    `Reading the whole log first costs roughly the log's size twice over (${wholeRss.toFixed(0)} MiB here).`,
    'Reproduce: `npm run build && node --expose-gc dist/bench/buildlog.js` (logs are generated once into the temp directory).',
    '',
  ].join('\n');
  await writeBenchSection('## Build log classifier', md);
  process.stdout.write(md);
}

if (process.argv[2] === '--child') {
  await child(process.argv[3] ?? '', process.argv[4] ?? 'stream');
} else {
  await main();
}
