// Signing in: kubeconfig targets (file, text, context) and AKS with an Entra ID token injected without kubelogin.
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AKS_SCOPE,
  KubeconfigError,
  aksTarget,
  collectSnapshot,
  loadKubeconfigTarget,
} from '../../shared/cluster/index.js';
import { startScenarioCluster, type ScenarioCluster } from '../../sim/standins/kubernetes/index.js';

const V1 = join(import.meta.dirname, 'fixtures', 'v1-crashloop');
const NS = 'azureml-myws';
const RESOURCE_ID =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks1';

/** A hand-written credential (no mocks): hands out numbered tokens with a chosen lifetime and counts the calls. */
class CountingCredential implements TokenCredential {
  calls = 0;
  scopes: string[] = [];
  constructor(
    private readonly lifetimeMs: number,
    private readonly fail = false,
  ) {}
  async getToken(scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken | null> {
    this.calls++;
    this.scopes.push(...(Array.isArray(scopes) ? scopes : [scopes]));
    if (this.fail) {
      throw Object.assign(new Error('ManagedIdentityCredential: no identity endpoint'), {
        name: 'CredentialUnavailableError',
      });
    }
    return { token: `entra-token-${this.calls}`, expiresOnTimestamp: Date.now() + this.lifetimeMs };
  }
}

let cluster: ScenarioCluster;
let dir: string;
/** What ARM's listClusterUserCredentials returns for an Entra ID cluster: an exec (kubelogin) user. */
let armKubeconfig: string;

beforeAll(async () => {
  cluster = await startScenarioCluster({
    bundles: [V1],
    tokens: ['entra-token-1', 'entra-token-2', 'entra-token-3'],
  });
  dir = await mkdtemp(join(tmpdir(), 'amlmon-auth-'));
  const kc = parse(await readFile(cluster.kubeconfigPath, 'utf8')) as {
    users: Array<{ name: string; user: Record<string, unknown> }>;
  };
  kc.users = [
    {
      name: 'clusterUser_rg_aks1',
      user: {
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1beta1',
          command: '/nonexistent/kubelogin',
          args: ['get-token', '--server-id', '6dae42f8-4368-4678-94ff-3960e28e3630'],
        },
      },
    },
  ];
  const ctx = kc as unknown as { contexts: Array<{ context: { user: string } }> };
  for (const c of ctx.contexts) c.context.user = 'clusterUser_rg_aks1';
  armKubeconfig = stringify(kc);
});

afterAll(async () => {
  await cluster.close();
  await rm(dir, { recursive: true, force: true });
});

describe('loadKubeconfigTarget', () => {
  it('reads a file or YAML text and honours --context', async () => {
    const fromFile = loadKubeconfigTarget({ kubeconfig: cluster.kubeconfigPath, context: 'scenario' });
    expect(fromFile.name).toBe('scenario');
    const text = await readFile(cluster.kubeconfigPath, 'utf8');
    const fromText = loadKubeconfigTarget({ kubeconfig: text });
    const s = await collectSnapshot(fromText, { namespace: NS, service: 'my-svc' });
    expect(s.pods).toHaveLength(1);
  });

  it('gives clear errors for a missing file, a broken file and an unknown context', async () => {
    expect(() => loadKubeconfigTarget({ kubeconfig: join(dir, 'missing') })).toThrow(
      /cannot read kubeconfig .*ENOENT/,
    );
    const broken = join(dir, 'broken');
    await writeFile(broken, 'clusters: [unclosed\n');
    expect(() => loadKubeconfigTarget({ kubeconfig: broken })).toThrow(KubeconfigError);
    expect(() => loadKubeconfigTarget({ kubeconfig: cluster.kubeconfigPath, context: 'prod' })).toThrow(
      /context "prod" is not in .* \(it has: scenario\)/,
    );
  });
});

describe('aksTarget', () => {
  it('signs in with an Entra ID token for the AKS scope, without spawning kubelogin, and caches it', async () => {
    const credential = new CountingCredential(60 * 60_000);
    let fetches = 0;
    const target = aksTarget({
      resourceId: RESOURCE_ID,
      credential,
      fetchCredentials: async (id) => {
        fetches++;
        expect(id).toBe(RESOURCE_ID);
        return armKubeconfig;
      },
    });
    cluster.requests.reset();
    const first = await collectSnapshot(target, { namespace: NS, service: 'my-svc' });
    const second = await collectSnapshot(target, { namespace: NS, service: 'my-svc' });
    expect(first.meta.clusterError).toBeUndefined();
    expect(first.pods).toHaveLength(1);
    expect(second.logs.size).toBe(1);
    expect(cluster.requests.total).toBeGreaterThanOrEqual(10);
    // Every request was let in (the bundle has no router: its 404 is the only non-200).
    expect(cluster.requests.entries.filter((r) => r.outcome !== 200).map((r) => r.path)).toEqual([
      '/apis/apps/v1/namespaces/default/deployments/azureml-fe',
      '/apis/apps/v1/namespaces/default/deployments/azureml-fe',
    ]);
    expect(credential.calls).toBe(1);
    expect(credential.scopes).toEqual([AKS_SCOPE]);
    expect(fetches).toBe(1);
  });

  it('refreshes the token shortly before it expires', async () => {
    // Lifetime below the refresh margin: every request finds the token due for renewal.
    const credential = new CountingCredential(60_000);
    const target = aksTarget({
      resourceId: RESOURCE_ID,
      credential,
      fetchCredentials: async () => armKubeconfig,
      refreshMarginMs: 5 * 60_000,
    });
    cluster.setTokens(['entra-token-1', 'entra-token-2', 'entra-token-3', 'entra-token-4', 'entra-token-5']);
    const s = await collectSnapshot(target, { namespace: NS, service: 'my-svc' });
    cluster.setTokens([cluster.token]);
    expect(s.meta.clusterError).toBeUndefined();
    expect(credential.calls).toBeGreaterThan(1);
  });

  it('reports a credential that cannot sign in as ClusterUnreachable/SignInFailed data', async () => {
    const target = aksTarget({
      resourceId: RESOURCE_ID,
      credential: new CountingCredential(0, true),
      fetchCredentials: async () => armKubeconfig,
    });
    const s = await collectSnapshot(target, { namespace: NS, service: 'my-svc' });
    expect(s.meta.clusterError?.kind).toBe('SignInFailed');
    expect(s.meta.gaps?.[0]).toMatch(/^sign-in: sign-in failed \(CredentialUnavailableError\)/);
  });

  it('reports ARM refusing the credentials listing as Forbidden', async () => {
    const target = aksTarget({
      resourceId: RESOURCE_ID,
      credential: new CountingCredential(60 * 60_000),
      fetchCredentials: async () => {
        throw Object.assign(
          new Error('does not have authorization to perform action listClusterUserCredential'),
          {
            name: 'RestError',
            statusCode: 403,
          },
        );
      },
    });
    const s = await collectSnapshot(target, { namespace: NS, service: 'my-svc' });
    expect(s.meta.clusterError?.kind).toBe('Forbidden');
  });

  it('refuses a malformed resource id at once', () => {
    expect(() =>
      aksTarget({ resourceId: '/subscriptions/x/aks1', credential: new CountingCredential(1) }),
    ).toThrow(/not an AKS resource id/);
  });
});

describe('loadKubeconfigTarget with kubeconfig text from a setting', () => {
  it('accepts the JSON form and never echoes a value that may hold a token', async () => {
    const kc = parse(await readFile(cluster.kubeconfigPath, 'utf8')) as object;
    const target = loadKubeconfigTarget({ kubeconfig: JSON.stringify(kc) });
    expect((await collectSnapshot(target, { namespace: NS, service: 'my-svc' })).pods).toHaveLength(1);
    const broken = 'users: [{name: x, user: {token: s3cr3t-value}}]';
    expect(() => loadKubeconfigTarget({ kubeconfig: broken })).toThrow(/the --kubeconfig value/);
    expect(() => loadKubeconfigTarget({ kubeconfig: broken })).not.toThrow(/s3cr3t/);
  });
});
