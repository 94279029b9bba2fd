/**
 * `amlmon watch --kubeconfig FILE [--context NAME] [--interval 2m]`: the sweep in-process against a real cluster, for
 * teams that do not deploy the Functions app. Incidents print to the terminal (and go to channels configured by the
 * same environment variables as the app). State is a local JSON file; no Azure account is needed.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { parseDuration } from '../../shared/config/duration.js';
import { DEFAULTS, readSettings, SettingsError } from '../../shared/config/settings.js';
import type { MonitorRuntime } from '../../shared/monitor/types.js';
import type { MonitorState } from '../../shared/state/store.js';
import { usageError } from '../errors.js';
import { kubeconfigTarget } from '../live.js';
import { terminalText } from '../../shared/text/redact.js';

export interface WatchOptions {
  kubeconfig?: string;
  context?: string;
  interval: string;
  /** A JSON state file, or `memory` for none. */
  state?: string;
  hangAfter?: string;
  repeatAfter?: string;
  /** Run one sweep and exit (scripts, tests). */
  once?: boolean;
}

export function defaultStateFile(): string {
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'amlmon', 'watch-state.json');
}

/** Builds the in-process runtime; exported for tests. */
export async function watchRuntime(
  opts: WatchOptions,
  write: (text: string) => void,
  env: Record<string, string | undefined> = process.env,
): Promise<{ rt: MonitorRuntime; drain: () => Promise<void> }> {
  if (!opts.kubeconfig) throw usageError('watch needs --kubeconfig FILE');
  const hangAfterMs = parseDuration(opts.hangAfter ?? DEFAULTS.HANG_AFTER);
  const repeatAfterMs = parseDuration(opts.repeatAfter ?? DEFAULTS.REPEAT_AFTER);
  if (hangAfterMs === undefined)
    throw usageError(`--hang-after ${opts.hangAfter ?? ''} is not a duration (e.g. 10m)`);
  if (repeatAfterMs === undefined)
    throw usageError(`--repeat-after ${opts.repeatAfter ?? ''} is not a duration (e.g. 4h)`);
  // The channels (and any other setting that is set) are read as the Functions app reads them.
  let settings;
  try {
    settings = readSettings(env, { storage: false, clusters: false, channel: false });
  } catch (err) {
    if (err instanceof SettingsError) throw usageError(err.problems.join('; '));
    throw err;
  }

  const { clusterSourceFromTarget } = await import('../../shared/monitor/clusterSource.js');
  const { MemoryOutbox, directoryEvidenceArchive, noRecheck, terminalSender } =
    await import('../../shared/monitor/local.js');
  const { JsonFileTables } = await import('../../shared/state/memoryTable.js');
  const { memoryState, TABLE_NAMES } = await import('../../shared/state/store.js');
  const { buildRuntime } = await import('../../shared/monitor/fromSettings.js');

  const target = await kubeconfigTarget({ kubeconfig: opts.kubeconfig, context: opts.context });
  let state: MonitorState;
  if (opts.state === 'memory') state = memoryState();
  else {
    const file = opts.state ?? defaultStateFile();
    const tables = await JsonFileTables.open(file);
    state = {
      deployments: tables.table(TABLE_NAMES.deployments),
      deploymentEvents: tables.table(TABLE_NAMES.deploymentEvents),
      incidents: tables.table(TABLE_NAMES.incidents),
      seenEvents: tables.table(TABLE_NAMES.seenEvents),
      sent: tables.table(TABLE_NAMES.sent),
      sweeps: tables.table(TABLE_NAMES.sweeps),
      silences: tables.table(TABLE_NAMES.silences),
      actionUses: tables.table(TABLE_NAMES.actionUses),
    };
  }
  const outbox = new MemoryOutbox();
  const cacheDir = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'amlmon', 'evidence');
  const rt: MonitorRuntime = await buildRuntime(settings, {
    clusters: [clusterSourceFromTarget(target.name, target)],
    extraSenders: [terminalSender(write)],
    local: {
      state,
      outbox,
      recheck: noRecheck,
      imageLogs: {
        readTail: () => Promise.reject(new Error('image logs are read by the Functions app only')),
      },
      evidence: directoryEvidenceArchive(cacheDir),
    },
    // The command line's thresholds; no image-log events reach a watch; groups as the app does by default.
    options: {
      hangAfterMs,
      repeatAfterMs,
      groupOver: Number(DEFAULTS.GROUP_OVER),
      imageLogRecheckDelayMs: 0,
      imageLogMaxRechecks: 0,
      imageLogTailBytes: 0,
      workspaces: [],
      portalUrl: undefined,
    },
    log: {
      debug: () => undefined,
      info: () => undefined,
      warn: (m) => process.stderr.write(`warning: ${m}\n`),
      error: (m) => process.stderr.write(`error: ${m}\n`),
    },
  });
  return { rt, drain: () => outbox.drain(rt) };
}

export async function runWatch(
  opts: WatchOptions,
  write: (text: string) => void,
  signal?: AbortSignal,
): Promise<void> {
  const intervalMs = parseDuration(opts.interval);
  if (intervalMs === undefined || intervalMs < 10_000)
    throw usageError(`--interval ${opts.interval} must be a duration of at least 10s (e.g. 2m)`);
  const { rt, drain } = await watchRuntime(opts, write);
  const { runSweep } = await import('../../shared/monitor/sweep.js');
  write(`watching ${rt.clusters[0]?.name ?? '?'} every ${opts.interval} (Ctrl-C to stop)\n`);
  for (;;) {
    const summary = await runSweep(rt);
    await drain();
    // The sweep has already logged each of summary.errors through the runtime's log (one line each, above).
    if (process.stderr.isTTY) {
      process.stderr.write(
        `${new Date().toISOString()} swept ${summary.deployments} deployments, ${summary.diagnosed} diagnosed\n`,
      );
    }
    if (opts.once || signal?.aborted) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, intervalMs);
      signal?.addEventListener('abort', () => {
        clearTimeout(t);
        resolve();
      });
    });
    if (signal?.aborted) return;
  }
}

export function register(program: Command): void {
  program
    .command('watch')
    .description('sweep a cluster in-process every interval and print incidents (no Azure account needed)')
    .option('--kubeconfig <file>', 'kubeconfig of the cluster')
    .option('--context <name>', 'kubeconfig context')
    .option('--interval <duration>', 'time between sweeps', '2m')
    .option('--state <file>', `state file (default ${defaultStateFile()}), or "memory"`)
    .option('--hang-after <duration>', 'no progress for this long counts as a hang', DEFAULTS.HANG_AFTER)
    .option('--repeat-after <duration>', 'repeat an open alert after this long', DEFAULTS.REPEAT_AFTER)
    .option('--once', 'sweep once and exit')
    .action(async (opts: WatchOptions) => {
      const abort = new AbortController();
      process.once('SIGINT', () => abort.abort());
      await runWatch(opts, (t) => void process.stdout.write(terminalText(t)), abort.signal);
    });
}
