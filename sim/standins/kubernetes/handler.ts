/**
 * Answers one Kubernetes API request from a `ClusterStore`: discovery, get, list (selectors, `limit`/`continue`)
 * and `pods/{name}/log`. Errors are Kubernetes `Status` objects with the reason the real API server gives.
 */
import {
  discoveryDocument,
  findResource,
  groupVersion,
  resourceKey,
  type ResourceKind,
} from './resources.js';
import { SelectorError } from './selectors.js';
import { ClusterStore, type KubeObject } from './store.js';

export interface ApiResponse {
  status: number;
  contentType: 'application/json' | 'text/plain';
  body: string;
}

const REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  410: 'Expired',
  429: 'TooManyRequests',
  500: 'InternalError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

export function statusResponse(code: number, message: string, details?: object): ApiResponse {
  const status = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: REASONS[code] ?? 'Unknown',
    ...(details ? { details } : {}),
    code,
  };
  return { status: code, contentType: 'application/json', body: JSON.stringify(status) };
}

function json(body: object): ApiResponse {
  return { status: 200, contentType: 'application/json', body: JSON.stringify(body) };
}

interface ResourcePath {
  resource: ResourceKind;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** `/api/v1/namespaces/ns/pods/p/log` → pods in ns, name p, subresource log; `undefined` when not a resource path. */
function parseResourcePath(pathname: string): ResourcePath | undefined {
  const parts = pathname
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    version = parts[1] ?? '';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1] ?? '';
    version = parts[2] ?? '';
    rest = parts.slice(3);
  } else {
    return undefined;
  }
  let namespace: string | undefined;
  // `namespaces/<ns>/<plural>…` is a namespaced path; `namespaces` or `namespaces/<name>` is the Namespace resource.
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const resource = findResource(group, version, rest[0] ?? '');
  if (!resource || rest.length > 3) return undefined;
  if (namespace !== undefined && !resource.namespaced) return undefined;
  return { resource, namespace, name: rest[1], subresource: rest[2] };
}

interface ContinueToken {
  offset: number;
  query: string;
}

function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeContinue(raw: string, query: string): number | undefined {
  try {
    const token = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<ContinueToken>;
    if (typeof token.offset !== 'number' || token.query !== query) return undefined;
    return token.offset;
  } catch {
    return undefined;
  }
}

function listResponse(
  resource: ResourceKind,
  path: ResourcePath,
  params: URLSearchParams,
  store: ClusterStore,
) {
  const labelSelector = params.get('labelSelector');
  const fieldSelector = params.get('fieldSelector');
  let items: KubeObject[];
  try {
    items = store.list(
      resource,
      { namespace: path.namespace, labelSelector, fieldSelector },
      resourceKey(resource),
    );
  } catch (error) {
    if (error instanceof SelectorError) return statusResponse(400, error.message);
    throw error;
  }
  // A continue token is only valid for the same list (same path and selectors), as on a real server.
  const identity = `${resource.plural}|${path.namespace ?? ''}|${labelSelector ?? ''}|${fieldSelector ?? ''}`;
  let offset = 0;
  const continueParam = params.get('continue');
  if (continueParam) {
    const decoded = decodeContinue(continueParam, identity);
    if (decoded === undefined)
      return statusResponse(410, 'The provided continue parameter is too old or invalid');
    offset = decoded;
  }
  const limit = Number(params.get('limit') ?? '0');
  const end = limit > 0 ? Math.min(items.length, offset + limit) : items.length;
  const metadata: Record<string, unknown> = { resourceVersion: '1' };
  if (end < items.length) {
    metadata.continue = encodeContinue({ offset: end, query: identity });
    metadata.remainingItemCount = items.length - end;
  }
  return json({
    kind: `${resource.kind}List`,
    apiVersion: groupVersion(resource),
    metadata,
    items: items.slice(offset, end),
  });
}

function tail(text: string, lines: number): string {
  if (lines <= 0) return '';
  const trailingNewline = text.endsWith('\n');
  const all = (trailingNewline ? text.slice(0, -1) : text).split('\n');
  const kept = all.slice(Math.max(0, all.length - lines)).join('\n');
  return trailingNewline ? `${kept}\n` : kept;
}

/** The kubelet's rules for which instance's log a request returns (see kubelet `validateContainerLogStatus`). */
function logResponse(namespace: string, podName: string, params: URLSearchParams, store: ClusterStore) {
  const pods = findResource('', 'v1', 'pods');
  const pod = pods ? store.get(pods, namespace, podName) : undefined;
  if (!pod) return statusResponse(404, `pods "${podName}" not found`, { name: podName, kind: 'pods' });
  const names = ClusterStore.containerNames(pod);
  let container = params.get('container');
  if (!container) {
    if (names.main.length !== 1) {
      return statusResponse(
        400,
        `a container name must be specified for pod ${podName}, choose one of: [${names.main.join(' ')}]`,
      );
    }
    container = names.main[0] ?? '';
  }
  if (![...names.init, ...names.main].includes(container)) {
    return statusResponse(400, `container ${container} is not valid for pod ${podName}`);
  }
  const entry = store.logOf(namespace, podName, container);
  const status = ClusterStore.containerStatus(pod, container) ?? {};
  const state = (status.state ?? {}) as { waiting?: { reason?: string } };
  const lastState = (status.lastState ?? {}) as { terminated?: unknown };
  let text: string | undefined;
  if (params.get('previous') === 'true') {
    text = entry?.previous;
    if (text === undefined) {
      return statusResponse(
        400,
        `previous terminated container "${container}" in pod "${podName}" not found`,
      );
    }
  } else {
    text = entry?.current;
    // A container waiting to restart shows its last terminated instance, as the kubelet does.
    if (text === undefined && state.waiting && lastState.terminated) text = entry?.previous;
    if (text === undefined && state.waiting) {
      const reason = state.waiting.reason ?? 'ContainerCreating';
      return statusResponse(
        400,
        `container "${container}" in pod "${podName}" is waiting to start: ${reason}`,
      );
    }
    text ??= '';
  }
  const tailLines = params.get('tailLines');
  if (tailLines !== null) text = tail(text, Number(tailLines));
  const limitBytes = params.get('limitBytes');
  if (limitBytes !== null) text = Buffer.from(text).subarray(0, Number(limitBytes)).toString('utf8');
  return { status: 200, contentType: 'text/plain', body: text } satisfies ApiResponse;
}

export function handleApiRequest(url: URL, serverAddress: string, store: ClusterStore): ApiResponse {
  const discovery = discoveryDocument(url.pathname, serverAddress);
  if (discovery) return json(discovery);
  const path = parseResourcePath(url.pathname);
  if (!path) return statusResponse(404, 'the server could not find the requested resource');
  const params = url.searchParams;
  if (params.get('watch') === 'true' || path.subresource === 'watch') {
    return statusResponse(405, 'watch is not supported by the scenario cluster');
  }
  const { resource } = path;
  if (path.subresource !== undefined) {
    if (resource.plural === 'pods' && path.subresource === 'log' && path.namespace && path.name) {
      return logResponse(path.namespace, path.name, params, store);
    }
    return statusResponse(404, 'the server could not find the requested resource');
  }
  if (path.name === undefined) return listResponse(resource, path, params, store);
  const found = store.get(resource, path.namespace, path.name);
  if (!found) {
    return statusResponse(
      404,
      `${resource.plural}${resource.group ? `.${resource.group}` : ''} "${path.name}" not found`,
      {
        name: path.name,
        ...(resource.group ? { group: resource.group } : {}),
        kind: resource.plural,
      },
    );
  }
  return json(found);
}
