// One Event Grid subscription on one system topic, delivering to one function of the app with Event Grid's retry
// policy and identity-based dead-lettering. Deploy at the topic's resource group.
param topicName string
param subscriptionName string

@description('Resource id of the Function app.')
param functionAppId string
param functionName string

@minLength(1)
param includedEventTypes string[]
param subjectBeginsWith string = ''
param advancedFilters array = []

param deadLetterStorageId string
param deadLetterContainer string

param maxDeliveryAttempts int
param eventTimeToLiveInMinutes int

resource topic 'Microsoft.EventGrid/systemTopics@2022-06-15' existing = {
  name: topicName
}

resource subscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2022-06-15' = {
  parent: topic
  name: subscriptionName
  properties: {
    eventDeliverySchema: 'EventGridSchema'
    destination: {
      endpointType: 'AzureFunction'
      properties: {
        resourceId: '${functionAppId}/functions/${functionName}'
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    filter: {
      includedEventTypes: includedEventTypes
      subjectBeginsWith: subjectBeginsWith
      advancedFilters: advancedFilters
    }
    retryPolicy: {
      maxDeliveryAttempts: maxDeliveryAttempts
      eventTimeToLiveInMinutes: eventTimeToLiveInMinutes
    }
    deadLetterWithResourceIdentity: {
      identity: { type: 'SystemAssigned' }
      deadLetterDestination: {
        endpointType: 'StorageBlob'
        properties: {
          resourceId: deadLetterStorageId
          blobContainerName: deadLetterContainer
        }
      }
    }
  }
}
