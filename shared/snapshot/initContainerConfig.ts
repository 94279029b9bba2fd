/**
 * v1 services name their model and code blobs in a ConfigMap that the app container's `InitContainerConfig`
 * environment variable refers to. Several readers need that document (the model-file comparison, the download
 * rule, the blob checks); this is the one place that follows the reference.
 */
import type { V1Container } from '@kubernetes/client-node';
import type { Snapshot } from './types.js';

export const INIT_CONTAINER_CONFIG = 'InitContainerConfig';

export interface InitContainerConfigRef {
  /** The ConfigMap the variable names. */
  configMap: string;
  /** The document, absent when the snapshot does not hold that ConfigMap (or it has no such key). */
  raw?: string;
}

/** Every `InitContainerConfig` reference of `containers` (in `namespace`), with the document when the snapshot has it. */
export function initContainerConfigRefs(
  snapshot: Snapshot,
  namespace: string,
  containers: readonly V1Container[],
): InitContainerConfigRef[] {
  const refs: InitContainerConfigRef[] = [];
  for (const c of containers) {
    const ref = c.env?.find((e) => e.name === INIT_CONTAINER_CONFIG)?.valueFrom?.configMapKeyRef;
    if (!ref?.name) continue;
    const cm = snapshot.configMaps.find(
      (m) => m.metadata?.name === ref.name && (m.metadata?.namespace ?? '') === namespace,
    );
    const raw = cm?.data?.[ref.key ?? INIT_CONTAINER_CONFIG];
    refs.push({ configMap: ref.name, ...(raw ? { raw } : {}) });
  }
  return refs;
}
