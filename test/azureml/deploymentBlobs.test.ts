/**
 * The blob checks of one deployment as the CLI and the sweep run them (shared/azureml/deploymentBlobs.ts): bounded
 * in number and time, what is left unchecked named as a gap, the account the workspace's own.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDeploymentBlobs, workspaceBlobAccess } from '../../shared/azureml/deploymentBlobs.js';
import type { AmlDeploymentRecord } from '../../shared/azureml/reader.js';
import { loadBundle } from '../../shared/snapshot/bundle.js';
import { AZURITE_ACCOUNT, AZURITE_KEY, startAzurite, type AzuriteInstance } from '../../sim/azurite.js';

const V1 = join(
  import.meta.dirname,
  '..',
  'fixtures',
  'ScoringInitFailure.ModelFileNotFound.v1-get-model-path',
);
const V1_MODEL = 'ExperimentRun/dcid.6962pbpwkjt4/outputs/model.pkl';
const mnist: AmlDeploymentRecord = { flavor: 'v1', service: 'mnist-svc', record: { name: 'mnist-svc' } };
const noModelLookup = () => Promise.reject(new Error('v1 reads no model version'));

let azurite: AzuriteInstance;
/** Accepts connections and never answers: a storage account that hangs. */
let silent: Server;
const sockets: Socket[] = [];

beforeAll(async () => {
  azurite = await startAzurite();
  const c = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient('azureml');
  await c.create();
  await c.getBlockBlobClient(V1_MODEL).upload('m'.repeat(32), 32);
  silent = createServer((s) => sockets.push(s));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
}, 60_000);

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => silent?.close(resolve));
  await azurite?.stop();
});

describe('checkDeploymentBlobs', () => {
  it('checks at most maxBlobs and names the rest as a gap', async () => {
    const snapshot = await loadBundle(V1);
    const gaps = await checkDeploymentBlobs(snapshot, mnist, {
      clusterRead: true,
      modelBlob: noModelLookup,
      access: () => ({ kind: 'connectionString', connectionString: azurite.connectionString }),
      limits: { maxBlobs: 1, timeoutMs: 10_000 },
    });
    expect(snapshot.blobs).toEqual([{ container: 'azureml', path: V1_MODEL, status: 200, size: 32 }]);
    expect(gaps).toEqual([
      'blobs: 2 blobs listed; the first 1 were checked, not LocalUpload/w6tpcbpgwjwz/tmpmxz672.py',
    ]);
  });

  it('gives up on a storage account that does not answer within the time limit, as unchecked entries', async () => {
    const snapshot = await loadBundle(V1);
    const port = (silent.address() as AddressInfo).port;
    const connectionString =
      `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};` +
      `BlobEndpoint=http://127.0.0.1:${port}/${AZURITE_ACCOUNT};`;
    const started = Date.now();
    await checkDeploymentBlobs(snapshot, mnist, {
      clusterRead: true,
      modelBlob: noModelLookup,
      access: () => ({ kind: 'connectionString', connectionString }),
      limits: { maxBlobs: 20, timeoutMs: 300 },
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(snapshot.blobs?.map((b) => [b.status, b.error])).toEqual([
      [null, 'not checked: no answer within 300 ms'],
      [null, 'not checked: no answer within 300 ms'],
    ]);
  });

  it('v1 whose Deployment the cluster does not show: no blobs.json (nothing lists its blobs), not an empty one', async () => {
    const snapshot = await loadBundle(V1);
    const gaps = await checkDeploymentBlobs(
      snapshot,
      { ...mnist, service: 'other-svc' },
      {
        clusterRead: true,
        modelBlob: noModelLookup,
        access: () => ({ kind: 'connectionString', connectionString: azurite.connectionString }),
      },
    );
    expect(gaps).toEqual([]);
    expect(snapshot.blobs).toBeUndefined();
  });

  it('v1 without the cluster half: nothing checked, nothing claimed', async () => {
    const snapshot = await loadBundle(V1);
    const gaps = await checkDeploymentBlobs(snapshot, mnist, {
      clusterRead: false,
      modelBlob: noModelLookup,
      access: () => {
        throw new Error('no storage access needed');
      },
    });
    expect(gaps).toEqual([]);
    expect(snapshot.blobs).toBeUndefined();
  });

  it('v2: a model version that cannot be looked up is a gap, not a check', async () => {
    const snapshot = await loadBundle(V1);
    const gaps = await checkDeploymentBlobs(
      snapshot,
      { flavor: 'v2', service: 'ep-blue', record: { name: 'blue', model: 'tax-model:9' } },
      {
        clusterRead: true,
        modelBlob: () =>
          Promise.resolve({ value: undefined, gaps: ['azureml model tax-model:9: 404 NotFound'] }),
        access: () => ({ kind: 'connectionString', connectionString: azurite.connectionString }),
      },
    );
    expect(gaps).toEqual(['azureml model tax-model:9: 404 NotFound']);
    expect(snapshot.blobs).toBeUndefined();
  });
});

describe('workspaceBlobAccess', () => {
  it("is the workspace's own storage account from its ARM facts, with the host's credential", () => {
    const credential = { getToken: () => Promise.resolve(null) };
    const storageAccount =
      '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/taxwsstorage';
    expect(
      workspaceBlobAccess(
        {
          ref: { subscriptionId: 's', resourceGroup: 'rg', workspace: 'tax-ws' },
          storageAccount,
          computes: [],
        },
        credential,
      ),
    ).toEqual({ kind: 'credential', credential, storageAccountId: storageAccount });
  });
});
