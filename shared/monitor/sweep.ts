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
import { IMAGE_BUILD_CLUSTER } from './imageLogs.js';
import { requeueStranded } from './stranded.js';
import type { DeploymentHints } from '../azureml/deploymentCache.js';
import type { AmlDeploymentRecord } from '../azureml/reader.js';
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
  const aml = await readAzureMl(rt, summary, azureMlHints(rt, events, discoveries));
  for (const [i, cluster] of rt.clusters.entries()) {
    const changes: CommittedChanges = { alerts: [], resolved: [] };
    const before = summary.deployments;
    let error: string | undefined;
    let reachable = true;
    try {
      await sweepCluster(rt, cluster, discoveries[i]!, events, changes, summary, amlFor(rt, cluster, aml));
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

/** One record of Azure ML, with the workspace it came from and the namespace its compute deploys into. */
interface PairedRecord {
  workspace: string;
  namespace: string;
  aml: AmlDeploymentRecord;
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
  return { cluster, writes };
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

/**
 * The records whose deployments run on this cluster: the record's compute is named like the cluster (scenarios, and
 * clusters configured by their compute name), or the monitor watches just this one cluster.
 */
function amlFor(rt: MonitorRuntime, cluster: ClusterSource, views: AzureMlWorkspaceView[]): PairedRecord[] {
  const out: PairedRecord[] = [];
  for (const v of views) {
    for (const aml of v.records) {
      const computeName = aml.record.computeName;
      if (rt.clusters.length > 1 && computeName !== cluster.name) continue;
      const compute = v.computes.find((c) => c.name === computeName);
      const namespace =
        compute?.namespace ?? (aml.flavor === 'v1' ? `azureml-${v.workspace}` : 'azureml-workloads');
      out.push({ workspace: v.workspace, namespace, aml });
    }
  }
  return out;
}

function pairedWith(d: WatchedDeployment, paired: PairedRecord[]): PairedRecord | undefined {
  return paired.find(
    (p) => p.aml.service === d.service && (d.workspace === undefined || d.workspace === p.workspace),
  );
}

/** A deployment Azure ML knows that has no Kubernetes objects (yet, or any more): watched from its record alone. */
function watchedFromRecord(p: PairedRecord): WatchedDeployment {
  const r = p.aml.record;
  const op = r.operation;
  const endpoint = p.aml.flavor === 'v2' ? r.endpointName : undefined;
  const deployment = endpoint && r.name ? r.name : undefined;
  return {
    namespace: p.namespace,
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
  paired: PairedRecord[] = [],
): Promise<void> {
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
  const used = new Set<PairedRecord>();
  const watched: Array<{ d: WatchedDeployment; p: PairedRecord | undefined; recordOnly?: true }> =
    discovered.map((d) => {
      const p = pairedWith(d, paired);
      if (p) used.add(p);
      return { d: p && !d.workspace ? { ...d, workspace: p.workspace } : d, p };
    });
  for (const p of paired) if (!used.has(p)) watched.push({ d: watchedFromRecord(p), p, recordOnly: true });
  for (const { d, p, recordOnly } of watched) {
    seen.add(deploymentRow(d.namespace, d.service));
    summary.deployments += 1;
    try {
      mergeChanges(
        changes,
        await sweepDeployment(rt, cluster, d, records, events, incidents, summary, p?.aml, recordOnly),
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
  aml?: AmlDeploymentRecord,
  /** Seen only in Azure ML's record: the cluster shows no objects of it, so Azure ML's word is the only one. */
  recordOnly = false,
): Promise<CommittedChanges> {
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
    summary.diagnosed += 1;
    const diagnosis = pickDiagnosis(
      rt.diagnose(snapshot, { service: d.service, hangAfterMs: rt.options.hangAfterMs }),
      d,
    );
    const root: Finding | undefined = diagnosis.findings[0];
    if (root && (await buildLogOwnsIt(rt, root, snapshot, id))) {
      // The build log's own incident (with the log's exact cause) already names this service: one alert, not two.
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
  return commitObservation(rt, id, obs, archive, incidents);
}

/**
 * A record-only image-build failure (Azure ML's record says the image build failed, no build log in this snapshot)
 * that the build log's incident already covers: same service and workspace, still open.
 */
async function buildLogOwnsIt(
  rt: MonitorRuntime,
  root: Finding,
  snapshot: Snapshot,
  id: DeploymentIdentity,
): Promise<boolean> {
  if (root.code !== 'ImageBuildFailure' || snapshot.buildLog) return false;
  const builds = await rt.state.incidents.list(IMAGE_BUILD_CLUSTER);
  return builds.some(
    (b) =>
      b.value.service === id.service &&
      b.value.workspace === id.workspace &&
      b.value.code === 'ImageBuildFailure' &&
      !b.value.resolvedAt,
  );
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
