// Azure Communication Services with an Email Communication Service and a sender domain linked to it. By default the
// domain is Azure-managed (DoNotReply@<guid>.azurecomm.net, ready at once, low sending limits); pass the resource id of
// a verified custom domain (Microsoft.Communication/emailServices/domains) to send from your own domain instead.
param communicationServiceName string
param emailServiceName string
param tags object = {}

@description('Where ACS stores its data at rest; the email service and the linked domain must share it.')
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
param dataLocation string

@description('Resource id of a verified custom email domain to link instead of the Azure-managed one; empty for Azure-managed.')
param customDomainId string = ''

@description('Local part of the sender address on a custom domain (it must exist as a sender username there). An Azure-managed domain always sends as DoNotReply.')
@minLength(1)
param senderUsername string = 'DoNotReply'

var useCustomDomain = !empty(customDomainId)
var customDomainParts = split(customDomainId, '/')

resource emailService 'Microsoft.Communication/emailServices@2023-04-01' = if (!useCustomDomain) {
  name: emailServiceName
  location: 'global'
  tags: tags
  properties: { dataLocation: dataLocation }
}

resource managedDomain 'Microsoft.Communication/emailServices/domains@2023-04-01' = if (!useCustomDomain) {
  parent: emailService
  name: 'AzureManagedDomain'
  location: 'global'
  tags: tags
  properties: {
    domainManagement: 'AzureManaged'
    userEngagementTracking: 'Disabled'
  }
}

resource customDomain 'Microsoft.Communication/emailServices/domains@2023-04-01' existing = if (useCustomDomain) {
  scope: resourceGroup(customDomainParts[2], customDomainParts[4])
  name: '${customDomainParts[8]}/${last(customDomainParts)}'
}

resource communication 'Microsoft.Communication/communicationServices@2023-04-01' = {
  name: communicationServiceName
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
    linkedDomains: [useCustomDomain ? customDomainId : managedDomain.id]
  }
}

output communicationServiceId string = communication.id
output communicationServiceName string = communication.name
output endpoint string = 'https://${communication.properties.hostName}'
output senderAddress string = useCustomDomain
  ? '${senderUsername}@${customDomain!.properties.mailFromSenderDomain}'
  : 'DoNotReply@${managedDomain!.properties.mailFromSenderDomain}'
