// One AKS cluster: the user kubeconfig from ARM (Cluster User Role) and, on clusters with Azure RBAC for Kubernetes
// authorization, the custom read-only role. On clusters with Kubernetes RBAC the post-deploy hook applies
// infra/rbac.yaml bound to the identity instead (an ARM deployment cannot reach the Kubernetes API).
param clusterName string
param principalId string

@allowed(['azure', 'kubernetes'])
param authorization string

@description('GUID of the custom cluster-reader role (Azure RBAC clusters).')
param readerRoleId string

var roles = loadJsonContent('../core/security/builtin-roles.json')

resource cluster 'Microsoft.ContainerService/managedClusters@2024-09-01' existing = {
  name: clusterName
}

resource clusterUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(cluster.id, principalId, roles.aksClusterUser.id)
  scope: cluster
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.aksClusterUser.id)
  }
}

resource reader 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (authorization == 'azure') {
  name: guid(cluster.id, principalId, readerRoleId)
  scope: cluster
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', readerRoleId)
  }
}
