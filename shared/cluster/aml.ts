/**
 * What marks an Azure ML deployment on a cluster (v1 `AksWebservice`, v2 Kubernetes online endpoints): v1 services carry `isazuremlapp=true`,
 * v2 online deployments the `ml.azure.com/*` labels. Also the front end each flavour routes through, and how a
 * Deployment's selector becomes a `labelSelector` query.
 */
import type { V1Deployment, V1LabelSelector } from '@kubernetes/client-node';
import type { DeploymentFlavor } from './types.js';

export const V1_APP_LABEL = 'isazuremlapp';
export const V2_ENDPOINT_LABEL = 'ml.azure.com/endpoint-name';
export const V2_DEPLOYMENT_LABEL = 'ml.azure.com/deployment-name';

export const V1_SELECTOR = `${V1_APP_LABEL}=true`;
/** Existence selector: every v2 online deployment carries its deployment name. */
export const V2_SELECTOR = V2_DEPLOYMENT_LABEL;

/** The router every request to a service passes; when it is down, healthy pods still fail requests. */
export const FRONTENDS: Record<DeploymentFlavor, { namespace: string; name: string }> = {
  v1: { namespace: 'default', name: 'azureml-fe' },
  v2: { namespace: 'azureml', name: 'azureml-fe-v2' },
};

/** v1 init configuration lives in a ConfigMap named by this env var; v2 uses this init container. */
export const V1_INIT_CONFIG_ENV = 'InitContainerConfig';
export const V2_STORAGE_INITIALIZER = 'storageinitializer-modeldata';

function labelsOf(d: V1Deployment): Record<string, string> {
  return { ...(d.spec?.template?.metadata?.labels ?? {}), ...(d.metadata?.labels ?? {}) };
}

export function flavorOf(d: V1Deployment): DeploymentFlavor | undefined {
  const labels = labelsOf(d);
  if (labels[V2_DEPLOYMENT_LABEL] !== undefined || labels[V2_ENDPOINT_LABEL] !== undefined) return 'v2';
  if (labels[V1_APP_LABEL] === 'true') return 'v1';
  return undefined;
}

export function v2Names(d: V1Deployment): { endpoint?: string; deploymentName?: string } {
  const labels = labelsOf(d);
  return { endpoint: labels[V2_ENDPOINT_LABEL], deploymentName: labels[V2_DEPLOYMENT_LABEL] };
}

/** `{matchLabels, matchExpressions}` → `a=b,c in (d,e),!f`; `undefined` when the selector selects nothing usable. */
export function labelSelectorQuery(selector: V1LabelSelector | undefined): string | undefined {
  if (!selector) return undefined;
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) {
    const values = (e.values ?? []).join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.length > 0 ? parts.join(',') : undefined;
}

/** The pods of a service: the Deployment's selector, narrowed to Azure ML pods for v1 as the label says. */
export function podSelectorOf(d: V1Deployment): string | undefined {
  const query = labelSelectorQuery(d.spec?.selector);
  if (!query) return undefined;
  if (flavorOf(d) === 'v1' && !query.split(',').includes(V1_SELECTOR)) {
    const templateLabels = d.spec?.template?.metadata?.labels ?? {};
    if (templateLabels[V1_APP_LABEL] === 'true') return `${query},${V1_SELECTOR}`;
  }
  return query;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Names of the objects a Deployment owns, by the controller's naming scheme (`<name>-<hash>` ReplicaSets,
 * `<name>-<hash>-<suffix>` pods), so namespace events can be narrowed to one service even for pods already gone.
 */
export function ownedNamePatterns(name: string): { replicaSet: RegExp; pod: RegExp } {
  const base = escapeRegExp(name);
  return { replicaSet: new RegExp(`^${base}-[a-z0-9]+$`), pod: new RegExp(`^${base}-[a-z0-9]+-[a-z0-9]+$`) };
}
