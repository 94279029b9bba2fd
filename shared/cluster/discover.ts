/**
 * `discover`: every Azure ML deployment on the cluster in two cluster-wide list calls (v1 by `isazuremlapp=true`,
 * v2 by the `ml.azure.com/deployment-name` label), paginated, whatever the number of services. It returns only what
 * tells healthy from not; the sweep then collects a full snapshot for the unhealthy ones.
 */
import type { V1Deployment, V1DeploymentCondition } from '@kubernetes/client-node';
import type { ClusterError } from '../snapshot/types.js';
import { V1_SELECTOR, V2_SELECTOR, flavorOf, v2Names } from './aml.js';
import { signInFailure } from './auth/errors.js';
import { clusterErrorFrom } from './errors.js';
import { ApiSession } from './session.js';
import type {
  ClusterTarget,
  DeploymentConditionSummary,
  DiscoverOptions,
  DiscoveredDeployment,
} from './types.js';

/** Discovery could not list everything; `found` holds what it could, `clusterError` is set when nothing was reachable. */
export class DiscoveryError extends Error {
  override readonly name = 'DiscoveryError';

  constructor(
    message: string,
    readonly gaps: string[],
    readonly found: DiscoveredDeployment[],
    readonly clusterError?: ClusterError,
  ) {
    super(message);
  }
}

function summary(c: V1DeploymentCondition | undefined): DeploymentConditionSummary | undefined {
  if (!c) return undefined;
  return {
    status: c.status,
    ...(c.reason ? { reason: c.reason } : {}),
    ...(c.lastUpdateTime
      ? { lastUpdateTime: new Date(c.lastUpdateTime).toISOString().replace('.000Z', 'Z') }
      : {}),
  };
}

export function summarizeDeployment(d: V1Deployment): DiscoveredDeployment | undefined {
  const flavor = flavorOf(d);
  if (!flavor) return undefined;
  const s = d.status ?? {};
  const replicas = d.spec?.replicas ?? 1;
  const conditions = s.conditions ?? [];
  const progressing = conditions.find((c) => c.type === 'Progressing');
  const available = conditions.find((c) => c.type === 'Available');
  const generation = d.metadata?.generation ?? 0;
  const observedGeneration = s.observedGeneration ?? 0;
  const ready = s.readyReplicas ?? 0;
  const updated = s.updatedReplicas ?? 0;
  const availableReplicas = s.availableReplicas ?? 0;
  const healthy =
    observedGeneration >= generation &&
    ready >= replicas &&
    updated >= replicas &&
    availableReplicas >= replicas &&
    (replicas === 0 || available?.status === 'True') &&
    progressing?.status !== 'False';
  const names = flavor === 'v2' ? v2Names(d) : {};
  const progressingSummary = summary(progressing);
  const availableSummary = summary(available);
  return {
    namespace: d.metadata?.namespace ?? '',
    name: d.metadata?.name ?? '',
    flavor,
    ...(names.endpoint ? { endpoint: names.endpoint } : {}),
    ...(names.deploymentName ? { deploymentName: names.deploymentName } : {}),
    generation,
    observedGeneration,
    replicas,
    readyReplicas: ready,
    updatedReplicas: updated,
    availableReplicas,
    conditions: {
      ...(progressingSummary ? { Progressing: progressingSummary } : {}),
      ...(availableSummary ? { Available: availableSummary } : {}),
    },
    healthy,
  };
}

export async function discover(
  target: ClusterTarget,
  options: DiscoverOptions = {},
): Promise<DiscoveredDeployment[]> {
  let session: ApiSession;
  try {
    session = new ApiSession(await target.kubeConfig(), {
      requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
      timeBudgetMs: options.timeBudgetMs ?? 60_000,
      onRequest: options.onRequest,
    });
  } catch (error) {
    const failure = signInFailure(error);
    const clusterError = clusterErrorFrom([failure]) ?? { kind: 'Unauthorized', message: failure.message };
    throw new DiscoveryError(
      `cannot sign in to ${target.name}: ${failure.message}`,
      [`sign-in: ${failure.summary}`],
      [],
      clusterError,
    );
  }
  const limit = options.pageSize ?? 500;
  const lists = await Promise.all(
    [
      { label: 'deployments (v1, all namespaces)', selector: V1_SELECTOR },
      { label: 'deployments (v2, all namespaces)', selector: V2_SELECTOR },
    ].map(({ label, selector }) =>
      session.listAll<V1Deployment>({ label, wave: 1, verb: 'list' }, (cont) =>
        session.apps.listDeploymentForAllNamespaces({ labelSelector: selector, limit, _continue: cont }),
      ),
    ),
  );
  const byKey = new Map<string, DiscoveredDeployment>();
  for (const list of lists) {
    if (!list.ok) continue;
    for (const d of list.value) {
      const found = summarizeDeployment(d);
      // A deployment carrying both kinds of labels appears in both lists; v2 labels win (flavorOf).
      if (found) byKey.set(`${found.namespace}/${found.name}`, found);
    }
  }
  const found = [...byKey.values()].sort((a, b) =>
    `${a.namespace}/${a.name}` < `${b.namespace}/${b.name}` ? -1 : 1,
  );
  const failures = lists.map((l) => (l.ok ? undefined : l.failure));
  if (failures.some((f) => f !== undefined)) {
    const clusterError = clusterErrorFrom(failures);
    throw new DiscoveryError(
      `discovery on ${target.name} is incomplete: ${session.gaps.join('; ')}`,
      [...session.gaps],
      found,
      clusterError,
    );
  }
  return found;
}
