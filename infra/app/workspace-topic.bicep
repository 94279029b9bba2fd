// The Azure ML workspace's Event Grid system topic (v1 services: ModelDeployed), in the workspace's own region (a
// system topic must be in its source's region). A source allows one system topic: name the existing one to reuse it.
// Deploy at the workspace's resource group.
param workspaceName string
param topicName string

@description('Name of a system topic that already exists on this workspace; empty to create one.')
param existingTopicName string = ''
param tags object = {}

resource workspace 'Microsoft.MachineLearningServices/workspaces@2024-10-01' existing = {
  name: workspaceName
}

resource created 'Microsoft.EventGrid/systemTopics@2022-06-15' = if (empty(existingTopicName)) {
  name: topicName
  location: workspace.location
  tags: tags
  identity: { type: 'SystemAssigned' }
  properties: {
    source: workspace.id
    topicType: 'Microsoft.MachineLearningServices.Workspaces'
  }
}

resource reused 'Microsoft.EventGrid/systemTopics@2022-06-15' existing = if (!empty(existingTopicName)) {
  name: existingTopicName
}

output id string = empty(existingTopicName) ? created.id : reused.id
// An existing topic needs a system-assigned identity for identity-based dead-lettering (docs/deploy.md).
output principalId string = empty(existingTopicName) ? created!.identity.principalId : reused!.identity.principalId
