/**
 * Scoring-log analysis for the init rules: `analyzeScoringLog` over a 4 MiB container log (the per-log cap of
 * `loadBundle`), and the whole init rule group over a 3-replica deployment whose 6 logs (current + previous) are
 * each 4 MiB. Writes the section `## Scoring-log analysis (init rules)` of docs/BENCHMARKS.md.
 * Run: `npm run build && node --expose-gc dist/bench/initLogs.js` (or `npm run bench initLogs`).
 */
import { cpus, loadavg } from 'node:os';
import type { V1Pod } from '@kubernetes/client-node';
import { analyzeScoringLog } from '../shared/diagnosis/logs/scoringLog.js';
import type { AmlDeployment } from '../shared/diagnosis/rule.js';
import { allRules } from '../shared/diagnosis/registry.js';
import { emptySnapshot, logKey } from '../shared/snapshot/types.js';
import { median, writeBenchSection } from './support.js';

const MiB = 1024 * 1024;
/** The rules that read container start, init(), probes and request time. */
const initRules = allRules.filter((rule) => ['init', 'probes', 'runtime'].includes(rule.stage));
const LOG_BYTES = 4 * MiB;

/** A serving v2 log (probe and score lines, a handled warning traceback) ending in a failed re-init. */
function bigLog(seed: number): string {
  const head = [
    '2024-05-14T08:00:00,000000000+00:00 - gunicorn/run ',
    'Azure ML Inferencing HTTP server v0.8.4',
    "2024-05-14 08:00:04,522 I [33] azmlinfsrv.user_script - Invoking user's init function",
    "2024-05-14 08:00:09,001 I [33] azmlinfsrv.user_script - Users's init has completed successfully",
  ];
  const body = [
    '2024-05-14 08:10:01,118 I [33] azmlinfsrv - POST /score 200 41.302ms 24',
    '2024-05-14 08:10:01,119 I [33] gunicorn.access - 10.244.1.9 - - [14/May/2024:08:10:01 +0000] "POST /score HTTP/1.0" 200 24 "-" "python-requests/2.31.0"',
    '2024-05-14 08:10:02,001 W [33] root - slow feature lookup, retrying',
    'Traceback (most recent call last):',
    '  File "/var/azureml-app/onlinescoring/score.py", line 40, in run',
    'TimeoutError: feature store did not answer in 2 s',
  ];
  const tail = [
    '2024-05-14 09:59:00,000 C [9] gunicorn.error - WORKER TIMEOUT (pid:33)',
    '2024-05-14 09:59:00,200 W [9] gunicorn.error - Worker with pid 33 was terminated due to signal 6',
    `2024-05-14 09:59:00,300 I [${seed}] gunicorn.error - Booting worker with pid: ${seed}`,
    `2024-05-14 09:59:01,400 I [${seed}] azmlinfsrv.user_script - Invoking user's init function`,
    `2024-05-14 09:59:01,500 E [${seed}] azmlinfsrv - User's init function failed`,
    `2024-05-14 09:59:01,501 E [${seed}] azmlinfsrv - Encountered Exception Traceback (most recent call last):`,
    '  File "/var/azureml-app/onlinescoring/score.py", line 12, in init',
    "ModuleNotFoundError: No module named 'sklearn'",
    `2024-05-14 09:59:02,000 E [9] gunicorn.error - Reason: Worker failed to boot.`,
  ];
  const out: string[] = [...head];
  let bytes = head.join('\n').length;
  for (let i = 0; bytes < LOG_BYTES; i++) {
    const line = body[i % body.length]!;
    out.push(line);
    bytes += line.length + 1;
  }
  return [...out, ...tail].join('\n') + '\n';
}

function pod(name: string): V1Pod {
  return {
    metadata: { name, namespace: 'azureml-workloads' },
    spec: {
      containers: [
        {
          name: 'inference-server',
          image: 'x',
          livenessProbe: { initialDelaySeconds: 10, periodSeconds: 10, failureThreshold: 30 },
        },
      ],
    },
    status: {
      containerStatuses: [
        {
          name: 'inference-server',
          image: 'x',
          imageID: 'x',
          ready: false,
          restartCount: 4,
          state: { waiting: { reason: 'CrashLoopBackOff' } },
          lastState: {
            terminated: {
              exitCode: 3,
              reason: 'Error',
              startedAt: new Date('2024-05-14T08:00:00Z'),
              finishedAt: new Date('2024-05-14T09:59:02Z'),
            },
          },
        },
      ],
    },
  };
}

async function main(): Promise<void> {
  const log = bigLog(412);
  const lines = log.split('\n').length - 1;
  // One log: analysis alone.
  const single: number[] = [];
  let kind = '';
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    const a = analyzeScoringLog(log + ' '.repeat(i)); // distinct strings: no caching between runs
    single.push(performance.now() - t0);
    kind = a.fatal?.failure.kind ?? 'none';
  }
  // The whole init group over 3 pods × (current + previous), fresh snapshot per run (nothing cached across runs).
  const group: number[] = [];
  let codes = '';
  for (let r = 0; r < 5; r++) {
    const snapshot = emptySnapshot({ capturedAt: '2024-05-14T10:00:00Z' });
    const pods = ['a', 'b', 'c'].map((s) => pod(`docs-ep-green-7d9f-${s}${r}`));
    pods.forEach((p, i) =>
      snapshot.logs.set(logKey(p.metadata!.name!, 'inference-server'), {
        current: bigLog(1000 + i),
        previous: bigLog(2000 + i),
      }),
    );
    const target: AmlDeployment = {
      flavor: 'v2',
      name: 'docs-ep-green',
      namespace: 'azureml-workloads',
      replicaSets: [],
      pods,
    };
    const t0 = performance.now();
    const found = initRules.flatMap((rule) =>
      rule.diagnose({ target, snapshot, now: new Date('2024-05-14T10:00:00Z') }),
    );
    group.push(performance.now() - t0);
    codes = found.map((f) => `${f.code}/${f.detail ?? '—'}`).join(', ');
  }
  const heapMiB = process.memoryUsage().heapUsed / MiB;
  const section = [
    '## Scoring-log analysis (init rules)',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} on this machine (${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)} while it ran, Node ${process.version}) by \`bench/initLogs.ts\`.`,
    `One generated v2 log of ${(log.length / MiB).toFixed(1)} MiB (${lines.toLocaleString('en-US')} lines: score/access lines and handled`,
    'WARNING tracebacks, ending in a worker timeout and a failed re-init), the per-log cap of `loadBundle`.',
    '',
    '| what | runs | median | max |',
    '|---|---|---|---|',
    `| \`analyzeScoringLog\`, one 4 MiB log (→ ${kind}) | ${single.length} | ${median(single).toFixed(0)} ms | ${Math.max(...single).toFixed(0)} ms |`,
    `| all 5 init rules, 3 pods × (current + previous) = 6 such logs, 24 MiB | ${group.length} | ${median(group).toFixed(0)} ms | ${Math.max(...group).toFixed(0)} ms |`,
    '',
    `The rules share one parse per log text per snapshot (a WeakMap cache), so five rules cost one parse of each log;`,
    `findings: ${codes}. Heap in use at the end: ${heapMiB.toFixed(0)} MiB.`,
    'Reproduce: `npm run build && node --expose-gc dist/bench/initLogs.js`.',
    '',
  ].join('\n');
  process.stdout.write(section);
  await writeBenchSection('## Scoring-log analysis (init rules)', section);
}

await main();
