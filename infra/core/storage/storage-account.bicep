// The app's own storage account: the Flex Consumption deployment package, the host's leases and timers, the outbox and
// re-check queues, the state tables, the evidence container and Event Grid's dead letters. Shared keys are disabled:
// everything reaches it with a managed identity.
param name string
param location string
param tags object = {}

@description('Blob containers to create (deployment package, evidence, dead letters).')
@minLength(1)
param containers string[]

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    supportsHttpsTrafficOnly: true
    defaultToOAuthAuthentication: true
    dnsEndpointType: 'Standard'
    publicNetworkAccess: 'Enabled'
    networkAcls: { defaultAction: 'Allow', bypass: 'AzureServices' }
  }

  resource blobService 'blobServices' = {
    name: 'default'
    resource blobContainers 'containers' = [
      for container in containers: {
        name: container
        properties: { publicAccess: 'None' }
      }
    ]
  }
}

output name string = storage.name
output id string = storage.id
output blobEndpoint string = storage.properties.primaryEndpoints.blob
output queueEndpoint string = storage.properties.primaryEndpoints.queue
output tableEndpoint string = storage.properties.primaryEndpoints.table
