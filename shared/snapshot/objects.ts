/**
 * Raw Kubernetes JSON (as kubectl prints it or the API serves it) ↔ the typed objects of a Snapshot.
 * Deserialisation goes through client-node's own ObjectSerializer, so a bundle read from disk and objects fetched
 * by the collector end up identical (timestamps as Dates, unknown fields dropped).
 */
import type { CoreV1Event, EventsV1Event } from '@kubernetes/client-node';
import { ObjectSerializer } from '@kubernetes/client-node/dist/serializer.js';
import type { Snapshot } from './types.js';

type Collection = Exclude<keyof Snapshot, 'logs' | 'buildLog' | 'service' | 'blobs' | 'meta'>;

interface KindInfo {
  type: string;
  collection: Collection;
  apiVersion: string;
}

/** Kinds docs/CONTRACT.md §1 uses; anything else in a bundle is ignored. Keyed by `<group>/<Kind>` (core group empty). */
const KINDS: Record<string, KindInfo> = {
  '/Pod': { type: 'V1Pod', collection: 'pods', apiVersion: 'v1' },
  '/Event': { type: 'CoreV1Event', collection: 'events', apiVersion: 'v1' },
  'apps/Deployment': { type: 'V1Deployment', collection: 'deployments', apiVersion: 'apps/v1' },
  'apps/ReplicaSet': { type: 'V1ReplicaSet', collection: 'replicaSets', apiVersion: 'apps/v1' },
  '/PersistentVolumeClaim': {
    type: 'V1PersistentVolumeClaim',
    collection: 'persistentVolumeClaims',
    apiVersion: 'v1',
  },
  '/PersistentVolume': { type: 'V1PersistentVolume', collection: 'persistentVolumes', apiVersion: 'v1' },
  '/ConfigMap': { type: 'V1ConfigMap', collection: 'configMaps', apiVersion: 'v1' },
  '/Node': { type: 'V1Node', collection: 'nodes', apiVersion: 'v1' },
  '/ResourceQuota': { type: 'V1ResourceQuota', collection: 'resourceQuotas', apiVersion: 'v1' },
  '/Namespace': { type: 'V1Namespace', collection: 'namespaces', apiVersion: 'v1' },
};

const COLLECTION_KIND: Record<Collection, string> = {
  pods: 'Pod',
  events: 'Event',
  deployments: 'Deployment',
  replicaSets: 'ReplicaSet',
  persistentVolumeClaims: 'PersistentVolumeClaim',
  persistentVolumes: 'PersistentVolume',
  configMaps: 'ConfigMap',
  nodes: 'Node',
  resourceQuotas: 'ResourceQuota',
  namespaces: 'Namespace',
};

export class ObjectShapeError extends Error {
  constructor(
    message: string,
    readonly index: number,
  ) {
    super(message);
    this.name = 'ObjectShapeError';
  }
}

/** The namespace Azure ML v1 deploys a workspace's services into: `azureml-<workspace>`. */
export function v1Namespace(workspace: string): string {
  return `azureml-${workspace}`;
}

/** The workspace a v1 namespace names (`v1Namespace` read back). */
export function workspaceOfNamespace(ns: string): string | undefined {
  return ns.startsWith('azureml-') && ns.length > 'azureml-'.length ? ns.slice('azureml-'.length) : undefined;
}

/** A plain JSON object (not null, not an array): the one shape check every reader of untyped JSON needs. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `v` as a plain JSON object, or undefined. */
export function asRecord(v: unknown): Record<string, unknown> | undefined {
  return isRecord(v) ? v : undefined;
}

/** `v` when it is a string, or undefined. */
export function asString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

function asDate(v: unknown): Date | undefined {
  if (v instanceof Date) return v;
  if (typeof v === 'string' && v) {
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}

/**
 * client-node types MicroTime fields (`eventTime`, `series.lastObservedTime`) as Date but leaves them strings when
 * it deserialises; make them Dates so every event time compares the same way. Idempotent.
 */
export function normaliseEventTimes(e: CoreV1Event): CoreV1Event {
  const eventTime = asDate(e.eventTime);
  const lastObserved = asDate(e.series?.lastObservedTime);
  if (eventTime === e.eventTime && lastObserved === e.series?.lastObservedTime) return e;
  return {
    ...e,
    eventTime,
    series: e.series ? { ...e.series, lastObservedTime: lastObserved } : undefined,
  };
}

/** events.k8s.io/v1 → the core v1 shape, so rules read one kind of event. */
export function eventFromEventsV1(e: EventsV1Event): CoreV1Event {
  const eventTime = asDate(e.eventTime);
  const lastObserved = asDate(e.series?.lastObservedTime);
  const regarding = e.regarding ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: e.metadata ?? {},
    involvedObject: regarding,
    reason: e.reason,
    message: e.note,
    type: e.type,
    action: e.action,
    count: e.series?.count ?? e.deprecatedCount ?? 1,
    eventTime,
    firstTimestamp: e.deprecatedFirstTimestamp ?? eventTime,
    lastTimestamp: lastObserved ?? e.deprecatedLastTimestamp ?? eventTime,
    series: e.series ? { count: e.series.count, lastObservedTime: lastObserved } : undefined,
    source: e.deprecatedSource ?? (e.reportingController ? { component: e.reportingController } : undefined),
    reportingComponent: e.reportingController,
    reportingInstance: e.reportingInstance,
    related: e.related,
  };
}

/**
 * Adds raw objects (single objects or `kind: List`s) to a snapshot. Unknown kinds are skipped; an item that is not
 * an object with a `kind` is an error naming its position.
 * @returns how many objects of known kinds were added.
 */
/** Fields that must be lists; a map or a scalar there (hostile or hand-edited input) is dropped with a gap. */
const LIST_FIELDS: readonly (readonly string[])[] = [
  ['metadata', 'ownerReferences'],
  ['spec', 'containers'],
  ['spec', 'initContainers'],
  ['spec', 'volumes'],
  ['spec', 'tolerations'],
  ['status', 'conditions'],
  ['status', 'containerStatuses'],
  ['status', 'initContainerStatuses'],
];

function nameOf(raw: Record<string, unknown>): string {
  const md = raw.metadata;
  const name = isRecord(md) && typeof md.name === 'string' ? md.name : '?';
  return `${String(raw.kind)} ${name}`;
}

/**
 * A Kubernetes object name (DNS-1123 subdomain, or the looser path-segment names some kinds allow, without
 * whitespace, quotes or shell syntax). The API server enforces this; only a hand-made or hostile bundle breaks it,
 * and such a name would otherwise be pasted into the suggested `kubectl` commands.
 */
export const KUBERNETES_NAME = /^[A-Za-z0-9]([A-Za-z0-9._:-]{0,251}[A-Za-z0-9])?$/;

/**
 * Drops fields of the wrong type (naming each as a gap), so one odd object never costs the whole bundle; an object
 * whose name could not exist in a cluster is skipped (undefined), also named.
 */
function sanitiseShape(raw: Record<string, unknown>, gaps: string[]): Record<string, unknown> | undefined {
  const md = raw.metadata;
  if (isRecord(md)) {
    for (const field of ['name', 'namespace'] as const) {
      const v = md[field];
      if (v !== undefined && (typeof v !== 'string' || !KUBERNETES_NAME.test(v))) {
        gaps.push(
          `${String(raw.kind)} ${JSON.stringify(v).slice(0, 80)}: metadata.${field} is not a valid Kubernetes name; object skipped`,
        );
        return undefined;
      }
    }
  }
  const io = raw.involvedObject;
  if (
    isRecord(io) &&
    io.name !== undefined &&
    (typeof io.name !== 'string' || !KUBERNETES_NAME.test(io.name))
  ) {
    gaps.push(`${nameOf(raw)}: involvedObject.name is not a valid Kubernetes name; event skipped`);
    return undefined;
  }
  const out: Record<string, unknown> = { ...raw };
  for (const [outer, inner] of LIST_FIELDS as [string, string][]) {
    const o = out[outer];
    if (!isRecord(o) || o[inner] === undefined) continue;
    if (!Array.isArray(o[inner])) {
      gaps.push(`${nameOf(raw)}: ${outer}.${inner} is not a list; ignored`);
      const copy = { ...o };
      delete copy[inner];
      out[outer] = copy;
    }
  }
  const status = out.status;
  if (isRecord(status)) {
    for (const list of ['containerStatuses', 'initContainerStatuses']) {
      const statuses = status[list];
      if (!Array.isArray(statuses)) continue;
      status[list] = statuses.map((cs: unknown) => {
        if (!isRecord(cs)) return cs;
        const n = cs.restartCount;
        if (n === undefined || (typeof n === 'number' && Number.isFinite(n) && n >= 0)) return cs;
        gaps.push(
          `${nameOf(raw)}: container ${String(cs.name)} restartCount ${JSON.stringify(n)} is not a count; read as 0`,
        );
        return { ...cs, restartCount: 0 };
      });
    }
  }
  if (out.count !== undefined && (typeof out.count !== 'number' || !Number.isFinite(out.count))) {
    gaps.push(`${nameOf(raw)}: count ${JSON.stringify(out.count)} is not a number; ignored`);
    delete out.count;
  }
  return out;
}

/**
 * Adds objects to the snapshot. With `gaps`, an object of the wrong shape is repaired or skipped and named there
 * (bundles, hostile input); without it, the first bad object throws.
 */
export function addObjects(snapshot: Snapshot, objects: unknown[], gaps?: string[]): number {
  let added = 0;
  objects.forEach((input, index) => {
    const raw =
      gaps && isRecord(input) && typeof input.kind === 'string' ? sanitiseShape(input, gaps) : input;
    if (raw === null || raw === undefined) return; // an empty YAML document
    if (!isRecord(raw) || typeof raw.kind !== 'string') {
      throw new ObjectShapeError(`item ${index + 1} is not a Kubernetes object (it has no "kind")`, index);
    }
    if (raw.kind === 'List' || raw.kind.endsWith('List')) {
      const items = raw.items;
      if (!Array.isArray(items))
        throw new ObjectShapeError(`item ${index + 1} is a ${raw.kind} without "items"`, index);
      const kindFromList = raw.kind === 'List' ? undefined : raw.kind.slice(0, -'List'.length);
      added += addObjects(
        snapshot,
        items.map((it: unknown) =>
          kindFromList && isRecord(it) && !it.kind
            ? { ...it, kind: kindFromList, apiVersion: raw.apiVersion }
            : it,
        ),
        gaps,
      );
      return;
    }
    if (gaps) {
      try {
        added += addObjects(snapshot, [raw]);
      } catch (err) {
        gaps.push(
          `${nameOf(raw)}: cannot be read (${err instanceof Error ? err.message : String(err)}); skipped`,
        );
      }
      return;
    }
    const apiVersion = typeof raw.apiVersion === 'string' ? raw.apiVersion : 'v1';
    const group = groupOf(apiVersion);
    if (group === 'events.k8s.io' && raw.kind === 'Event') {
      const ev = ObjectSerializer.deserialize(raw, 'EventsV1Event') as EventsV1Event;
      snapshot.events.push(eventFromEventsV1(ev));
      added++;
      return;
    }
    const info = KINDS[`${group}/${raw.kind}`];
    if (!info) return;
    const obj: unknown = ObjectSerializer.deserialize(raw, info.type);
    (snapshot[info.collection] as unknown[]).push(
      info.collection === 'events' ? normaliseEventTimes(obj as CoreV1Event) : obj,
    );
    added++;
  });
  return added;
}

/** MicroTime as the API server prints it: six fractional digits. */
function microTime(v: unknown): unknown {
  return v instanceof Date ? v.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z') : v;
}

/** API server time format: RFC 3339 without fractional seconds when they are zero, as kubectl prints. */
function kubeTimes(value: unknown): unknown {
  if (typeof value === 'string')
    return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/.test(value) ? value.replace('.000Z', 'Z') : value;
  if (Array.isArray(value)) return value.map(kubeTimes);
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = kubeTimes(v);
    return out;
  }
  return value;
}

/** Plain JSON objects of one collection, with apiVersion and kind set, as the API server would serve them. */
export function collectionToObjects(snapshot: Snapshot, collection: Collection): Record<string, unknown>[] {
  const kind = COLLECTION_KIND[collection];
  const info = Object.values(KINDS).find((k) => k.collection === collection);
  if (!info) return [];
  return (snapshot[collection] as unknown[]).map((obj) => {
    let source = obj;
    if (collection === 'events') {
      const e = obj as CoreV1Event;
      // Serialise MicroTimes ourselves: client-node would print them with millisecond precision.
      source = {
        ...e,
        eventTime: microTime(e.eventTime),
        series: e.series
          ? { ...e.series, lastObservedTime: microTime(e.series.lastObservedTime) }
          : undefined,
      };
    }
    const plain = kubeTimes(ObjectSerializer.serialize(source, info.type)) as Record<string, unknown>;
    return { apiVersion: info.apiVersion, kind, ...plain };
  });
}

export const SNAPSHOT_COLLECTIONS = Object.keys(COLLECTION_KIND) as Collection[];

/** Every object of the snapshot as plain JSON (the inverse of `addObjects`). */
export function snapshotToObjects(snapshot: Snapshot): Record<string, unknown>[] {
  return SNAPSHOT_COLLECTIONS.flatMap((c) => collectionToObjects(snapshot, c));
}
