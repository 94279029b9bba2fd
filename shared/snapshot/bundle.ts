/**
 * Snapshot bundles on disk (docs/CONTRACT.md §1): what `amlmon capture` writes, what incidents archive, what
 * `amlmon diagnose <dir>` reads. Reading never loses the rest of a bundle to one bad log: oversized logs are
 * read from their tail, binary bytes are dropped, and each such gap is named in `meta.gaps`. A file that makes
 * the bundle unusable (missing or broken snapshot.yaml, malformed JSON) is a `BundleError` naming the file.
 */
import { constants } from 'node:fs';
import { lstat, mkdir, open, readdir, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { redactSnapshot } from './redactSnapshot.js';
import { redact, redactDeep } from '../text/redact.js';
import { ObjectShapeError, addObjects, asRecord, asString, snapshotToObjects } from './objects.js';
import type {
  AmlError,
  AmlOperation,
  BlobCheck,
  BuildLogEvidence,
  ServiceRecord,
  Snapshot,
  SnapshotMeta,
} from './types.js';
import { emptySnapshot, logKey } from './types.js';

/** Logs larger than this are read from their tail: the end of a log is where the crash is. */
export const MAX_LOG_BYTES = 4 * 1024 * 1024;
/** How much of the build log is kept as `tail` for re-archiving. */
export const BUILD_LOG_TAIL_BYTES = 64 * 1024;

/**
 * Reads a streamed build log into `Snapshot.buildLog` (classification and redacted tail). Classifying is diagnosis's
 * work, so the reader is passed in: `loadBundle` from shared/diagnosis/bundle.ts passes the build-log classifier.
 */
export type BuildLogEvidenceReader = (
  input: AsyncIterable<string | Uint8Array>,
  source: string,
  tailBytes: number,
) => Promise<BuildLogEvidence>;

export interface LoadBundleOptions {
  /** Without one, a bundle's build.log is not read (the Kubernetes stand-in serves objects and logs only). */
  readBuildLog?: BuildLogEvidenceReader;
}

export class BundleError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'BundleError';
  }
}

/** A file of a bundle that is not a plain file: a symlink (could point at /etc/passwd), a FIFO (would hang), a dir. */
export class UnsafeFileError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}; not read`);
    this.name = 'UnsafeFileError';
  }
}

/** The most a single JSON/YAML file of a bundle may hold: kubectl output of a large namespace stays well below. */
export const MAX_DOCUMENT_BYTES = 64 * 1024 * 1024;

function kindOf(s: {
  isSymbolicLink(): boolean;
  isDirectory(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
}): string {
  if (s.isSymbolicLink()) return 'is a symbolic link (bundles are read without following links)';
  if (s.isDirectory()) return 'is a directory, not a file';
  if (s.isFIFO()) return 'is a named pipe (FIFO), not a file';
  if (s.isSocket()) return 'is a socket, not a file';
  return 'is not a regular file';
}

/**
 * Opens a bundle file only if it is a regular file: never follows a symlink (O_NOFOLLOW, and lstat first for a
 * clear message), never blocks on a FIFO (O_NONBLOCK), and checks the opened descriptor again (no swap in between).
 */
async function openRegular(path: string, rel: string): Promise<FileHandle> {
  const l = await lstat(path);
  if (!l.isFile()) throw new UnsafeFileError(rel, kindOf(l));
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  const s = await handle.stat();
  if (!s.isFile()) {
    await handle.close();
    throw new UnsafeFileError(rel, kindOf(s));
  }
  return handle;
}

/** A whole small file as UTF-8, through `openRegular`, refusing anything above `MAX_DOCUMENT_BYTES`. */
async function readRegularText(path: string, rel: string): Promise<string> {
  const handle = await openRegular(path, rel);
  try {
    const { size } = await handle.stat();
    if (size > MAX_DOCUMENT_BYTES)
      throw new BundleError(
        rel,
        `is ${mib(size)}, more than the ${mib(MAX_DOCUMENT_BYTES)} a bundle file may hold`,
      );
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

async function readTail(
  path: string,
  maxBytes: number,
  rel = path,
): Promise<{ text: string; size: number; truncated: boolean }> {
  const handle = await openRegular(path, rel);
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, maxBytes);
    const buf = Buffer.alloc(length);
    await handle.read(buf, 0, length, size - length);
    let text = buf.toString('utf8');
    // Starting mid-file may cut a line (and a UTF-8 sequence): drop the partial first line.
    if (size > length) text = text.slice(text.indexOf('\n') + 1);
    return { text, size, truncated: size > length };
  } finally {
    await handle.close();
  }
}

/** Binary bytes in a text log (NULs, stray control characters) are removed; returns whether any were. */
function scrubBinary(text: string): { text: string; scrubbed: boolean } {
  // eslint-disable-next-line no-control-regex
  const cleaned = text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001a\u001c-\u001f\ufffd]/g, '');
  return { text: cleaned, scrubbed: cleaned.length !== text.length };
}

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

async function readJson(dir: string, name: string, gaps: string[]): Promise<unknown | undefined> {
  let text: string;
  try {
    text = await readRegularText(join(dir, name), name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (err instanceof UnsafeFileError) {
      gaps.push(err.message);
      return undefined;
    }
    if (err instanceof BundleError) throw err;
    throw new BundleError(name, `cannot be read (${(err as Error).message})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new BundleError(name, `is not valid JSON (${(err as Error).message})`);
  }
}

function normaliseError(raw: unknown): AmlError | undefined {
  if (typeof raw === 'string') return { message: raw };
  const e = asRecord(raw);
  if (!e) return undefined;
  const details = Array.isArray(e.details)
    ? e.details.map((d) => {
        const dr = asRecord(d) ?? {};
        return { code: asString(dr.code), message: asString(dr.message) };
      })
    : undefined;
  return { code: asString(e.code), message: asString(e.message), details };
}

function time(file: string, field: string, v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  // The ARM SDK hands systemData times over as Dates; files carry strings (whole seconds print without ".000", as
  // Azure writes them, so a record read live prints like the same record read from a bundle).
  const t =
    v instanceof Date && !Number.isNaN(v.getTime()) ? v.toISOString().replace(/\.000Z$/, 'Z') : asString(v);
  if (t === undefined || Number.isNaN(Date.parse(t)))
    throw new BundleError(file, `${field} ${JSON.stringify(v)} is not an RFC 3339 time`);
  return t;
}

function normaliseOperation(raw: unknown): AmlOperation | undefined {
  if (raw === undefined || raw === null) return undefined;
  const o = asRecord(raw);
  if (!o)
    throw new BundleError(
      'service.json',
      'operation must be an object like {"status","startTime","endTime","error"}',
    );
  return {
    status: asString(o.status),
    startTime: time('service.json', 'operation.startTime', o.startTime),
    endTime: time('service.json', 'operation.endTime', o.endTime),
    error: normaliseError(o.error),
  };
}

/** The last path segment of an ARM id or azureml:// URI (`.../environments/sklearn/versions/3` → `sklearn:3`). */
function assetName(v: unknown): string | undefined {
  const s = asString(v) ?? asString(asRecord(v)?.assetId) ?? asString(asRecord(v)?.id);
  if (!s) return undefined;
  const m = /\/(?:models|environments)\/([^/]+)\/versions\/([^/]+)$/i.exec(s);
  return m ? `${m[1]}:${m[2]}` : s;
}

/**
 * Accepts the v1 Webservice record (`state`, `error`, `createdTime`, ...), the v2 online deployment as ARM returns it
 * (`properties.provisioningState`, `properties.model`, ...; also the SDK's flattened `provisioning_state` and
 * `endpoint_name`), and this reader's own output (what writeBundle writes), so a bundle replays with the same record.
 */
export function normaliseServiceRecord(raw: unknown): ServiceRecord {
  const r = asRecord(raw);
  if (!r) throw new BundleError('service.json', 'must be a JSON object like {"name","state","error"}');
  const props = asRecord(r.properties);
  const flavorField = asString(r.flavor);
  const flavor: ServiceRecord['flavor'] =
    flavorField === 'v1' || flavorField === 'v2'
      ? flavorField
      : props || r.provisioning_state !== undefined || r.provisioningState !== undefined
        ? 'v2'
        : r.state !== undefined || r.computeType !== undefined || r.imageId !== undefined
          ? 'v1'
          : undefined;
  const state =
    asString(r.state) ??
    asString(r.provisioning_state) ??
    asString(r.provisioningState) ??
    asString(props?.provisioningState);
  const imageDetails = asRecord(r.imageDetails);
  const id = asString(r.id);
  // ARM ids: .../onlineEndpoints/<endpoint>/deployments/<name>.
  const endpointFromId = id ? /\/onlineEndpoints\/([^/]+)\/deployments\//i.exec(id)?.[1] : undefined;
  const record: ServiceRecord = {
    flavor,
    name: asString(r.name),
    state,
    error: normaliseError(r.error ?? props?.error),
    createdTime: time('service.json', 'createdTime', r.createdTime ?? asRecord(r.systemData)?.createdAt),
    updatedTime: time('service.json', 'updatedTime', r.updatedTime ?? asRecord(r.systemData)?.lastModifiedAt),
    imageId: asString(r.imageId) ?? asString(imageDetails?.id),
    computeName: asString(r.computeName),
    endpointName: asString(r.endpointName) ?? asString(r.endpoint_name) ?? endpointFromId,
    instanceType: asString(r.instanceType) ?? asString(props?.instanceType),
    model: asString(r.model) ?? assetName(props?.model),
    environmentId: asString(r.environmentId) ?? asString(props?.environmentId),
    operation: normaliseOperation(r.operation),
  };
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as ServiceRecord;
}

/** `blobs.json`: `[{"path","container","status":200|403|404|null,"size":N|null,"error"?}]`. */
export function normaliseBlobChecks(raw: unknown): BlobCheck[] {
  if (!Array.isArray(raw))
    throw new BundleError('blobs.json', 'must be a JSON array like [{"path","container","status","size"}]');
  return raw.map((item, i) => {
    const b = asRecord(item);
    const path = asString(b?.path);
    const container = asString(b?.container);
    if (!b || !path || container === undefined)
      throw new BundleError('blobs.json', `entry ${i} needs "path" and "container" strings`);
    const status = b.status ?? null;
    if (status !== null && status !== 200 && status !== 403 && status !== 404)
      throw new BundleError(
        'blobs.json',
        `entry ${i}: status must be 200, 403, 404 or null, not ${JSON.stringify(status)}`,
      );
    const size = b.size ?? null;
    if (size !== null && (typeof size !== 'number' || !Number.isFinite(size) || size < 0))
      throw new BundleError(
        'blobs.json',
        `entry ${i}: size must be a byte count or null, not ${JSON.stringify(size)}`,
      );
    const error = asString(b.error);
    return { path, container, status, size, ...(error !== undefined ? { error } : {}) };
  });
}

function normaliseMeta(raw: unknown): SnapshotMeta {
  if (raw === undefined) return {};
  const r = asRecord(raw);
  if (!r)
    throw new BundleError(
      'meta.json',
      'must be a JSON object like {"service","namespace","workspace","capturedAt"}',
    );
  const capturedAt = asString(r.capturedAt);
  if (r.capturedAt !== undefined && (capturedAt === undefined || Number.isNaN(Date.parse(capturedAt)))) {
    throw new BundleError('meta.json', `capturedAt ${JSON.stringify(r.capturedAt)} is not an RFC 3339 time`);
  }
  const meta: SnapshotMeta = {
    service: asString(r.service),
    namespace: asString(r.namespace),
    workspace: asString(r.workspace),
    capturedAt,
  };
  if (Array.isArray(r.gaps)) meta.gaps = r.gaps.filter((g): g is string => typeof g === 'string');
  const ce = asRecord(r.clusterError);
  if (ce) {
    const kind = asString(ce.kind);
    if (kind !== 'Unauthorized' && kind !== 'Forbidden' && kind !== 'Timeout' && kind !== 'SignInFailed') {
      throw new BundleError(
        'meta.json',
        `clusterError.kind must be Unauthorized, Forbidden, Timeout or SignInFailed, not ${JSON.stringify(ce.kind)}`,
      );
    }
    meta.clusterError = { kind, message: asString(ce.message) ?? '' };
  }
  return meta;
}

/** Parses snapshot.yaml text: one `kind: List` or several documents, each an object or a List. */
export function parseSnapshotYaml(
  text: string,
  snapshot: Snapshot,
  file = 'snapshot.yaml',
  gaps?: string[],
): void {
  const docs = parseAllDocuments(text, { prettyErrors: true, uniqueKeys: true });
  const objects: unknown[] = [];
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    for (const error of doc.errors) {
      const line = error.linePos?.[0];
      const where = line ? `line ${line.line}, column ${line.col}: ` : '';
      // A repeated key is readable (the last one wins, as kubectl would apply it) but may hide an object: a gap.
      if (error.code === 'DUPLICATE_KEY' && gaps) {
        gaps.push(`${file}: ${where}a key appears twice in one object; the last value was read`);
        continue;
      }
      throw new BundleError(file, `is not valid YAML (${where}${error.message.split('\n')[0]})`);
    }
    try {
      // kubectl never writes aliases: a handful is plenty, and the cap stops an expansion bomb.
      objects.push(doc.toJS({ maxAliasCount: 50 }));
    } catch (err) {
      throw new BundleError(file, `cannot be expanded (${(err as Error).message})`);
    }
  }
  try {
    const added = addObjects(snapshot, objects, gaps);
    const hasKinds = objects.some((o) => asRecord(o)?.kind !== undefined);
    if (!hasKinds)
      throw new BundleError(
        file,
        'holds no Kubernetes objects (expected `kind: List` or objects with `kind`)',
      );
    void added;
  } catch (err) {
    if (err instanceof ObjectShapeError) throw new BundleError(file, err.message);
    throw err;
  }
}

/** Directory entries as names, naming (and skipping) those that are not UTF-8: they cannot be pod or container names. */
async function entries(dir: string, rel: string, gaps: string[]): Promise<string[]> {
  const raw = await readdir(dir, { encoding: 'buffer' });
  const names: string[] = [];
  for (const b of raw) {
    const name = b.toString('utf8');
    if (!Buffer.from(name, 'utf8').equals(b)) {
      gaps.push(`${rel}/${JSON.stringify(name)}: the file name is not UTF-8; skipped`);
      continue;
    }
    names.push(name);
  }
  return names.sort();
}

async function loadLogs(dir: string, snapshot: Snapshot, gaps: string[]): Promise<void> {
  const logsDir = join(dir, 'logs');
  let pods: string[];
  try {
    const l = await lstat(logsDir);
    if (!l.isDirectory()) {
      gaps.push(`logs ${kindOf(l).replace('is not a regular file', 'is not a directory')}; no logs read`);
      return;
    }
    pods = await entries(logsDir, 'logs', gaps);
  } catch {
    return; // logs are optional
  }
  for (const pod of pods) {
    let files: string[];
    try {
      const l = await lstat(join(logsDir, pod));
      if (!l.isDirectory()) {
        gaps.push(
          `logs/${pod} ${l.isSymbolicLink() ? 'is a symbolic link' : 'is not a directory'}; not read`,
        );
        continue;
      }
      files = await entries(join(logsDir, pod), `logs/${pod}`, gaps);
    } catch (err) {
      gaps.push(`logs/${pod}: cannot be listed (${(err as Error).message})`);
      continue;
    }
    for (const file of files) {
      const m = /^(.+?)(\.previous)?\.log$/.exec(file);
      if (!m?.[1]) continue;
      const rel = `logs/${pod}/${file}`;
      let read: { text: string; size: number; truncated: boolean };
      try {
        read = await readTail(join(logsDir, pod, file), MAX_LOG_BYTES, rel);
      } catch (err) {
        // One unreadable log costs that log, never the bundle.
        gaps.push(
          err instanceof UnsafeFileError ? err.message : `${rel}: cannot be read (${(err as Error).message})`,
        );
        continue;
      }
      const { text, size, truncated } = read;
      if (truncated) gaps.push(`${rel}: ${mib(size)}, only the last ${mib(MAX_LOG_BYTES)} read`);
      // Redact the whole log before anything splits it into lines (a PEM key is redacted as a block).
      const scrub = scrubBinary(redact(text));
      if (scrub.scrubbed) gaps.push(`${rel}: contains binary data; non-text bytes were removed`);
      const key = logKey(pod, m[1]);
      const entry = snapshot.logs.get(key) ?? {};
      if (m[2]) entry.previous = scrub.text;
      else entry.current = scrub.text;
      snapshot.logs.set(key, entry);
    }
  }
}

async function loadBuildLog(
  dir: string,
  snapshot: Snapshot,
  read: BuildLogEvidenceReader,
  gaps: string[],
): Promise<void> {
  const path = join(dir, 'build.log');
  let handle: FileHandle;
  try {
    handle = await openRegular(path, 'build.log');
  } catch (err) {
    if (err instanceof UnsafeFileError) gaps.push(err.message);
    else if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      gaps.push(`build.log: cannot be read (${(err as Error).message})`);
    return;
  }
  // One pass over the file: classification and the redacted tail together (a build log can be 100 MB).
  const stream = handle.createReadStream();
  try {
    snapshot.buildLog = await read(stream, 'build.log', BUILD_LOG_TAIL_BYTES);
  } finally {
    await handle.close();
  }
}

/**
 * A container waiting to restart has no running instance: `kubectl logs` and `kubectl logs --previous` both show its
 * last terminated one. A bundle captured with plain `kubectl logs` holds that instance as `<c>.log`; file it as the
 * previous (crashed) instance, which is what it is and what a live collection reads.
 */
function fileWaitingContainerLogsAsPrevious(snapshot: Snapshot): void {
  for (const pod of snapshot.pods) {
    const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    for (const c of statuses) {
      if (!c.state?.waiting || !c.lastState?.terminated) continue;
      const logs = snapshot.logs.get(logKey(pod.metadata?.name ?? '', c.name));
      if (logs?.current === undefined) continue;
      if (logs.previous === undefined) logs.previous = logs.current;
      if (logs.previous === logs.current) delete logs.current;
    }
  }
}

/** How far past the capture an event time may lie (clock skew between nodes) before it is ignored. */
const EVENT_TIME_SKEW_MS = 60 * 60_000;

/**
 * An event time after the capture (9999-12-31, a node with a broken clock) would make every other event look stale
 * and pin "now": such times are ignored, each named as a gap.
 */
function dropFutureEventTimes(snapshot: Snapshot, gaps: string[]): void {
  const captured = snapshot.meta.capturedAt ? Date.parse(snapshot.meta.capturedAt) : Date.now();
  const limit = captured + EVENT_TIME_SKEW_MS;
  snapshot.events = snapshot.events.map((e) => {
    const fields = ['eventTime', 'lastTimestamp', 'firstTimestamp'] as const;
    const late = fields.filter((f) => {
      const v = e[f] as unknown;
      const t = v instanceof Date ? v.getTime() : typeof v === 'string' ? Date.parse(v) : NaN;
      return t > limit;
    });
    const seriesLast = e.series?.lastObservedTime as unknown;
    const seriesT =
      seriesLast instanceof Date
        ? seriesLast.getTime()
        : typeof seriesLast === 'string'
          ? Date.parse(seriesLast)
          : NaN;
    if (late.length === 0 && !(seriesT > limit)) return e;
    gaps.push(
      `event ${e.metadata?.name ?? '?'}: ${[...late, ...(seriesT > limit ? ['series.lastObservedTime'] : [])].join(', ')} after the capture; ignored`,
    );
    const copy = { ...e } as typeof e;
    for (const f of late) delete (copy as unknown as Record<string, unknown>)[f];
    if (seriesT > limit && copy.series) copy.series = { ...copy.series, lastObservedTime: undefined };
    return copy;
  });
}

export async function loadBundle(dir: string, opts: LoadBundleOptions = {}): Promise<Snapshot> {
  let info;
  try {
    info = await stat(dir);
  } catch {
    throw new BundleError(dir, 'no such directory');
  }
  if (!info.isDirectory())
    throw new BundleError(dir, 'is not a directory (a snapshot bundle is a directory with snapshot.yaml)');
  let yamlText: string;
  const yamlPath = join(dir, 'snapshot.yaml');
  try {
    yamlText = await readRegularText(yamlPath, yamlPath);
  } catch (err) {
    if (err instanceof BundleError) throw err;
    if (err instanceof UnsafeFileError) throw new BundleError(yamlPath, err.reason);
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new BundleError(yamlPath, `cannot be read (${(err as Error).message})`);
    throw new BundleError(yamlPath, 'missing: a bundle needs snapshot.yaml (kubectl get ... -o yaml)');
  }
  const fileGaps: string[] = [];
  const meta = normaliseMeta(await readJson(dir, 'meta.json', fileGaps));
  const snapshot = emptySnapshot(meta);
  const gaps = [...(meta.gaps ?? []), ...fileGaps];
  parseSnapshotYaml(yamlText, snapshot, yamlPath, gaps);
  const service = await readJson(dir, 'service.json', gaps);
  if (service !== undefined) snapshot.service = normaliseServiceRecord(service);
  const blobs = await readJson(dir, 'blobs.json', gaps);
  if (blobs !== undefined) snapshot.blobs = normaliseBlobChecks(blobs);
  dropFutureEventTimes(snapshot, gaps);
  await loadLogs(dir, snapshot, gaps);
  fileWaitingContainerLogsAsPrevious(snapshot);
  if (opts.readBuildLog) await loadBuildLog(dir, snapshot, opts.readBuildLog, gaps);
  if (gaps.length) snapshot.meta.gaps = gaps;
  return snapshot;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  const r = asRecord(value);
  if (!r) return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(r).sort()) if (r[k] !== undefined) out[k] = sortKeys(r[k]);
  return out;
}

/** Objects as one `kind: List`, keys sorted, as `kubectl get -o yaml` prints them. */
export function kubectlListYaml(items: readonly unknown[]): string {
  const list = { apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } };
  return stringify(sortKeys(list), { lineWidth: 0, indentSeq: false });
}

/** The snapshot's objects as `kubectl get -o yaml` prints them. */
export function snapshotYaml(snapshot: Snapshot): string {
  return kubectlListYaml(snapshotToObjects(snapshot));
}

/**
 * Writes a bundle that `loadBundle` reads back to an equivalent snapshot. Everything is redacted on the way out:
 * logs, event messages and container messages whole, secret-named fields and env values in the objects, the service
 * record and the gaps.
 */
export async function writeBundle(dir: string, input: Snapshot): Promise<void> {
  const snapshot = redactSnapshot(input);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'snapshot.yaml'), kubectlListYaml(redactDeep(snapshotToObjects(snapshot))));
  for (const [key, logs] of snapshot.logs) {
    const slash = key.indexOf('/');
    const pod = key.slice(0, slash);
    const container = key.slice(slash + 1);
    await mkdir(join(dir, 'logs', pod), { recursive: true });
    if (logs.current !== undefined)
      await writeFile(join(dir, 'logs', pod, `${container}.log`), redact(logs.current));
    if (logs.previous !== undefined)
      await writeFile(join(dir, 'logs', pod, `${container}.previous.log`), redact(logs.previous));
  }
  if (snapshot.buildLog?.tail !== undefined)
    await writeFile(join(dir, 'build.log'), redact(snapshot.buildLog.tail));
  if (snapshot.service)
    await writeFile(join(dir, 'service.json'), JSON.stringify(redactDeep(snapshot.service), null, 2) + '\n');
  if (snapshot.blobs)
    await writeFile(join(dir, 'blobs.json'), JSON.stringify(redactDeep(snapshot.blobs), null, 2) + '\n');
  const meta = redactDeep(
    Object.fromEntries(Object.entries(snapshot.meta).filter(([, v]) => v !== undefined)),
  );
  await writeFile(join(dir, 'meta.json'), JSON.stringify(meta, null, 2) + '\n');
}
