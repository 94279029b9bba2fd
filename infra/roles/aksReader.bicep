// What the monitor needs on one AKS cluster: the user kubeconfig from ARM, and read access inside Kubernetes
// (Azure RBAC for Kubernetes). RBAC Reader cannot read Secrets, which the monitor never needs.
param clusterName string
param principalId string

var clusterUserRole = '4abbcc35-e782-43d8-92c5-2d3f1bd2253f' // Azure Kubernetes Service Cluster User Role
var rbacReaderRole = '7f6c6a51-bcf8-42ba-9220-52d62157d7db' // Azure Kubernetes Service RBAC Reader

resource cluster 'Microsoft.ContainerService/managedClusters@2024-09-01' existing = {
  name: clusterName
}

resource assignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in [clusterUserRole, rbacReaderRole]: {
    name: guid(cluster.id, principalId, role)
    scope: cluster
    properties: {
      principalId: principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
    }
  }
]
