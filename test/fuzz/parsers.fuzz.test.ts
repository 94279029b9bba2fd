/**
 * Property-based fuzzing of the parsers and renderers that read hostile text: build logs, container logs
 * (tracebacks), redaction and the terminal/email/card/webhook renderers. None may throw on any input. CI runs a
 * few hundred cases per target; `npm run soak` runs 10,000 (AMLMON_FUZZ_RUNS).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderTerminalReport } from '../../cli/terminalReport.js';
import { createByteLogReader } from '../../shared/diagnosis/buildlog/byteReader.js';
import { classifyBuildLogText, createBuildLogReader } from '../../shared/diagnosis/buildlog/classify.js';
import { analyzeScoringLog } from '../../shared/diagnosis/logs/scoringLog.js';
import type { Diagnosis } from '../../shared/diagnosis/types.js';
import type { Notification } from '../../shared/incidents/types.js';
import { renderEmail } from '../../shared/report/email.js';
import { renderTeamsCard } from '../../shared/report/teams.js';
import { renderWebhook } from '../../shared/report/webhook.js';
import { redact, stripControls } from '../../shared/text/redact.js';
import { alertSingle } from '../../sim/samples.js';

const RUNS = Number(process.env.AMLMON_FUZZ_RUNS ?? 200);

/** Log-like text: real fragments (traceback headers, pip errors, ANSI, PEM markers) mixed with noise. */
const fragment = fc.oneof(
  fc.constantFrom(
    'Traceback (most recent call last):',
    '  File "/var/azureml-app/score.py", line 12, in init',
    "ModuleNotFoundError: No module named 'sklearn'",
    'During handling of the above exception, another exception occurred:',
    'The above exception was the direct cause of the following exception:',
    'ERROR: Could not find a version that satisfies the requirement torch==9.9',
    'ERROR: Cannot install numpy==1.19.5 because these package versions have conflicting dependencies.',
    'Step 3/9 : RUN pip install -r requirements.txt',
    '\u001b[91mERROR: boom\u001b[0m',
    '\u001b]8;;https://evil.example\u0007x\u001b]8;;\u0007',
    '-----BEGIN RSA PRIVATE KEY-----',
    '-----END RSA PRIVATE KEY-----',
    'AccountKey=abc;sig=def&code=ghi',
    'Killed',
    'exit code: 137',
  ),
  fc.string({ maxLength: 120 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
);
const logText = fc.array(fragment, { maxLength: 60 }).map((lines) => lines.join('\n'));

describe('fuzz: parsers never throw', () => {
  it('build-log classification', () => {
    fc.assert(
      fc.property(logText, (text) => {
        const c = classifyBuildLogText(text, 'build.log');
        expect(typeof c.outcome).toBe('string');
      }),
      { numRuns: RUNS },
    );
  });

  it('build-log classification from bytes in random chunks: never throws, same as the line splitter', () => {
    const bytes = fc.oneof(
      logText.map((t) =>
        new TextEncoder().encode(t.replace(/\n/g, () => ['\n', '\r\n', '\r'][t.length % 3] as string)),
      ),
      fc.uint8Array({ maxLength: 2000 }),
    );
    fc.assert(
      fc.property(bytes, fc.integer({ min: 1, max: 5000 }), (data, size) => {
        const viaBytes = createByteLogReader('build.log');
        const viaLines = createBuildLogReader('build.log');
        for (let i = 0; i < data.length; i += size) {
          const chunk = data.subarray(i, i + size);
          const more = viaBytes.write(chunk);
          expect(viaLines.write(chunk)).toBe(more);
          if (!more) break;
        }
        expect(JSON.stringify(viaBytes.end())).toBe(JSON.stringify(viaLines.end().classification));
      }),
      { numRuns: RUNS },
    );
  });

  it('container-log (scoring log / traceback) analysis', () => {
    fc.assert(
      fc.property(logText, (text) => {
        analyzeScoringLog(text);
      }),
      { numRuns: RUNS },
    );
  });

  it('redaction is idempotent and stripControls leaves no escape', () => {
    fc.assert(
      fc.property(logText, (text) => {
        const once = redact(text);
        expect(redact(once)).toBe(once);
        // eslint-disable-next-line no-control-regex
        expect(stripControls(text)).not.toMatch(/[\u001b\u009b]/);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('fuzz: renderers never throw on hostile diagnoses', () => {
  const finding = fc.record({
    code: fc.constantFrom('CrashLoopBackOff', 'ImageBuildFailure', 'ScoringInitFailure'),
    detail: fc.option(fc.string({ maxLength: 30 }), { nil: null }),
    severity: fc.constantFrom('critical', 'warning', 'info'),
    title: logText,
    explanation: logText,
    evidence: fc.array(fc.record({ source: fc.string({ maxLength: 40 }), text: logText }), { maxLength: 5 }),
    remedy: fc.array(logText, { maxLength: 3 }),
    docs: fc.array(fc.webUrl(), { maxLength: 2 }),
  });
  const diagnosis = fc.record({
    service: fc.string({ maxLength: 60 }),
    namespace: fc.string({ maxLength: 60 }),
    status: fc.constantFrom('Failed', 'Hung', 'Degraded', 'Progressing', 'Healthy', 'Unknown'),
    findings: fc.array(finding, { maxLength: 3 }),
    gaps: fc.array(logText, { maxLength: 3 }),
  }) as fc.Arbitrary<unknown> as fc.Arbitrary<Diagnosis>;

  it('terminal, email, Teams card, webhook', () => {
    fc.assert(
      fc.property(diagnosis, (d) => {
        const terminal = renderTerminalReport(d, true);
        // eslint-disable-next-line no-control-regex
        const plain = terminal.replace(/\u001b\[[0-9;]*m/g, '');
        expect(stripControls(plain)).toBe(plain);
        const incident = alertSingle.incidents[0]!;
        const n: Notification = { ...alertSingle, incidents: [{ ...incident, diagnosis: d }] };
        renderEmail(n, { now: '2026-11-26T10:00:00Z' });
        renderTeamsCard(n, { now: '2026-11-26T10:00:00Z' });
        JSON.stringify(renderWebhook(n, { now: '2026-11-26T10:00:00Z' }));
      }),
      { numRuns: Math.max(20, Math.floor(RUNS / 4)) },
    );
  });
});
