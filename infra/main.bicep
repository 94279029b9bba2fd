// aml-deploy-monitor on Azure, for `azd up`: a Flex Consumption Function app (Node 22) running as a user-assigned
// managed identity, its storage, Application Insights, a Key Vault for the few secrets that cannot be identities,
// Azure Communication Services email, the Event Grid system topics of every watched workspace, and least-privilege
// access to the watched clusters and workspaces. The Event Grid subscriptions are created after the code is
// published by infra/hooks/postdeploy.sh (infra/events.bicep), which also applies infra/rbac.yaml on clusters that
// use Kubernetes RBAC. See docs/deploy.md.
targetScope = 'subscription'

// ---------------------------------------------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------------------------------------------

@minLength(1)
@maxLength(64)
@description('azd environment name; names and tags every resource.')
param environmentName string

@minLength(1)
@description('Region of the app and its resources (Flex Consumption must be available there).')
@metadata({ azd: { type: 'location' } })
param location string

@description('Resource group to create or reuse; empty for rg-<environmentName>.')
param resourceGroupName string = ''

@minLength(1)
@description('AKS clusters to watch (at least one): [{ id, authorization: "azure" | "kubernetes" }].')
param clusters clusterRef[]

@description('Azure ML workspaces to watch: [{ id, storageAccountId, existing*Topic? }]. Events and portal links need them.')
param workspaces workspaceRef[] = []

@description('Email recipients (comma-separated addresses, or JSON rules); empty to disable email.')
param emailRecipients string = ''

@description('Resource id of a verified custom email domain (Microsoft.Communication/emailServices/domains); empty for an Azure-managed domain.')
param emailCustomDomainId string = ''

@description('Sender local part on a custom domain (an Azure-managed domain always sends as DoNotReply).')
param emailSenderUsername string = 'DoNotReply'

@description('Data location of Communication Services and the email service.')
@allowed([
  'Africa'
  'Asia Pacific'
  'Australia'
  'Brazil'
  'Canada'
  'Europe'
  'France'
  'Germany'
  'India'
  'Japan'
  'Korea'
  'Norway'
  'Switzerland'
  'UAE'
  'UK'
  'United States'
])
param emailDataLocation string = 'United States'

@secure()
@description('Teams Workflows webhook URL (its sig= query is a secret); empty to disable Teams. Stored in Key Vault.')
param teamsWebhookUrl string = ''

@secure()
@description('Outgoing webhook URL; empty to disable the webhook channel. Stored in Key Vault.')
param webhookUrl string = ''

@secure()
@description('Secret the outgoing webhook bodies are signed with; empty to send unsigned. Stored in Key Vault.')
param webhookSecret string = ''

@secure()
@description('Key that signs the alerts\' action links (base64, >= 32 bytes). azd generates and keeps one. Stored in Key Vault.')
@metadata({ azd: { type: 'generate', config: { length: 64, noSpecial: true } } })
param actionSigningKey string

@secure()
@description('Security token Teams showed when the outgoing webhook (chat commands) was created; empty to refuse chat. Stored in Key Vault.')
param teamsOutgoingWebhookToken string = ''

@description('How long an alert\'s action links (acknowledge, mute) stay valid.')
param actionLinkTtl string = '7d'

@description('NCRONTAB schedule of the sweep.')
param sweepSchedule string = '0 */2 * * * *'

@description('How long a deployment may make no progress before it is reported as hung.')
param hangAfter string = '10m'

@description('How often an unchanged open incident is reported again.')
param repeatAfter string = '4h'

@description('NCRONTAB schedule of the daily digest.')
param digestSchedule string = '0 0 8 * * *'

@description('IANA time zone of the times in reports (e.g. Europe/Berlin).')
param reportTimeZone string = 'UTC'

@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

// ---------------------------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------------------------

type clusterRef = {
  @description('AKS resource id: /subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ContainerService/managedClusters/<name>')
  id: string
  @description('"azure": Azure RBAC for Kubernetes authorization (a custom read-only role is assigned); "kubernetes": Kubernetes RBAC (the post-deploy hook applies infra/rbac.yaml).')
  authorization: ('azure' | 'kubernetes')
}

type workspaceRef = {
  @description('Workspace resource id: /subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.MachineLearningServices/workspaces/<name>')
  id: string
  @description('Resource id of the workspace\'s storage account (azureml/ImageLogs/, model blobs).')
  storageAccountId: string
  @description('Existing system topic on the workspace to reuse (a source allows only one).')
  existingWorkspaceTopic: string?
  @description('Existing system topic on the storage account to reuse.')
  existingStorageTopic: string?
  @description('Existing system topic on the workspace\'s resource group to reuse.')
  existingResourceGroupTopic: string?
}

// ---------------------------------------------------------------------------------------------------------------
// Validation: what a parameter decorator cannot say. A failed check stops the deployment before anything is created
// (the resource group's tag is evaluated first) with the message in the error.
// ---------------------------------------------------------------------------------------------------------------

var emailEnabled = !empty(emailRecipients)
var hasChannel = emailEnabled || !empty(teamsWebhookUrl) || !empty(webhookUrl)
var clusterIdPattern = '/providers/Microsoft.ContainerService/managedClusters/'
var workspaceIdPattern = '/providers/Microsoft.MachineLearningServices/workspaces/'
var storageIdPattern = '/providers/Microsoft.Storage/storageAccounts/'
var problems = flatten([
  hasChannel ? [] : ['no channel: set emailRecipients, teamsWebhookUrl and/or webhookUrl']
  map(filter(clusters, c => !contains(c.id, clusterIdPattern) || length(split(c.id, '/')) != 9), c => 'clusters: "${c.id}" is not an AKS resource id')
  map(filter(workspaces, w => !contains(w.id, workspaceIdPattern) || length(split(w.id, '/')) != 9), w => 'workspaces: "${w.id}" is not a workspace resource id')
  map(filter(workspaces, w => !contains(w.storageAccountId, storageIdPattern) || length(split(w.storageAccountId, '/')) != 9), w => 'workspaces: "${w.storageAccountId}" is not a storage account resource id')
])
// int() of a sentence fails and ARM's error quotes it: the only way a template can refuse with a message.
var validated = empty(problems) ? 'ok' : string(int('invalid parameters: ${join(problems, '; ')}'))

// ---------------------------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------------------------

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var serviceName = 'monitor'
var functionAppName = 'func-amlmon-${resourceToken}'
var deploymentContainer = 'app-package-${take(resourceToken, 7)}'
var evidenceContainer = 'amlmon-evidence'
var deadLetterContainer = 'amlmon-deadletter'
var secretNames = {
  teamsWebhookUrl: 'teams-webhook-url'
  webhookUrl: 'webhook-url'
  webhookSecret: 'webhook-secret'
  actionSigningKey: 'action-signing-key'
  teamsOutgoingWebhookToken: 'teams-outgoing-webhook-token'
}

// Parts of an ARM id: /subscriptions/{2}/resourceGroups/{4}/providers/{6}/{7}/{8}.
func subscriptionOf(id string) string => split(id, '/')[2]
func groupOf(id string) string => split(id, '/')[4]
func nameOf(id string) string => last(split(id, '/'))
func groupIdOf(id string) string => '/subscriptions/${subscriptionOf(id)}/resourceGroups/${groupOf(id)}'
func keyVaultReference(vaultName string, secretName string) string => '@Microsoft.KeyVault(VaultName=${vaultName};SecretName=${secretName})'

var azureRbacClusters = filter(clusters, c => c.authorization == 'azure')
var kubernetesRbacClusters = filter(clusters, c => c.authorization == 'kubernetes')
var clusterGroupIds = reduce(map(azureRbacClusters, c => toLower(groupIdOf(c.id))), [], (all, g) => union(all, [g]))
var workspaceGroupIds = reduce(map(workspaces, w => toLower(groupIdOf(w.id))), [], (all, g) => union(all, [g]))
// Workspaces may share a storage account: one topic and one role assignment per account.
var workspaceStorageIds = reduce(map(workspaces, w => toLower(w.storageAccountId)), [], (all, id) => union(all, [id]))
var existingStorageTopics = reduce(
  filter(workspaces, w => !empty(w.?existingStorageTopic ?? '')),
  {},
  (all, w) => union(all, { '${toLower(w.storageAccountId)}': w.existingStorageTopic })
)
// Existing resource-group topics named by any workspace of that group, by lower-cased group id.
var existingGroupTopics = reduce(
  filter(workspaces, w => !empty(w.?existingResourceGroupTopic ?? '')),
  {},
  (all, w) => union(all, { '${toLower(groupIdOf(w.id))}': w.existingResourceGroupTopic })
)

// ---------------------------------------------------------------------------------------------------------------
// The app's resource group and its resources
// ---------------------------------------------------------------------------------------------------------------

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : 'rg-${environmentName}'
  location: location
  tags: union(tags, { 'amlmon-parameters': validated })
}

module identity 'core/security/user-assigned-identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-amlmon-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'core/storage/storage-account.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    containers: [deploymentContainer, evidenceContainer, deadLetterContainer]
  }
}

module monitoring 'core/monitor/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-amlmon-${resourceToken}'
    applicationInsightsName: 'appi-amlmon-${resourceToken}'
    location: location
    tags: tags
  }
}

module vault 'core/security/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: 'kv-amlmon-${take(resourceToken, 13)}'
    location: location
    tags: tags
    secrets: {
      '${secretNames.teamsWebhookUrl}': teamsWebhookUrl
      '${secretNames.webhookUrl}': webhookUrl
      '${secretNames.webhookSecret}': webhookSecret
      '${secretNames.actionSigningKey}': actionSigningKey
      '${secretNames.teamsOutgoingWebhookToken}': teamsOutgoingWebhookToken
    }
  }
}

module email 'core/communication/email.bicep' = if (emailEnabled) {
  name: 'email'
  scope: rg
  params: {
    communicationServiceName: 'acs-amlmon-${resourceToken}'
    emailServiceName: 'ecs-amlmon-${resourceToken}'
    tags: tags
    dataLocation: emailDataLocation
    customDomainId: emailCustomDomainId
    senderUsername: emailSenderUsername
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Custom roles: where no built-in role is narrow enough (docs/deploy.md, "Access")
// ---------------------------------------------------------------------------------------------------------------

// The Kubernetes reads of shared/cluster/reads.ts, on clusters with Azure RBAC for Kubernetes authorization. The
// built-in "Azure Kubernetes Service RBAC Reader" has neither nodes, persistentvolumes nor pods/log.
module clusterReaderRole 'core/security/role-definition.bicep' = if (!empty(azureRbacClusters)) {
  name: 'role-cluster-reader'
  params: {
    roleName: 'amlmon cluster reader (${environmentName}, ${resourceToken})'
    description: 'Reads what aml-deploy-monitor diagnoses: pods and their logs, events, deployments, replica sets, claims, volumes, config maps, nodes, quotas, namespaces. No secrets, no writes.'
    dataActions: [
      'Microsoft.ContainerService/managedClusters/pods/read'
      'Microsoft.ContainerService/managedClusters/pods/log/read'
      'Microsoft.ContainerService/managedClusters/events/read'
      'Microsoft.ContainerService/managedClusters/apps/deployments/read'
      'Microsoft.ContainerService/managedClusters/apps/replicasets/read'
      'Microsoft.ContainerService/managedClusters/persistentvolumeclaims/read'
      'Microsoft.ContainerService/managedClusters/persistentvolumes/read'
      'Microsoft.ContainerService/managedClusters/configmaps/read'
      'Microsoft.ContainerService/managedClusters/nodes/read'
      'Microsoft.ContainerService/managedClusters/resourcequotas/read'
      'Microsoft.ContainerService/managedClusters/namespaces/read'
    ]
    assignableScopes: clusterGroupIds
  }
}

// Control-plane reads of a workspace's deployments: v1 services, v2 online endpoints/deployments, their operations
// in the Activity Log, and the model and datastore a deployment reads. The built-in Reader reads every resource type.
module workspaceReaderRole 'core/security/role-definition.bicep' = if (!empty(workspaces)) {
  name: 'role-workspace-reader'
  params: {
    roleName: 'amlmon workspace reader (${environmentName}, ${resourceToken})'
    description: 'Reads Azure ML deployment records and their operations for aml-deploy-monitor. No writes, no keys.'
    actions: [
      'Microsoft.MachineLearningServices/workspaces/read'
      'Microsoft.MachineLearningServices/workspaces/computes/read'
      'Microsoft.MachineLearningServices/workspaces/services/aks/read'
      'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/read'
      'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments/read'
      'Microsoft.MachineLearningServices/workspaces/models/read'
      'Microsoft.MachineLearningServices/workspaces/models/versions/read'
      'Microsoft.MachineLearningServices/workspaces/datastores/read'
      'Microsoft.Insights/eventtypes/values/read'
    ]
    assignableScopes: workspaceGroupIds
  }
}

// Sending email with Entra ID: the documented minimum for a custom role (Communication Services docs, "SMTP
// authentication": CommunicationServices/Read + EmailServices/write); the built-in alternative,
// "Communication and Email Service Owner", can also manage and delete the resources.
module emailSenderRole 'core/security/role-definition.bicep' = if (emailEnabled) {
  name: 'role-email-sender'
  params: {
    roleName: 'amlmon email sender (${environmentName}, ${resourceToken})'
    description: 'Sends email through the Communication Services resource of aml-deploy-monitor.'
    actions: [
      'Microsoft.Communication/CommunicationServices/Read'
      'Microsoft.Communication/EmailServices/write'
    ]
    assignableScopes: [rg.id]
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Roles of the app identity, all before the app exists
// ---------------------------------------------------------------------------------------------------------------

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    principalId: identity.outputs.principalId
    storageAccountName: storage.outputs.name
    deadLetterContainer: deadLetterContainer
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    keyVaultName: vault.outputs.name
    communicationServiceName: emailEnabled ? email!.outputs.communicationServiceName : ''
    emailSenderRoleId: emailEnabled ? emailSenderRole!.outputs.roleDefinitionId : ''
  }
}

module clusterAccess 'app/cluster-access.bicep' = [
  for (cluster, i) in clusters: {
    name: 'access-cluster-${i}'
    scope: resourceGroup(subscriptionOf(cluster.id), groupOf(cluster.id))
    params: {
      clusterName: nameOf(cluster.id)
      principalId: identity.outputs.principalId
      authorization: cluster.authorization
      readerRoleId: cluster.authorization == 'azure' ? clusterReaderRole!.outputs.roleDefinitionId : ''
    }
  }
]

module workspaceAccess 'app/workspace-access.bicep' = [
  for (workspace, i) in workspaces: {
    name: 'access-workspace-${i}'
    scope: resourceGroup(subscriptionOf(workspace.id), groupOf(workspace.id))
    params: {
      workspaceName: nameOf(workspace.id)
      principalId: identity.outputs.principalId
      readerRoleId: workspaceReaderRole!.outputs.roleDefinitionId
    }
  }
]

module workspaceStorageAccess 'app/storage-reader.bicep' = [
  for (storageId, i) in workspaceStorageIds: {
    name: 'access-workspace-storage-${i}'
    scope: resourceGroup(subscriptionOf(storageId), groupOf(storageId))
    params: {
      storageAccountName: nameOf(storageId)
      principalId: identity.outputs.principalId
    }
  }
]

// ---------------------------------------------------------------------------------------------------------------
// Event Grid system topics, each in its source's region (subscriptions: infra/events.bicep, after publish)
// ---------------------------------------------------------------------------------------------------------------

module workspaceTopics 'app/workspace-topic.bicep' = [
  for (workspace, i) in workspaces: {
    name: 'topic-workspace-${i}'
    scope: resourceGroup(subscriptionOf(workspace.id), groupOf(workspace.id))
    params: {
      workspaceName: nameOf(workspace.id)
      topicName: take('evgt-${nameOf(workspace.id)}-amlmon', 128)
      existingTopicName: workspace.?existingWorkspaceTopic ?? ''
      tags: tags
    }
  }
]

module storageTopics 'app/storage-topic.bicep' = [
  for (storageId, i) in workspaceStorageIds: {
    name: 'topic-storage-${i}'
    scope: resourceGroup(subscriptionOf(storageId), groupOf(storageId))
    params: {
      storageAccountName: nameOf(storageId)
      topicName: take('evgt-${nameOf(storageId)}-amlmon', 128)
      existingTopicName: contains(existingStorageTopics, storageId) ? existingStorageTopics[storageId] : ''
      tags: tags
    }
  }
]

// One per resource group (a source allows one system topic), however many workspaces it holds.
module resourceGroupTopics 'app/resource-group-topic.bicep' = [
  for (groupId, i) in workspaceGroupIds: {
    name: 'topic-group-${i}'
    scope: resourceGroup(split(groupId, '/')[2], split(groupId, '/')[4])
    params: {
      topicName: take('evgt-${split(groupId, '/')[4]}-amlmon', 128)
      existingTopicName: contains(existingGroupTopics, groupId) ? existingGroupTopics[groupId] : ''
      tags: tags
    }
  }
]

// (A module collection cannot be indexed inside a lambda: for-expressions collect the outputs.)
var workspaceTopicPrincipals = [for i in range(0, length(workspaces)): workspaceTopics[i].outputs.principalId]
var storageTopicPrincipals = [for i in range(0, length(workspaceStorageIds)): storageTopics[i].outputs.principalId]
var resourceGroupTopicPrincipals = [for i in range(0, length(workspaceGroupIds)): resourceGroupTopics[i].outputs.principalId]
var workspaceTopicRefs = [for i in range(0, length(workspaces)): { id: workspaceTopics[i].outputs.id, kind: 'workspace' }]
var storageTopicRefs = [
  for i in range(0, length(workspaceStorageIds)): { id: storageTopics[i].outputs.id, kind: 'storage' }
]
var resourceGroupTopicRefs = [
  for i in range(0, length(workspaceGroupIds)): { id: resourceGroupTopics[i].outputs.id, kind: 'resourceGroup' }
]

module deadLetterWriters 'app/deadletter-writer.bicep' = if (!empty(workspaces)) {
  name: 'deadletter-writers'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    deadLetterContainer: deadLetterContainer
    topicPrincipalIds: concat(workspaceTopicPrincipals, storageTopicPrincipals, resourceGroupTopicPrincipals)
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The Function app: created after every role of its identity (dependsOn), with identity-based settings only
// ---------------------------------------------------------------------------------------------------------------

// Every setting the app reads in Azure (names: shared/config). Secrets only as Key Vault references.
var appSettingsBase = {
  // Host storage with the user-assigned identity: no keys, no connection string.
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identity.outputs.clientId
  AzureWebJobsStorage__blobServiceUri: storage.outputs.blobEndpoint
  AzureWebJobsStorage__queueServiceUri: storage.outputs.queueEndpoint
  AzureWebJobsStorage__tableServiceUri: storage.outputs.tableEndpoint
  // The identity DefaultAzureCredential signs in as (ARM, AKS, Azure ML, workspace storage, ACS).
  AZURE_CLIENT_ID: identity.outputs.clientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.outputs.clientId};Authorization=AAD'
  CLUSTERS: join(map(clusters, c => c.id), ',')
  WORKSPACES: join(map(workspaces, w => w.id), ',')
  SWEEP_SCHEDULE: sweepSchedule
  HANG_AFTER: hangAfter
  REPEAT_AFTER: repeatAfter
  DIGEST_SCHEDULE: digestSchedule
  REPORT_TIME_ZONE: reportTimeZone
  EVIDENCE_CONTAINER: evidenceContainer
  // Evidence bundles are archived in the app's own storage account; alerts link to it in the portal.
  EVIDENCE_STORAGE_ACCOUNT_ID: storage.outputs.id
  ACTION_SIGNING_KEY: keyVaultReference(vault.outputs.name, secretNames.actionSigningKey)
  ACTION_LINK_TTL: actionLinkTtl
}

var appSettingsEmail = emailEnabled
  ? {
      ACS_ENDPOINT: email!.outputs.endpoint
      ACS_SENDER_ADDRESS: email!.outputs.senderAddress
      EMAIL_RECIPIENTS: emailRecipients
    }
  : {}

var appSettingsTeams = !empty(teamsWebhookUrl)
  ? { TEAMS_WEBHOOK_URL: keyVaultReference(vault.outputs.name, secretNames.teamsWebhookUrl) }
  : {}

var appSettingsWebhook = !empty(webhookUrl)
  ? union(
      { WEBHOOK_URL: keyVaultReference(vault.outputs.name, secretNames.webhookUrl) },
      !empty(webhookSecret) ? { WEBHOOK_SECRET: keyVaultReference(vault.outputs.name, secretNames.webhookSecret) } : {}
    )
  : {}

var appSettingsChat = !empty(teamsOutgoingWebhookToken)
  ? {
      TEAMS_OUTGOING_WEBHOOK_TOKEN: keyVaultReference(vault.outputs.name, secretNames.teamsOutgoingWebhookToken)
    }
  : {}

module app 'core/host/functions-flexconsumption.bicep' = {
  name: 'app'
  scope: rg
  dependsOn: [rbac, clusterAccess, workspaceAccess, workspaceStorageAccess]
  params: {
    name: functionAppName
    planName: 'plan-amlmon-${resourceToken}'
    location: location
    tags: tags
    serviceName: serviceName
    identityId: identity.outputs.id
    storageBlobEndpoint: storage.outputs.blobEndpoint
    deploymentContainer: deploymentContainer
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    appSettings: union(appSettingsBase, appSettingsEmail, appSettingsTeams, appSettingsWebhook, appSettingsChat)
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Outputs: azd stores them in the environment; the post-deploy hook and docs/deploy.md use them
// ---------------------------------------------------------------------------------------------------------------

// The HTTP functions' routes (test/infra checks them against functions/): action links (functions/act.ts, ACT_ROUTE),
// the Teams outgoing webhook's callback (functions/chat.ts), and the base of the HTTP API (functions/api.ts, which
// needs a function key).
var actRoute = 'act'
var chatRoute = 'chat'
var apiRoutePrefix = 'api'

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_NAME string = app.outputs.name
output SERVICE_MONITOR_NAME string = app.outputs.name
output AMLMON_FUNCTION_APP_ID string = app.outputs.id
output AMLMON_IDENTITY_PRINCIPAL_ID string = identity.outputs.principalId
output AMLMON_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output AMLMON_KEY_VAULT_NAME string = vault.outputs.name
output AMLMON_STORAGE_ACCOUNT_ID string = storage.outputs.id
output AMLMON_DEADLETTER_CONTAINER string = deadLetterContainer
output AMLMON_EVENT_TOPICS array = concat(workspaceTopicRefs, storageTopicRefs, resourceGroupTopicRefs)
output AMLMON_KUBERNETES_RBAC_CLUSTERS array = map(kubernetesRbacClusters, c => c.id)
output AMLMON_EMAIL_SENDER string = emailEnabled ? email!.outputs.senderAddress : ''
output AMLMON_APP_URL string = 'https://${app.outputs.defaultHostName}'
output AMLMON_ACTION_URL string = 'https://${app.outputs.defaultHostName}/${apiRoutePrefix}/${actRoute}'
output AMLMON_CHAT_WEBHOOK_URL string = 'https://${app.outputs.defaultHostName}/${apiRoutePrefix}/${chatRoute}'
output AMLMON_API_URL string = 'https://${app.outputs.defaultHostName}/${apiRoutePrefix}'
