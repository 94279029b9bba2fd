// Event Grid wiring for amlmon, deployed after the function code is published (the subscriptions point at
// functions that must exist). Deploy it to the resource group of the workspace and its storage account.
targetScope = 'resourceGroup'

@description('Resource id of the amlmon Function app (output functionAppId of main.bicep).')
param functionAppId string

param workspaceName string

@description('The workspace storage account (holds azureml/ImageLogs/).')
param workspaceStorageAccountName string

@description('Name of an existing system topic on that storage account; empty to create one (an account allows only one).')
param existingStorageTopicName string = ''

param location string = resourceGroup().location

var delivery = {
  maxDeliveryAttempts: 30
  eventTimeToLiveInMinutes: 1440
}

resource workspace 'Microsoft.MachineLearningServices/workspaces@2024-10-01' existing = {
  name: workspaceName
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: workspaceStorageAccountName
}

// 1. The workspace: ModelDeployed (v1 services, success only; failures come from the sweep).
resource workspaceTopic 'Microsoft.EventGrid/systemTopics@2024-06-01-preview' = {
  name: '${workspaceName}-amlmon'
  location: location
  properties: {
    source: workspace.id
    topicType: 'Microsoft.MachineLearningServices.Workspaces'
  }
}

resource workspaceSubscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2024-06-01-preview' = {
  parent: workspaceTopic
  name: 'amlmon-workspace'
  properties: {
    eventDeliverySchema: 'EventGridSchema'
    destination: {
      endpointType: 'AzureFunction'
      properties: {
        resourceId: '${functionAppId}/functions/onWorkspaceEvent'
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    filter: { includedEventTypes: ['Microsoft.MachineLearningServices.ModelDeployed'] }
    retryPolicy: delivery
  }
}

// 2. The resource group: ARM writes on v2 online deployments (start/update, failure, cancel).
resource groupTopic 'Microsoft.EventGrid/systemTopics@2024-06-01-preview' = {
  name: '${resourceGroup().name}-amlmon'
  location: 'global'
  properties: {
    source: resourceGroup().id
    topicType: 'Microsoft.Resources.ResourceGroups'
  }
}

resource groupSubscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2024-06-01-preview' = {
  parent: groupTopic
  name: 'amlmon-online-deployments'
  properties: {
    eventDeliverySchema: 'EventGridSchema'
    destination: {
      endpointType: 'AzureFunction'
      properties: { resourceId: '${functionAppId}/functions/onWorkspaceEvent', maxEventsPerBatch: 1 }
    }
    filter: {
      includedEventTypes: [
        'Microsoft.Resources.ResourceWriteSuccess'
        'Microsoft.Resources.ResourceWriteFailure'
        'Microsoft.Resources.ResourceWriteCancel'
      ]
      advancedFilters: [
        {
          operatorType: 'StringContains'
          key: 'data.resourceUri'
          values: ['/onlineEndpoints/']
        }
      ]
    }
    retryPolicy: delivery
  }
}

// 3. The workspace storage account: new image build logs. Event Grid, not a blob trigger: Flex Consumption
// supports only Event Grid-based blob processing, and this needs only Storage Blob Data Reader.
resource newStorageTopic 'Microsoft.EventGrid/systemTopics@2024-06-01-preview' = if (empty(existingStorageTopicName)) {
  name: '${workspaceStorageAccountName}-amlmon'
  location: location
  properties: {
    source: storage.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

resource existingStorageTopic 'Microsoft.EventGrid/systemTopics@2024-06-01-preview' existing = if (!empty(existingStorageTopicName)) {
  name: existingStorageTopicName
}

resource imageLogSubscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2024-06-01-preview' = {
  name: '${empty(existingStorageTopicName) ? newStorageTopic.name : existingStorageTopic.name}/amlmon-image-logs'
  properties: {
    eventDeliverySchema: 'EventGridSchema'
    destination: {
      endpointType: 'AzureFunction'
      properties: { resourceId: '${functionAppId}/functions/onImageLog', maxEventsPerBatch: 1 }
    }
    filter: {
      includedEventTypes: ['Microsoft.Storage.BlobCreated']
      subjectBeginsWith: '/blobServices/default/containers/azureml/blobs/ImageLogs/'
    }
    retryPolicy: delivery
  }
}
