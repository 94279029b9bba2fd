// A workspace's storage account: image build logs (azureml/ImageLogs/) and the model blobs a deployment reads.
// Storage Blob Data Reader only: the monitor never writes there.
param storageAccountName string
param principalId string

var roles = loadJsonContent('../core/security/builtin-roles.json')

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource reader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, principalId, roles.storageBlobDataReader.id)
  scope: storage
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataReader.id)
  }
}
