/**
 * Container-log analysis of a log made of one long chain of tracebacks ("During handling of the above exception,
 * another exception occurred"), at 1 MiB and 4 MiB: the cost must grow with the log, not with its square. Writes the
 * section `## Chained tracebacks` of docs/BENCHMARKS.md.
 * Run: `npm run build && node --expose-gc dist/bench/tracebacks.js` (or `npm run bench tracebacks`).
 */
import { cpus, loadavg } from 'node:os';
import { analyzeScoringLog } from '../shared/diagnosis/logs/scoringLog.js';
import { median, writeBenchSection } from './support.js';

const CHUNK =
  [
    'Traceback (most recent call last):',
    '  File "/var/azureml-app/score.py", line 3, in init',
    '    load()',
    'ValueError: bad model',
    '',
    'During handling of the above exception, another exception occurred:',
    '',
  ].join('\n') + '\n';

function timeMs(mib: number): number {
  const text = CHUNK.repeat(Math.floor((mib * 1024 * 1024) / CHUNK.length));
  const runs: number[] = [];
  for (let r = 0; r < 3; r++) {
    const t = process.hrtime.bigint();
    analyzeScoringLog(text);
    runs.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return median(runs);
}

const one = timeMs(1);
const four = timeMs(4);
const rows = [
  `| 1 MiB | ${(one / 1000).toFixed(2)} s |`,
  `| 4 MiB | ${(four / 1000).toFixed(2)} s |`,
  `| ratio 4 MiB / 1 MiB | ${(four / one).toFixed(1)}× (linear: 4×) |`,
];
console.log(rows.join('\n'));
await writeBenchSection(
  '## Chained tracebacks',
  [
    '## Chained tracebacks',
    '',
    '`analyzeScoringLog` over a log that is one long chain of tracebacks; medians of 3 runs, measured side by side.',
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load ${loadavg()[0]?.toFixed(2)}. Run: \`npm run build && node --expose-gc dist/bench/tracebacks.js\`.`,
    '',
    '| log | median |',
    '| --- | --- |',
    ...rows,
    '',
  ].join('\n'),
);
