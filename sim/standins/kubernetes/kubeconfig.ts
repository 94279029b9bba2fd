/** Writes the kubeconfig a client (client-node, kubectl) uses to reach the scenario cluster. */
import { writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';

export interface KubeconfigOptions {
  server: string;
  caCert: string;
  token: string;
  contextName: string;
  namespace?: string;
}

export function kubeconfigYaml(o: KubeconfigOptions): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: o.contextName,
        cluster: { server: o.server, 'certificate-authority-data': Buffer.from(o.caCert).toString('base64') },
      },
    ],
    users: [{ name: `${o.contextName}-reader`, user: { token: o.token } }],
    contexts: [
      {
        name: o.contextName,
        context: {
          cluster: o.contextName,
          user: `${o.contextName}-reader`,
          ...(o.namespace ? { namespace: o.namespace } : {}),
        },
      },
    ],
    'current-context': o.contextName,
    preferences: {},
  });
}

export async function writeKubeconfig(path: string, o: KubeconfigOptions): Promise<void> {
  // 0600: the file holds a bearer token, like a real kubeconfig.
  await writeFile(path, kubeconfigYaml(o), { mode: 0o600 });
}
