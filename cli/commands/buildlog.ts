/**
 * `amlmon buildlog <file> [--json]`: classifies an image build log (`azureml/ImageLogs/<id>/build.log`) on its own,
 * streaming it so a 100 MB log is fine. "Now" for the timeout-vs-still-running question is the file's modification
 * time: the moment the log was last written or downloaded.
 */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { classifyBuildLogFile } from '../../shared/diagnosis/buildlog/classify.js';
import { judgeIncompleteBuild, serviceBuildState } from '../../shared/diagnosis/buildlog/judge.js';
import type { BuildLogClassification } from '../../shared/diagnosis/buildlog/types.js';
import { humanDuration } from '../../shared/diagnosis/context.js';
import { imageBuildFailure } from '../../shared/diagnosis/rules/imageBuildFailure.js';
import type { Diagnosis, Finding, Status } from '../../shared/diagnosis/types.js';
import { emptySnapshot } from '../../shared/snapshot/types.js';
import { inputError } from '../errors.js';
import { renderTerminalReport } from '../terminalReport.js';
import { terminalText } from '../../shared/text/redact.js';

export interface BuildlogOptions {
  json?: boolean;
}

/** The `--json` document: diagnosis-like (status, findings, gaps) plus the raw classification. */
export interface BuildlogReport {
  source: string;
  status: Status;
  findings: Finding[];
  gaps: string[];
  /** One sentence for outcomes without a finding (succeeded, still running, not a build log). */
  summary: string;
  classification: BuildLogClassification;
}

function errnoText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory, not a build log';
  return err instanceof Error ? err.message : String(err);
}

async function classifyFile(file: string): Promise<{ classification: BuildLogClassification; mtime: Date }> {
  let mtime: Date;
  try {
    const s = await stat(file);
    if (s.isDirectory()) throw inputError(`${file}: is a directory, not a build log`);
    mtime = s.mtime;
  } catch (err) {
    if (err instanceof Error && err.name === 'CliError') throw err;
    throw inputError(`${file}: cannot read: ${errnoText(err)}`);
  }
  let classification: BuildLogClassification;
  try {
    classification = classifyBuildLogFile(file, basename(file));
  } catch (err) {
    throw inputError(`${file}: cannot read: ${errnoText(err)}`);
  }
  if (classification.binary) {
    throw inputError(`${file}: ${classification.reason}`);
  }
  return { classification, mtime };
}

function toFinding(f: Finding): Finding {
  const { code, detail, severity, title, explanation, evidence, remedy, docs } = f;
  return { code, detail, severity, title, explanation, evidence, remedy, docs };
}

/** Builds the report; separated from commander for tests. */
export async function buildlogReport(file: string): Promise<BuildlogReport> {
  const { classification: c, mtime } = await classifyFile(file);
  const source = basename(file);
  const snapshot = emptySnapshot({ capturedAt: mtime.toISOString() });
  snapshot.buildLog = { source, classification: c };
  const target = { flavor: 'v1' as const, name: source, namespace: '', replicaSets: [], pods: [] };
  const findings = imageBuildFailure.diagnose({ target, snapshot, now: mtime }).map(toFinding);
  let status: Status = 'Unknown';
  let summary = c.reason ?? 'not a recognisable build log';
  if (findings.length) {
    status = 'Failed';
    summary = findings[0]?.title ?? '';
  } else if (c.outcome === 'succeeded') {
    status = 'Healthy';
    summary = `The image build succeeded (${c.evidence[0]?.text ?? 'success marker found'}).`;
  } else if (c.outcome === 'incomplete') {
    const j = judgeIncompleteBuild(c, mtime, serviceBuildState(undefined));
    if (j.verdict === 'running') {
      status = 'Progressing';
      summary = `The build is still running: ${c.reason ?? 'the log stops'}; the step started ${humanDuration(j.elapsedSeconds ?? 0)} before the file was last written, inside its ${humanDuration(j.budgetSeconds)} budget.`;
    } else
      summary = `${c.reason ?? 'The log stops'}; nothing in it says why (last line: ${c.lastLine ?? 'none'}).`;
  }
  return { source, status, findings, gaps: [], summary, classification: c };
}

export function renderBuildlogReport(r: BuildlogReport, color: boolean): string {
  const c = r.classification;
  const read = `Read ${c.linesRead.toLocaleString('en-US')} lines (${(c.bytesRead / 1024).toFixed(1)} KiB).`;
  if (!r.findings.length) return `${r.source}  ${r.status}\n  ${r.summary}\n  ${read}\n`;
  const d: Diagnosis = {
    service: r.source,
    namespace: '',
    status: r.status,
    findings: r.findings,
    gaps: r.gaps,
  };
  // The shared terminal report, with a header that names the file instead of a namespace.
  const [, ...body] = renderTerminalReport(d, color).split('\n');
  return [`${r.source}  ${r.status}`, ...body.slice(0, -1), `  ${read}`, ''].join('\n');
}

export async function runBuildlog(file: string, opts: BuildlogOptions, color: boolean): Promise<string> {
  const report = await buildlogReport(file);
  return opts.json ? JSON.stringify(report, null, 2) + '\n' : renderBuildlogReport(report, color);
}

export function register(program: Command): void {
  program
    .command('buildlog')
    .description(
      'classify an Azure ML image build log (azureml/ImageLogs/<id>/build.log): why the build failed and how to fix it',
    )
    .argument('<file>', 'the build log')
    .option('--json', 'print the classification as JSON')
    .action(async (file: string, opts: BuildlogOptions) => {
      const color = !!process.stdout.isTTY && !process.env.NO_COLOR;
      process.stdout.write(terminalText(await runBuildlog(file, opts, color), color));
    });
}
