/** The collector's public shapes: where a cluster is, what discovery returns, and how a collection is tuned. */
import type { KubeConfig } from '@kubernetes/client-node';

/**
 * A cluster the monitor can read. `kubeConfig()` may sign in first (AKS: ARM call for endpoint and CA, Entra ID token),
 * so it is asynchronous; a failure there is reported like any other cluster-level failure.
 */
export interface ClusterTarget {
  /** For logs and state keys: the kubeconfig context or the AKS resource id. Never a secret. */
  readonly name: string;
  kubeConfig(): Promise<KubeConfig>;
}

export type DeploymentFlavor = 'v1' | 'v2';

export interface DeploymentConditionSummary {
  status: string;
  reason?: string;
  /** RFC 3339 */
  lastUpdateTime?: string;
}

/** One Azure ML deployment as the sweep sees it: enough to tell healthy from not, nothing more. */
export interface DiscoveredDeployment {
  namespace: string;
  /** The Kubernetes Deployment's name (the `service` everywhere else). */
  name: string;
  flavor: DeploymentFlavor;
  /** v2: `ml.azure.com/endpoint-name` */
  endpoint?: string;
  /** v2: `ml.azure.com/deployment-name` */
  deploymentName?: string;
  generation: number;
  observedGeneration: number;
  replicas: number;
  readyReplicas: number;
  updatedReplicas: number;
  availableReplicas: number;
  conditions: { Progressing?: DeploymentConditionSummary; Available?: DeploymentConditionSummary };
  healthy: boolean;
}

/** One HTTP request the collector made, for budgets (bench, tests) and for progress output. */
export interface RequestTrace {
  /** Which sequential wave of the plan (1-based); discovery uses wave 1 for every page. */
  wave: number;
  /** What was asked, e.g. `events`, `log my-svc-abc/main`. */
  label: string;
  /** Page of a paginated list (1-based); pages follow each other, so they add sequential rounds within a wave. */
  page?: number;
  /** `ok`, or the gap text when it failed for good. */
  outcome: string;
  /** Attempts including retries. */
  attempts: number;
  durationMs: number;
}

export interface CollectOptions {
  namespace: string;
  /** The Kubernetes Deployment's name, or `<endpoint>/<deployment>` for a v2 online deployment. */
  service: string;
  /** Lines of each container log (≤ 500). Default 500. */
  tailLines?: number;
  /** Bytes of each container log. Default 256 KiB. */
  limitBytes?: number;
  /** Time one request may take before it counts as a timeout. Default 10 s. */
  requestTimeoutMs?: number;
  /** Time the whole collection may take, retries included. Default 30 s. */
  timeBudgetMs?: number;
  /** Called after every request (for progress on a TTY, and for the request budget in bench). */
  onRequest?: (trace: RequestTrace) => void;
}

export interface DiscoverOptions {
  /** Page size of the cluster-wide lists. Default 500. */
  pageSize?: number;
  requestTimeoutMs?: number;
  timeBudgetMs?: number;
  onRequest?: (trace: RequestTrace) => void;
}
