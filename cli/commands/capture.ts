/**
 * `amlmon capture [--kubeconfig FILE [--context NAME] --namespace NS] [--workspace ID] --service NAME --out DIR`:
 * collect one service's evidence live and write it as a snapshot bundle (docs/CONTRACT.md §1), so it can be
 * diagnosed offline, attached to a ticket or turned into a test fixture. `--workspace` adds Azure ML's half (its
 * record as `service.json`, the blobs it reads as `blobs.json`). Diagnosed offline, the bundle gives the same result
 * as the live diagnosis.
 */
import type { Command } from 'commander';
import type { RequestTrace } from '../../shared/cluster/index.js';
import { writeBundle } from '../../shared/snapshot/bundle.js';
import type { Snapshot } from '../../shared/snapshot/types.js';
import { inputError, usageError } from '../errors.js';
import { kubeconfigTarget } from '../live.js';
import { withAzureMl, type AzureMlDeps } from '../azureml.js';
import { emptySnapshot } from '../../shared/snapshot/types.js';

export interface CaptureOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  service?: string;
  out?: string;
  /** ARM resource id of the Azure ML workspace: add Azure ML's record and blob checks. */
  workspace?: string;
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
  deps: AzureMlDeps = {},
): Promise<CaptureResult> {
  if (!opts.service || !opts.out || (!opts.kubeconfig && !opts.workspace)) {
    throw usageError('capture needs --service, --out, and --kubeconfig (with --namespace) or --workspace');
  }
  if (opts.kubeconfig && !opts.namespace) throw usageError('--kubeconfig needs --namespace');
  let requests = 0;
  let snapshot: Snapshot = emptySnapshot({});
  if (opts.kubeconfig && opts.namespace) {
    const target = await kubeconfigTarget({ kubeconfig: opts.kubeconfig, context: opts.context });
    // Loaded on demand, as for live diagnose: the Kubernetes client stack is only needed here.
    const { collectSnapshot } = await import('../../shared/cluster/index.js');
    const onRequest = (t: RequestTrace): void => {
      requests++;
      progress?.(
        `  wave ${t.wave}  ${t.label}  ${t.outcome}${t.attempts > 1 ? ` (${t.attempts} attempts)` : ''}`,
      );
    };
    progress?.(`capturing ${opts.namespace}/${opts.service} from ${target.name} …`);
    snapshot = await collectSnapshot(target, {
      namespace: opts.namespace,
      service: opts.service,
      onRequest,
    });
  }
  if (opts.workspace) {
    progress?.(`reading ${opts.service} from Azure ML …`);
    snapshot = await withAzureMl(snapshot, opts, deps, !!opts.kubeconfig);
  }
  try {
    await writeBundle(opts.out as string, snapshot);
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
    .option('--kubeconfig <file>', 'kubeconfig of the cluster')
    .option('--context <name>', 'kubeconfig context (default: its current context)')
    .option('--namespace <ns>', 'namespace of the service (with --kubeconfig)')
    .option(
      '--workspace <resource-id>',
      "also read Azure ML's record of the service and check the blobs it reads (ARM id of the workspace)",
    )
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
          `${snapshot.logs.size} log(s) in ${requests} request(s)` +
          `${snapshot.service ? `, Azure ML record (${snapshot.service.state ?? 'no state'})` : ''}` +
          `${snapshot.blobs ? `, ${snapshot.blobs.length} blob check(s)` : ''}${problem}\n`,
      );
    });
}
