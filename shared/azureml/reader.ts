/**
 * Reading Azure ML's side of deployments live, one workspace at a time:
 * - workspace facts from ARM (`@azure/arm-machinelearning`: workspace, attached computes);
 * - v1 AksWebservice records from the workspace's regional model-management API
 *   (`{region}.api.azureml.ms/modelmanagement/v1.0/.../services?api-version=2018-11-19&expand=true&computeType=AKS`,
 *   the paths azureml-core's Webservice.list uses), with an Entra token for `https://management.azure.com/.default`;
 *   a record that is not simply healthy also gets its latest async operation (`operationId` →
 *   `.../workspaces/{ws}/operations/{id}`, AsyncOperationStatus in the model-management REST spec 2019-08-01);
 * - v2 Kubernetes online endpoints and deployments from ARM, and for a failed or cancelled write the Activity Log
 *   entry of that write (`@azure/arm-monitor`), whose error becomes the record's `operation`.
 * Every failure becomes a gap naming the call; nothing throws. A token is only ever sent to the ARM endpoint and to a
 * model-management host ARM's discovery document names, and only if that host is an Azure ML data-plane host (or
 * the one the caller explicitly allows, for the loopback stand-in).
 */
import { asRecord } from '../snapshot/objects.js';
import { Bounded } from './bounded.js';
import { get as httpsGet } from 'node:https';
import type { TokenCredential } from '@azure/identity';
import { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import { MonitorClient } from '@azure/arm-monitor';
import { normaliseServiceRecord } from '../snapshot/bundle.js';
import type { AmlOperation, ServiceRecord } from '../snapshot/types.js';
import { redact } from '../text/redact.js';
import type { AttachedCompute, WorkspaceFacts, WorkspaceRef } from './workspace.js';
import { workspaceId } from './workspace.js';
import { v2ModelBlob, type BlobRef } from './blobs.js';

/** The model-management API version azureml-core uses (`MMS_WORKSPACE_API_VERSION`). */
export const MMS_API_VERSION = '2018-11-19';
const ARM_SCOPE = 'https://management.azure.com/.default';
/** ARM stamps Activity Log entries by its clock: the end of the searched window allows ours to be this far behind. */
const ACTIVITY_LOG_CLOCK_SKEW_MS = 10 * 60_000;
/** Regional Azure ML data-plane hosts (public cloud). */
const AML_DATA_PLANE = /^[a-z0-9-]+\.api\.azureml\.ms$/i;

export interface AzureMlReaderOptions {
  credential: TokenCredential;
  /** ARM endpoint; the stand-in's URL in tests and `simulate`. */
  armEndpoint?: string;
  /** PEM of a CA to trust (the loopback stand-in's). */
  caCert?: string;
  /** A data-plane host allowed besides `*.api.azureml.ms` (the stand-in's `127.0.0.1:<port>`). */
  extraDataPlaneHost?: string;
  /** Counts every Azure ML / ARM / Activity Log call (for the sweep benchmark). */
  onCall?: (what: string) => void;
}

export interface Read<T> {
  value: T;
  gaps: string[];
}

/** One deployment as Azure ML knows it, keyed like the cluster names it. */
export interface AmlDeploymentRecord {
  flavor: 'v1' | 'v2';
  /** The Kubernetes Deployment name: v1 the service name, v2 `<endpoint>-<deployment>`. */
  service: string;
  record: ServiceRecord;
  /** v2: the ARM id (for the Activity Log). */
  resourceId?: string;
  /** The attached compute it runs on: v1 the record's `computeName`, v2 its endpoint's `compute` (last segment). */
  compute?: string;
}

/** A v2 Kubernetes online endpoint as listed: its name and what changes when its deployments may have changed. */
export interface V2Endpoint {
  name: string;
  /** Provisioning state, `systemData.lastModifiedAt` and traffic split, as one comparable string. */
  signature: string;
}

/** A v2 deployment as listed, with its revision: provisioning state and `systemData.lastModifiedAt`. */
export interface V2DeploymentRecord extends AmlDeploymentRecord {
  revision: string;
}

/** A v2 deployment whose last write failed or was cancelled: its Activity Log entry explains it. */
export function failedOrCanceled(record: ServiceRecord): boolean {
  return /^(failed|cancel+ed)$/i.test(record.state ?? '');
}

/**
 * A v2 deployment whose write is still running (`Creating`, `Updating`, `Deleting`): its Activity Log `Started`
 * entry says when Azure ML started it, which is when the hang clock starts.
 */
export function writeInFlight(record: ServiceRecord): boolean {
  return /^(creating|updating|deleting)$/i.test(record.state ?? '');
}

/**
 * RFC 3339 as Azure returns it: whole seconds without a `.000` fraction, so a time read live prints like the same
 * time read from a bundle.
 */
function rfc3339(d: Date | undefined): string | undefined {
  if (!d || Number.isNaN(d.getTime())) return undefined;
  return d.toISOString().replace(/\.000Z$/, 'Z');
}

function message(err: unknown): string {
  const e = err as { statusCode?: number; code?: string; message?: string };
  const status = e?.statusCode ? `${e.statusCode} ` : '';
  return redact(`${status}${e?.code ? `${e.code}: ` : ''}${e?.message ?? String(err)}`)
    .split('\n')[0]!
    .slice(0, 300);
}

/**
 * Whether a v1 record's latest operation explains something: it names one (`operationId`) and the service is not
 * simply healthy (a healthy record with an error may still be history or a refused update). One call per such
 * service, like the Activity Log read of a failing v2 deployment.
 */
function v1OperationWorthReading(item: Record<string, unknown>): boolean {
  return typeof item.operationId === 'string' && (item.state !== 'Healthy' || item.error !== undefined);
}

/**
 * A model-management AsyncOperationStatus (`state`: NotStarted, Running, Cancelled, Succeeded, Failed, TimedOut;
 * `createdTime`, `endTime`, `error`) as the bundle's `operation` (`status`: InProgress, Canceled, ...).
 */
function mmsOperation(op: Record<string, unknown>): Record<string, unknown> {
  const state = typeof op.state === 'string' ? op.state : '';
  const status = /^(notstarted|running)$/i.test(state)
    ? 'InProgress'
    : /^cancel+ed$/i.test(state)
      ? 'Canceled'
      : /^timedout$/i.test(state)
        ? 'Failed'
        : state || undefined;
  return { status, startTime: op.createdTime, endTime: op.endTime, error: op.error };
}

/** `Succeeded`/`Failed`/`Canceled`/`Started`... of an Activity Log entry, as an operation status. */
function activityStatus(s: string | undefined): AmlOperation['status'] {
  if (!s) return undefined;
  if (/^succeeded$/i.test(s)) return 'Succeeded';
  if (/^failed$/i.test(s)) return 'Failed';
  if (/^cancel+ed$/i.test(s)) return 'Canceled';
  return 'InProgress';
}

/** The error of a failed write: `properties.statusMessage` is a JSON string `{"error":{code,message,details}}`. */
function activityError(properties: Record<string, string> | undefined): AmlOperation['error'] {
  const raw = properties?.statusMessage;
  if (!raw) return undefined;
  try {
    const parsed = asRecord(JSON.parse(raw) as unknown);
    const e = asRecord(parsed?.error) ?? parsed;
    if (!e) return { message: raw };
    const details = Array.isArray(e.details)
      ? e.details.map((d) => ({
          code: String(asRecord(d)?.code ?? ''),
          message: String(asRecord(d)?.message ?? ''),
        }))
      : undefined;
    return {
      code: typeof e.code === 'string' ? e.code : undefined,
      message: typeof e.message === 'string' ? e.message : undefined,
      details,
    };
  } catch {
    return { message: raw };
  }
}

export class AzureMlReader {
  private readonly facts = new Map<string, WorkspaceFacts>();
  /** Discovery answers by URL, in flight or done: workspaces of one region read it once, even side by side. */
  private readonly mmsBase = new Map<string, Promise<string>>();
  /** `<workspace id>|<endpoint>` → the compute the endpoint runs on, as its last listing said. */
  private readonly endpointCompute = new Map<string, string>();
  /** v1 operations that have ended, by id: an ended operation never changes, so it is read once per process. */
  private readonly endedV1Operations = new Bounded<Record<string, unknown>>(2000);

  constructor(private readonly options: AzureMlReaderOptions) {}

  private clientOptions() {
    return {
      ...(this.options.armEndpoint ? { endpoint: this.options.armEndpoint } : {}),
      ...(this.options.caCert ? { tlsOptions: { ca: this.options.caCert } } : {}),
      retryOptions: { maxRetries: 1 },
    };
  }

  private ml(ref: WorkspaceRef): AzureMachineLearningWorkspaces {
    return new AzureMachineLearningWorkspaces(
      this.options.credential,
      ref.subscriptionId,
      this.clientOptions(),
    );
  }

  private count(what: string): void {
    this.options.onCall?.(what);
  }

  /**
   * Workspace facts, read once per reader (they change when someone re-attaches a compute, not per sweep); a read
   * with a gap is not kept.
   */
  async workspace(ref: WorkspaceRef): Promise<Read<WorkspaceFacts>> {
    const key = workspaceId(ref).toLowerCase();
    const cached = this.facts.get(key);
    if (cached) return { value: cached, gaps: [] };
    const gaps: string[] = [];
    const value: WorkspaceFacts = { ref, computes: [] };
    const client = this.ml(ref);
    try {
      this.count('workspace');
      const ws = await client.workspaces.get(ref.resourceGroup, ref.workspace);
      value.location = ws.location;
      value.storageAccount = ws.storageAccount;
      value.containerRegistry = ws.containerRegistry;
      value.discoveryUrl = ws.discoveryUrl;
    } catch (err) {
      gaps.push(`azureml workspace ${ref.workspace}: ${message(err)}`);
      return { value, gaps };
    }
    try {
      this.count('computes');
      for await (const c of client.computeOperations.list(ref.resourceGroup, ref.workspace)) {
        const p = asRecord(c.properties);
        const type = typeof p?.computeType === 'string' ? p.computeType : '';
        if (type !== 'Kubernetes' && type !== 'AKS') continue;
        const props = asRecord(p?.properties);
        const compute: AttachedCompute = { name: c.name ?? '', computeType: type };
        if (typeof p?.resourceId === 'string') compute.resourceId = p.resourceId;
        if (typeof props?.namespace === 'string') compute.namespace = props.namespace;
        value.computes.push(compute);
      }
    } catch (err) {
      gaps.push(`azureml computes of ${ref.workspace}: ${message(err)}`);
    }
    // Kept only when whole: a computes list that failed is read again next time rather than missing for good.
    if (gaps.length === 0) this.facts.set(key, value);
    return { value, gaps };
  }

  /** The regional model-management base URL, from the workspace's discovery document (`api`). */
  private async modelManagementBase(facts: WorkspaceFacts): Promise<string> {
    const url = facts.discoveryUrl;
    if (!url) throw new Error('the workspace has no discoveryUrl');
    const cached = this.mmsBase.get(url);
    if (cached) return cached;
    const reading = this.discover(url);
    this.mmsBase.set(url, reading);
    // A failed read is not kept: the next sweep asks again.
    reading.catch(() => this.mmsBase.delete(url));
    return reading;
  }

  private async discover(url: string): Promise<string> {
    const discovery = new URL(url);
    this.checkDataPlaneHost(discovery);
    this.count('discovery');
    const doc = asRecord(await this.get(discovery, false));
    const api = typeof doc?.api === 'string' ? new URL(doc.api) : undefined;
    if (!api) throw new Error(`discovery document at ${discovery.host} names no "api" endpoint`);
    this.checkDataPlaneHost(api);
    return api.origin;
  }

  private checkDataPlaneHost(url: URL): void {
    const ok =
      url.protocol === 'https:' &&
      (AML_DATA_PLANE.test(url.hostname) || url.host === this.options.extraDataPlaneHost);
    if (!ok) throw new Error(`refusing to send a token to ${url.host}: not an Azure ML data-plane host`);
  }

  private async get(url: URL, withToken: boolean): Promise<unknown> {
    this.checkDataPlaneHost(url);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (withToken) {
      const token = await this.options.credential.getToken(ARM_SCOPE);
      if (!token) throw new Error('no token for the Azure ML data plane');
      headers.authorization = `Bearer ${token.token}`;
    }
    return getJson(url, headers, this.options.caCert);
  }

  /** v1 AksWebservice records of the workspace: one list call (pages followed). */
  async v1Services(facts: WorkspaceFacts): Promise<Read<AmlDeploymentRecord[]>> {
    const ref = facts.ref;
    try {
      const base = await this.modelManagementBase(facts);
      const url = new URL(
        `${base}/modelmanagement/v1.0/subscriptions/${ref.subscriptionId}/resourceGroups/${ref.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${ref.workspace}/services`,
      );
      url.searchParams.set('api-version', MMS_API_VERSION);
      url.searchParams.set('expand', 'true');
      url.searchParams.set('computeType', 'AKS');
      const out: AmlDeploymentRecord[] = [];
      const gaps: string[] = [];
      let next: URL | undefined = url;
      for (let page = 0; next && page < 20; page++) {
        this.count('v1 services');
        const body = asRecord(await this.get(next, true));
        for (const raw of Array.isArray(body?.value) ? body.value : []) {
          const item = asRecord(raw) ?? {};
          const operation = v1OperationWorthReading(item)
            ? await this.v1Operation(base, ref, item.operationId as string)
            : undefined;
          if (operation?.gap) gaps.push(`azureml v1 operation of ${String(item.name)}: ${operation.gap}`);
          const record = {
            ...normaliseServiceRecord(operation?.value ? { ...item, operation: operation.value } : item),
            flavor: 'v1' as const,
          };
          if (record.name)
            out.push({
              flavor: 'v1',
              service: record.name,
              record,
              ...(record.computeName ? { compute: record.computeName } : {}),
            });
        }
        next = typeof body?.nextLink === 'string' ? new URL(body.nextLink) : undefined;
      }
      return { value: out, gaps };
    } catch (err) {
      return { value: [], gaps: [`azureml v1 services of ${ref.workspace}: ${message(err)}`] };
    }
  }

  /**
   * The model-management async operation a v1 record names as its latest (`operationId`), as
   * `GET .../workspaces/{ws}/operations/{id}` returns it (AsyncOperationStatus); a failure is a gap.
   */
  private async v1Operation(
    base: string,
    ref: WorkspaceRef,
    id: string,
  ): Promise<{ value?: Record<string, unknown>; gap?: string }> {
    const key = `${workspaceId(ref).toLowerCase()}/${id}`;
    const ended = this.endedV1Operations.get(key);
    if (ended) return { value: ended };
    try {
      const url = new URL(
        `${base}/modelmanagement/v1.0/subscriptions/${ref.subscriptionId}/resourceGroups/${ref.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${ref.workspace}/operations/${encodeURIComponent(id)}`,
      );
      url.searchParams.set('api-version', MMS_API_VERSION);
      this.count('v1 operation');
      const value = mmsOperation(asRecord(await this.get(url, true)) ?? {});
      if (value.status !== 'InProgress' && value.status !== undefined) this.endedV1Operations.set(key, value);
      return { value };
    } catch (err) {
      return { gap: message(err) };
    }
  }

  /**
   * v2 Kubernetes online endpoints of the workspace: one list call. Each carries what says its deployments may have
   * changed (its provisioning state, last modification and traffic), for the sweep's deployment cache.
   */
  async v2Endpoints(facts: WorkspaceFacts): Promise<Read<V2Endpoint[]> & { failed?: true }> {
    const ref = facts.ref;
    const out: V2Endpoint[] = [];
    try {
      this.count('v2 endpoints');
      for await (const ep of this.ml(ref).onlineEndpoints.list(ref.resourceGroup, ref.workspace)) {
        const kind = ep.kind ?? ep.properties.compute ?? '';
        if (!ep.name || !(/kubernetes/i.test(kind) || ep.properties.compute)) continue;
        // `properties.compute` is the compute's ARM id (or its name): pairs the endpoint's deployments with a cluster.
        const compute = ep.properties.compute?.split('/').filter(Boolean).pop();
        const key = `${workspaceId(ref).toLowerCase()}|${ep.name}`;
        if (compute) this.endpointCompute.set(key, compute);
        else this.endpointCompute.delete(key);
        const traffic = Object.entries(ep.properties.traffic ?? {}).sort(([a], [b]) => a.localeCompare(b));
        out.push({
          name: ep.name,
          signature: JSON.stringify([
            ep.properties.provisioningState ?? '',
            ep.systemData?.lastModifiedAt?.toISOString() ?? '',
            traffic,
            // The cached deployments carry the endpoint's compute: another one makes them stale.
            compute ?? '',
          ]),
        });
      }
      return { value: out, gaps: [] };
    } catch (err) {
      return { value: [], gaps: [`azureml v2 endpoints of ${ref.workspace}: ${message(err)}`], failed: true };
    }
  }

  /**
   * The deployments of one v2 endpoint: one list call; no `operation` yet (see `lastWrite`). Each carries its
   * `revision` (provisioning state and last modification) so a cached Activity Log answer is reused only while the
   * deployment is unchanged.
   */
  async v2EndpointDeployments(
    facts: WorkspaceFacts,
    endpoint: string,
  ): Promise<Read<V2DeploymentRecord[]> & { failed?: true }> {
    const ref = facts.ref;
    const out: V2DeploymentRecord[] = [];
    try {
      this.count('v2 deployments');
      for await (const d of this.ml(ref).onlineDeployments.list(ref.resourceGroup, ref.workspace, endpoint)) {
        if (!d.name) continue;
        const record: ServiceRecord = {
          ...normaliseServiceRecord({ ...d, properties: { ...d.properties } }),
          flavor: 'v2',
          endpointName: endpoint,
        };
        const modified = d.systemData?.lastModifiedAt?.toISOString() ?? JSON.stringify(d.properties);
        const compute = this.endpointCompute.get(`${workspaceId(ref).toLowerCase()}|${endpoint}`);
        out.push({
          flavor: 'v2',
          service: `${endpoint}-${d.name}`,
          record,
          resourceId: d.id,
          ...(compute ? { compute } : {}),
          revision: `${record.state ?? ''}|${modified}`,
        });
      }
      return { value: out, gaps: [] };
    } catch (err) {
      return { value: [], gaps: [`azureml v2 deployments of ${endpoint}: ${message(err)}`], failed: true };
    }
  }

  /**
   * v2 Kubernetes online deployments, uncached (the CLI's one-off read): one endpoints list, then the deployments of
   * each Kubernetes endpoint; a deployment whose last write failed, was cancelled or is still running gets that
   * write's Activity Log entry as `operation`. The monitor's sweep reads through `AzureMlDeploymentCache` instead.
   */
  async v2Deployments(
    facts: WorkspaceFacts,
    since: Date,
    until?: Date,
  ): Promise<Read<AmlDeploymentRecord[]>> {
    const endpoints = await this.v2Endpoints(facts);
    const gaps = [...endpoints.gaps];
    const out: AmlDeploymentRecord[] = [];
    for (const endpoint of endpoints.value) {
      const listed = await this.v2EndpointDeployments(facts, endpoint.name);
      gaps.push(...listed.gaps);
      for (const { revision: _revision, ...d } of listed.value) {
        void _revision;
        if (d.resourceId && (failedOrCanceled(d.record) || writeInFlight(d.record))) {
          const op = await this.lastWrite(facts.ref, d.resourceId, since, until);
          gaps.push(...op.gaps);
          if (op.value) d.record.operation = op.value;
        }
        out.push(d);
      }
    }
    return { value: out, gaps };
  }

  /**
   * The latest write of a resource in the Activity Log between `since` and `until` (the documented "events for a
   * resource" filter names both; without `until`, only the start): its status, times and error.
   */
  async lastWrite(
    ref: WorkspaceRef,
    resourceId: string,
    since: Date,
    until?: Date,
  ): Promise<Read<AmlOperation | undefined>> {
    const monitor = new MonitorClient(this.options.credential, ref.subscriptionId, this.clientOptions());
    const filter = `eventTimestamp ge '${since.toISOString()}'${until ? ` and eventTimestamp le '${new Date(until.getTime() + ACTIVITY_LOG_CLOCK_SKEW_MS).toISOString()}'` : ''} and resourceUri eq '${resourceId}'`;
    try {
      this.count('activity log');
      const byCorrelation = new Map<string, AmlOperation>();
      for await (const e of monitor.activityLogs.list(filter)) {
        const op = e.operationName?.value ?? '';
        if (!/\/write$/i.test(op) || !e.correlationId) continue;
        const at = rfc3339(e.eventTimestamp);
        const entry = byCorrelation.get(e.correlationId) ?? {};
        const status = activityStatus(e.status?.value);
        if (!entry.startTime || (at && at < entry.startTime)) entry.startTime = at;
        if (status && status !== 'InProgress') {
          entry.status = status;
          entry.endTime = at;
          entry.error = activityError(e.properties) ?? entry.error;
        } else if (!entry.status) entry.status = 'InProgress';
        byCorrelation.set(e.correlationId, entry);
      }
      const latest = [...byCorrelation.values()].sort((a, b) =>
        (b.startTime ?? '').localeCompare(a.startTime ?? ''),
      )[0];
      return { value: latest, gaps: [] };
    } catch (err) {
      return {
        value: undefined,
        gaps: [`activity log of ${resourceId.split('/').slice(-3).join('/')}: ${message(err)}`],
      };
    }
  }

  /**
   * v2: the blob a model version (`<name>:<version>`) reads: its `modelUri` from ARM, and for an `azureml://`
   * datastore URI the datastore's container. Two ARM calls at most; a failure is a gap, never a throw.
   */
  async modelBlob(ref: WorkspaceRef, model: string): Promise<Read<BlobRef | undefined>> {
    const m = /^(?:azureml:)?([^:]+):([^:]+)$/.exec(model);
    if (!m?.[1] || !m[2]) return { value: undefined, gaps: [`azureml model ${model}: not <name>:<version>`] };
    const client = this.ml(ref);
    try {
      this.count('model version');
      const version = await client.modelVersions.get(ref.resourceGroup, ref.workspace, m[1], m[2]);
      const uri = version.properties.modelUri;
      if (!uri) return { value: undefined, gaps: [`azureml model ${model}: no modelUri`] };
      const datastore = /\/datastores\/([^/]+)\/paths\//i.exec(uri)?.[1];
      let container: string | undefined;
      if (datastore) {
        this.count('datastore');
        const ds = await client.datastores.get(ref.resourceGroup, ref.workspace, datastore);
        const props = ds.properties as { containerName?: string };
        container = props.containerName;
      }
      const blob = v2ModelBlob(uri, (name) => (name === datastore ? container : undefined));
      return 'error' in blob
        ? { value: undefined, gaps: [`azureml model ${model}: ${blob.error}`] }
        : { value: blob, gaps: [] };
    } catch (err) {
      return { value: undefined, gaps: [`azureml model ${model}: ${message(err)}`] };
    }
  }

  /** Everything Azure ML knows about the workspace's Kubernetes deployments, for one sweep. */
  async deployments(
    ref: WorkspaceRef,
    now: Date,
  ): Promise<Read<{ facts: WorkspaceFacts; records: AmlDeploymentRecord[] }>> {
    const facts = await this.workspace(ref);
    const since = new Date(now.getTime() - 7 * 24 * 3600_000);
    const [v1, v2] = await Promise.all([
      this.v1Services(facts.value),
      this.v2Deployments(facts.value, since, now),
    ]);
    return {
      value: { facts: facts.value, records: [...v1.value, ...v2.value] },
      gaps: [...facts.gaps, ...v1.gaps, ...v2.gaps],
    };
  }
}

/** One HTTPS GET returning parsed JSON; `ca` adds a CA to trust (the loopback stand-in's). */
function getJson(url: URL, headers: Record<string, string>, ca: string | undefined): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = httpsGet(url, { headers, timeout: 15_000, ...(ca ? { ca } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        if (status < 200 || status >= 300) {
          reject(
            Object.assign(new Error(`${status} ${res.statusMessage ?? ''}`.trim()), { statusCode: status }),
          );
          return;
        }
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown);
        } catch (err) {
          reject(new Error(`invalid JSON from ${url.host} (${(err as Error).message})`));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after 15 s from ${url.host}`)));
    req.on('error', reject);
  });
}
