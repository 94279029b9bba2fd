// Event Grid dead-lettering with the system topics' own identities: each topic may write blobs into the dead-letter
// container of the app's storage account (shared keys are disabled there), and nowhere else.
param storageAccountName string
param deadLetterContainer string

@description('Principal ids of the system topics that dead-letter into the container.')
param topicPrincipalIds string[]

var roles = loadJsonContent('../core/security/builtin-roles.json')

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName

  resource blobService 'blobServices' existing = {
    name: 'default'

    resource container 'containers' existing = {
      name: deadLetterContainer
    }
  }
}

resource writers 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for principalId in topicPrincipalIds: {
    name: guid(storage::blobService::container.id, principalId, roles.storageBlobDataContributor.id)
    scope: storage::blobService::container
    properties: {
      principalId: principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor.id)
    }
  }
]
