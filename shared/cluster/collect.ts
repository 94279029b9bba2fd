/**
 * `collectSnapshot`: the evidence for one service in at most three waves of concurrent requests.
 *
 *  wave 1  the Deployment (by name, or by `ml.azure.com/*` labels for `<endpoint>/<deployment>`) and the namespace's
 *          events (narrowed to the service's objects);
 *  wave 2  its pods (the Deployment's selector) and the front end's Deployment (`azureml-fe` / `azureml-fe-v2`:
 *          one cheap GET that FrontendUnhealthy and DeploymentHung both read), plus what wave 1 points at:
 *          ReplicaSets and ResourceQuotas on `ReplicaFailure`/`FailedCreate`, Nodes on `FailedScheduling`, the PVC
 *          on a volume failure;
 *  wave 3  what the pods point at: logs of failing or unready containers (the previous instance after a restart;
 *          only that one while the container waits to restart) or, when nothing fails, the scoring log of up to two
 *          ready pods (a ready service can still be Degraded); the init ConfigMap when the code or the model download
 *          failed by itself, and any ConfigMap a container waits for; the PersistentVolumes behind a claim read in
 *          wave 2; Nodes or the PVC when only the pods revealed a scheduling or volume problem; the nodes of pods
 *          lost with their node or running unready without a crash; the router's pods and events when the router is unavailable.
 *  wave 4  router only: when it is unavailable, the logs of its failing containers (with its pods, events and the
 *          nodes read in wave 3); when the service itself serves fine, one router log, which names services it turns
 *          away as overloaded (Degraded). Neither is a failure of the service's own start-up, and both cost a wave
 *          the common failure cases do not pay.
 *
 * Every failure becomes a gap (`events: 403 Forbidden (…)`); when the cluster as a whole is unreachable or refuses us,
 * `meta.clusterError` says so and the snapshot is otherwise empty.
 */
import type { CoreV1Event, V1Deployment, V1Pod } from '@kubernetes/client-node';
import { emptySnapshot, type Snapshot } from '../snapshot/types.js';
import { FRONTENDS, flavorOf, labelSelectorQuery, podSelectorOf } from './aml.js';
import { signInFailure } from './auth/errors.js';
import { clusterErrorFrom } from './errors.js';
import {
  eventsAbout,
  listEvents,
  listNamespaces,
  listNodes,
  listPods,
  listQuotas,
  listReplicaSets,
  listVolumes,
  parseService,
  readClaim,
  readConfigMap,
  readLogs,
  readNode,
  readRouter,
  readServiceDeployment,
  type LogLimits,
} from './reads.js';
import { ApiSession } from './session.js';
import {
  claimNamesOf,
  deploymentUnavailable,
  initConfigMapNames,
  logRequestsFor,
  mergeSignals,
  missingConfigMapNames,
  modelOrCodeSuspected,
  servingLogRequestsFor,
  signalsFromDeployment,
  signalsFromEvents,
  signalsFromPods,
  suspectNodes,
} from './signals.js';
import type { ClusterTarget, CollectOptions } from './types.js';

const DEFAULT_TAIL_LINES = 500;
const DEFAULT_LIMIT_BYTES = 256 * 1024;
/** Log reads allowed per collection: e.g. three replicas' crashed instances and one more container's pair. */
const MAX_LOG_REQUESTS = 6;

type Task = () => Promise<void>;

/** Runs one wave: every task concurrently. Tasks never throw (requests are wrapped), so nothing is lost. */
async function wave(tasks: Task[]): Promise<void> {
  await Promise.all(tasks.map((t) => t()));
}

async function openSession(target: ClusterTarget, options: CollectOptions, snapshot: Snapshot) {
  try {
    return new ApiSession(await target.kubeConfig(), {
      requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
      timeBudgetMs: options.timeBudgetMs ?? 30_000,
      onRequest: options.onRequest,
    });
  } catch (error) {
    const failure = signInFailure(error);
    snapshot.meta.clusterError = clusterErrorFrom([failure]) ?? {
      kind: 'Unauthorized',
      message: failure.message,
    };
    snapshot.meta.gaps = [`sign-in: ${failure.summary}`];
    snapshot.meta.capturedAt = new Date().toISOString();
    return undefined;
  }
}

export async function collectSnapshot(target: ClusterTarget, options: CollectOptions): Promise<Snapshot> {
  const { namespace } = options;
  const ref = parseService(namespace, options.service);
  const snapshot = emptySnapshot({ service: ref.name ?? options.service, namespace });
  const limits: LogLimits = {
    tailLines: Math.min(options.tailLines ?? DEFAULT_TAIL_LINES, DEFAULT_TAIL_LINES),
    limitBytes: options.limitBytes ?? DEFAULT_LIMIT_BYTES,
  };
  const session = await openSession(target, options, snapshot);
  if (!session) return snapshot;

  // Wave 1: the Deployment and the namespace's events.
  const [deploymentRead, eventsRead] = await Promise.all([
    readServiceDeployment(session, ref),
    listEvents(session, namespace, 1),
  ]);
  const clusterError = clusterErrorFrom([
    deploymentRead.ok ? undefined : deploymentRead.failure,
    eventsRead.ok ? undefined : eventsRead.failure,
  ]);
  if (clusterError) {
    snapshot.meta.clusterError = clusterError;
    return finish(snapshot, session);
  }
  const allEvents: CoreV1Event[] = eventsRead.ok ? eventsRead.value : [];
  const deployment: V1Deployment | undefined = deploymentRead.ok ? deploymentRead.value : undefined;
  if (deployment) snapshot.deployments.push(deployment);
  const name = deployment?.metadata?.name ?? ref.name ?? options.service;
  snapshot.meta.service = name;
  const flavor = deployment ? flavorOf(deployment) : undefined;
  const fe = flavor ? FRONTENDS[flavor] : undefined;
  const deploymentClaims = new Set(claimNamesOf(deployment, []));
  const serviceEvents = eventsAbout(allEvents, name, new Set(), deploymentClaims);
  const early = mergeSignals(signalsFromEvents(serviceEvents), signalsFromDeployment(deployment));

  // Wave 2: pods and the router, and whatever wave 1 already points at.
  const fetched = { nodes: false, claims: false, replicaSets: false };
  const boundVolumes: string[] = [];
  let router: V1Deployment | undefined;
  const readNodes =
    (w: number): Task =>
    async () => {
      fetched.nodes = true;
      const nodes = await listNodes(session, w);
      if (nodes.ok) snapshot.nodes.push(...nodes.value);
    };
  const readClaims =
    (w: number, names: readonly string[]): Task =>
    async () => {
      fetched.claims = true;
      await Promise.all(
        names.map(async (claim) => {
          const pvc = await readClaim(session, namespace, claim, w);
          if (!pvc.ok) return;
          snapshot.persistentVolumeClaims.push(pvc.value);
          if (pvc.value.spec?.volumeName) boundVolumes.push(pvc.value.spec.volumeName);
        }),
      );
    };
  const wave2: Task[] = [];
  const podSelector = deployment ? podSelectorOf(deployment) : undefined;
  if (podSelector) {
    wave2.push(async () => {
      const pods = await listPods(session, namespace, podSelector, 2);
      if (pods.ok) snapshot.pods.push(...pods.value);
    });
  }
  if (deployment && fe) {
    wave2.push(async () => {
      const read = await readRouter(session, fe.namespace, fe.name, 2);
      if (!read.ok) return;
      router = read.value;
      snapshot.deployments.push(read.value);
    });
  }
  const readReplicaSets =
    (w: number, owner: V1Deployment): Task =>
    async () => {
      fetched.replicaSets = true;
      const rs = await listReplicaSets(session, namespace, labelSelectorQuery(owner.spec?.selector), w);
      if (rs.ok) snapshot.replicaSets.push(...rs.value);
    };
  // The ReplicaSet history is what `changes` compares (the failing revision against the last ready one), besides
  // ReplicaFailure and eviction evidence: one list call, only when the Deployment was ever updated (generation > 1),
  // since a first rollout has no earlier revision to compare with.
  const updated = (deployment?.metadata?.generation ?? 0) > 1;
  if ((early.replicaFailure || early.evicted || updated) && deployment)
    wave2.push(readReplicaSets(2, deployment));
  if (early.quota) {
    wave2.push(async () => {
      const quotas = await listQuotas(session, namespace, 2);
      if (quotas.ok) snapshot.resourceQuotas.push(...quotas.value);
    });
  }
  if (early.scheduling) wave2.push(readNodes(2));
  // No Deployment and not a single event: the namespace itself may be gone (the compute's namespace was deleted).
  if (!deployment && serviceEvents.length === 0) {
    wave2.push(async () => {
      const all = await listNamespaces(session, 2);
      if (all.ok) snapshot.namespaces.push(...all.value);
    });
  }
  if (early.volume && deploymentClaims.size > 0) wave2.push(readClaims(2, [...deploymentClaims]));
  await wave(wave2);

  // Wave 3: what the pods point at.
  const servicePods = [...snapshot.pods];
  const late = signalsFromPods(servicePods);
  const routerDown = router !== undefined && deploymentUnavailable(router);
  const lostWithNode = suspectNodes(servicePods, serviceEvents);
  // A pod whose node is down has nothing to say in its log; the node does.
  const podsToRead = servicePods.filter((p) => !lostWithNode.pods.has(p.metadata?.name ?? ''));
  const failingLogs = logRequestsFor(podsToRead, MAX_LOG_REQUESTS);
  // Nothing failing: a ready service can still be Degraded, unless the router being down already explains it.
  const logs =
    failingLogs.length > 0 || routerDown ? failingLogs : servingLogRequestsFor(podsToRead, name, 2);
  const wave3: Task[] = [() => readLogs(session, namespace, logs, limits, 3, snapshot.logs)];
  const configMaps = new Set(missingConfigMapNames(servicePods, serviceEvents));
  if (deployment && flavor && modelOrCodeSuspected(servicePods)) {
    for (const cm of initConfigMapNames(deployment, flavor)) configMaps.add(cm);
  }
  for (const cm of configMaps) {
    wave3.push(async () => {
      const read = await readConfigMap(session, namespace, cm, 3);
      if (read.ok) snapshot.configMaps.push(read.value);
    });
  }
  if (boundVolumes.length > 0) {
    wave3.push(async () => {
      const pvs = await listVolumes(session, 3);
      if (pvs.ok) snapshot.persistentVolumes.push(...pvs.value);
    });
  }
  if (late.scheduling && !fetched.nodes) wave3.push(readNodes(3));
  if (late.evicted && !fetched.replicaSets && deployment) wave3.push(readReplicaSets(3, deployment));
  if (!late.scheduling && !fetched.nodes) {
    // Also the nodes under running pods that are not Ready without a crash: a node condition (PIDPressure,
    // NetworkUnavailable) is then the likeliest reason, and only the node says so.
    const quietNodes = servicePods
      .filter(
        (p) =>
          p.status?.phase === 'Running' &&
          p.spec?.nodeName &&
          p.status.conditions?.find((c) => c.type === 'Ready')?.status !== 'True' &&
          (p.status.containerStatuses ?? []).every((c) => (c.restartCount ?? 0) === 0 && !c.state?.waiting),
      )
      .map((p) => p.spec?.nodeName as string);
    for (const node of [...new Set([...lostWithNode.nodes, ...quietNodes])].slice(0, 2)) {
      wave3.push(async () => {
        const read = await readNode(session, node, 3);
        if (read.ok) snapshot.nodes.push(read.value);
      });
    }
  }
  const podClaims = claimNamesOf(deployment, servicePods);
  if (late.volume && !fetched.claims && podClaims.length > 0) wave3.push(readClaims(3, podClaims));
  const routerSelector = router ? labelSelectorQuery(router.spec?.selector) : undefined;
  let routerPods: V1Pod[] = [];
  let routerEvents: CoreV1Event[] = [];
  // The router's pods: why it is down, or (the service looking fine) whether it turns requests away as overloaded.
  const serviceServing =
    failingLogs.length === 0 && deployment !== undefined && !deploymentUnavailable(deployment);
  const routerSuspect = routerDown || serviceServing;
  if (fe && routerSelector && routerSuspect) {
    wave3.push(async () => {
      const pods = await listPods(session, fe.namespace, routerSelector, 3, `pods of ${fe.name}`);
      if (pods.ok) routerPods = pods.value;
    });
  }
  if (fe && routerDown) {
    // HA anti-affinity needs as many nodes as replicas; the events say which way the router fails.
    wave3.push(async () => {
      const events = await listEvents(session, fe.namespace, 3, `events of ${fe.name}`);
      if (events.ok) routerEvents = events.value;
    });
    if (!fetched.nodes) wave3.push(readNodes(3));
  }
  await wave(wave3);

  // Wave 4, router only: the logs of its failing containers, or of a serving one (`Too many requests … overloaded`).
  if (fe && routerPods.length > 0) {
    snapshot.pods.push(...routerPods);
    const routerLogs = routerDown
      ? logRequestsFor(routerPods, 2, 1)
      : servingLogRequestsFor(routerPods, fe.name, 1);
    await readLogs(session, fe.namespace, routerLogs, limits, 4, snapshot.logs);
  }

  const podNames = new Set(snapshot.pods.map((p) => p.metadata?.name ?? ''));
  snapshot.events.push(...eventsAbout(allEvents, name, podNames, new Set(podClaims)));
  if (fe) snapshot.events.push(...eventsAbout(routerEvents, fe.name, podNames, new Set()));
  return finish(snapshot, session);
}

function finish(snapshot: Snapshot, session: ApiSession): Snapshot {
  snapshot.meta.capturedAt = session.serverDate ?? new Date().toISOString();
  if (session.gaps.length > 0) snapshot.meta.gaps = [...session.gaps];
  return snapshot;
}
