// The app identity's roles on the resources of its own resource group. main.bicep makes the Function app depend on
// this module, so every role exists before the app first starts or is published.
param principalId string
param storageAccountName string
param deadLetterContainer string
param applicationInsightsName string
param keyVaultName string

@description('Communication Services resource name; empty when email is off.')
param communicationServiceName string = ''
@description('GUID of the custom email-sender role; empty when email is off.')
param emailSenderRoleId string = ''

var roles = loadJsonContent('../core/security/builtin-roles.json')

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource insights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource communication 'Microsoft.Communication/communicationServices@2023-04-01' existing = if (!empty(communicationServiceName)) {
  name: communicationServiceName
}

// Host storage: deployment package, leases, evidence (blob); outbox and re-check queues; state tables.
resource storageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in [roles.storageBlobDataOwner, roles.storageQueueDataContributor, roles.storageTableDataContributor]: {
    name: guid(storage.id, principalId, role.id)
    scope: storage
    properties: {
      principalId: principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.id)
    }
  }
]

// Telemetry with Entra ID authentication (local auth is disabled on Application Insights).
resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(insights.id, principalId, roles.monitoringMetricsPublisher.id)
  scope: insights
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher.id)
  }
}

// Key Vault references: read secret values, nothing else.
resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, roles.keyVaultSecretsUser.id)
  scope: vault
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser.id)
  }
}

// Email with the managed identity (ACS_ENDPOINT): the custom sender role on the Communication Services resource.
resource emailSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(communicationServiceName)) {
  name: guid(communication.id, principalId, emailSenderRoleId)
  scope: communication
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', emailSenderRoleId)
  }
}

output deadLetterContainerId string = '${storage.id}/blobServices/default/containers/${deadLetterContainer}'
