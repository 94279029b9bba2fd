/**
 * Where the registered model files are in the scoring container, and how the path init() opened differs from them.
 * v1: `InitContainerConfig` (the ConfigMap the app container's env names) lists each model's files with a
 * `ContainerPath` relative to `MountPath` (`/var/azureml-app`). v2: the model is delivered under AZUREML_MODEL_DIR,
 * whose layout is not in the cluster, so only v1 can be compared file by file.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { initContainerConfigRefs } from '../../snapshot/initContainerConfig.js';
import type { Snapshot } from '../../snapshot/types.js';

export interface RegisteredModelFiles {
  /** The ConfigMap the list came from, for evidence. */
  configMap: string;
  /** Absolute paths in the container, e.g. `/var/azureml-app/azureml-models/mnist/3/model.onnx`. */
  paths: string[];
}

function join(base: string, rel: string): string {
  if (rel.startsWith('/')) return rel;
  return `${base.replace(/\/+$/, '')}/${rel.replace(/^\.\//, '')}`;
}

export function registeredModelFiles(snapshot: Snapshot, pod: V1Pod): RegisteredModelFiles | undefined {
  const refs = initContainerConfigRefs(snapshot, pod.metadata?.namespace ?? '', pod.spec?.containers ?? []);
  for (const { configMap, raw } of refs) {
    if (!raw) continue;
    try {
      const cfg = JSON.parse(raw) as {
        MountPath?: string;
        Models?: Record<string, { ContainerPath?: string }[]>;
      };
      const mount = cfg.MountPath ?? '/var/azureml-app';
      const paths = Object.values(cfg.Models ?? {}).flatMap((files) =>
        files.flatMap((f) => (f.ContainerPath ? [join(mount, f.ContainerPath)] : [])),
      );
      if (paths.length) return { configMap, paths };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function commonPrefix(a: string[], b: string[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/**
 * The registered file closest to the opened path (most leading directories in common) and one sentence on the
 * difference: another file name in the same folder, another version, or another model.
 */
export function comparePaths(
  opened: string,
  registered: string[],
): { closest: string; sentence: string } | undefined {
  const o = opened.split('/').filter(Boolean);
  const ranked = registered
    .map((p) => ({ p, parts: p.split('/').filter(Boolean) }))
    .sort((a, b) => commonPrefix(b.parts, o) - commonPrefix(a.parts, o));
  const best = ranked[0];
  if (!best) return undefined;
  if (best.p === opened) return undefined;
  const shared = commonPrefix(best.parts, o);
  const dirOf = (parts: string[]) => parts.slice(0, -1).join('/');
  let what: string;
  if (dirOf(best.parts) === dirOf(o)) what = 'same folder, different file name';
  else if (best.p.startsWith(`${opened}/`)) what = 'init() opened the folder as if it were the file';
  else if (opened.startsWith(`${best.p}/`)) what = 'init() treated the registered file as a folder';
  else if (shared >= best.parts.length - 2 && /^\d+$/.test(best.parts[shared] ?? ''))
    what = `a different model version (registered: ${best.parts[shared]})`;
  else what = 'a different path';
  return {
    closest: best.p,
    sentence: `init() opened ${opened}, the registered file is ${best.p} (${what})`,
  };
}
