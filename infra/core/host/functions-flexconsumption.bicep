// The Function app on the Flex Consumption plan (Linux, Node 22) running as a user-assigned managed identity: it
// pulls its deployment package, reaches its storage, resolves Key Vault references and sends telemetry with that
// identity. The caller grants the identity its roles BEFORE this module runs (dependsOn), so the first start and the
// first publish never race a role assignment.
param name string
param planName string
param location string
param tags object = {}

@description('azd service name (azure.yaml) this app is deployed as.')
param serviceName string

param identityId string
param storageBlobEndpoint string
param deploymentContainer string

@description('App settings (name -> value); secrets only as Key Vault references.')
param appSettings object

@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { tier: 'FlexConsumption', name: 'FC1' }
  properties: { reserved: true }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: { minTlsVersion: '1.2', ftpsState: 'Disabled' }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainer}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      // Flex Consumption takes the runtime from here; FUNCTIONS_WORKER_RUNTIME is not an app setting.
      runtime: { name: 'node', version: '22' }
    }
  }
}

resource settings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: app
  name: 'appsettings'
  properties: union(appSettings, appSettingsFromSite)
}

// Settings only the created site knows: its own address (action links point at it).
var appSettingsFromSite = {
  PUBLIC_BASE_URL: 'https://${app.properties.defaultHostName}'
}

output name string = app.name
output id string = app.id
output defaultHostName string = app.properties.defaultHostName
