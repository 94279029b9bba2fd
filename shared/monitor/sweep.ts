/**
 * The timer sweep: discover every configured cluster, diagnose only the deployments that are not healthy, open an
 * incident on a definitive failure or a hang, and resolve incidents of deployments that became healthy or went away.
 */
import type { Diagnosis, Finding } from '../diagnosis/types.js';
import type { DeploymentIdentity } from '../incidents/fingerprint.js';
import type { Observation } from '../incidents/lifecycle.js';
import { deploymentRow, recordSweep } from '../state/store.js';
import type { Row } from '../state/table.js';
import type { DeploymentEventRecord, DeploymentRecord } from '../state/types.js';
import { commitObservation, type CommittedChanges } from './commit.js';
import { enqueueNotifications, mergeChanges } from './enqueue.js';
import { diagnoseHang, isHung } from '../diagnosis/engine.js';
import { releaseHeld } from './hold.js';
import { IMAGE_BUILD_CLUSTER, IMAGE_BUILD_NAMESPACE } from './imageLogs.js';
import { requeueStranded } from './stranded.js';
import type { DeploymentHints } from '../azureml/deploymentCache.js';
import type { AmlDeploymentRecord } from '../azureml/reader.js';
import { blobCheckSuspected } from '../azureml/blobs.js';
import { candidateOn, placeRecords, recordOf, type PlacedRecord } from './pairing.js';
import type { AzureMlWorkspaceView, ClusterSource, MonitorRuntime, WatchedDeployment } from './types.js';
import type { IncidentRecord, Notification } from '../incidents/types.js';
import { emptySnapshot, type ClusterError, type Snapshot } from '../snapshot/types.js';

export interface SweepSummary {
  clusters: number;
  deployments: number;
  diagnosed: number;
  notifications: Notification[];
  errors: string[];
}

const PROBLEM_STATUSES = new Set(['Failed', 'Hung', 'Degraded']);
/** The `service` of incidents about a whole cluster (ClusterUnreachable). */
export const CLUSTER_SERVICE = '(cluster)';

/** Discovery itself failed: the cluster could not be listed (as opposed to a state-storage failure mid-sweep). */
class DiscoveryFailed extends Error {
  constructor(
    message: string,
    readonly clusterError?: ClusterError,
  ) {
    super(message);
    this.name = 'DiscoveryFailed';
  }
}

export async function runSweep(rt: MonitorRuntime): Promise<SweepSummary> {
  const summary: SweepSummary = { clusters: 0, deployments: 0, diagnosed: 0, notifications: [], errors: [] };
  const events = await rt.state.deploymentEvents.list();
  // The clusters are discovered first, so Azure ML's cached deployment lists are read again where a cluster shows a
  // v2 deployment they lack.
  const discoveries = await Promise.all(rt.clusters.map(discover));
  const placed = placeRecords(
    rt.clusters,
    await readAzureMl(rt, summary, azureMlHints(rt, events, discoveries)),
  );
  // Records a cluster swept so far showed (or watched from the record): the others wait for their last candidate.
  const claimed = new Set<PlacedRecord>();
  for (const p of placed)
    if (p.candidates.length === 0)
      rt.log.info(
        `sweep: Azure ML deployment ${p.workspace}/${p.aml.service} runs on compute ${p.aml.compute ?? '(not named)'}, attached to no configured cluster: not watched`,
      );
  const builds = await legacyBuildIncidents(rt, summary);
  for (const [i, cluster] of rt.clusters.entries()) {
    const changes: CommittedChanges = { alerts: [], resolved: [] };
    const before = summary.deployments;
    let error: string | undefined;
    let reachable = true;
    try {
      await sweepCluster(rt, cluster, discoveries[i]!, events, changes, summary, {
        placed,
        claimed,
        builds,
        unlisted: new Set(rt.clusters.filter((_, k) => !discoveries[k]!.ok).map((c) => c.name)),
      });
      summary.clusters += 1;
    } catch (err) {
      error = (err as Error).message;
      const msg = `cluster ${cluster.name}: ${error}`;
      summary.errors.push(msg);
      rt.log.error(`sweep: ${msg}`);
      if (err instanceof DiscoveryFailed) {
        reachable = false;
        if (err.clusterError) mergeChanges(changes, await clusterUnreachable(rt, cluster, err.clusterError));
      }
    }
    await recordSweep(rt.state, {
      cluster: cluster.name,
      at: rt.clock.now().toISOString(),
      reachable,
      deployments: summary.deployments - before,
      ...(error ? { error } : {}),
    });
    try {
      // Alerts held by a silence, mute or platform incident that no longer holds them, sent once now.
      mergeChanges(changes, await releaseHeld(rt, cluster.name));
    } catch (err) {
      const msg = `cluster ${cluster.name}: held alerts not checked: ${(err as Error).message}`;
      summary.errors.push(msg);
      rt.log.error(`sweep: ${msg}`);
    }
    // What was decided is announced even when the cluster failed half-way.
    summary.notifications.push(...(await enqueueNotifications(rt, changes)));
    summary.notifications.push(...(await requeueStranded(rt, cluster.name)));
  }
  summary.notifications.push(...(await requeueStranded(rt, IMAGE_BUILD_CLUSTER)));
  return summary;
}

type Discovery = { ok: true; deployments: WatchedDeployment[] } | { ok: false; error: DiscoveryFailed };

/** A cluster's deployments, or why they could not be listed (thrown by `sweepCluster` before anything is marked gone). */
async function discover(cluster: ClusterSource): Promise<Discovery> {
  try {
    return { ok: true, deployments: await cluster.discover() };
  } catch (err) {
    const clusterError = (err as { clusterError?: ClusterError }).clusterError;
    return { ok: false, error: new DiscoveryFailed((err as Error).message, clusterError) };
  }
}

/**
 * What says a cached v2 deployment list may be stale: the v2 deployments the clusters show, and the ARM writes on
 * v2 deployments the event path recorded (`<endpoint>/<deployment>` rows, shared by every instance of the app).
 */
function azureMlHints(
  rt: MonitorRuntime,
  events: Row<DeploymentEventRecord>[],
  discoveries: Discovery[],
): DeploymentHints {
  // A workspace guessed from the namespace (`azureml-workloads`) is no workspace: the hint then fits any.
  const known = (w: string | undefined): string | undefined =>
    w !== undefined && rt.options.workspaces.includes(w) ? w : undefined;
  const cluster = discoveries.flatMap((d) =>
    d.ok
      ? d.deployments.flatMap((w) =>
          w.flavor === 'v2' && w.endpoint && w.deployment
            ? [{ workspace: known(w.workspace), endpoint: w.endpoint, deployment: w.deployment }]
            : [],
        )
      : [],
  );
  const writes = events.flatMap(({ value: e }) => {
    const [endpoint, deployment, extra] = e.service.split('/');
    return endpoint && deployment && extra === undefined
      ? [{ workspace: e.workspace, endpoint, deployment, at: e.lastEventAt }]
      : [];
  });
  return { cluster, writes, ...(discoveries.some((d) => !d.ok) ? { clusterIncomplete: true } : {}) };
}

/** Azure ML's records for this sweep: two lists per workspace; a failed read is logged and the sweep goes on. */
async function readAzureMl(
  rt: MonitorRuntime,
  summary: SweepSummary,
  hints: DeploymentHints,
): Promise<AzureMlWorkspaceView[]> {
  if (!rt.azureMl) return [];
  try {
    const views = await rt.azureMl.list(rt.clock.now(), hints);
    for (const v of views)
      for (const gap of v.gaps) rt.log.warn(`sweep: Azure ML workspace ${v.workspace}: ${gap}`);
    return views;
  } catch (err) {
    const msg = `Azure ML: ${(err as Error).message}`;
    summary.errors.push(msg);
    rt.log.error(`sweep: ${msg}`);
    return [];
  }
}

/** A deployment Azure ML knows that has no Kubernetes objects (yet, or any more): watched from its record alone. */
function watchedFromRecord(p: PlacedRecord, namespace: string): WatchedDeployment {
  const r = p.aml.record;
  const op = r.operation;
  const endpoint = p.aml.flavor === 'v2' ? r.endpointName : undefined;
  const deployment = endpoint && r.name ? r.name : undefined;
  return {
    namespace,
    service: p.aml.service,
    workspace: p.workspace,
    flavor: p.aml.flavor,
    ...(endpoint ? { endpoint } : {}),
    ...(deployment ? { deployment } : {}),
    ready: false,
    // Azure ML's progress: the record's state and its last operation; a change restarts the hang clock.
    progress: ['aml', r.state ?? '', op?.status ?? '', op?.startTime ?? ''].join(':'),
  };
}

/** Azure ML says something is wrong or under way, even if the cluster looks healthy (the old revision serving). */
function recordNeedsLook(r: AmlDeploymentRecord | undefined): boolean {
  if (!r) return false;
  const state = r.record.state ?? '';
  const op = r.record.operation?.status ?? '';
  return !/^(healthy|succeeded)$/i.test(state) || (op !== '' && !/^succeeded$/i.test(op));
}

async function sweepCluster(
  rt: MonitorRuntime,
  cluster: ClusterSource,
  discovery: Discovery,
  events: Row<DeploymentEventRecord>[],
  changes: CommittedChanges,
  summary: SweepSummary,
  aml: SweepAzureMl,
): Promise<void> {
  const { placed, claimed } = aml;
  // A failed discovery throws here, before anything is marked gone.
  if (!discovery.ok) throw discovery.error;
  const discovered = discovery.deployments;
  const records = await rt.state.deployments.list(cluster.name);
  // One read of the cluster's incidents serves every deployment; a conflicting write re-reads.
  const incidents = await rt.state.incidents.list(cluster.name);
  const now = rt.clock.now().toISOString();
  // Reachable again: an open ClusterUnreachable incident resolves.
  mergeChanges(
    changes,
    await commitObservation(
      rt,
      clusterIdentity(cluster),
      { kind: 'healthy', observedAt: now },
      undefined,
      incidents,
    ),
  );
  const seen = new Set<string>();
  const watched: Array<{ d: WatchedDeployment; p: PlacedRecord | undefined; recordOnly?: true }> =
    discovered.map((d) => {
      const p = recordOf(placed, cluster.name, d);
      if (p) claimed.add(p);
      return { d: p && d.workspace !== p.workspace ? { ...d, workspace: p.workspace } : d, p };
    });
  for (const p of placed) {
    const here = candidateOn(p, cluster.name);
    // Shown by no cluster swept so far: the last cluster it may run on watches it from its record alone (it starts
    // to only when every cluster it may run on could be listed: one that could not may show it).
    if (!here || claimed.has(p) || p.candidates[p.candidates.length - 1] !== here) continue;
    const row = deploymentRow(here.namespace, p.aml.service);
    const watching = records.some((r) => r.row === row && !r.value.deleted);
    if (!watching && p.candidates.some((c) => aml.unlisted.has(c.cluster))) continue;
    claimed.add(p);
    watched.push({ d: watchedFromRecord(p, here.namespace), p, recordOnly: true });
  }
  for (const { d, p, recordOnly } of watched) {
    seen.add(deploymentRow(d.namespace, d.service));
    summary.deployments += 1;
    try {
      mergeChanges(
        changes,
        await sweepDeployment(rt, cluster, d, records, events, incidents, summary, aml.builds, p, recordOnly),
      );
    } catch (err) {
      const msg = `${cluster.name}/${d.namespace}/${d.service}: ${(err as Error).message}`;
      summary.errors.push(msg);
      rt.log.error(`sweep: ${msg}`);
    }
  }
  for (const r of records) {
    if (seen.has(r.row) || r.value.deleted) continue;
    const rec: DeploymentRecord = { ...r.value, deleted: true, status: 'Unknown' };
    await rt.state.deployments.replace(r.partition, r.row, rec, r.etag);
    const id: DeploymentIdentity = {
      cluster: cluster.name,
      namespace: r.value.namespace,
      service: r.value.service,
      workspace: r.value.workspace,
    };
    mergeChanges(
      changes,
      await commitObservation(
        rt,
        id,
        {
          kind: 'gone',
          observedAt: now,
          resolution: { what: 'the deployment was deleted from the cluster' },
        },
        undefined,
        incidents,
      ),
    );
  }
}

/** The cluster itself, as the subject of a ClusterUnreachable incident. */
function clusterIdentity(cluster: ClusterSource): DeploymentIdentity {
  return { cluster: cluster.name, namespace: '', service: CLUSTER_SERVICE };
}

/** Discovery was refused (401/403) or timed out: the engine words the finding; the lifecycle keeps it to one alert. */
async function clusterUnreachable(
  rt: MonitorRuntime,
  cluster: ClusterSource,
  clusterError: ClusterError,
): Promise<CommittedChanges> {
  const now = rt.clock.now().toISOString();
  const snapshot = emptySnapshot({ service: CLUSTER_SERVICE, namespace: '', capturedAt: now, clusterError });
  const diagnosis = pickDiagnosis(rt.diagnose(snapshot, { service: CLUSTER_SERVICE }), {
    namespace: '',
    service: CLUSTER_SERVICE,
    ready: false,
    progress: '',
  });
  const finding = diagnosis.findings.find((f) => f.code === 'ClusterUnreachable');
  if (!finding) return { alerts: [], resolved: [] };
  return commitObservation(
    rt,
    clusterIdentity(cluster),
    { kind: 'problem', diagnosis: { ...diagnosis, namespace: '' }, finding, observedAt: now },
    () => rt.evidence.archive(`${cluster.name}/cluster/${now}`, snapshot),
  );
}

function eventRecordFor(
  d: WatchedDeployment,
  events: Row<DeploymentEventRecord>[],
): DeploymentEventRecord | undefined {
  const names = new Set([
    d.service,
    d.endpoint && d.deployment ? `${d.endpoint}/${d.deployment}` : d.service,
  ]);
  const matches = events
    .map((e) => e.value)
    .filter((e) => names.has(e.service) && (d.workspace === undefined || e.workspace === d.workspace));
  return matches.sort((a, b) => b.lastEventAt.localeCompare(a.lastEventAt))[0];
}

async function sweepDeployment(
  rt: MonitorRuntime,
  cluster: ClusterSource,
  d: WatchedDeployment,
  records: Row<DeploymentRecord>[],
  events: Row<DeploymentEventRecord>[],
  incidents: Row<IncidentRecord>[],
  summary: SweepSummary,
  builds: Row<IncidentRecord>[],
  placed?: PlacedRecord,
  /** Seen only in Azure ML's record: the cluster shows no objects of it, so Azure ML's word is the only one. */
  recordOnly = false,
): Promise<CommittedChanges> {
  const aml = placed?.aml;
  const now = rt.clock.now();
  const nowIso = now.toISOString();
  const row = deploymentRow(d.namespace, d.service);
  const existing = records.find((r) => r.row === row);
  const ev = eventRecordFor(d, events);
  const unchanged = existing?.value.progress === d.progress && !existing.value.deleted;
  // New or changed: it progressed since the last look; the cluster's own condition time says when, if it is sane.
  const since =
    d.progressedAt && d.progressedAt <= nowIso && d.progressedAt > (existing?.value.lastProgress ?? '')
      ? d.progressedAt
      : nowIso;
  let lastProgress = unchanged && existing ? existing.value.lastProgress : since;
  // A start/update event restarts the hang clock even when the replica counts have not moved yet.
  if (ev?.startedAt && ev.startedAt > lastProgress && ev.startedAt <= nowIso) lastProgress = ev.startedAt;
  // Azure ML's running operation: the hang clock starts when Azure ML started it, not when we first looked.
  const op = aml?.record.operation;
  const opStart = op?.startTime ? new Date(op.startTime) : undefined;
  const opStartIso = opStart && !Number.isNaN(opStart.getTime()) ? opStart.toISOString() : undefined;
  if (
    opStartIso &&
    /^inprogress$/i.test(op?.status ?? '') &&
    opStartIso <= nowIso &&
    (!existing || existing.value.deleted || opStartIso > existing.value.lastProgress)
  )
    lastProgress = opStartIso;
  // A refused or cancelled operation is the engine's to judge (DeploymentRejected waits for a later operation).
  const amlDecides = /^(failed|cancel+ed)$/i.test(op?.status ?? '');
  const id: DeploymentIdentity = {
    cluster: cluster.name,
    namespace: d.namespace,
    service: d.service,
    workspace: d.workspace ?? ev?.workspace,
    ...(d.endpoint ? { endpoint: d.endpoint } : {}),
    ...(d.deployment ? { deployment: d.deployment } : {}),
  };

  let obs: Observation;
  let snapshot: Snapshot | undefined;
  let status: DeploymentRecord['status'];
  if (d.ready && !recordNeedsLook(aml)) {
    obs = { kind: 'healthy', observedAt: nowIso, resolution: readyResolution(d) };
    status = 'Healthy';
  } else {
    snapshot = await cluster.collect(d);
    // Azure ML's half of the evidence: its record of this deployment, read in this sweep's one list call.
    if (aml) snapshot.service = aml.record;
    // "now" of every time-based rule is the monitor's clock (simulated in `amlmon simulate`).
    snapshot.meta = {
      ...snapshot.meta,
      capturedAt: nowIso,
      service: d.service,
      namespace: d.namespace,
      ...(id.workspace ? { workspace: id.workspace } : {}),
    };
    // A download, mount or model-file failure is suspected: Azure ML's blobs are checked before the diagnosis, as
    // `amlmon diagnose --workspace` does, so the finding can name the blob that is missing (errors become gaps).
    if (placed && rt.azureMl?.checkBlobs && blobCheckSuspected(snapshot)) {
      const gaps = await checkBlobsOf(rt, placed, snapshot);
      if (gaps.length) snapshot.meta.gaps = [...(snapshot.meta.gaps ?? []), ...gaps];
    }
    summary.diagnosed += 1;
    const diagnosis = pickDiagnosis(
      rt.diagnose(snapshot, { service: d.service, hangAfterMs: rt.options.hangAfterMs }),
      d,
    );
    const root: Finding | undefined = diagnosis.findings[0];
    if (root && recordOnlyBuildFailure(root, snapshot) && buildLogOwnsIt(id, incidents, builds)) {
      // The build log's own incident (with the log's exact cause) already names this service: one alert, not two.
      obs = { kind: 'pending', observedAt: nowIso };
      status = diagnosis.status;
    } else if (root && recordOnlyBuildFailure(root, snapshot) && awaitingBuildLog(aml, now)) {
      // Azure ML's record says the build failed moments ago: its build log (the exact cause) is on its way through
      // Event Grid; its alert is the one alert of this failure, whichever comes first.
      obs = { kind: 'pending', observedAt: nowIso };
      status = diagnosis.status;
    } else if (PROBLEM_STATUSES.has(diagnosis.status) && root) {
      obs = { kind: 'problem', diagnosis, finding: root, observedAt: nowIso };
      status = diagnosis.status;
    } else if (diagnosis.status === 'Healthy' || d.ready || (recordOnly && !recordNeedsLook(aml))) {
      // Ready and nothing definite (a later operation running, a failure that is history): the cluster's word holds.
      // With no cluster objects to look at, Azure ML's Healthy record and succeeded operation are that word (an
      // update cancelled and then succeeded by a later one is a success, not a rollout that stopped moving).
      obs = d.ready
        ? { kind: 'healthy', observedAt: nowIso, resolution: readyResolution(d) }
        : { kind: 'healthy', observedAt: nowIso };
      status = 'Healthy';
    } else if (!amlDecides && isHung({ lastProgress }, now, rt.options.hangAfterMs)) {
      const hung = diagnoseHang(snapshot, diagnosis, { lastProgress, hangAfterMs: rt.options.hangAfterMs });
      const finding = hung.findings[0]!;
      obs = { kind: 'problem', diagnosis: hung, finding, observedAt: nowIso };
      status = 'Hung';
    } else {
      obs = { kind: 'pending', observedAt: nowIso };
      status = diagnosis.status;
    }
  }

  const record: DeploymentRecord = {
    cluster: cluster.name,
    workspace: id.workspace,
    namespace: d.namespace,
    service: d.service,
    flavor: d.flavor,
    endpoint: d.endpoint,
    deployment: d.deployment,
    firstSeen: existing && !existing.value.deleted ? existing.value.firstSeen : nowIso,
    lastProgress,
    startedAt: ev?.startedAt ?? existing?.value.startedAt,
    healthyAt: status === 'Healthy' ? (existing?.value.healthyAt ?? nowIso) : undefined,
    status,
    progress: d.progress,
  };
  // A lost race only means a concurrent sweep wrote the same observation.
  if (existing) await rt.state.deployments.replace(cluster.name, row, record, existing.etag);
  else await rt.state.deployments.create(cluster.name, row, record);

  const snap = snapshot;
  const archive = snap
    ? () => rt.evidence.archive(`${cluster.name}/${d.namespace}/${d.service}/${nowIso}`, snap)
    : undefined;
  const committed = await commitObservation(rt, id, obs, archive, incidents);
  // A build incident of this service from before builds were keyed to their service ends with the service's own.
  if (obs.kind === 'healthy') mergeChanges(committed, await resolveLegacyBuilds(rt, id, obs, builds));
  return committed;
}

/** The blob checks of one deployment; a failure of the check itself is a gap, never a failed sweep. */
async function checkBlobsOf(rt: MonitorRuntime, placed: PlacedRecord, snapshot: Snapshot): Promise<string[]> {
  try {
    return (await rt.azureMl?.checkBlobs?.(placed.workspace, placed.aml, snapshot)) ?? [];
  } catch (err) {
    return [`blobs: not checked: ${(err as Error).message.split('\n')[0]}`];
  }
}

/** Azure ML's half of a sweep, shared by its clusters. */
interface SweepAzureMl {
  placed: readonly PlacedRecord[];
  /** Records a cluster swept so far showed (or watched from the record). */
  claimed: Set<PlacedRecord>;
  /** Open build incidents under `image-builds` that name a service (raised before builds were keyed to it). */
  builds: Row<IncidentRecord>[];
  /** Clusters whose discovery failed this sweep. */
  unlisted: ReadonlySet<string>;
}

/** How long a record's "image build failed" waits for the build log's own alert (Event Grid delivers in seconds). */
export const BUILD_LOG_GRACE_MS = 5 * 60_000;

/** Read once per sweep; a failed read only means older build incidents are not matched this time. */
async function legacyBuildIncidents(
  rt: MonitorRuntime,
  summary: SweepSummary,
): Promise<Row<IncidentRecord>[]> {
  try {
    return (await rt.state.incidents.list(IMAGE_BUILD_CLUSTER)).filter(
      (r) =>
        !r.value.resolvedAt && r.value.code === 'ImageBuildFailure' && r.value.service !== r.value.imageId,
    );
  } catch (err) {
    const msg = `image-build incidents not read: ${(err as Error).message}`;
    summary.errors.push(msg);
    rt.log.error(`sweep: ${msg}`);
    return [];
  }
}

/** Azure ML's record says the image build failed, and no build log is in this snapshot. */
function recordOnlyBuildFailure(root: Finding, snapshot: Snapshot): boolean {
  return root.code === 'ImageBuildFailure' && !snapshot.buildLog;
}

/**
 * The build log's incident already covers this record-only failure: an open ImageBuildFailure of this service raised
 * from its build log (it carries the image id), under the service's key or, from before, under `image-builds`.
 */
function buildLogOwnsIt(
  id: DeploymentIdentity,
  incidents: Row<IncidentRecord>[],
  builds: Row<IncidentRecord>[],
): boolean {
  const own = incidents.some(
    (b) =>
      b.value.namespace === id.namespace &&
      b.value.service === id.service &&
      b.value.code === 'ImageBuildFailure' &&
      b.value.imageId !== undefined &&
      !b.value.resolvedAt,
  );
  return own || builds.some((b) => b.value.service === id.service && b.value.workspace === id.workspace);
}

/** The record's build failure ended less than BUILD_LOG_GRACE_MS ago (by the operation's end, else the record's). */
function awaitingBuildLog(aml: AmlDeploymentRecord | undefined, now: Date): boolean {
  const at = aml?.record.operation?.endTime ?? aml?.record.updatedTime;
  const t = at ? Date.parse(at) : NaN;
  return !Number.isNaN(t) && t <= now.getTime() && now.getTime() - t < BUILD_LOG_GRACE_MS;
}

/** Resolves (with the service's own notice) the older `image-builds` incidents of a service that is now healthy or gone. */
async function resolveLegacyBuilds(
  rt: MonitorRuntime,
  id: DeploymentIdentity,
  obs: Extract<Observation, { kind: 'healthy' }>,
  builds: Row<IncidentRecord>[],
): Promise<CommittedChanges> {
  const mine = builds.filter((b) => b.value.service === id.service && b.value.workspace === id.workspace);
  if (mine.length === 0) return { alerts: [], resolved: [] };
  const legacy: DeploymentIdentity = {
    cluster: IMAGE_BUILD_CLUSTER,
    namespace: IMAGE_BUILD_NAMESPACE,
    service: id.service,
    ...(id.workspace ? { workspace: id.workspace } : {}),
  };
  return commitObservation(rt, legacy, { ...obs, only: 'ImageBuildFailure' }, undefined, mine);
}

/** What the resolved notice says changed: the rollout the cluster finished, from the progress it reports. */
function readyResolution(d: WatchedDeployment): NonNullable<IncidentRecord['resolution']> {
  // progressSignature: generation:observedGeneration:updated:ready:available
  const [generation, , , ready] = d.progress.split(':');
  const what =
    generation && ready
      ? `the Deployment's generation ${generation} rolled out: ${ready} replica${ready === '1' ? '' : 's'} ready and available`
      : 'all replicas ready and available';
  return { what, ...(d.progressedAt ? { readyAt: d.progressedAt } : {}) };
}

function pickDiagnosis(list: Diagnosis[], d: WatchedDeployment): Diagnosis {
  const match =
    list.find((x) => x.service === d.service && x.namespace === d.namespace) ??
    list.find((x) => x.service === d.service);
  return (
    match ?? {
      service: d.service,
      namespace: d.namespace,
      status: 'Unknown',
      findings: [],
      gaps: ['the diagnosis engine found no Azure ML deployment of this name in the collected evidence'],
    }
  );
}
