// amlmon: the monitor's Function app on Flex Consumption (Node 22) with its own storage, identity and role
// assignments. Deploy this first, publish the code, then deploy events.bicep (an Event Grid subscription to an
// Azure Function endpoint needs the function to exist). Reviewed by eye: Bicep cannot be compiled on the build machine.
targetScope = 'resourceGroup'

@description('Base name; resources are named <name>-<suffix>.')
param name string = 'amlmon'
param location string = resourceGroup().location

@description('AKS clusters to watch, as resource ids (same resource group scope or others).')
param clusterResourceIds array

@description('Azure ML workspace resource ids (for WORKSPACES and portal links).')
param workspaceResourceIds array = []

@description('Resource id of the workspace storage account (the one with the azureml container and ImageLogs/).')
param workspaceStorageAccountId string

@description('Teams Workflows webhook URL (secret: it carries sig=). Empty to disable Teams.')
@secure()
param teamsWebhookUrl string = ''

@description('ACS endpoint (https://<res>.communication.azure.com) for email with the managed identity. Empty to disable email.')
param acsEndpoint string = ''
param acsSenderAddress string = ''
param emailRecipients string = ''

param sweepSchedule string = '0 */2 * * * *'
param hangAfter string = '10m'
param repeatAfter string = '4h'

var suffix = uniqueString(resourceGroup().id, name)
var storageName = toLower(take(replace('${name}${suffix}', '-', ''), 24))
var deploymentContainer = 'app-package'

// Built-in role definition ids.
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageBlobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageName
  location: location
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false // identity only: AzureWebJobsStorage__accountName below
    supportsHttpsTrafficOnly: true
  }
  resource blobService 'blobServices' = {
    name: 'default'
    resource package 'containers' = { name: deploymentContainer }
    resource evidence 'containers' = { name: 'amlmon-evidence' }
  }
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${name}-logs-${suffix}'
  location: location
  properties: { retentionInDays: 30, sku: { name: 'PerGB2018' } }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${name}-ai-${suffix}'
  location: location
  kind: 'web'
  properties: { Application_Type: 'web', WorkspaceResourceId: logs.id, DisableLocalAuth: true }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${name}-plan-${suffix}'
  location: location
  kind: 'functionapp'
  sku: { tier: 'FlexConsumption', name: 'FC1' }
  properties: { reserved: true }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: '${name}-${suffix}'
  location: location
  kind: 'functionapp,linux'
  identity: { type: 'SystemAssigned' }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainer}'
          authentication: { type: 'SystemAssignedIdentity' }
        }
      }
      scaleAndConcurrency: { maximumInstanceCount: 40, instanceMemoryMB: 2048 }
      // Flex Consumption takes the runtime from here; FUNCTIONS_WORKER_RUNTIME is not an app setting.
      runtime: { name: 'node', version: '22' }
    }
    siteConfig: {
      appSettings: [
        { name: 'AzureWebJobsStorage__accountName', value: storage.name }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'Authorization=AAD' }
        { name: 'CLUSTERS', value: join(clusterResourceIds, ',') }
        { name: 'WORKSPACES', value: join(workspaceResourceIds, ',') }
        { name: 'SWEEP_SCHEDULE', value: sweepSchedule }
        { name: 'HANG_AFTER', value: hangAfter }
        { name: 'REPEAT_AFTER', value: repeatAfter }
        { name: 'TEAMS_WEBHOOK_URL', value: teamsWebhookUrl }
        { name: 'ACS_ENDPOINT', value: acsEndpoint }
        { name: 'ACS_SENDER_ADDRESS', value: acsSenderAddress }
        { name: 'EMAIL_RECIPIENTS', value: emailRecipients }
      ]
    }
  }
}

// The app's own storage: deployment package and evidence (blob), outbox and re-read queues, state tables.
resource appStorageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in [roles.storageBlobDataOwner, roles.storageQueueDataContributor, roles.storageTableDataContributor]: {
    name: guid(storage.id, app.id, role)
    scope: storage
    properties: {
      principalId: app.identity.principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
    }
  }
]

resource metricsRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(insights.id, app.id, roles.monitoringMetricsPublisher)
  scope: insights
  properties: {
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
  }
}

// Reading ImageLogs/ on the workspace storage account (possibly another resource group): Blob Data Reader only.
module imageLogReader 'roles/storageReader.bicep' = {
  name: 'amlmon-imagelog-reader'
  scope: resourceGroup(split(workspaceStorageAccountId, '/')[2], split(workspaceStorageAccountId, '/')[4])
  params: {
    storageAccountName: last(split(workspaceStorageAccountId, '/'))
    principalId: app.identity.principalId
    roleDefinitionId: roles.storageBlobDataReader
  }
}

// Each cluster: AKS Cluster User (ARM listClusterUserCredentials) + AKS RBAC Reader (Kubernetes reads, incl. pods/log).
module clusterReaders 'roles/aksReader.bicep' = [
  for (id, i) in clusterResourceIds: {
    name: 'amlmon-aks-reader-${i}'
    scope: resourceGroup(split(id, '/')[2], split(id, '/')[4])
    params: {
      clusterName: last(split(id, '/'))
      principalId: app.identity.principalId
    }
  }
]

output functionAppName string = app.name
output functionAppId string = app.id
output principalId string = app.identity.principalId
