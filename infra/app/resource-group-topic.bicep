// The resource group's Event Grid system topic (ARM writes on v2 online deployments). Resource-group topics are
// global. A resource group allows one system topic: name the existing one to reuse it.
// Deploy at the workspace's resource group.
param topicName string

@description('Name of a system topic that already exists on this resource group; empty to create one.')
param existingTopicName string = ''
param tags object = {}

resource created 'Microsoft.EventGrid/systemTopics@2022-06-15' = if (empty(existingTopicName)) {
  name: topicName
  location: 'global'
  tags: tags
  identity: { type: 'SystemAssigned' }
  properties: {
    source: resourceGroup().id
    topicType: 'Microsoft.Resources.ResourceGroups'
  }
}

resource reused 'Microsoft.EventGrid/systemTopics@2022-06-15' existing = if (!empty(existingTopicName)) {
  name: existingTopicName
}

output id string = empty(existingTopicName) ? created.id : reused.id
output principalId string = empty(existingTopicName) ? created!.identity.principalId : reused!.identity.principalId
