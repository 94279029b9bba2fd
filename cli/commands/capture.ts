/**
 * `amlmon capture --kubeconfig FILE [--context NAME] --namespace NS --service NAME --out DIR`: collect one service's
 * evidence live and write it as a snapshot bundle (docs/CONTRACT.md §1), so it can be diagnosed offline, attached to a ticket
 * or turned into a test fixture. Diagnosed offline, the bundle gives the same result as the live diagnosis.
 */
import type { Command } from 'commander';
import type { RequestTrace } from '../../shared/cluster/index.js';
import { writeBundle } from '../../shared/snapshot/bundle.js';
import type { Snapshot } from '../../shared/snapshot/types.js';
import { inputError, usageError } from '../errors.js';
import { kubeconfigTarget } from '../live.js';

export interface CaptureOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  service?: string;
  out?: string;
}

/** What a capture did, for the summary line on stderr. */
export interface CaptureResult {
  snapshot: Snapshot;
  requests: number;
}

/** Runs the capture; separated from commander for tests. `progress` receives one line per request. */
export async function runCapture(
  opts: CaptureOptions,
  progress?: (line: string) => void,
): Promise<CaptureResult> {
  if (!opts.kubeconfig || !opts.namespace || !opts.service || !opts.out) {
    throw usageError('capture needs --kubeconfig, --namespace, --service and --out');
  }
  const target = await kubeconfigTarget({ kubeconfig: opts.kubeconfig, context: opts.context });
  // Loaded on demand, as for live diagnose: the Kubernetes client stack is only needed here.
  const { collectSnapshot } = await import('../../shared/cluster/index.js');
  let requests = 0;
  const onRequest = (t: RequestTrace): void => {
    requests++;
    progress?.(
      `  wave ${t.wave}  ${t.label}  ${t.outcome}${t.attempts > 1 ? ` (${t.attempts} attempts)` : ''}`,
    );
  };
  progress?.(`capturing ${opts.namespace}/${opts.service} from ${target.name} …`);
  const snapshot = await collectSnapshot(target, {
    namespace: opts.namespace,
    service: opts.service,
    onRequest,
  });
  try {
    await writeBundle(opts.out, snapshot);
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw inputError(
      `cannot write the bundle to ${opts.out}: ${code ?? (err instanceof Error ? err.message : String(err))}`,
    );
  }
  return { snapshot, requests };
}

export function register(program: Command): void {
  program
    .command('capture')
    .description('collect one service’s evidence from a cluster and write it as a snapshot bundle')
    .requiredOption('--kubeconfig <file>', 'kubeconfig of the cluster')
    .option('--context <name>', 'kubeconfig context (default: its current context)')
    .requiredOption('--namespace <ns>', 'namespace of the service')
    .requiredOption('--service <name>', 'Kubernetes Deployment name, or <endpoint>/<deployment> for v2')
    .requiredOption('--out <dir>', 'directory to write the bundle to')
    .action(async (opts: CaptureOptions) => {
      const tty = !!process.stderr.isTTY;
      const { snapshot, requests } = await runCapture(
        opts,
        tty ? (l) => process.stderr.write(`${l}\n`) : undefined,
      );
      const gaps = snapshot.meta.gaps ?? [];
      const problem = snapshot.meta.clusterError
        ? `; cluster unreachable: ${snapshot.meta.clusterError.kind}`
        : gaps.length > 0
          ? `; ${gaps.length} gap(s): ${gaps.join('; ')}`
          : '';
      process.stderr.write(
        `wrote ${opts.out}: ${snapshot.pods.length} pod(s), ${snapshot.events.length} event(s), ` +
          `${snapshot.logs.size} log(s) in ${requests} request(s)${problem}\n`,
      );
    });
}
