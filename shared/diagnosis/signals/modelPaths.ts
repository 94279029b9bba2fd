/**
 * Where the registered model files are in the scoring container, and how the path init() opened differs from them.
 * v1: `InitContainerConfig` (the ConfigMap the app container's env names) lists each model's files with a
 * `ContainerPath` relative to `MountPath` (`/var/azureml-app`). v2: the model is delivered under AZUREML_MODEL_DIR,
 * whose layout is not in the cluster, so only v1 can be compared file by file.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { initContainerConfigRefs } from '../../snapshot/initContainerConfig.js';
import type { BlobCheck, Snapshot } from '../../snapshot/types.js';

export interface RegisteredModelFiles {
  /** The ConfigMap the list came from, for evidence. */
  configMap: string;
  /** Absolute paths in the container, e.g. `/var/azureml-app/azureml-models/mnist/3/model.onnx`. */
  paths: string[];
  /**
   * Those of `paths` registered as a folder (the model's storage `Path` ends in `/`, e.g. `outputs/model/`), with
   * that storage prefix: the folder's files are the blobs under it.
   */
  folders: Map<string, string>;
}

/** The files inside a registered folder, as the monitor's blob check found them (200), in container paths. */
export function filesInFolder(folder: string, prefix: string, blobs: readonly BlobCheck[]): string[] {
  return blobs
    .filter((b) => b.status === 200 && b.path.startsWith(prefix) && b.path.length > prefix.length)
    .map((b) => `${folder}/${b.path.slice(prefix.length)}`);
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
        Models?: Record<string, { Path?: string; ContainerPath?: string }[]>;
      };
      const mount = cfg.MountPath ?? '/var/azureml-app';
      const folders = new Map<string, string>();
      const paths = Object.values(cfg.Models ?? {}).flatMap((files) =>
        files.flatMap((f) => {
          if (!f.ContainerPath) return [];
          const path = join(mount, f.ContainerPath).replace(/\/+$/, '');
          if (f.Path?.endsWith('/')) folders.set(path, f.Path);
          return [path];
        }),
      );
      if (paths.length) return { configMap, paths, folders };
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
 * difference: another file name in the same folder, another version, or another model. A model registered as a
 * folder is described as one, with the files found in it (`folderFiles`), never as a file of that name.
 */
export function comparePaths(
  opened: string,
  registered: string[],
  folderFiles: ReadonlyMap<string, readonly string[]> = new Map(),
): { closest: string; folder?: string; sentence: string } | undefined {
  const o = opened.split('/').filter(Boolean);
  const ranked = registered
    .map((p) => ({ p, parts: p.split('/').filter(Boolean) }))
    .sort((a, b) => commonPrefix(b.parts, o) - commonPrefix(a.parts, o));
  const best = ranked[0];
  if (!best) return undefined;
  if (best.p === opened) return undefined;
  const inFolder = folderFiles.get(best.p);
  if (inFolder) {
    if (inFolder.includes(opened)) return undefined;
    const files = [...inFolder].sort(
      (a, b) => commonPrefix(b.split('/').filter(Boolean), o) - commonPrefix(a.split('/').filter(Boolean), o),
    );
    const file = files[0];
    const listed =
      files.length === 0
        ? ' (its files were not checked)'
        : files.length === 1
          ? `; the file in it is ${file}`
          : `; the files in it include ${files.slice(0, 3).join(', ')}`;
    return {
      closest: file ?? `${best.p}/`,
      folder: `${best.p}/`,
      sentence: `The registered model is a folder ${best.p}/${listed}; init() opened ${opened}`,
    };
  }
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
