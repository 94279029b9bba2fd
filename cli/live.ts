/** Live evidence for the CLI: a kubeconfig target and one collection, with progress on stderr when it is a TTY. */
import type { Snapshot } from '../shared/snapshot/types.js';
import { usageError } from './errors.js';

export interface LiveOptions {
  kubeconfig: string;
  context?: string;
  namespace: string;
  service: string;
}

export async function collectLive(opts: LiveOptions): Promise<Snapshot> {
  // Loaded on demand: offline commands never pay for (or depend on) the Kubernetes client's HTTP stack.
  const { collectSnapshot, loadKubeconfigTarget } = await import('../shared/cluster/index.js');
  let target;
  try {
    target = loadKubeconfigTarget({ kubeconfig: opts.kubeconfig, context: opts.context });
  } catch (err) {
    throw usageError(`--kubeconfig ${opts.kubeconfig}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (process.stderr.isTTY) process.stderr.write(`collecting ${opts.namespace}/${opts.service} …\n`);
  return collectSnapshot(target, { namespace: opts.namespace, service: opts.service });
}
