/**
 * The individual reads the collector plans with: each one request (or one paginated list) through the session, so
 * it is retried, timed, traced and turned into a gap on failure. They return what they read, or nothing.
 */
import type {
  CoreV1Event,
  V1ConfigMap,
  V1Deployment,
  V1Namespace,
  V1Node,
  V1PersistentVolume,
  V1PersistentVolumeClaim,
  V1Pod,
  V1ReplicaSet,
  V1ResourceQuota,
} from '@kubernetes/client-node';
import { logKey, type ContainerLogKey, type ContainerLogs } from '../snapshot/types.js';
import { V2_DEPLOYMENT_LABEL, V2_ENDPOINT_LABEL, ownedNamePatterns } from './aml.js';
import { RequestFailure } from './errors.js';
import type { ApiSession, Outcome } from './session.js';
import type { LogRequest } from './signals.js';

export const PAGE_SIZE = 500;
const NOT_FOUND = [404];
/** The kubelet answers 400 for a log the container does not have (no previous instance, not started). */
const NO_SUCH_LOG = [400];

export interface ServiceRef {
  namespace: string;
  /** Kubernetes Deployment name, or undefined when addressed as `<endpoint>/<deployment>`. */
  name?: string;
  endpoint?: string;
  deploymentName?: string;
}

export function parseService(namespace: string, service: string): ServiceRef {
  const slash = service.indexOf('/');
  if (slash < 0) return { namespace, name: service };
  return { namespace, endpoint: service.slice(0, slash), deploymentName: service.slice(slash + 1) };
}

/** The service's Deployment, by name or (v2 `<endpoint>/<deployment>`) by its `ml.azure.com/*` labels. */
export async function readServiceDeployment(
  session: ApiSession,
  ref: ServiceRef,
): Promise<Outcome<V1Deployment>> {
  if (ref.name !== undefined) {
    const name = ref.name;
    return session.call({ label: `deployment ${name}`, wave: 1, verb: 'get' }, () =>
      session.apps.readNamespacedDeployment({ name, namespace: ref.namespace }),
    );
  }
  const selector = `${V2_ENDPOINT_LABEL}=${ref.endpoint ?? ''},${V2_DEPLOYMENT_LABEL}=${ref.deploymentName ?? ''}`;
  const label = `deployment ${ref.endpoint ?? ''}/${ref.deploymentName ?? ''}`;
  const listed = await session.call({ label, wave: 1, verb: 'list' }, () =>
    session.apps.listNamespacedDeployment({ namespace: ref.namespace, labelSelector: selector }),
  );
  if (!listed.ok) return listed;
  const found = listed.value.items[0];
  if (found) return { ok: true, value: found };
  const failure = new RequestFailure('NotFound', '404 NotFound', `no deployment labelled ${selector}`, 404);
  const gap = `${label}: 404 NotFound`;
  session.gaps.push(gap);
  return { ok: false, failure, gap };
}

export function listEvents(
  session: ApiSession,
  namespace: string,
  wave: number,
  label = 'events',
): Promise<Outcome<CoreV1Event[]>> {
  return session.listAll<CoreV1Event>({ label, wave, verb: 'list' }, (cont) =>
    session.core.listNamespacedEvent({ namespace, limit: PAGE_SIZE, _continue: cont }),
  );
}

export function listPods(
  session: ApiSession,
  namespace: string,
  labelSelector: string,
  wave: number,
  label = 'pods',
): Promise<Outcome<V1Pod[]>> {
  return session.listAll<V1Pod>({ label, wave, verb: 'list' }, (cont) =>
    session.core.listNamespacedPod({ namespace, labelSelector, limit: PAGE_SIZE, _continue: cont }),
  );
}

export function listReplicaSets(
  session: ApiSession,
  namespace: string,
  labelSelector: string | undefined,
  wave: number,
): Promise<Outcome<V1ReplicaSet[]>> {
  return session.listAll<V1ReplicaSet>({ label: 'replicasets', wave, verb: 'list' }, (cont) =>
    session.apps.listNamespacedReplicaSet({ namespace, labelSelector, limit: PAGE_SIZE, _continue: cont }),
  );
}

export function listQuotas(
  session: ApiSession,
  namespace: string,
  wave: number,
): Promise<Outcome<V1ResourceQuota[]>> {
  return session.listAll<V1ResourceQuota>({ label: 'resourcequotas', wave, verb: 'list' }, (cont) =>
    session.core.listNamespacedResourceQuota({ namespace, limit: PAGE_SIZE, _continue: cont }),
  );
}

export function listNodes(session: ApiSession, wave: number): Promise<Outcome<V1Node[]>> {
  return session.listAll<V1Node>({ label: 'nodes', wave, verb: 'list' }, (cont) =>
    session.core.listNode({ limit: PAGE_SIZE, _continue: cont }),
  );
}

/**
 * The cluster's namespaces, listed when the service's Deployment is missing: a namespace that no longer exists
 * (ComputeAttachFailure/NamespaceNotFound) is told from one that is merely empty by its absence from the list.
 */
export function listNamespaces(session: ApiSession, wave: number): Promise<Outcome<V1Namespace[]>> {
  return session.listAll<V1Namespace>({ label: 'namespaces', wave, verb: 'list' }, (cont) =>
    session.core.listNamespace({ limit: PAGE_SIZE, _continue: cont }),
  );
}

/** Listed, not read by name: an empty answer to a GET could not tell "deleted" from "not looked at"; a list can. */
export function listVolumes(session: ApiSession, wave: number): Promise<Outcome<V1PersistentVolume[]>> {
  return session.listAll<V1PersistentVolume>({ label: 'persistentvolumes', wave, verb: 'list' }, (cont) =>
    session.core.listPersistentVolume({ limit: PAGE_SIZE, _continue: cont }),
  );
}

export function readNode(session: ApiSession, name: string, wave: number): Promise<Outcome<V1Node>> {
  return session.call<V1Node>({ label: `node ${name}`, wave, verb: 'get', absentOn: NOT_FOUND }, () =>
    session.core.readNode({ name }),
  );
}

export function readClaim(
  session: ApiSession,
  namespace: string,
  name: string,
  wave: number,
): Promise<Outcome<V1PersistentVolumeClaim>> {
  return session.call<V1PersistentVolumeClaim>(
    { label: `persistentvolumeclaim ${name}`, wave, verb: 'get', absentOn: NOT_FOUND },
    () => session.core.readNamespacedPersistentVolumeClaim({ name, namespace }),
  );
}

/** A 404 is an answer (the ConfigMap a container waits for does not exist), not a gap. */
export function readConfigMap(
  session: ApiSession,
  namespace: string,
  name: string,
  wave: number,
): Promise<Outcome<V1ConfigMap>> {
  return session.call<V1ConfigMap>(
    { label: `configmap ${name}`, wave, verb: 'get', absentOn: NOT_FOUND },
    () => session.core.readNamespacedConfigMap({ name, namespace }),
  );
}

/** Quiet: an identity limited to the workspace namespace cannot see the router; that is no gap in the service. */
export function readRouter(
  session: ApiSession,
  namespace: string,
  name: string,
  wave: number,
): Promise<Outcome<V1Deployment>> {
  return session.call<V1Deployment>({ label: `deployment ${name}`, wave, verb: 'get', quiet: true }, () =>
    session.apps.readNamespacedDeployment({ name, namespace }),
  );
}

export interface LogLimits {
  tailLines: number;
  limitBytes: number;
}

/** Reads the requested logs concurrently into `into` (current or previous instance per request). */
export async function readLogs(
  session: ApiSession,
  namespace: string,
  requests: readonly LogRequest[],
  limits: LogLimits,
  wave: number,
  into: Map<ContainerLogKey, ContainerLogs>,
): Promise<void> {
  await Promise.all(
    requests.map(async (req) => {
      const label = `${req.previous ? 'previous log' : 'log'} ${req.pod}/${req.container}`;
      const log = await session.call({ label, wave, verb: 'get', absentOn: NO_SUCH_LOG }, () =>
        session.core.readNamespacedPodLog({
          name: req.pod,
          namespace,
          container: req.container,
          previous: req.previous,
          ...limits,
        }),
      );
      if (!log.ok) return;
      const key = logKey(req.pod, req.container);
      const entry = into.get(key) ?? {};
      if (req.previous) entry.previous = log.value;
      else entry.current = log.value;
      into.set(key, entry);
    }),
  );
}

/** Keeps the events about one Deployment's objects (itself, its ReplicaSets and pods, its claims). */
export function eventsAbout(
  events: readonly CoreV1Event[],
  name: string,
  podNames: ReadonlySet<string>,
  claims: ReadonlySet<string>,
): CoreV1Event[] {
  const owned = ownedNamePatterns(name);
  return events.filter((e) => {
    const o = e.involvedObject;
    const objectName = o?.name ?? '';
    switch (o?.kind) {
      case 'Deployment':
        return objectName === name;
      case 'ReplicaSet':
        return owned.replicaSet.test(objectName);
      case 'Pod':
        return podNames.has(objectName) || owned.pod.test(objectName);
      case 'PersistentVolumeClaim':
        return claims.has(objectName);
      default:
        return false;
    }
  });
}
