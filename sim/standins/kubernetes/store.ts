/**
 * The cluster state the scenario server answers from: plain Kubernetes JSON objects (as kubectl prints them) indexed by
 * kind, plus container logs. Built from one or more snapshot bundles; a later bundle's object replaces an earlier one
 * with the same kind, namespace and name (two bundles may both carry the cluster's nodes). Lists keep the bundle's
 * order: a real API server orders by name, and so does any bundle captured from one, while a hand-written bundle
 * keeps the order its author chose, so live and offline diagnoses see the same order.
 */
import { primaryResourceOfKind, type ResourceKind } from './resources.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export interface ContainerLogEntry {
  namespace: string;
  pod: string;
  container: string;
  current?: string;
  previous?: string;
}

/** What one bundle contributes to the cluster. */
export interface ClusterContent {
  objects: KubeObject[];
  logs: ContainerLogEntry[];
  /** RFC 3339 "now" of the bundle (`meta.json` `capturedAt`). */
  capturedAt?: string;
}

export interface ListQuery {
  namespace?: string;
  labelSelector: string | null;
  fieldSelector: string | null;
}

function objectKey(o: KubeObject): string {
  return `${o.kind ?? ''}/${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
}

/** Core v1 Event → events.k8s.io/v1 Event, the conversion the API server performs. */
export function toEventsV1(e: KubeObject): KubeObject {
  const source = (e.source ?? {}) as { component?: string; host?: string };
  const converted: KubeObject = {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: e.metadata,
    eventTime: e.eventTime ?? null,
    regarding: e.involvedObject,
    note: e.message,
    reason: e.reason,
    type: e.type,
    reportingController: e.reportingComponent || source.component || '',
    reportingInstance: e.reportingInstance || source.host || '',
    action: e.action,
    related: e.related,
    deprecatedSource: e.source,
    deprecatedFirstTimestamp: e.firstTimestamp,
    deprecatedLastTimestamp: e.lastTimestamp,
    deprecatedCount: e.count,
  };
  return Object.fromEntries(Object.entries(converted).filter(([, v]) => v !== undefined)) as KubeObject;
}

export class ClusterStore {
  private readonly byKind = new Map<string, KubeObject[]>();
  private readonly logs = new Map<string, ContainerLogEntry>();
  readonly capturedAt: string | undefined;

  constructor(contents: readonly ClusterContent[]) {
    const merged = new Map<string, KubeObject>();
    for (const content of contents) {
      for (const o of content.objects) {
        if (!o.kind || !o.metadata?.name || !primaryResourceOfKind(o.kind)) continue;
        merged.set(objectKey(o), o);
      }
      for (const entry of content.logs) {
        this.logs.set(`${entry.namespace}/${entry.pod}/${entry.container}`, entry);
      }
    }
    for (const o of merged.values()) {
      const list = this.byKind.get(o.kind ?? '') ?? [];
      list.push(o);
      this.byKind.set(o.kind ?? '', list);
    }
    const times = contents.map((c) => c.capturedAt).filter((t): t is string => typeof t === 'string');
    this.capturedAt = times.sort().at(-1);
  }

  private objectsOf(resource: ResourceKind): KubeObject[] {
    const stored = this.byKind.get(resource.storedAs ?? resource.kind) ?? [];
    if (resource.group === 'events.k8s.io') return stored.map(toEventsV1);
    return stored.map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, ...o }));
  }

  /** Filters but does not paginate; throws `SelectorError` for a selector the API server would reject. */
  list(resource: ResourceKind, query: ListQuery, resourceKeyForFields: string): KubeObject[] {
    const labels = parseLabelSelector(query.labelSelector);
    const fields = parseFieldSelector(query.fieldSelector, resourceKeyForFields);
    return this.objectsOf(resource).filter(
      (o) =>
        (query.namespace === undefined || o.metadata?.namespace === query.namespace) &&
        labels(o.metadata?.labels) &&
        fields(o),
    );
  }

  get(resource: ResourceKind, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.objectsOf(resource).find(
      (o) => o.metadata?.name === name && (namespace === undefined || o.metadata?.namespace === namespace),
    );
  }

  logOf(namespace: string, pod: string, container: string): ContainerLogEntry | undefined {
    return this.logs.get(`${namespace}/${pod}/${container}`);
  }

  /** Container names of a pod, in spec order (init containers first, as kubectl lists them). */
  static containerNames(pod: KubeObject): { init: string[]; main: string[] } {
    const spec = (pod.spec ?? {}) as {
      initContainers?: Array<{ name?: string }>;
      containers?: Array<{ name?: string }>;
    };
    const names = (list: Array<{ name?: string }> | undefined): string[] =>
      (list ?? []).map((c) => c.name ?? '').filter((n) => n !== '');
    return { init: names(spec.initContainers), main: names(spec.containers) };
  }

  /** The container's status as the kubelet reports it, for deciding what a log request can return. */
  static containerStatus(pod: KubeObject, container: string): Record<string, unknown> | undefined {
    const status = (pod.status ?? {}) as {
      containerStatuses?: Array<Record<string, unknown>>;
      initContainerStatuses?: Array<Record<string, unknown>>;
    };
    return [...(status.containerStatuses ?? []), ...(status.initContainerStatuses ?? [])].find(
      (s) => s.name === container,
    );
  }
}
