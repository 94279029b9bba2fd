/**
 * A loopback HTTPS stand-in for Azure ML as the monitor reads it, speaking the real REST shapes:
 * - ARM (`management.azure.com`): the workspace (`properties.storageAccount`, `containerRegistry`, `discoveryUrl`),
 *   its computes, Kubernetes online endpoints and their deployments;
 * - the Activity Log (`/subscriptions/{s}/providers/Microsoft.Insights/eventtypes/management/values`): for each v2
 *   deployment's `operation`, a `Started` write event and the final one, whose `properties.statusMessage` carries the
 *   error as ARM writes it (`{"error":{code,message,details}}`), under one correlation id;
 * - the workspace discovery document (`/discovery` → `{"api": <this server>}`) and the v1 model-management API
 *   (`/modelmanagement/v1.0/.../workspaces/{ws}/services`, each record naming its latest async operation by
 *   `operationId`, and `.../operations/{id}` serving it as AsyncOperationStatus).
 * Every call but discovery needs `Authorization: Bearer <token>` with the token it was started with; others get 401.
 * Used by tests and by `amlmon simulate` (scenario files `azureml/<k>/<workspace>/...`): no vitest imports.
 */
import type { AccessToken, TokenCredential } from '@azure/identity';
import type { AzureMlReaderOptions } from '../../../shared/azureml/reader.js';
import { asRecord, asString } from '../../../shared/snapshot/objects.js';
import { createHash, randomUUID } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { loopbackCert } from '../acsEmail.js';

export interface StandInWorkspace {
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  storageAccount?: string;
  /** The attached Kubernetes compute (also the cluster's name in scenarios) and its namespace. */
  cluster?: string;
  namespace?: string;
  /**
   * More attached Kubernetes computes besides `cluster`: each names the AKS cluster it is attached to (`clusterId`,
   * its ARM id; default `managedClusters/<name>` in the workspace's group) and its namespace.
   */
  computes?: { name: string; clusterId?: string; namespace?: string }[];
  /** v1 service records as the model-management API returns them. */
  services: Record<string, unknown>[];
  /**
   * v2 deployments as ARM returns them, optionally with `operation` (served as Activity Log entries); `compute`
   * names the endpoint's compute (default `cluster`).
   */
  deployments: { endpoint: string; deployment: Record<string, unknown>; compute?: string }[];
  /** v2 endpoints' own state; an endpoint named only by its deployments is `Succeeded` with no traffic or systemData. */
  endpoints?: Record<
    string,
    { provisioningState?: string; traffic?: Record<string, number>; lastModifiedAt?: string }
  >;
  /** Model versions (`<name>:<version>` → `modelUri`, e.g. `azureml://.../datastores/<ds>/paths/<path>`). */
  models?: Record<string, string>;
  /** Blob datastores (`<name>` → container); `workspaceblobstore` is `azureml-blobstore-<ws>` when not given. */
  datastores?: Record<string, string>;
}

export interface AzureMlRequest {
  method: string;
  path: string;
  authorized: boolean;
}

export interface AzureMlStandIn {
  /** `https://127.0.0.1:<port>`: the ARM endpoint and the data-plane host alike. */
  url: string;
  host: string;
  caCert: string;
  token: string;
  requests: AzureMlRequest[];
  setWorkspaces(workspaces: StandInWorkspace[]): void;
  close(): Promise<void>;
}

/** The stand-in's bearer token, as `@azure/identity` would hand it out. */
export function standInCredential(token: string): TokenCredential {
  return {
    getToken: (): Promise<AccessToken> =>
      Promise.resolve({ token, expiresOnTimestamp: Date.now() + 3600_000 }),
  };
}

/**
 * What an Azure ML reader needs to talk to the stand-in: its ARM endpoint, its CA, its data-plane host, and a
 * credential (one holding the stand-in's token unless another is given).
 */
export function standInReaderOptions(
  standIn: Pick<AzureMlStandIn, 'url' | 'host' | 'caCert' | 'token'>,
  credential: TokenCredential = standInCredential(standIn.token),
): AzureMlReaderOptions {
  return { credential, armEndpoint: standIn.url, caCert: standIn.caCert, extraDataPlaneHost: standIn.host };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'x-ms-request-id': randomUUID(),
  });
  res.end(text);
}

function armError(res: ServerResponse, status: number, code: string, message: string): void {
  json(res, status, { error: { code, message } });
}

function wsId(ws: StandInWorkspace): string {
  return `/subscriptions/${ws.subscriptionId}/resourceGroups/${ws.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${ws.name}`;
}

/** A deployment as ARM returns it: its own id, no `operation` (that lives in the Activity Log). */
function armDeployment(
  ws: StandInWorkspace,
  endpoint: string,
  d: Record<string, unknown>,
): Record<string, unknown> {
  // azure-ai-ml's flattened `provisioning_state` (a record saved from the Python SDK) is ARM's
  // `properties.provisioningState` on the wire.
  const { operation: _op, provisioning_state: sdkState, ...rest } = d;
  void _op;
  const name = asString(d.name) ?? 'deployment';
  const props = {
    ...(asString(sdkState) ? { provisioningState: asString(sdkState) } : {}),
    ...(asRecord(d.properties) ?? {}),
  };
  return {
    ...rest,
    id: `${wsId(ws)}/onlineEndpoints/${endpoint}/deployments/${name}`,
    name,
    type: 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments',
    properties: { endpointComputeType: 'Kubernetes', ...props },
    location: asString(d.location) ?? 'westeurope',
  };
}

/** The Activity Log entries of a deployment's last write: `Started`, then the outcome with its error. */
function activityEvents(
  ws: StandInWorkspace,
  endpoint: string,
  d: Record<string, unknown>,
): Record<string, unknown>[] {
  const op = asRecord(d.operation);
  if (!op) return [];
  const resourceId = `${wsId(ws)}/onlineEndpoints/${endpoint}/deployments/${asString(d.name) ?? ''}`;
  const correlationId = `c0ffee00-${(asString(d.name) ?? 'x')
    .padEnd(4, '0')
    .slice(0, 4)
    .replace(/[^0-9a-f]/gi, '0')}-4000-8000-${String(Date.parse(asString(op.startTime) ?? '') || 0)
    .padStart(12, '0')
    .slice(-12)}`;
  const base = {
    correlationId,
    resourceId,
    resourceGroupName: ws.resourceGroup,
    subscriptionId: ws.subscriptionId,
    operationName: {
      value: 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments/write',
      localizedValue: 'Create or update online deployment',
    },
    category: { value: 'Administrative', localizedValue: 'Administrative' },
    resourceProviderName: {
      value: 'Microsoft.MachineLearningServices',
      localizedValue: 'Microsoft.MachineLearningServices',
    },
    level: 'Informational',
  };
  const events: Record<string, unknown>[] = [
    {
      ...base,
      eventDataId: randomUUID(),
      status: { value: 'Started', localizedValue: 'Started' },
      eventTimestamp: asString(op.startTime),
      submissionTimestamp: asString(op.startTime),
    },
  ];
  const status = asString(op.status);
  if (status && status !== 'InProgress') {
    const error = asRecord(op.error);
    events.push({
      ...base,
      eventDataId: randomUUID(),
      level: status === 'Succeeded' ? 'Informational' : 'Error',
      status: { value: status, localizedValue: status },
      subStatus: { value: status === 'Failed' ? 'BadRequest' : '', localizedValue: '' },
      eventTimestamp: asString(op.endTime) ?? asString(op.startTime),
      submissionTimestamp: asString(op.endTime) ?? asString(op.startTime),
      properties: error ? { statusCode: 'BadRequest', statusMessage: JSON.stringify({ error }) } : {},
    });
  }
  return events;
}

/**
 * A v1 record as model management returns it: its latest async operation is named by `operationId` (read with
 * `GET .../operations/{id}`), not embedded; a bundle's `operation` gets a stable id derived from it.
 */
function mmsService(s: Record<string, unknown>): Record<string, unknown> {
  const { operation, ...rest } = s;
  const op = asRecord(operation);
  return {
    computeType: 'AKS',
    ...rest,
    ...(op && rest.operationId === undefined ? { operationId: v1OperationId(s) } : {}),
  };
}

function v1OperationId(s: Record<string, unknown>): string {
  const op = asRecord(s.operation);
  const seed = `${asString(s.name) ?? ''}|${asString(op?.startTime) ?? ''}`;
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A bundle's v1 `operation` as model management's AsyncOperationStatus. */
function mmsOperationStatus(s: Record<string, unknown>): Record<string, unknown> {
  const op = asRecord(s.operation) ?? {};
  const status = asString(op.status);
  const state =
    status === 'InProgress' ? 'Running' : status === 'Canceled' ? 'Cancelled' : (status ?? 'Running');
  return {
    id: v1OperationId(s),
    operationType: 'Service',
    state,
    createdTime: asString(op.startTime),
    ...(asString(op.endTime) ? { endTime: asString(op.endTime) } : {}),
    ...(op.error !== undefined ? { error: op.error } : {}),
    resourceLocation: `/services/${asString(s.name) ?? ''}`,
  };
}

/** `resourceUri eq '<id>'` from an Activity Log `$filter`. */
function filterResource(filter: string | null): string | undefined {
  return filter ? /resourceUri eq '([^']+)'/i.exec(filter)?.[1] : undefined;
}

/** Whether an event falls inside the `eventTimestamp ge '<t>'` / `le '<t>'` bounds of an Activity Log `$filter`. */
function inTimeWindow(filter: string | null, event: Record<string, unknown>): boolean {
  const at = Date.parse(asString(event.eventTimestamp) ?? '');
  if (!filter || Number.isNaN(at)) return true;
  const ge = Date.parse(/eventTimestamp ge '([^']+)'/i.exec(filter)?.[1] ?? '');
  const le = Date.parse(/eventTimestamp le '([^']+)'/i.exec(filter)?.[1] ?? '');
  return !(at < ge) && !(at > le);
}

export async function startAzureMlStandIn(options: { token?: string } = {}): Promise<AzureMlStandIn> {
  const { cert, key } = await loopbackCert();
  const token = options.token ?? `aml-standin-${randomUUID()}`;
  let workspaces: StandInWorkspace[] = [];
  const requests: AzureMlRequest[] = [];
  let url = '';

  const find = (sub: string, rg: string, name: string) =>
    workspaces.find(
      (w) =>
        w.subscriptionId.toLowerCase() === sub.toLowerCase() &&
        w.resourceGroup.toLowerCase() === rg.toLowerCase() &&
        w.name.toLowerCase() === name.toLowerCase(),
    );

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const u = new URL(req.url ?? '/', url);
    const path = decodeURIComponent(u.pathname);
    const authorized = req.headers.authorization === `Bearer ${token}`;
    requests.push({ method: req.method ?? 'GET', path, authorized });
    if (path === '/discovery') {
      json(res, 200, {
        api: url,
        catalog: url,
        experimentation: url,
        history: url,
        modelmanagement: url,
        pipelines: url,
      });
      return;
    }
    if (!authorized) {
      armError(res, 401, 'InvalidAuthenticationToken', 'The access token is missing or invalid.');
      return;
    }
    if (req.method !== 'GET') {
      armError(res, 405, 'MethodNotAllowed', 'The stand-in is read-only.');
      return;
    }
    let m =
      /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.Insights\/eventtypes\/management\/values$/i.exec(
        path,
      );
    if (m) {
      const resource = filterResource(u.searchParams.get('$filter'))?.toLowerCase();
      const value = workspaces
        .filter((w) => w.subscriptionId.toLowerCase() === m![1]!.toLowerCase())
        .flatMap((w) => w.deployments.flatMap((d) => activityEvents(w, d.endpoint, d.deployment)))
        .filter((e) => !resource || asString(e.resourceId)?.toLowerCase() === resource)
        .filter((e) => inTimeWindow(u.searchParams.get('$filter'), e));
      json(res, 200, { value });
      return;
    }
    m =
      /^\/modelmanagement\/v1\.0\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.MachineLearningServices\/workspaces\/([^/]+)\/services(?:\/([^/]+))?$/i.exec(
        path,
      );
    if (m) {
      const ws = find(m[1]!, m[2]!, m[3]!);
      if (!ws) return armError(res, 404, 'WorkspaceNotFound', `Workspace ${m[3]} not found`);
      const computeType = u.searchParams.get('computeType');
      const list = ws.services.filter(
        (s) => !computeType || (asString(s.computeType) ?? 'AKS') === computeType,
      );
      if (m[4]) {
        const one = list.find((s) => s.name === m![4]);
        return one
          ? json(res, 200, mmsService(one))
          : armError(res, 404, 'WebserviceNotFound', `Webservice ${m[4]} not found`);
      }
      json(res, 200, { value: list.map(mmsService) });
      return;
    }
    m =
      /^\/modelmanagement\/v1\.0\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.MachineLearningServices\/workspaces\/([^/]+)\/operations\/([^/]+)$/i.exec(
        path,
      );
    if (m) {
      const ws = find(m[1]!, m[2]!, m[3]!);
      const owner = ws?.services.find((s) => asRecord(s.operation) && v1OperationId(s) === m![4]);
      return owner
        ? json(res, 200, mmsOperationStatus(owner))
        : armError(res, 404, 'OperationNotFound', `Operation ${m[4]} not found`);
    }
    m =
      /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.MachineLearningServices\/workspaces\/([^/]+)(\/.*)?$/i.exec(
        path,
      );
    if (m) {
      const ws = find(m[1]!, m[2]!, m[3]!);
      if (!ws)
        return armError(
          res,
          404,
          'ResourceNotFound',
          `The Resource 'Microsoft.MachineLearningServices/workspaces/${m[3]}' was not found.`,
        );
      const rest = m[4] ?? '';
      const id = wsId(ws);
      if (rest === '') {
        json(res, 200, {
          id,
          name: ws.name,
          type: 'Microsoft.MachineLearningServices/workspaces',
          location: 'westeurope',
          properties: {
            friendlyName: ws.name,
            storageAccount: `/subscriptions/${ws.subscriptionId}/resourceGroups/${ws.resourceGroup}/providers/Microsoft.Storage/storageAccounts/${ws.storageAccount ?? `${ws.name.replace(/[^a-z0-9]/gi, '').toLowerCase()}storage`}`,
            containerRegistry: `/subscriptions/${ws.subscriptionId}/resourceGroups/${ws.resourceGroup}/providers/Microsoft.ContainerRegistry/registries/${ws.name.replace(/[^a-z0-9]/gi, '')}acr`,
            discoveryUrl: `${url}/discovery`,
            provisioningState: 'Succeeded',
          },
        });
        return;
      }
      if (rest === '/computes') {
        const computes = [
          ...(ws.cluster ? [{ name: ws.cluster, namespace: ws.namespace }] : []),
          ...(ws.computes ?? []),
        ] as { name: string; clusterId?: string; namespace?: string }[];
        json(res, 200, {
          value: computes.map((c) => ({
            id: `${id}/computes/${c.name}`,
            name: c.name,
            type: 'Microsoft.MachineLearningServices/workspaces/computes',
            properties: {
              computeType: 'Kubernetes',
              resourceId:
                c.clusterId ??
                `/subscriptions/${ws.subscriptionId}/resourceGroups/${ws.resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${c.name}`,
              provisioningState: 'Succeeded',
              properties: { namespace: c.namespace ?? 'azureml-workloads' },
            },
          })),
        });
        return;
      }
      if (rest === '/onlineEndpoints') {
        const names = [
          ...new Set([...ws.deployments.map((d) => d.endpoint), ...Object.keys(ws.endpoints ?? {})]),
        ];
        json(res, 200, {
          value: names.map((ep) => {
            const own = ws.endpoints?.[ep];
            return {
              id: `${id}/onlineEndpoints/${ep}`,
              name: ep,
              type: 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints',
              kind: 'Kubernetes',
              location: 'westeurope',
              identity: { type: 'SystemAssigned' },
              ...(own?.lastModifiedAt ? { systemData: { lastModifiedAt: own.lastModifiedAt } } : {}),
              properties: {
                authMode: 'Key',
                compute: `${id}/computes/${ws.deployments.find((d) => d.endpoint === ep && d.compute)?.compute ?? ws.cluster ?? 'k8s'}`,
                provisioningState: own?.provisioningState ?? 'Succeeded',
                ...(own?.traffic ? { traffic: own.traffic } : {}),
              },
            };
          }),
        });
        return;
      }
      const mv = /^\/models\/([^/]+)\/versions\/([^/]+)$/i.exec(rest);
      if (mv) {
        const modelUri = ws.models?.[`${mv[1]}:${mv[2]}`];
        if (!modelUri)
          return armError(res, 404, 'UserError', `Could not find asset with ID: ${mv[1]}:${mv[2]}`);
        json(res, 200, {
          id: `${id}/models/${mv[1]}/versions/${mv[2]}`,
          name: mv[2],
          type: 'Microsoft.MachineLearningServices/workspaces/models/versions',
          properties: { modelType: 'custom_model', modelUri },
        });
        return;
      }
      const ds = /^\/datastores\/([^/]+)$/i.exec(rest);
      if (ds) {
        const container =
          ws.datastores?.[ds[1]!] ??
          (ds[1] === 'workspaceblobstore' ? `azureml-blobstore-${ws.name.toLowerCase()}` : undefined);
        if (!container) return armError(res, 404, 'UserError', `Datastore ${ds[1]} not found`);
        json(res, 200, {
          id: `${id}/datastores/${ds[1]}`,
          name: ds[1],
          type: 'Microsoft.MachineLearningServices/workspaces/datastores',
          properties: {
            datastoreType: 'AzureBlob',
            accountName: ws.storageAccount ?? `${ws.name.replace(/[^a-z0-9]/gi, '').toLowerCase()}storage`,
            containerName: container,
            endpoint: 'core.windows.net',
            protocol: 'https',
            credentials: { credentialsType: 'None' },
          },
        });
        return;
      }
      const dm = /^\/onlineEndpoints\/([^/]+)\/deployments$/i.exec(rest);
      if (dm) {
        json(res, 200, {
          value: ws.deployments
            .filter((d) => d.endpoint === dm[1])
            .map((d) => armDeployment(ws, d.endpoint, d.deployment)),
        });
        return;
      }
    }
    armError(res, 404, 'NotFound', `No route for ${path}`);
  };

  const server: Server = createServer({ cert, key }, handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  url = `https://127.0.0.1:${port}`;
  return {
    url,
    host: `127.0.0.1:${port}`,
    caCert: cert,
    token,
    requests,
    setWorkspaces(next) {
      workspaces = next;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Reads one `azureml/<k>/` directory of a scenario: `<workspace>/services/<name>.json` (v1 records) and
 * `<workspace>/onlineEndpoints/<endpoint>/deployments/<name>.json` (v2 deployments with `operation`).
 */
export async function readAzureMlScenarioDir(
  dir: string,
  base: (workspace: string) => Omit<StandInWorkspace, 'services' | 'deployments' | 'name'>,
): Promise<StandInWorkspace[]> {
  const out: StandInWorkspace[] = [];
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names.sort()) {
    const ws: StandInWorkspace = { name, ...base(name), services: [], deployments: [] };
    const servicesDir = join(dir, name, 'services');
    for (const f of (await readdir(servicesDir).catch(() => [] as string[]))
      .filter((x) => x.endsWith('.json'))
      .sort()) {
      ws.services.push(JSON.parse(await readFile(join(servicesDir, f), 'utf8')) as Record<string, unknown>);
    }
    const epDir = join(dir, name, 'onlineEndpoints');
    for (const ep of (await readdir(epDir).catch(() => [] as string[])).sort()) {
      const dDir = join(epDir, ep, 'deployments');
      for (const f of (await readdir(dDir).catch(() => [] as string[]))
        .filter((x) => x.endsWith('.json'))
        .sort()) {
        ws.deployments.push({
          endpoint: ep,
          deployment: JSON.parse(await readFile(join(dDir, f), 'utf8')) as Record<string, unknown>,
        });
      }
    }
    out.push(ws);
  }
  return out;
}
