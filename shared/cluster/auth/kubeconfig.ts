/** A cluster named by a kubeconfig (file or YAML text) and optionally a context: the CLI's and non-Azure clusters' way in. */
import { readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import type { ClusterTarget } from '../types.js';

/**
 * What is wrong: the kubeconfig could not be read or is not a kubeconfig (`input`), or it is fine but the context
 * asked for (or its current context) names no cluster (`context`, a wrong argument).
 */
export type KubeconfigProblem = 'input' | 'context';

export class KubeconfigError extends Error {
  override readonly name = 'KubeconfigError';

  constructor(
    message: string,
    readonly problem: KubeconfigProblem = 'input',
  ) {
    super(message);
  }
}

export interface KubeconfigTargetOptions {
  /** A path to a kubeconfig file, or the kubeconfig's YAML itself. */
  kubeconfig: string;
  /** Default: the kubeconfig's current-context. */
  context?: string;
}

/** YAML text (or its JSON form), as opposed to a file path. */
function looksLikeKubeconfigText(text: string): boolean {
  const t = text.trim();
  return t.startsWith('{') || (t.includes('\n') && /(^|\n)\s*(apiVersion|clusters|contexts)\s*:/.test(t));
}

/** How an error names the kubeconfig: its path, unless the value could be (broken) kubeconfig text with a token. */
function describe(value: string): string {
  return value.length <= 512 && !/\s|token|password/i.test(value) ? value : 'the --kubeconfig value';
}

/** Reads and checks the kubeconfig now, so a bad file or context is a clear error before any request is made. */
export function loadKubeconfigTarget(options: KubeconfigTargetOptions): ClusterTarget {
  const isText = looksLikeKubeconfigText(options.kubeconfig);
  const source = isText ? 'the given kubeconfig text' : describe(options.kubeconfig);
  let text: string;
  if (isText) {
    text = options.kubeconfig;
  } else {
    try {
      text = readFileSync(options.kubeconfig, 'utf8');
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'unreadable';
      throw new KubeconfigError(`cannot read kubeconfig ${source}: ${code}`);
    }
  }
  const kc = new KubeConfig();
  try {
    kc.loadFromString(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new KubeconfigError(`${source} is not a valid kubeconfig: ${reason}`);
  }
  if (options.context !== undefined) {
    if (!kc.getContextObject(options.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new KubeconfigError(
        `context "${options.context}" is not in ${source} (it has: ${known.join(', ') || 'no contexts'})`,
        'context',
      );
    }
    kc.setCurrentContext(options.context);
  }
  const context = kc.getCurrentContext();
  if (!context || !kc.getCurrentCluster()) {
    throw new KubeconfigError(`${source} has no current context with a cluster; pass --context`, 'context');
  }
  return { name: context, kubeConfig: () => Promise.resolve(kc) };
}
