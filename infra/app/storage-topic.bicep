// The workspace storage account's Event Grid system topic (BlobCreated under azureml/ImageLogs/), in the storage
// account's own region. A storage account allows one system topic: name the existing one to reuse it.
// Deploy at the storage account's resource group.
param storageAccountName string
param topicName string

@description('Name of a system topic that already exists on this storage account; empty to create one.')
param existingTopicName string = ''
param tags object = {}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource created 'Microsoft.EventGrid/systemTopics@2022-06-15' = if (empty(existingTopicName)) {
  name: topicName
  location: storage.location
  tags: tags
  identity: { type: 'SystemAssigned' }
  properties: {
    source: storage.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

resource reused 'Microsoft.EventGrid/systemTopics@2022-06-15' existing = if (!empty(existingTopicName)) {
  name: existingTopicName
}

output id string = empty(existingTopicName) ? created.id : reused.id
output principalId string = empty(existingTopicName) ? created!.identity.principalId : reused!.identity.principalId
