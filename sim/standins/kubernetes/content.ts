/**
 * Turns snapshot bundles (directories) or in-memory Snapshots into what the scenario cluster serves: the objects as
 * `snapshotToObjects` prints them, and each container's logs under its pod's namespace.
 */
import { snapshotNow } from '../../../shared/diagnosis/engine.js';
import { loadBundle } from '../../../shared/snapshot/bundle.js';
import { snapshotToObjects } from '../../../shared/snapshot/objects.js';
import type { Snapshot } from '../../../shared/snapshot/types.js';
import type { ClusterContent, ContainerLogEntry, KubeObject } from './store.js';

export function contentFromSnapshot(snapshot: Snapshot): ClusterContent {
  const namespaceOfPod = new Map(
    snapshot.pods.map((p) => [p.metadata?.name ?? '', p.metadata?.namespace ?? '']),
  );
  const logs: ContainerLogEntry[] = [];
  for (const [key, value] of snapshot.logs) {
    const slash = key.indexOf('/');
    const pod = key.slice(0, slash);
    const namespace = namespaceOfPod.get(pod) ?? snapshot.meta.namespace ?? 'default';
    logs.push({ namespace, pod, container: key.slice(slash + 1), ...value });
  }
  // Without a recorded capture time, the engine dates a bundle by its newest timestamp; the server's clock does too.
  const capturedAt = snapshot.meta.capturedAt ?? snapshotNow(snapshot).now.toISOString();
  return { objects: snapshotToObjects(snapshot) as KubeObject[], logs, capturedAt };
}

/** A bundle directory or an already loaded Snapshot. */
export type BundleSource = string | Snapshot;

export async function loadContent(source: BundleSource): Promise<ClusterContent> {
  return contentFromSnapshot(typeof source === 'string' ? await loadBundle(source) : source);
}
