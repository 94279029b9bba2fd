// A custom role, assignable only where it is needed. Used where no built-in role is narrow enough: reading exactly
// the Kubernetes objects the collector reads, reading Azure ML deployments, sending email.
targetScope = 'subscription'

@description('Unique within the tenant; carries the environment name.')
param roleName string
param description string
param actions string[] = []
param dataActions string[] = []

@minLength(1)
param assignableScopes string[]

resource role 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(subscription().id, roleName)
  properties: {
    roleName: roleName
    description: description
    type: 'CustomRole'
    permissions: [
      {
        actions: actions
        notActions: []
        dataActions: dataActions
        notDataActions: []
      }
    ]
    assignableScopes: assignableScopes
  }
}

output id string = role.id
output roleDefinitionId string = role.name
