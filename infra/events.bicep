// The Event Grid subscriptions, deployed by the post-deploy hook (infra/hooks/postdeploy.sh) once azd has published
// the functions: an AzureFunction destination is validated against a function that must already exist. The topics
// themselves, their identities and the dead-letter role are created by main.bicep.
targetScope = 'subscription'

@description('Resource id of the Function app (azd output AMLMON_FUNCTION_APP_ID).')
param functionAppId string

@description('The system topics main.bicep created or reused (azd output AMLMON_EVENT_TOPICS): [{ id, kind }].')
@minLength(1)
param topics topicRef[]

@description('Resource id of the app storage account that holds the dead letters.')
param deadLetterStorageId string
param deadLetterContainer string

type topicRef = {
  @description('System topic resource id.')
  id: string
  kind: ('workspace' | 'storage' | 'resourceGroup')
}

// What each kind of topic delivers, and to which function. The function names are the ones registered in
// functions/onWorkspaceEvent.ts and functions/onImageLog.ts; the event types are the ones those functions handle.
var routes = {
  workspace: {
    functionName: 'onWorkspaceEvent'
    subscriptionName: 'amlmon-workspace'
    includedEventTypes: ['Microsoft.MachineLearningServices.ModelDeployed']
    subjectBeginsWith: ''
    advancedFilters: []
  }
  resourceGroup: {
    functionName: 'onWorkspaceEvent'
    subscriptionName: 'amlmon-online-deployments'
    includedEventTypes: [
      'Microsoft.Resources.ResourceWriteSuccess'
      'Microsoft.Resources.ResourceWriteFailure'
      'Microsoft.Resources.ResourceWriteCancel'
    ]
    subjectBeginsWith: ''
    // Only writes on online deployments of a workspace, not every write in the resource group.
    advancedFilters: [
      {
        operatorType: 'StringContains'
        key: 'subject'
        values: ['/onlineEndpoints/']
      }
    ]
  }
  storage: {
    functionName: 'onImageLog'
    subscriptionName: 'amlmon-image-logs'
    includedEventTypes: ['Microsoft.Storage.BlobCreated']
    subjectBeginsWith: '/blobServices/default/containers/azureml/blobs/ImageLogs/'
    advancedFilters: []
  }
}

// Event Grid retries with exponential back-off for up to a day, then dead-letters.
var delivery = {
  maxDeliveryAttempts: 30
  eventTimeToLiveInMinutes: 1440
}

module subscriptions 'app/event-subscription.bicep' = [
  for (topic, i) in topics: {
    name: 'amlmon-events-${i}'
    scope: resourceGroup(split(topic.id, '/')[2], split(topic.id, '/')[4])
    params: {
      topicName: last(split(topic.id, '/'))
      subscriptionName: routes[topic.kind].subscriptionName
      functionAppId: functionAppId
      functionName: routes[topic.kind].functionName
      includedEventTypes: routes[topic.kind].includedEventTypes
      subjectBeginsWith: routes[topic.kind].subjectBeginsWith
      advancedFilters: routes[topic.kind].advancedFilters
      deadLetterStorageId: deadLetterStorageId
      deadLetterContainer: deadLetterContainer
      maxDeliveryAttempts: delivery.maxDeliveryAttempts
      eventTimeToLiveInMinutes: delivery.eventTimeToLiveInMinutes
    }
  }
]
