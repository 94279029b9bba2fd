/** Documentation links quoted in remedies. One place, so a moved page is fixed once. */
export const DOCS = {
  troubleshootV1: 'https://learn.microsoft.com/azure/machine-learning/v1/how-to-troubleshoot-deployment',
  troubleshootOnline:
    'https://learn.microsoft.com/azure/machine-learning/how-to-troubleshoot-online-endpoints',
  troubleshootKubernetesCompute:
    'https://learn.microsoft.com/azure/machine-learning/how-to-troubleshoot-kubernetes-compute',
  deployAksV1: 'https://learn.microsoft.com/azure/machine-learning/v1/how-to-deploy-azure-kubernetes-service',
  attachAksV1: 'https://learn.microsoft.com/azure/machine-learning/v1/how-to-create-attach-kubernetes',
  kubernetesExtension:
    'https://learn.microsoft.com/azure/machine-learning/how-to-deploy-kubernetes-extension',
  kubernetesOnlineYaml:
    'https://learn.microsoft.com/azure/machine-learning/reference-yaml-deployment-kubernetes-online',
  inferenceServer: 'https://learn.microsoft.com/azure/machine-learning/how-to-inference-server-http',
  environments: 'https://learn.microsoft.com/azure/machine-learning/how-to-use-environments',
  debugImage: 'https://aka.ms/debugimage',
  k8sDeploymentFailed:
    'https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#failed-deployment',
  k8sAssignPods: 'https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/',
  k8sTaints: 'https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/',
  k8sResourceQuotas: 'https://kubernetes.io/docs/concepts/policy/resource-quotas/',
  k8sImagePull: 'https://kubernetes.io/docs/concepts/containers/images/',
  aksAcr: 'https://learn.microsoft.com/azure/aks/cluster-container-registry-integration',
  aksGpu: 'https://learn.microsoft.com/azure/aks/gpu-cluster',
  aksNodePressure:
    'https://learn.microsoft.com/troubleshoot/azure/azure-kubernetes/availability-performance/identify-memory-saturation-aks',
  blobCsi: 'https://learn.microsoft.com/azure/aks/azure-blob-csi',
  aksEntra: 'https://learn.microsoft.com/azure/aks/manage-azure-rbac',
  // platform rules (mount, download, front end, nodes, hangs, cluster access)
  blobMountError: 'https://aka.ms/blobmounterror',
  endpointIdentityAccess:
    'https://learn.microsoft.com/azure/machine-learning/how-to-access-resources-from-endpoints-managed-identities',
  storageNetworkRules: 'https://learn.microsoft.com/azure/storage/common/storage-network-security',
  azuremlFeRouting:
    'https://learn.microsoft.com/azure/machine-learning/how-to-kubernetes-inference-routing-azureml-fe',
  k8sNodePressureEviction: 'https://kubernetes.io/docs/concepts/scheduling-eviction/node-pressure-eviction/',
  aksNodeNotReady:
    'https://learn.microsoft.com/troubleshoot/azure/azure-kubernetes/availability-performance/node-not-ready-basic-troubleshooting',
  aksLocalAccounts: 'https://learn.microsoft.com/azure/aks/manage-local-accounts-managed-azure-ad',
  aksAuthorizedIpRanges: 'https://learn.microsoft.com/azure/aks/api-server-authorized-ip-ranges',
  aksPrivateCluster: 'https://learn.microsoft.com/azure/aks/private-clusters',
  aksStartStop: 'https://learn.microsoft.com/azure/aks/start-stop-cluster',
  k8sRbac: 'https://kubernetes.io/docs/reference/access-authn-authz/rbac/',
  // Image build (ImageBuildFailure)
  imageBuildFailure:
    'https://learn.microsoft.com/azure/machine-learning/how-to-troubleshoot-online-endpoints#error-imagebuildfailure',
  curatedEnvironments: 'https://learn.microsoft.com/azure/machine-learning/resource-curated-environments',
  workspaceSyncKeys: 'https://learn.microsoft.com/cli/azure/ml/workspace#az-ml-workspace-sync-keys',
  acrBehindVnet:
    'https://learn.microsoft.com/azure/machine-learning/how-to-secure-workspace-vnet#enable-azure-container-registry-acr',
  condaManageEnvironments:
    'https://docs.conda.io/projects/conda/en/latest/user-guide/tasks/manage-environments.html',
  pipInstallIndexes: 'https://pip.pypa.io/en/stable/cli/pip_install/#finding-packages',
  pipDependencyResolution: 'https://pip.pypa.io/en/stable/topics/dependency-resolution/',
  pytorchPreviousVersions: 'https://pytorch.org/get-started/previous-versions/',
  // Container start, init(), probes, runtime (init group)
  entryScriptV1: 'https://learn.microsoft.com/azure/machine-learning/v1/how-to-deploy-advanced-entry-script',
  aksWebserviceV1:
    'https://learn.microsoft.com/python/api/azureml-core/azureml.core.webservice.akswebservice',
  onlineAutoscale: 'https://learn.microsoft.com/azure/machine-learning/how-to-autoscale-endpoints',
  k8sProbes:
    'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/',
  k8sMemory: 'https://kubernetes.io/docs/tasks/configure-pod-container/assign-memory-resource/',
  k8sDebugPod: 'https://kubernetes.io/docs/tasks/debug/debug-application/debug-running-pod/',
} as const;
