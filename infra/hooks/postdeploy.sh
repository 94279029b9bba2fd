#!/bin/sh
# azd post-deploy hook: runs after `azd deploy` has published the functions, with the azd environment (including
# main.bicep's outputs) in its environment.
#  1. Creates the Event Grid subscriptions (infra/events.bicep). They target functions by resource id, which Event
#     Grid validates, so they can only be created once the code is published.
#  2. On clusters with Kubernetes RBAC, applies infra/rbac.yaml bound to the app identity's object id through the AKS
#     run-command API (az aks command invoke), which needs no network path to the API server. This needs the
#     deployer to be allowed to create a ClusterRole and ClusterRoleBinding on that cluster.
set -eu

here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
infra=$(dirname -- "$here")

need() {
  eval "value=\${$1:-}"
  if [ -z "$value" ]; then
    echo "postdeploy: $1 is not set; run 'azd provision' first" >&2
    exit 1
  fi
}
need AZURE_ENV_NAME
need AZURE_LOCATION
need AMLMON_FUNCTION_APP_ID
need AMLMON_STORAGE_ACCOUNT_ID
need AMLMON_DEADLETTER_CONTAINER
need AMLMON_IDENTITY_PRINCIPAL_ID

topics=${AMLMON_EVENT_TOPICS:-[]}
retry_seconds=${AMLMON_POSTDEPLOY_RETRY_SECONDS:-30}
clusters=${AMLMON_KUBERNETES_RBAC_CLUSTERS:-[]}

# JSON arrays from azd outputs, one element per line (Node is already required to build the app).
lines() {
  node -e 'for (const x of JSON.parse(process.argv[1])) console.log(typeof x === "string" ? x : JSON.stringify(x))' "$1"
}

# 1. Event Grid subscriptions.
if [ "$(lines "$topics" | wc -l)" -gt 0 ]; then
  echo "postdeploy: creating Event Grid subscriptions on $(lines "$topics" | wc -l) system topic(s)"
  attempt=1
  # The host indexes newly published functions within a minute or two; retry until Event Grid can see them.
  until az deployment sub create \
    --name "amlmon-events-$AZURE_ENV_NAME" \
    --location "$AZURE_LOCATION" \
    --template-file "$infra/events.bicep" \
    --parameters functionAppId="$AMLMON_FUNCTION_APP_ID" \
    --parameters topics="$topics" \
    --parameters deadLetterStorageId="$AMLMON_STORAGE_ACCOUNT_ID" \
    --parameters deadLetterContainer="$AMLMON_DEADLETTER_CONTAINER" \
    --only-show-errors --output none; do
    if [ "$attempt" -ge 5 ]; then
      echo "postdeploy: Event Grid subscriptions failed $attempt times; rerun with 'azd hooks run postdeploy'" >&2
      exit 1
    fi
    attempt=$((attempt + 1))
    echo "postdeploy: retrying in $retry_seconds s (attempt $attempt of 5)"
    sleep "$retry_seconds"
  done
else
  echo "postdeploy: no workspaces, so no Event Grid subscriptions (the timer sweep still runs)"
fi

# 2. Kubernetes RBAC clusters: the read-only ClusterRole and its binding to the app identity.
lines "$clusters" | while IFS= read -r cluster; do
  [ -n "$cluster" ] || continue
  group=$(echo "$cluster" | cut -d/ -f5)
  name=$(echo "$cluster" | cut -d/ -f9)
  subscription=$(echo "$cluster" | cut -d/ -f3)
  work=$(mktemp -d)
  sed "s/00000000-0000-0000-0000-000000000000/$AMLMON_IDENTITY_PRINCIPAL_ID/" "$infra/rbac.yaml" >"$work/rbac.yaml"
  echo "postdeploy: applying infra/rbac.yaml on $name (Kubernetes RBAC)"
  if ! (cd "$work" && az aks command invoke --subscription "$subscription" --resource-group "$group" --name "$name" \
    --command 'kubectl apply -f rbac.yaml' --file rbac.yaml --only-show-errors --output none); then
    echo "postdeploy: could not apply RBAC on $name; apply it yourself with cluster-admin rights:" >&2
    echo "  sed 's/00000000-0000-0000-0000-000000000000/$AMLMON_IDENTITY_PRINCIPAL_ID/' infra/rbac.yaml | kubectl apply -f -" >&2
    rm -rf "$work"
    exit 1
  fi
  rm -rf "$work"
done

echo "postdeploy: done. Action links: ${AMLMON_ACTION_URL:-?}  Chat webhook: ${AMLMON_CHAT_WEBHOOK_URL:-?}"
