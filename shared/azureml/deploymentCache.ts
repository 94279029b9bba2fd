/**
 * The sweep's Azure ML reads, within the call budget: per workspace and sweep, the v1 services list and the v2
 * endpoints list (2 calls), plus at most one Activity Log read per failing (or newly moving) v2 deployment. ARM has no workspace-wide
 * list of online deployments, so each endpoint's deployments are cached and listed again only when something says
 * they may have changed:
 * - the endpoint is new, or its own provisioning state, last modification or traffic changed;
 * - a cached deployment of it is still moving (not `Succeeded`, `Failed` or `Canceled`);
 * - an ARM write on one of its deployments happened since the last list (the event path records it);
 * - the cluster shows a v2 deployment of it that the cached list lacks, or stopped showing one the list has;
 * - the cached list is older than the refresh period (`AZUREML_REFRESH_AFTER`): one such endpoint per workspace and
 *   sweep, the oldest first, unless a list is older than twice the period.
 * The Activity Log answer of a failed, cancelled or still-running deployment is reused while the deployment's revision
 * (state and `systemData.lastModifiedAt`) is unchanged and the answer fits the state (final, or in progress). One instance lives in the monitor runtime (one
 * per process); both maps are bounded and forget what was least recently used, which only costs a re-read.
 */
import type { AmlOperation } from '../snapshot/types.js';
import {
  failedOrCanceled,
  writeInFlight,
  type AmlDeploymentRecord,
  type AzureMlReader,
  type Read,
  type V2DeploymentRecord,
} from './reader.js';
import { Bounded } from './bounded.js';
import { workspaceId, type WorkspaceFacts, type WorkspaceRef } from './workspace.js';

/** A v2 deployment the cluster shows (pods/Deployments labelled `ml.azure.com/endpoint-name`, `deployment-name`). */
export interface ClusterV2Deployment {
  /** When the labels or namespace name it; else it may be any configured workspace's. */
  workspace?: string;
  endpoint: string;
  deployment: string;
}

/** An ARM write on a v2 deployment, as the event path recorded it (`Microsoft.Resources.ResourceWrite*`). */
export interface DeploymentWrite {
  workspace: string;
  endpoint: string;
  deployment: string;
  /** RFC 3339 `eventTime` of the newest write event. */
  at: string;
}

/** What the sweep knows besides Azure ML that says a cached deployment list may be stale. */
export interface DeploymentHints {
  cluster?: ClusterV2Deployment[];
  /** A cluster could not be listed: what `cluster` lacks may just be on it (nothing counts as vanished). */
  clusterIncomplete?: boolean;
  writes?: DeploymentWrite[];
}

export interface DeploymentCacheOptions {
  /** A cached endpoint's deployment list older than this is listed again (`AZUREML_REFRESH_AFTER`). */
  refreshAfterMs: number;
  /** At most this many endpoints' lists are kept (least recently used forgotten first). */
  maxEndpoints?: number;
  /** At most this many failed deployments' Activity Log answers are kept. */
  maxOperations?: number;
}

export const DEFAULT_MAX_ENDPOINTS = 2000;
export const DEFAULT_MAX_OPERATIONS = 2000;
/** An ARM event time is ARM's clock, a list time ours: a write this close before a list may not be in it. */
export const WRITE_CLOCK_SKEW_MS = 60_000;
/** Endpoint lists refreshed per workspace and sweep only because they are old (see `spreadRefreshes`). */
export const REFRESHES_PER_SWEEP = 1;
/** How far back the Activity Log is searched for a deployment's last write. */
export const ACTIVITY_LOG_LOOKBACK_MS = 7 * 24 * 3600_000;

/** Why an endpoint's deployments were listed again (counted for the benchmark and the tests). */
export type RelistReason = 'new' | 'endpoint changed' | 'in progress' | 'write' | 'cluster' | 'refresh';

interface CachedEndpoint {
  signature: string;
  /** Monitor clock, ms. */
  listedAt: number;
  deployments: V2DeploymentRecord[];
  /**
   * Deployments of this endpoint the cluster showed when it was listed: one the list lacked (objects left behind, or
   * another workspace's endpoint of the same name) does not make every sweep list it again.
   */
  clusterShown: string[];
  /** Deployments of this endpoint the clusters showed in the last sweep (one that vanishes may have been deleted). */
  clusterLast: string[];
  /** The newest ARM write on its deployments known when it was listed (ms): a write known then is in the list. */
  writeSeen: number;
}

interface CachedOperation {
  revision: string;
  operation: AmlOperation | undefined;
}

const TERMINAL = /^(succeeded|failed|cancel+ed)$/i;

export class AzureMlDeploymentCache {
  private readonly endpoints: Bounded<CachedEndpoint>;
  private readonly operations: Bounded<CachedOperation>;
  /** Why endpoints were listed again in the last `deployments` call of each workspace (for tests and the bench). */
  readonly lastRelists = new Map<string, { endpoint: string; reason: RelistReason }[]>();

  constructor(
    private readonly reader: AzureMlReader,
    private readonly options: DeploymentCacheOptions,
  ) {
    this.endpoints = new Bounded(options.maxEndpoints ?? DEFAULT_MAX_ENDPOINTS);
    this.operations = new Bounded(options.maxOperations ?? DEFAULT_MAX_OPERATIONS);
  }

  /** How many endpoint lists and Activity Log answers are held. */
  get size(): { endpoints: number; operations: number } {
    return { endpoints: this.endpoints.size, operations: this.operations.size };
  }

  /** Everything Azure ML knows about the workspace's Kubernetes deployments, for one sweep, through the cache. */
  async deployments(
    ref: WorkspaceRef,
    now: Date,
    hints: DeploymentHints = {},
  ): Promise<Read<{ facts: WorkspaceFacts; records: AmlDeploymentRecord[] }>> {
    const facts = await this.reader.workspace(ref);
    const [v1, v2] = await Promise.all([
      this.reader.v1Services(facts.value),
      this.v2(facts.value, now, hints),
    ]);
    return {
      value: { facts: facts.value, records: [...v1.value, ...v2.value] },
      gaps: [...facts.gaps, ...v1.gaps, ...v2.gaps],
    };
  }

  private async v2(
    facts: WorkspaceFacts,
    now: Date,
    hints: DeploymentHints,
  ): Promise<Read<AmlDeploymentRecord[]>> {
    const ref = facts.ref;
    const wsKey = workspaceId(ref).toLowerCase();
    const prefix = `${wsKey}|`;
    const relists: { endpoint: string; reason: RelistReason }[] = [];
    this.lastRelists.set(ref.workspace, relists);
    const listed = await this.reader.v2Endpoints(facts);
    const gaps = [...listed.gaps];
    const deployments: V2DeploymentRecord[] = [];
    if (listed.failed) {
      // The endpoints could not be listed: what was known is kept (a record dropped here would read as deleted).
      for (const key of this.endpoints.keys().filter((k) => k.startsWith(prefix))) {
        const cached = this.endpoints.get(key);
        if (!cached) continue;
        deployments.push(...cached.deployments);
        gaps.push(
          `azureml v2 deployments of ${key.slice(prefix.length)}: as listed at ${new Date(cached.listedAt).toISOString()}`,
        );
      }
    } else {
      const current = new Set(listed.value.map((e) => `${prefix}${e.name}`));
      // Endpoints that are gone take their deployments' cached answers with them.
      for (const key of this.endpoints.keys().filter((k) => k.startsWith(prefix) && !current.has(k))) {
        for (const d of this.endpoints.get(key)?.deployments ?? [])
          if (d.resourceId) this.operations.delete(d.resourceId.toLowerCase());
        this.endpoints.delete(key);
      }
      const reasons = new Map(
        listed.value.map((endpoint) => [
          endpoint.name,
          relistReason(
            ref,
            endpoint.name,
            endpoint.signature,
            this.endpoints.get(`${prefix}${endpoint.name}`),
            now,
            hints,
            this.options,
          ),
        ]),
      );
      spreadRefreshes(
        reasons,
        (name) => this.endpoints.get(`${prefix}${name}`)?.listedAt ?? 0,
        now,
        this.options,
      );
      for (const endpoint of listed.value) {
        const key = `${prefix}${endpoint.name}`;
        const cached = this.endpoints.get(key);
        const reason = reasons.get(endpoint.name);
        if (!reason && cached) {
          if (hints.cluster && !hints.clusterIncomplete)
            cached.clusterLast = clusterNames(ref, endpoint.name, hints.cluster);
          deployments.push(...cached.deployments);
          continue;
        }
        relists.push({ endpoint: endpoint.name, reason: reason ?? 'new' });
        const fresh = await this.reader.v2EndpointDeployments(facts, endpoint.name);
        gaps.push(...fresh.gaps);
        if (fresh.failed) {
          // Not cached: the next sweep lists it again; meanwhile the last answer stands, named as such.
          if (cached) {
            deployments.push(...cached.deployments);
            gaps.push(
              `azureml v2 deployments of ${endpoint.name}: as listed at ${new Date(cached.listedAt).toISOString()}`,
            );
          }
          continue;
        }
        for (const d of cached?.deployments ?? [])
          if (d.resourceId && !fresh.value.some((f) => f.resourceId === d.resourceId))
            this.operations.delete(d.resourceId.toLowerCase());
        this.endpoints.set(key, {
          signature: endpoint.signature,
          listedAt: now.getTime(),
          deployments: fresh.value,
          writeSeen: Math.max(
            0,
            ...(hints.writes ?? [])
              .filter((w) => sameWorkspace(ref, w.workspace) && w.endpoint === endpoint.name)
              .map((w) => Date.parse(w.at))
              .filter((t) => !Number.isNaN(t)),
          ),
          clusterShown: clusterNames(ref, endpoint.name, hints.cluster ?? []),
          clusterLast: clusterNames(ref, endpoint.name, hints.cluster ?? []),
        });
        deployments.push(...fresh.value);
      }
    }
    const out: AmlDeploymentRecord[] = [];
    const since = new Date(now.getTime() - ACTIVITY_LOG_LOOKBACK_MS);
    for (const { revision, ...d } of deployments) {
      // A copy: the sweep may add to the record it is given, the cache keeps Azure ML's answer.
      const record = structuredClone(d.record);
      const failed = failedOrCanceled(record);
      if (d.resourceId && (failed || writeInFlight(record))) {
        const op = await this.operation(ref, d.resourceId, revision, failed, since, now);
        gaps.push(...op.gaps);
        if (op.value) record.operation = op.value;
      }
      out.push({ ...d, record });
    }
    return { value: out, gaps };
  }

  /**
   * The Activity Log answer for a deployment whose write failed, was cancelled or is still running: reused while its
   * revision is unchanged and the answer fits its state (a failed deployment's write has ended; a running one's
   * write is in progress, its start being when the hang clock starts); otherwise read again, once per sweep at most.
   */
  private async operation(
    ref: WorkspaceRef,
    resourceId: string,
    revision: string,
    failed: boolean,
    since: Date,
    now: Date,
  ): Promise<Read<AmlOperation | undefined>> {
    const key = resourceId.toLowerCase();
    const cached = this.operations.get(key);
    if (cached && cached.revision === revision) return { value: cached.operation, gaps: [] };
    const read = await this.reader.lastWrite(ref, resourceId, since, now);
    const status = read.gaps.length === 0 ? read.value?.status : undefined;
    // Activity Log entries can arrive minutes after the state changed: only an answer that fits the state is kept.
    const fits = failed
      ? status !== undefined && status !== 'InProgress'
      : status === 'InProgress' && read.value?.startTime !== undefined;
    if (fits) this.operations.set(key, { revision, operation: read.value });
    else this.operations.delete(key);
    return read;
  }
}

function relistReason(
  ref: WorkspaceRef,
  endpoint: string,
  signature: string,
  cached: CachedEndpoint | undefined,
  now: Date,
  hints: DeploymentHints,
  options: DeploymentCacheOptions,
): RelistReason | undefined {
  if (!cached) return 'new';
  if (cached.signature !== signature) return 'endpoint changed';
  if (cached.deployments.some((d) => !TERMINAL.test(d.record.state ?? ''))) return 'in progress';
  const sameWs = (w: string | undefined): boolean => sameWorkspace(ref, w);
  const listedAt = cached.listedAt;
  if (
    (hints.writes ?? []).some((w) => {
      const at = Date.parse(w.at);
      // New since the list, and not plainly older than it (ARM's clock against ours, with a margin for skew).
      return (
        sameWs(w.workspace) &&
        w.endpoint === endpoint &&
        at > cached.writeSeen &&
        at > listedAt - WRITE_CLOCK_SKEW_MS
      );
    })
  )
    return 'write';
  if (
    (hints.cluster ?? []).some(
      (c) =>
        sameWs(c.workspace) &&
        c.endpoint === endpoint &&
        !cached.deployments.some((d) => d.record.name === c.deployment) &&
        !cached.clusterShown.includes(c.deployment),
    )
  )
    return 'cluster';
  if (hints.cluster && !hints.clusterIncomplete) {
    // A deployment the clusters showed last sweep and no longer show, while the cache still has it: deleted?
    const shown = clusterNames(ref, endpoint, hints.cluster);
    const vanished = cached.clusterLast.filter((n) => !shown.includes(n));
    if (vanished.some((n) => cached.deployments.some((d) => d.record.name === n))) return 'cluster';
  }
  if (now.getTime() - listedAt >= options.refreshAfterMs) return 'refresh';
  return undefined;
}

/**
 * Refreshes are spread over sweeps instead of all falling due in one: per workspace and sweep, the endpoint listed
 * longest ago is refreshed, the others wait for later sweeps, unless their list is older than twice the period (the
 * bound on how stale a list may get). So a refresh costs one call per workspace and sweep, not one per endpoint.
 */
function spreadRefreshes(
  reasons: Map<string, RelistReason | undefined>,
  listedAt: (endpoint: string) => number,
  now: Date,
  options: DeploymentCacheOptions,
): void {
  const due = [...reasons].filter(([, r]) => r === 'refresh').map(([name]) => name);
  due.sort((a, b) => listedAt(a) - listedAt(b));
  for (const name of due.slice(REFRESHES_PER_SWEEP))
    if (now.getTime() - listedAt(name) < 2 * options.refreshAfterMs) reasons.set(name, undefined);
}

/** A hint without a workspace (the cluster's labels did not name one) may be about any configured workspace. */
function sameWorkspace(ref: WorkspaceRef, workspace: string | undefined): boolean {
  return workspace === undefined || workspace.toLowerCase() === ref.workspace.toLowerCase();
}

/** The deployments of one endpoint that the clusters show, as far as the hints say. */
function clusterNames(ref: WorkspaceRef, endpoint: string, cluster: ClusterV2Deployment[]): string[] {
  return cluster
    .filter((c) => sameWorkspace(ref, c.workspace) && c.endpoint === endpoint)
    .map((c) => c.deployment);
}
