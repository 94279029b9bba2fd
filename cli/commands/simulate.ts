/** `amlmon simulate <scenario-dir> [--json]` (docs/CONTRACT.md §4): the function handlers end to end on this machine. */
import type { Command } from 'commander';
import type { SimDelivery, SimulationResult } from '../../sim/runner.js';
import { inputError } from '../errors.js';
import { terminalText } from '../../shared/text/redact.js';

export interface SimulateOptions {
  json?: boolean;
  verbose?: boolean;
  out?: string;
}

function hhmm(iso: string): string {
  return iso.slice(11, 16);
}

/** Deliveries for a person: one line per message (channels merged), its title beneath. */
export function formatDeliveries(result: SimulationResult, header?: string): string {
  const groups = new Map<string, { d: SimDelivery; channels: string[] }>();
  for (const d of result.deliveries) {
    const key = JSON.stringify([d.at, d.kind, d.namespace, d.service, d.code, d.detail]);
    const g = groups.get(key);
    if (g) {
      if (!g.channels.includes(d.channel)) g.channels.push(d.channel);
    } else groups.set(key, { d, channels: [d.channel] });
  }
  const lines: string[] = header ? [header, ''] : [];
  if (groups.size === 0) lines.push('(nothing was delivered)');
  const width = Math.max(
    12,
    ...[...groups.values()].map((g) => `${g.d.namespace ?? ''}/${g.d.service}`.length),
  );
  for (const { d, channels } of groups.values()) {
    const what = d.kind === 'digest' ? 'daily digest' : `${d.code ?? ''}${d.detail ? `/${d.detail}` : ''}`;
    const who = d.kind === 'digest' ? '' : `${d.namespace ?? ''}/${d.service}`;
    lines.push(
      `${hhmm(d.at)}  ${d.kind.toUpperCase().padEnd(8)} ${who.padEnd(width)}  ${what}  → ${channels.join(', ')}`,
    );
    if (d.title && d.kind !== 'resolved') lines.push(`${' '.repeat(16)}${d.title}`);
  }
  const count = (k: string): number => [...groups.values()].filter((g) => g.d.kind === k).length;
  const n = (c: number, one: string, many = `${one}s`): string => `${c} ${c === 1 ? one : many}`;
  lines.push('');
  lines.push(
    `${n(groups.size, 'notification')} (${n(count('alert'), 'alert')}, ${count('resolved')} resolved, ` +
      `${n(count('digest'), 'digest')}) delivered as ${n(result.deliveries.length, 'message')}; ` +
      `${result.poisoned} in the poison queue.`,
  );
  return lines.join('\n') + '\n';
}

/** The scenario's `actions/`, each as the card link that was followed and what the page answered. */
export function formatActions(result: SimulationResult): string {
  if (result.actions.length === 0) return '';
  const lines = ['', 'Actions (the link of the last Teams card for the service, opened and its form sent):'];
  for (const a of result.actions) {
    const status =
      a.submitStatus !== undefined
        ? `HTTP ${a.pageStatus ?? '?'}/${a.submitStatus}`
        : `HTTP ${a.pageStatus ?? '-'}`;
    lines.push(`${hhmm(a.at)}  ${a.link.padEnd(20)} ${a.service}  ${status}`);
    lines.push(`${' '.repeat(16)}${a.outcome.slice(0, 300)}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * Without the Functions host, `@azure/functions` announces "test mode" and skips each registration, on stderr.
 * That is exactly how simulate wants it, so those lines (and only those) are kept off the user's terminal.
 */
async function importQuietly<T>(load: () => Promise<T>): Promise<T> {
  const warn = console.warn;
  console.warn = (...args: unknown[]): void => {
    const text = String(args[0] ?? '');
    if (
      /^WARNING: (Failed to detect the Azure Functions runtime|Skipping call to register (function|\w+ hook))/.test(
        text,
      )
    )
      return;
    warn(...args);
  };
  try {
    return await load();
  } finally {
    console.warn = warn;
  }
}

export async function runSimulate(
  dir: string,
  opts: SimulateOptions,
  progress?: (line: string) => void,
): Promise<string> {
  // Loaded on demand: the other commands never start Azurite or load the Functions handlers.
  const { runSimulation } = await importQuietly(() => import('../../sim/runner.js'));
  const { ScenarioError } = await import('../../sim/scenario.js');
  let result: SimulationResult;
  try {
    result = await runSimulation(dir, {
      onStep: (k, at, bundles) =>
        progress?.(
          `sweep ${k} at ${at.toISOString()} (cluster: ${bundles.map((b) => b.split('/').pop()).join(', ')})`,
        ),
      onLog: opts.verbose ? (level, m) => progress?.(`  [${level}] ${m}`) : undefined,
      outDir: opts.out,
    });
  } catch (err) {
    if (err instanceof ScenarioError) throw inputError(err.message);
    throw err;
  }
  if (opts.json) {
    const deliveries = result.deliveries.map(
      ({ channel, kind, service, code, detail, at, workspace, since, amlCode }) => ({
        channel,
        kind,
        service,
        code,
        detail,
        at,
        workspace: workspace ?? null,
        since: since ?? null,
        amlCode: amlCode ?? null,
      }),
    );
    return JSON.stringify({ deliveries }, null, 2) + '\n';
  }
  const { loadScenario } = await import('../../sim/scenario.js');
  const s = await loadScenario(dir);
  const header =
    `Simulated ${dir}: ${s.sweeps} sweeps every ${Math.round(s.sweepIntervalMs / 60_000)} min from ${s.start.toISOString()}` +
    ` (Azurite, scenario cluster over HTTPS, ACS Email and Teams stand-ins). Delivered (times UTC):`;
  const written = result.written.length
    ? `\nEvery message as it was received (email HTML and text, Teams card JSON): ${opts.out} (${result.written.length} files)\n`
    : '';
  return formatDeliveries(result, header) + formatActions(result) + written;
}

export function register(program: Command): void {
  program
    .command('simulate')
    .description(
      'run the monitor end to end on this machine: Azurite, a scenario cluster, loopback email/Teams, a simulated clock',
    )
    .argument('<scenario-dir>', 'scenario directory (scenario.json, cluster/<k>/<bundle>/, events/, blobs/)')
    .option('--json', 'print {"deliveries":[...]} instead of the readable list')
    .option('--verbose', 'also print what every handler logged')
    .option(
      '--out <dir>',
      'write every delivered message (email HTML/text, Teams card JSON) into this directory',
    )
    .action(async (dir: string, opts: SimulateOptions) => {
      const progress = opts.verbose
        ? (line: string): void => void process.stderr.write(terminalText(`${line}\n`))
        : undefined;
      process.stdout.write(terminalText(await runSimulate(dir, opts, progress)));
    });
}
