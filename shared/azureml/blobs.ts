/**
 * Checking the model and code blobs a deployment reads, in the workspace storage account (`blobs.json`):
 * - v1: every `Path` (models and dependencies) of the `InitContainerConfig` ConfigMap the service's pods refer to,
 *   in the `azureml` container of the workspace's default storage account;
 * - v2: the model asset's path (an `https://<account>.blob.../<container>/<path>` or
 *   `azureml://.../datastores/<name>/paths/<path>` URI, the container being the datastore's).
 * Each blob gets one `getProperties` (HEAD): 200 with its size, 403, 404, or `status: null` with a one-line error
 * when it could not be checked. Nothing here throws.
 *
 * The credential only ever goes to the workspace storage account's own blob endpoint, which is built from the
 * account name in the workspace's ARM facts (never from a URL found in the input) and checked with the same rule
 * as event URLs; locally (Azurite) a connection string names the endpoint explicitly.
 */
import { BlobServiceClient, RestError } from '@azure/storage-blob';
import type { TokenCredential } from '@azure/identity';
import type { V1Deployment } from '@kubernetes/client-node';
import type { BlobCheck, BuildLogEvidence, ServiceRecord, Snapshot } from '../snapshot/types.js';
import { BUILD_LOG_TAIL_BYTES, type BuildLogEvidenceReader } from '../snapshot/bundle.js';
import { initContainerConfigRefs } from '../snapshot/initContainerConfig.js';
import { redact } from '../text/redact.js';
import { checkBlobUrl, storageAccountOfTopic, UntrustedUrlError } from '../events/blobUrl.js';

/** The container v1 model management registers models and uploaded dependencies in. */
export const V1_CONTAINER = 'azureml';

export interface BlobRef {
  container: string;
  path: string;
}

/** How to reach the workspace storage account. */
export type BlobAccess =
  /** In Azure: the workspace's storage account (its ARM id) with a managed-identity / Entra credential. */
  | { kind: 'credential'; storageAccountId: string; credential: TokenCredential; blobSuffix?: string }
  /** Locally (Azurite) or with a key: an explicit connection string. */
  | { kind: 'connectionString'; connectionString: string }
  /** An already-built client (e.g. one holding a SAS). */
  | { kind: 'client'; client: BlobServiceClient };

const NO_RETRY = { retryOptions: { maxTries: 1, tryTimeoutInMs: 15_000 } };

/** The blob service client for `access`; throws `UntrustedUrlError` before a credential would leave the account. */
export function blobServiceClient(access: BlobAccess): BlobServiceClient {
  if (access.kind === 'client') return access.client;
  if (access.kind === 'connectionString')
    return BlobServiceClient.fromConnectionString(access.connectionString, NO_RETRY);
  const account = storageAccountOfTopic(access.storageAccountId);
  if (!account) throw new UntrustedUrlError('the workspace names no storage account');
  const url = `https://${account}${access.blobSuffix ?? '.blob.core.windows.net'}/`;
  const checked = checkBlobUrl(url, access.storageAccountId);
  if (!checked.ok) throw new UntrustedUrlError(checked.error);
  return new BlobServiceClient(checked.url.origin, access.credential, NO_RETRY);
}

function oneLine(text: string): string {
  return redact(text).split('\n')[0]!.trim().slice(0, 300);
}

/** Checks each blob once (HEAD); the order of `wanted` is kept, duplicates are checked once. */
export async function checkBlobs(
  access: BlobAccess,
  wanted: readonly BlobRef[],
  opts: { timeoutMs?: number } = {},
): Promise<BlobCheck[]> {
  const unique = [...new Map(wanted.map((b) => [`${b.container}/${b.path}`, b])).values()];
  // One deadline for all the checks of a deployment: a storage account that hangs costs the sweep this much, no more.
  const abortSignal = opts.timeoutMs !== undefined ? AbortSignal.timeout(opts.timeoutMs) : undefined;
  const ms = opts.timeoutMs ?? 0;
  const timedOut = (): string =>
    `not checked: no answer within ${ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`}`;
  let service: BlobServiceClient;
  try {
    service = blobServiceClient(access);
  } catch (err) {
    const error = oneLine((err as Error).message);
    return unique.map((b) => ({ ...b, status: null, size: null, error }));
  }
  return Promise.all(
    unique.map(async (b): Promise<BlobCheck> => {
      try {
        const props = await service
          .getContainerClient(b.container)
          .getBlobClient(b.path)
          .getProperties(abortSignal ? { abortSignal } : {});
        return { ...b, status: 200, size: props.contentLength ?? null };
      } catch (err) {
        if (abortSignal?.aborted) return { ...b, status: null, size: null, error: timedOut() };
        const status = err instanceof RestError ? err.statusCode : undefined;
        if (status === 404) return folderOrMissing(service, b, abortSignal);
        if (status === 403) return { ...b, status, size: null };
        const e = err as { code?: string; message?: string };
        const why = `${status ? `HTTP ${status} ` : ''}${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}`;
        return { ...b, status: null, size: null, error: oneLine(why) };
      }
    }),
  );
}

/**
 * A model registered from a folder has no blob at its path, only blobs under `<path>/`: then it exists (200), its
 * size being the total of the first page of blobs under it. Otherwise the 404 stands.
 */
async function folderOrMissing(
  service: BlobServiceClient,
  b: BlobRef,
  abortSignal: AbortSignal | undefined,
): Promise<BlobCheck> {
  try {
    const page = await service
      .getContainerClient(b.container)
      .listBlobsFlat({ prefix: `${b.path}/`, ...(abortSignal ? { abortSignal } : {}) })
      .byPage({ maxPageSize: 1000 })
      .next();
    const items = page.done ? [] : page.value.segment.blobItems;
    if (items.length === 0) return { ...b, status: 404, size: null };
    return { ...b, status: 200, size: items.reduce((n, i) => n + (i.properties.contentLength ?? 0), 0) };
  } catch {
    if (abortSignal?.aborted)
      return { ...b, status: null, size: null, error: 'not checked: no answer in time' };
    return { ...b, status: 404, size: null };
  }
}

/** Log lines that say a model or code file could not be downloaded, mounted or opened. */
const FILE_TROUBLE =
  /BlobNotFound|The specified blob does not exist|AuthorizationPermissionMismatch|AuthorizationFailure|FileNotFoundError|NotADirectoryError|NO_SUCHFILE|No such file or directory|does not exist|Model not found/i;

/**
 * Whether the snapshot suggests a download, mount or model-file failure, so the blobs are worth checking (one HEAD
 * each): an init container that exited non-zero, a volume in the service's namespace that failed to mount or a claim
 * not bound, a log naming a missing file or a storage refusal, or Azure ML's record blaming the model or storage.
 */
export function blobCheckSuspected(snapshot: Snapshot): boolean {
  const failedInit = snapshot.pods.some((p) =>
    (p.status?.initContainerStatuses ?? []).some(
      (s) => (s.state?.terminated?.exitCode ?? 0) !== 0 || (s.lastState?.terminated?.exitCode ?? 0) !== 0,
    ),
  );
  if (failedInit) return true;
  // Only the service's namespace: the router's own mount failures (azureml-fe's TLS secret) read no model blob.
  const namespace = snapshot.meta.namespace;
  const mountTrouble = snapshot.events.some(
    (e) =>
      (!namespace || !e.involvedObject?.namespace || e.involvedObject.namespace === namespace) &&
      (e.reason === 'FailedMount' ||
        e.reason === 'FailedAttachVolume' ||
        /PersistentVolumeClaim/i.test(e.message ?? '')),
  );
  if (mountTrouble) return true;
  if (snapshot.persistentVolumeClaims.some((c) => c.status?.phase !== 'Bound')) return true;
  for (const logs of snapshot.logs.values())
    if (FILE_TROUBLE.test(logs.current ?? '') || FILE_TROUBLE.test(logs.previous ?? '')) return true;
  const record = snapshot.service;
  const said = [record?.error?.message, record?.operation?.error?.message].filter(Boolean).join('\n');
  return /model|blob|storage|download/i.test(withoutPointersAndRegistryMisses(said));
}

/**
 * A record's message without where it says the build log is ("...available in the workspace blob store ... under
 * the path '/azureml/ImageLogs/...'", a SAS URL to it): pointing at a build log does not blame the model or storage.
 * Nor does a model version missing from the workspace's registry ("Model fraud:7 not found in workspace ws"): Azure
 * ML refused it before any blob was read, and the blobs the cluster's ConfigMap lists are the running version's.
 */
function withoutPointersAndRegistryMisses(message: string): string {
  return message
    .replace(/https?:\/\/\S+/g, '')
    .split(/(?<=[.!?])\s+/)
    .filter((sentence) => !/\bbuild log\b/i.test(sentence) && !/\bnot found in workspace\b/i.test(sentence))
    .join(' ');
}

/** The `Path`s of an `InitContainerConfig` document (models and dependencies); `[]` when it is not JSON. */
export function initContainerConfigPaths(raw: string): string[] {
  let cfg: unknown;
  try {
    cfg = JSON.parse(raw);
  } catch {
    return [];
  }
  const doc = cfg as { Models?: unknown; Dependency?: unknown };
  const files: unknown[] = [];
  if (doc.Models && typeof doc.Models === 'object')
    for (const list of Object.values(doc.Models as Record<string, unknown>))
      if (Array.isArray(list)) files.push(...(list as unknown[]));
  if (Array.isArray(doc.Dependency)) files.push(...(doc.Dependency as unknown[]));
  return files.flatMap((f) => {
    const p = (f as { Path?: unknown } | null)?.Path;
    return typeof p === 'string' && p ? [p] : [];
  });
}

/**
 * v1: the blobs the service's `InitContainerConfig` ConfigMap lists (deployment `service`, or every deployment).
 * `missing` names a referenced ConfigMap the snapshot does not hold: then the list is incomplete, not empty.
 */
export function v1BlobsToCheck(snapshot: Snapshot, service?: string): BlobRef[] & { missing?: string[] } {
  const deployments = snapshot.deployments.filter(
    (d: V1Deployment) => !service || d.metadata?.name === service,
  );
  const out: BlobRef[] & { missing?: string[] } = [];
  for (const d of deployments) {
    const ns = d.metadata?.namespace ?? '';
    for (const { configMap, raw } of initContainerConfigRefs(
      snapshot,
      ns,
      d.spec?.template.spec?.containers ?? [],
    )) {
      if (raw) for (const path of initContainerConfigPaths(raw)) out.push({ container: V1_CONTAINER, path });
      else (out.missing ??= []).push(configMap);
    }
  }
  return out;
}

const DATASTORE_URI = /^azureml:\/\/(?:.*\/)?datastores\/([^/]+)\/paths\/(.+)$/i;

/**
 * v2: the blob of a model asset URI. `containerOf` maps a datastore name to its container (the workspace's
 * `workspaceblobstore` and others are read from ARM by the caller); an https URI names its container itself.
 * Returns an error string when the URI cannot be mapped to a blob.
 */
export function v2ModelBlob(
  modelUri: string,
  containerOf: (datastore: string) => string | undefined,
): BlobRef | { error: string } {
  const ds = DATASTORE_URI.exec(modelUri.trim());
  if (ds?.[1] && ds[2]) {
    const container = containerOf(ds[1]);
    return container
      ? { container, path: decodeURIComponent(ds[2]).replace(/\/+$/, '') }
      : { error: `datastore ${ds[1]} has no known container` };
  }
  try {
    const url = new URL(modelUri);
    const [container, ...rest] = url.pathname.replace(/^\/+/, '').split('/');
    if (/^https?:$/.test(url.protocol) && container && rest.length > 0)
      return { container, path: decodeURIComponent(rest.join('/')).replace(/\/+$/, '') };
  } catch {
    // not a URL: reported below
  }
  return { error: `model path ${modelUri.split('?')[0]} is not a datastore or blob URI` };
}

/** Where Azure ML's answer says an image build's log is: `azureml/ImageLogs/<id>/build.log` in the workspace storage. */
const IMAGE_LOG_PATH = /\bImageLogs\/([A-Za-z0-9._:-]+)\/build\.log/;

/**
 * The build log of the service's image, when Azure ML's record points at one: the path its error names (v1 gives a
 * SAS URL, v2 "the path '/azureml/ImageLogs/<id>/build.log'"; only the path is used, never the URL's host), else,
 * for a service not yet healthy, the log of the image it runs (`imageId`, as the monitor pairs `ImageLogs/<id>`).
 */
export function buildLogBlob(record: ServiceRecord): BlobRef | undefined {
  const said = [record.error, record.operation?.error]
    .flatMap((e) => [e?.message, ...(e?.details ?? []).map((d) => d.message)])
    .filter((m): m is string => !!m)
    .join('\n');
  const named = IMAGE_LOG_PATH.exec(said)?.[1];
  if (named) return { container: V1_CONTAINER, path: `ImageLogs/${named}/build.log` };
  if (record.imageId && !/^(healthy|succeeded)$/i.test(record.state ?? ''))
    return { container: V1_CONTAINER, path: `ImageLogs/${record.imageId}/build.log` };
  return undefined;
}

/**
 * Streams a build log blob through `read` (classification and redacted tail in one pass, as `loadBundle` reads a
 * bundle's build.log). A log that does not exist is no evidence (like a bundle without build.log); any other
 * failure is returned as a gap.
 */
export async function readBuildLogBlob(
  access: BlobAccess,
  blob: BlobRef,
  read: BuildLogEvidenceReader,
): Promise<{ evidence?: BuildLogEvidence; gap?: string }> {
  const source = `${blob.container}/${blob.path}`;
  try {
    const download = await blobServiceClient(access)
      .getContainerClient(blob.container)
      .getBlobClient(blob.path)
      .download();
    const body = download.readableStreamBody;
    if (!body) return { gap: `build log ${source}: no body` };
    return { evidence: await read(body as AsyncIterable<Uint8Array>, source, BUILD_LOG_TAIL_BYTES) };
  } catch (err) {
    if (err instanceof RestError && err.statusCode === 404) return {};
    const e = err as { statusCode?: number; code?: string; message?: string };
    return {
      gap: oneLine(
        `build log ${source}: ${e.statusCode ? `HTTP ${e.statusCode} ` : ''}${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}`,
      ),
    };
  }
}
