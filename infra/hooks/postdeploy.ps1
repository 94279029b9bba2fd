# azd post-deploy hook for Windows: the same two steps as postdeploy.sh (Event Grid subscriptions once the functions
# are published; infra/rbac.yaml on clusters with Kubernetes RBAC through az aks command invoke).
$ErrorActionPreference = 'Stop'
$infra = Split-Path -Parent $PSScriptRoot

foreach ($name in 'AZURE_ENV_NAME', 'AZURE_LOCATION', 'AMLMON_FUNCTION_APP_ID', 'AMLMON_STORAGE_ACCOUNT_ID',
  'AMLMON_DEADLETTER_CONTAINER', 'AMLMON_IDENTITY_PRINCIPAL_ID') {
  if (-not [Environment]::GetEnvironmentVariable($name)) { throw "postdeploy: $name is not set; run 'azd provision' first" }
}
$topicsJson = if ($env:AMLMON_EVENT_TOPICS) { $env:AMLMON_EVENT_TOPICS } else { '[]' }
$clustersJson = if ($env:AMLMON_KUBERNETES_RBAC_CLUSTERS) { $env:AMLMON_KUBERNETES_RBAC_CLUSTERS } else { '[]' }
$topics = @(ConvertFrom-Json $topicsJson)
$clusters = @(ConvertFrom-Json $clustersJson)

if ($topics.Count -gt 0) {
  Write-Host "postdeploy: creating Event Grid subscriptions on $($topics.Count) system topic(s)"
  $paramsFile = New-TemporaryFile
  @{
    '$schema' = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#'
    contentVersion = '1.0.0.0'
    parameters = @{
      functionAppId = @{ value = $env:AMLMON_FUNCTION_APP_ID }
      topics = @{ value = $topics }
      deadLetterStorageId = @{ value = $env:AMLMON_STORAGE_ACCOUNT_ID }
      deadLetterContainer = @{ value = $env:AMLMON_DEADLETTER_CONTAINER }
    }
  } | ConvertTo-Json -Depth 6 | Set-Content -Path $paramsFile
  for ($attempt = 1; ; $attempt++) {
    az deployment sub create --name "amlmon-events-$($env:AZURE_ENV_NAME)" --location $env:AZURE_LOCATION `
      --template-file (Join-Path $infra 'events.bicep') --parameters "@$paramsFile" --only-show-errors --output none
    if ($LASTEXITCODE -eq 0) { break }
    if ($attempt -ge 5) { throw "postdeploy: Event Grid subscriptions failed $attempt times; rerun with 'azd hooks run postdeploy'" }
    Write-Host "postdeploy: retrying in 30 s (attempt $($attempt + 1) of 5)"
    Start-Sleep -Seconds 30
  }
  Remove-Item $paramsFile
} else {
  Write-Host 'postdeploy: no workspaces, so no Event Grid subscriptions (the timer sweep still runs)'
}

foreach ($cluster in $clusters) {
  $parts = $cluster.Split('/')
  $work = New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) ([Guid]::NewGuid()))
  (Get-Content (Join-Path $infra 'rbac.yaml') -Raw).Replace('00000000-0000-0000-0000-000000000000', $env:AMLMON_IDENTITY_PRINCIPAL_ID) |
    Set-Content -Path (Join-Path $work 'rbac.yaml')
  Write-Host "postdeploy: applying infra/rbac.yaml on $($parts[8]) (Kubernetes RBAC)"
  Push-Location $work
  az aks command invoke --subscription $parts[2] --resource-group $parts[4] --name $parts[8] `
    --command 'kubectl apply -f rbac.yaml' --file rbac.yaml --only-show-errors --output none
  $code = $LASTEXITCODE
  Pop-Location
  Remove-Item -Recurse $work
  if ($code -ne 0) { throw "postdeploy: could not apply RBAC on $($parts[8]); apply infra/rbac.yaml with cluster-admin rights" }
}

Write-Host "postdeploy: done. Action links: $($env:AMLMON_ACTION_URL)  Chat webhook: $($env:AMLMON_CHAT_WEBHOOK_URL)"
