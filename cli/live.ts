/** Live evidence for the CLI: a kubeconfig target and one collection, with progress on stderr when it is a TTY. */
import type { ClusterTarget } from '../shared/cluster/index.js';
import type { Snapshot } from '../shared/snapshot/types.js';
import { inputError, usageError } from './errors.js';

export interface LiveOptions {
  kubeconfig: string;
  context?: string;
  namespace: string;
  service: string;
}

/**
 * The cluster of `--kubeconfig [--context]`. A kubeconfig file that cannot be read or is not a kubeconfig is input
 * it cannot read (exit 3, like a bundle); a context it does not have is a usage error (exit 2). The Kubernetes
 * client is loaded on demand: offline commands never pay for (or depend on) its HTTP stack.
 */
export async function kubeconfigTarget(opts: {
  kubeconfig: string;
  context?: string;
}): Promise<ClusterTarget> {
  const { loadKubeconfigTarget, KubeconfigError } = await import('../shared/cluster/index.js');
  try {
    return loadKubeconfigTarget({ kubeconfig: opts.kubeconfig, context: opts.context });
  } catch (err) {
    if (err instanceof KubeconfigError)
      throw (err.problem === 'context' ? usageError : inputError)(`--kubeconfig: ${err.message}`);
    throw err;
  }
}

export async function collectLive(opts: LiveOptions): Promise<Snapshot> {
  const target = await kubeconfigTarget(opts);
  const { collectSnapshot } = await import('../shared/cluster/index.js');
  if (process.stderr.isTTY) process.stderr.write(`collecting ${opts.namespace}/${opts.service} …\n`);
  return collectSnapshot(target, { namespace: opts.namespace, service: opts.service });
}
