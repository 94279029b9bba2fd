/**
 * Live evidence from a cluster: targets (kubeconfig, AKS with Entra ID), `collectSnapshot` for one service and
 * `discover` for the sweep. Failures are data (gaps, `meta.clusterError`), never exceptions, except a discovery
 * that could not list everything (`DiscoveryError`) and a kubeconfig that cannot be read (`KubeconfigError`).
 */
export type {
  ClusterTarget,
  CollectOptions,
  DiscoverOptions,
  DiscoveredDeployment,
  DeploymentFlavor,
  RequestTrace,
} from './types.js';
export { loadKubeconfigTarget, KubeconfigError, type KubeconfigTargetOptions } from './auth/kubeconfig.js';
export { aksTarget, AKS_SCOPE, type AksTargetOptions, type ClusterCredentialsFetcher } from './auth/aks.js';
export { collectSnapshot } from './collect.js';
export { discover, DiscoveryError } from './discover.js';
