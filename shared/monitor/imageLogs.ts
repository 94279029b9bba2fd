/**
 * Image build logs: a BlobCreated under `azureml/ImageLogs/` is read (tail only), classified, and a failed build
 * raises an ImageBuildFailure incident at once. An empty or still-growing log is re-read later via a delayed queue
 * message instead of being dropped.
 */
import { classifyBuildLog } from '../diagnosis/buildlog/classify.js';
import type { BuildLogClassification } from '../diagnosis/buildlog/types.js';
import type { Diagnosis, Finding } from '../diagnosis/types.js';
import type { ImageLogBlobEvent } from '../events/types.js';
import { fingerprint, type DeploymentIdentity } from '../incidents/fingerprint.js';
import type { Observation } from '../incidents/lifecycle.js';
import { emptySnapshot } from '../snapshot/types.js';
import { redact } from '../text/redact.js';
import { deploymentRow, rememberEvent, wasEventSeen } from '../state/store.js';
import { commitObservation } from './commit.js';
import { enqueueNotifications, mergeChanges } from './enqueue.js';
import { placeRecords, type PlacedRecord } from './pairing.js';
import type { AzureMlWorkspaceView, MonitorRuntime } from './types.js';

export type ImageLogOutcome =
  | { kind: 'duplicate' }
  | { kind: 'recheck'; attempt: number; reason: string }
  | { kind: 'gave-up'; reason: string }
  | { kind: 'succeeded' }
  | { kind: 'incident'; opened: boolean; classification: BuildLogClassification }
  | { kind: 'inconclusive'; classification: BuildLogClassification };

/**
 * The partition of build incidents no service could be linked to (and of those raised before builds were keyed to
 * their service): named by the image id and the workspace that owns the storage account.
 */
export const IMAGE_BUILD_CLUSTER = 'image-builds';
/** The namespace of those incidents. */
export const IMAGE_BUILD_NAMESPACE = 'ImageLogs';

/**
 * Whom a build belongs to: the service whose record runs the image and the workspace that owns the storage; with
 * `placed`, the cluster and namespace the service runs in (its incidents are keyed there).
 */
interface BuildOwner {
  service: string;
  workspace?: string;
  placed?: { cluster: string; namespace: string; endpoint?: string; deployment?: string };
}

/** `.../storageAccounts/<name>` → `<name>`, lower case. */
function accountName(id: string | undefined): string | undefined {
  const m = /\/storageAccounts\/([^/]+)/i.exec(id ?? '');
  return m?.[1]?.toLowerCase();
}

/**
 * The service and workspace an image build belongs to, from Azure ML's records (a v1 record's `imageId` /
 * `imageDetails.id`) and the workspace whose storage account the log was written to. Without Azure ML's records, or
 * when no record runs the image yet, the service is named by the image id and the workspace by its storage account.
 */
async function buildOwner(rt: MonitorRuntime, e: ImageLogBlobEvent): Promise<BuildOwner> {
  let views: AzureMlWorkspaceView[] = [];
  if (rt.azureMl) {
    try {
      views = await rt.azureMl.list(rt.clock.now());
    } catch (err) {
      rt.log.warn(`image log ${e.blobName}: Azure ML's records not read: ${(err as Error).message}`);
    }
  }
  const account = accountName(e.topic);
  const byStorage = account ? views.find((v) => accountName(v.storageAccount) === account) : undefined;
  const image = e.imageId.toLowerCase();
  const candidates = byStorage ? [byStorage, ...views.filter((v) => v !== byStorage)] : views;
  for (const v of candidates) {
    const r = v.records.find((x) => x.record.imageId?.toLowerCase() === image);
    if (!r) continue;
    const [p] = placeRecords(rt.clusters, [{ ...v, records: [r] }]);
    const placed = p ? await clusterOf(rt, p) : undefined;
    return { service: r.service, workspace: v.workspace, ...(placed ? { placed } : {}) };
  }
  return { service: e.imageId, ...(byStorage ? { workspace: byStorage.workspace } : {}) };
}

/**
 * Where the sweep watches the service: the candidate cluster holding its deployment row, else the last candidate
 * (where the sweep watches a deployment it sees nowhere from its record alone).
 */
async function clusterOf(rt: MonitorRuntime, p: PlacedRecord): Promise<BuildOwner['placed']> {
  const r = p.aml.record;
  const v2 =
    p.aml.flavor === 'v2' && r.endpointName && r.name ? { endpoint: r.endpointName, deployment: r.name } : {};
  for (const c of p.candidates) {
    const row = await rt.state.deployments.get(c.cluster, deploymentRow(c.namespace, p.aml.service));
    if (row && !row.value.deleted) return { ...c, ...v2 };
  }
  const last = p.candidates[p.candidates.length - 1];
  return last ? { ...last, ...v2 } : undefined;
}

async function* chunks(text: string): AsyncIterable<string> {
  yield text;
}

/** A re-read of the same blob version is the same fact: remember it by URL + ETag, not only by event id. */
function blobVersionKey(e: ImageLogBlobEvent): string {
  return `${e.url}#${e.eTag ?? e.sequencer ?? e.id}`;
}

export async function handleImageLogEvent(
  rt: MonitorRuntime,
  e: ImageLogBlobEvent,
  attempt = 0,
): Promise<ImageLogOutcome> {
  if (attempt === 0 && (await wasEventSeen(rt.state, e.eventType, e.id))) {
    rt.log.debug(`event ${e.id} was handled before; skipped`);
    return { kind: 'duplicate' };
  }
  const outcome = await readAndClassify(rt, e, attempt);
  if (attempt === 0) await rememberEvent(rt.state, e.eventType, e.id, rt.clock);
  return outcome;
}

async function readAndClassify(
  rt: MonitorRuntime,
  e: ImageLogBlobEvent,
  attempt: number,
): Promise<ImageLogOutcome> {
  const tail = await rt.imageLogs.readTail(e, rt.options.imageLogTailBytes);
  const append = (tail.blobType ?? e.blobType ?? '').toLowerCase().startsWith('append');
  if (tail.totalLength === 0) return recheck(rt, e, attempt, 'the log is empty (0 bytes)');
  const classification = await classifyBuildLog(chunks(tail.text), `azureml/${e.blobName}`);
  rt.log.info(
    `image log ${e.blobName}: ${classification.outcome}${classification.detail ? ` (${classification.detail})` : ''}, ` +
      `read ${tail.bytesRead} of ${tail.totalLength} bytes`,
  );
  if (classification.outcome === 'failed') {
    const versionKey = blobVersionKey(e);
    if (attempt === 0 && (await wasEventSeen(rt.state, 'imageLogVersion', versionKey)))
      return { kind: 'duplicate' };
    const opened = await raiseBuildIncident(rt, e, classification, tail.text);
    await rememberEvent(rt.state, 'imageLogVersion', versionKey, rt.clock);
    return { kind: 'incident', opened, classification };
  }
  if (classification.outcome === 'succeeded') {
    // A rebuild of the same image id that now succeeds clears an earlier build failure (only that: the service's
    // other incidents are the sweep's to resolve), under the service's key and under the key used before it.
    const owner = await buildOwner(rt, e);
    const rebuilt: Observation = {
      kind: 'healthy',
      observedAt: e.time,
      only: 'ImageBuildFailure',
      resolution: { what: `a rebuild of image ${e.imageId} succeeded` },
    };
    const changes = await commitObservation(rt, buildIdentity(owner), rebuilt);
    if (owner.placed) mergeChanges(changes, await commitObservation(rt, legacyBuildIdentity(owner), rebuilt));
    await enqueueNotifications(rt, changes);
    return { kind: 'succeeded' };
  }
  // Incomplete: an append blob still being written, or a log that simply stops. Look again later.
  if (append || classification.outcome === 'incomplete') {
    return recheck(
      rt,
      e,
      attempt,
      append ? 'the log is an append blob still being written' : 'the log stops before the build ended',
    );
  }
  return { kind: 'inconclusive', classification };
}

/** The service's own identity when it is placed on a cluster; else the image-builds partition's. */
function buildIdentity(owner: BuildOwner): DeploymentIdentity {
  return owner.placed
    ? { ...owner.placed, service: owner.service, ...(owner.workspace ? { workspace: owner.workspace } : {}) }
    : legacyBuildIdentity(owner);
}

/** The identity build incidents had before they were keyed to their service (and still have when unplaced). */
function legacyBuildIdentity(owner: BuildOwner): DeploymentIdentity {
  return {
    cluster: IMAGE_BUILD_CLUSTER,
    namespace: IMAGE_BUILD_NAMESPACE,
    service: owner.service,
    ...(owner.workspace ? { workspace: owner.workspace } : {}),
  };
}

async function recheck(
  rt: MonitorRuntime,
  e: ImageLogBlobEvent,
  attempt: number,
  reason: string,
): Promise<ImageLogOutcome> {
  if (attempt >= rt.options.imageLogMaxRechecks) {
    rt.log.warn(`image log ${e.blobName}: ${reason}; gave up after ${attempt} re-reads`);
    return { kind: 'gave-up', reason };
  }
  await rt.recheck.enqueue({ v: 1, event: e, attempt: attempt + 1 }, rt.options.imageLogRecheckDelayMs);
  rt.log.info(`image log ${e.blobName}: ${reason}; re-read #${attempt + 1} scheduled`);
  return { kind: 'recheck', attempt: attempt + 1, reason };
}

async function raiseBuildIncident(
  rt: MonitorRuntime,
  e: ImageLogBlobEvent,
  classification: BuildLogClassification,
  text: string,
): Promise<boolean> {
  const owner = await buildOwner(rt, e);
  const id = buildIdentity(owner);
  const snapshot = emptySnapshot({
    service: owner.service,
    namespace: id.namespace,
    ...(owner.workspace ? { workspace: owner.workspace } : {}),
    capturedAt: rt.clock.now().toISOString(),
  });
  // The engine builds the finding (redaction, since, remedies from the log's own facts), as for any bundle. A
  // failed log the classifier could not place is still a failed Docker step.
  snapshot.buildLog = {
    source: `azureml/${e.blobName}`,
    classification: classification.detail
      ? classification
      : { ...classification, detail: 'DockerStepFailure' },
    tail: redact(text),
    writtenAt: e.time,
  };
  const diagnosis: Diagnosis = rt.diagnose(snapshot, { service: owner.service })[0] ?? {
    service: owner.service,
    namespace: id.namespace,
    status: 'Unknown',
    findings: [],
    gaps: ['the diagnosis engine returned nothing for this build log'],
  };
  const finding: Finding | undefined = diagnosis.findings[0];
  if (!finding) {
    rt.log.warn(`image log ${e.blobName}: failed, but the engine found no ImageBuildFailure; no incident`);
    return false;
  }
  const changes = await commitObservation(
    rt,
    id,
    { kind: 'problem', diagnosis, finding, observedAt: e.time, imageId: e.imageId },
    () =>
      rt.evidence.archive(`${IMAGE_BUILD_CLUSTER}/${e.imageId}/${rt.clock.now().toISOString()}`, snapshot, {
        'build.log': redact(text),
      }),
  );
  await enqueueNotifications(rt, changes);
  if (owner.placed) await supersedeLegacy(rt, owner, id, finding);
  return changes.alerts.length > 0;
}

/**
 * Build incidents of this service raised before builds were keyed to their service (under `image-builds`) are
 * replaced by the one under the service's key: resolved quietly, pointing at it, so the two never stay open together.
 */
async function supersedeLegacy(
  rt: MonitorRuntime,
  owner: BuildOwner,
  id: DeploymentIdentity,
  finding: Finding,
): Promise<void> {
  const now = rt.clock.now().toISOString();
  const fp = fingerprint(id, finding.code, finding.detail);
  for (const r of await rt.state.incidents.list(IMAGE_BUILD_CLUSTER)) {
    const i = r.value;
    if (i.resolvedAt || i.service !== owner.service || i.workspace !== owner.workspace) continue;
    // A lost race means another instance resolved it first.
    await rt.state.incidents.replace(r.partition, r.row, { ...i, resolvedAt: now, supersededBy: fp }, r.etag);
  }
}
