/**
 * An AKS cluster with Microsoft Entra ID: the endpoint and CA come from ARM (`listClusterUserCredentials` on the
 * cluster's resource id), the bearer token from `@azure/identity` for the AKS server application. The token is
 * injected by a client-node authenticator on a user that has no `exec` entry, so `kubelogin` is never spawned.
 */
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { ContainerServiceClient } from '@azure/arm-containerservice';
import { KubeConfig, type Cluster, type User } from '@kubernetes/client-node';
import type { ClusterTarget } from '../types.js';
import { KubeconfigError } from './kubeconfig.js';
import { TokenCache } from './tokenCache.js';

/** The AKS AAD server application, the same for every cluster (kubelogin's `--server-id`). */
export const AKS_SCOPE = '6dae42f8-4368-4678-94ff-3960e28e3630/.default';
const USER_NAME = 'amlmon-entra-id';

/** Returns the kubeconfig YAML of the cluster's user credentials (its user entry is ignored). */
export type ClusterCredentialsFetcher = (resourceId: string, credential: TokenCredential) => Promise<string>;

export interface AksTargetOptions {
  /** `/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ContainerService/managedClusters/<name>` */
  resourceId: string;
  /** Default: `DefaultAzureCredential` (managed identity in the Function app). */
  credential?: TokenCredential;
  /** Default: ARM `listClusterUserCredentials`. Tests inject one that points at the scenario cluster. */
  fetchCredentials?: ClusterCredentialsFetcher;
  /** Refresh the token this long before it expires. Default 5 minutes. */
  refreshMarginMs?: number;
  now?: () => number;
}

export interface AksResourceId {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

const RESOURCE_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ContainerService\/managedClusters\/([^/]+)$/i;

export function parseAksResourceId(resourceId: string): AksResourceId {
  const m = RESOURCE_ID.exec(resourceId.trim());
  if (!m) {
    throw new KubeconfigError(
      `not an AKS resource id: ${JSON.stringify(resourceId)} (expected /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.ContainerService/managedClusters/<name>)`,
    );
  }
  return { subscriptionId: m[1] ?? '', resourceGroup: m[2] ?? '', name: m[3] ?? '' };
}

export const fetchClusterUserCredentials: ClusterCredentialsFetcher = async (resourceId, credential) => {
  const id = parseAksResourceId(resourceId);
  const client = new ContainerServiceClient(credential, id.subscriptionId);
  const result = await client.managedClusters.listClusterUserCredentials(id.resourceGroup, id.name);
  const value = result.kubeconfigs?.[0]?.value;
  if (!value) throw new KubeconfigError(`ARM returned no kubeconfig for ${resourceId}`);
  return Buffer.from(value).toString('utf8');
};

/** Only the cluster (server, CA) of the fetched kubeconfig is kept; the user is ours. */
function clusterOf(yaml: string, resourceId: string): Cluster {
  const fetched = new KubeConfig();
  try {
    fetched.loadFromString(yaml);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new KubeconfigError(`the kubeconfig ARM returned for ${resourceId} is invalid: ${reason}`);
  }
  const cluster = fetched.getCurrentCluster() ?? fetched.getClusters()[0];
  if (!cluster) throw new KubeconfigError(`the kubeconfig ARM returned for ${resourceId} has no cluster`);
  return cluster;
}

export function aksTarget(options: AksTargetOptions): ClusterTarget {
  parseAksResourceId(options.resourceId);
  const credential = options.credential ?? new DefaultAzureCredential();
  const fetchCredentials = options.fetchCredentials ?? fetchClusterUserCredentials;
  const tokens = new TokenCache(credential, AKS_SCOPE, options.refreshMarginMs, options.now);
  let config: Promise<KubeConfig> | undefined;

  async function build(): Promise<KubeConfig> {
    const cluster = clusterOf(await fetchCredentials(options.resourceId, credential), options.resourceId);
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [cluster],
      users: [{ name: USER_NAME }],
      contexts: [{ name: cluster.name, cluster: cluster.name, user: USER_NAME }],
      currentContext: cluster.name,
    });
    kc.addAuthenticator({
      isAuthProvider: (user: User) => user.name === USER_NAME,
      applyAuthentication: async (_user, requestOptions) => {
        const token = await tokens.token();
        requestOptions.headers = { ...requestOptions.headers, Authorization: `Bearer ${token}` };
      },
    });
    // Fail early (sign-in problems become one clear ClusterUnreachable/Unauthorized instead of a gap per request).
    await tokens.token();
    return kc;
  }

  return {
    name: options.resourceId,
    kubeConfig() {
      // The endpoint and CA do not change; fetch them once. A failure is not cached, so the next sweep retries.
      config ??= build().catch((error: unknown) => {
        config = undefined;
        throw error;
      });
      return config;
    },
  };
}
