// Key Vault (Azure RBAC authorization) for the values that cannot be identities: the Teams Workflows URL (its sig=
// query is the credential), the outgoing-webhook URL and signing secret, the action-link signing key and the Teams
// outgoing-webhook token. App settings reference them as @Microsoft.KeyVault(VaultName=...;SecretName=...) without a
// version, so a new secret version is picked up without redeploying (see docs/deploy.md, "Rotate").
param name string
param location string
param tags object = {}

@description('Secret name -> value. Empty values are skipped (the channel or feature is off).')
@secure()
param secrets object

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    publicNetworkAccess: 'Enabled'
  }
}

resource vaultSecrets 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = [
  for secret in items(secrets): if (!empty(secret.value)) {
    parent: vault
    name: secret.key
    properties: { value: secret.value, contentType: 'text/plain' }
  }
]

output name string = vault.name
output id string = vault.id
output uri string = vault.properties.vaultUri
