/**
 * Blob checks against real Azurite: a present blob is 200 with its size, a missing one 404, a folder model 200, a
 * SAS without read permission 403, an unreachable endpoint `status: null` with a one-line error; and the blobs a v1
 * service reads come from its `InitContainerConfig` ConfigMap.
 */
import { join } from 'node:path';
import {
  AccountSASPermissions,
  AccountSASResourceTypes,
  AccountSASServices,
  BlobServiceClient,
  generateAccountSASQueryParameters,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  blobCheckSuspected,
  blobServiceClient,
  buildLogBlob,
  checkBlobs,
  initContainerConfigPaths,
  readBuildLogBlob,
  v1BlobsToCheck,
  v2ModelBlob,
} from '../../shared/azureml/blobs.js';
import { loadBundle } from '../../shared/snapshot/bundle.js';
import { readdirSync, readFileSync } from 'node:fs';
import { readBuildLogEvidence } from '../../shared/diagnosis/buildlog/classify.js';
import { AZURITE_ACCOUNT, AZURITE_KEY, startAzurite, type AzuriteInstance } from '../../sim/azurite.js';

let azurite: AzuriteInstance;
const FIXTURES_ROOT = join(import.meta.dirname, '..', 'fixtures');
const MODEL = 'ExperimentRun/dcid.28lbtgl9v84r/outputs/model.pkl';

beforeAll(async () => {
  azurite = await startAzurite();
  const service = BlobServiceClient.fromConnectionString(azurite.connectionString);
  const c = service.getContainerClient('azureml');
  await c.create();
  await c.getBlockBlobClient(MODEL).upload('0123456789', 10);
  await c.getBlockBlobClient('models/fraud/3/model.onnx').upload('abc', 3);
  await c.getBlockBlobClient('models/fraud/3/labels.txt').upload('abcd', 4);
}, 60_000);

afterAll(async () => {
  await azurite?.stop();
});

describe('checkBlobs against Azurite', () => {
  it('reports a present blob as 200 with its size and a missing one as 404', async () => {
    const got = await checkBlobs({ kind: 'connectionString', connectionString: azurite.connectionString }, [
      { container: 'azureml', path: MODEL },
      { container: 'azureml', path: 'LocalUpload/gone/score.py' },
      { container: 'azureml', path: MODEL },
    ]);
    expect(got).toEqual([
      { container: 'azureml', path: MODEL, status: 200, size: 10 },
      { container: 'azureml', path: 'LocalUpload/gone/score.py', status: 404, size: null },
    ]);
  });

  it('counts a model folder as present, with the total size of its blobs', async () => {
    const got = await checkBlobs({ kind: 'connectionString', connectionString: azurite.connectionString }, [
      { container: 'azureml', path: 'models/fraud/3' },
      { container: 'azureml', path: 'models/fraud/4' },
    ]);
    expect(got.map((b) => [b.status, b.size])).toEqual([
      [200, 7],
      [404, null],
    ]);
  });

  it('reports 403 when the SAS lacks read permission', async () => {
    const sas = generateAccountSASQueryParameters(
      {
        expiresOn: new Date(Date.now() + 3600_000),
        permissions: AccountSASPermissions.parse('w'),
        resourceTypes: AccountSASResourceTypes.parse('sco').toString(),
        services: AccountSASServices.parse('b').toString(),
      },
      new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY),
    ).toString();
    const client = new BlobServiceClient(`${azurite.blobEndpoint}?${sas}`);
    const [got] = await checkBlobs({ kind: 'client', client }, [{ container: 'azureml', path: MODEL }]);
    expect(got).toEqual({ container: 'azureml', path: MODEL, status: 403, size: null });
  });

  it('reports an unreachable endpoint as status null with a one-line error, without throwing', async () => {
    const connectionString =
      `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};` +
      `BlobEndpoint=http://127.0.0.1:1/${AZURITE_ACCOUNT};`;
    const [got] = await checkBlobs({ kind: 'connectionString', connectionString }, [
      { container: 'azureml', path: MODEL },
    ]);
    expect(got?.status).toBeNull();
    expect(got?.size).toBeNull();
    expect(got?.error).toMatch(/ECONNREFUSED/);
    expect(got?.error).not.toMatch(/\n/);
    expect(got?.error).not.toContain(AZURITE_KEY);
  });
});

describe('where the credential may go', () => {
  const credential = { getToken: () => Promise.resolve(null) };
  it('builds the blob endpoint from the workspace storage account id', () => {
    const client = blobServiceClient({
      kind: 'credential',
      credential,
      storageAccountId:
        '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/contosoml4f2a',
    });
    expect(client.url).toBe('https://contosoml4f2a.blob.core.windows.net/');
  });

  it('refuses a storage account id that is not one, as status null entries', async () => {
    const got = await checkBlobs(
      { kind: 'credential', credential, storageAccountId: 'https://evil.example/x' },
      [{ container: 'azureml', path: MODEL }],
    );
    expect(got[0]?.status).toBeNull();
    expect(got[0]?.error).toMatch(/refusing to send the monitor's credential/);
  });
});

describe('which blobs a deployment reads', () => {
  it('v1: every Path of InitContainerConfig, models and dependencies', async () => {
    const snapshot = await loadBundle(
      join(
        import.meta.dirname,
        '..',
        'fixtures',
        'ModelMountFailure.VolumeDriverError.v1-blobcsi-key-rotated',
      ),
    );
    expect(v1BlobsToCheck(snapshot)).toEqual([
      { container: 'azureml', path: MODEL },
      { container: 'azureml', path: 'LocalUpload/lgkc7l56xmpc/tmpw7gx8z.py' },
    ]);
    expect(v1BlobsToCheck(snapshot, 'no-such-service')).toEqual([]);
  });

  it('parses InitContainerConfig defensively', () => {
    expect(initContainerConfigPaths('not json')).toEqual([]);
    expect(initContainerConfigPaths('{"Models":{"m:1":[{"Path":"a"},{}]},"Dependency":[null]}')).toEqual([
      'a',
    ]);
  });

  it('v2: a datastore URI maps to the datastore container, an https URI names its own', () => {
    const containers = (ds: string) => (ds === 'workspaceblobstore' ? 'azureml-blobstore-1a2b' : undefined);
    expect(
      v2ModelBlob(
        'azureml://subscriptions/s/resourcegroups/rg/workspaces/w/datastores/workspaceblobstore/paths/LocalUpload/abc/model/',
        containers,
      ),
    ).toEqual({ container: 'azureml-blobstore-1a2b', path: 'LocalUpload/abc/model' });
    expect(v2ModelBlob('https://acct.blob.core.windows.net/models/fraud/model.onnx', containers)).toEqual({
      container: 'models',
      path: 'fraud/model.onnx',
    });
    expect(v2ModelBlob('azureml://datastores/other/paths/x', containers)).toEqual({
      error: 'datastore other has no known container',
    });
  });
});

describe('when a blob check is worth doing', () => {
  const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
  const all = readdirSync(FIXTURES);
  const suspected = all.filter((n) =>
    /^(eval\.)?(ModelDownloadFailure\.|ModelMountFailure\.|ScoringInitFailure\.ModelFileNotFound\.)/.test(n),
  );
  const healthy = [
    'nearmiss.NodeFailure.NetworkUnavailable.flap-20s',
    'eval.nearmiss.CrashLoopBackOff.none.v2-one-restart-after-node-reboot',
    'nearmiss.ComputeAttachFailure.ComputeNotAccessible.failed-operation-older-than-last-success',
  ];

  it.each(suspected)('suspects a download, mount or model-file failure in %s', async (name) => {
    expect(blobCheckSuspected(await loadBundle(join(FIXTURES, name)))).toBe(true);
  });

  it.each(healthy)('does not in %s', async (name) => {
    expect(blobCheckSuspected(await loadBundle(join(FIXTURES, name)))).toBe(false);
  });

  // An image build failure's record says where the build log is ("workspace blob store", a SAS URL to
  // blob.core.windows.net): that blames neither the model nor the storage.
  it.each([
    'ImageBuildFailure.BuildTimeout.v1-context-deadline-exceeded',
    'ImageBuildFailure.BuildTimeout.v2-stops-at-pip-install',
  ])('does not for a record that only points at its build log (%s)', async (name) => {
    expect(blobCheckSuspected(await loadBundle(join(FIXTURES, name)))).toBe(false);
  });

  // A model version the registry does not hold: Azure ML refused it before any blob was read.
  it.each([
    'DeploymentRejected.InvalidSpec.v1-update-refused-old-revision-serves',
    'nearmiss.DeploymentRejected.InvalidSpec.failed-operation-older-than-last-success',
  ])('does not for a model version missing from the registry (%s)', async (name) => {
    const s = await loadBundle(join(FIXTURES, name));
    expect(s.service?.error?.message).toMatch(/^Model \S+ not found in workspace/);
    expect(blobCheckSuspected(s)).toBe(false);
    // The same record blaming the model's download does ask for the check.
    s.service!.error!.message = 'Model claims-triage-model:7 download failed';
    s.service!.operation = undefined;
    expect(blobCheckSuspected(s)).toBe(true);
  });

  it("does not for the router's own mount failure in another namespace (azureml-fe's TLS secret)", async () => {
    const s = await loadBundle(join(FIXTURES, 'FrontendUnhealthy.none.v1-tls-secret-missing'));
    expect(
      s.events.some((e) => e.reason === 'FailedMount' && e.involvedObject?.namespace === 'default'),
    ).toBe(true);
    expect(blobCheckSuspected(s)).toBe(false);
    // The same failure in the service's own namespace is a mount failure of the service: worth checking.
    s.meta.namespace = 'default';
    expect(blobCheckSuspected(s)).toBe(true);
  });
});

describe('where a build log is', () => {
  it('is the path the record names (v1 SAS URL, v2 blob store path), never the URL host', () => {
    expect(
      buildLogBlob({
        state: 'Failed',
        error: {
          message:
            'Please check the build log for details: https://evil.example/azureml/ImageLogs/00008f00005705080000/build.log?sv=x&sig=y',
        },
      }),
    ).toEqual({ container: 'azureml', path: 'ImageLogs/00008f00005705080000/build.log' });
    expect(
      buildLogBlob({
        flavor: 'v2',
        state: 'Failed',
        operation: {
          status: 'Failed',
          error: {
            message:
              "The build log is available in the workspace blob store 'contosoml1234' under the path '/azureml/ImageLogs/0400020000009204f00f/build.log'.",
          },
        },
      }),
    ).toEqual({ container: 'azureml', path: 'ImageLogs/0400020000009204f00f/build.log' });
  });

  it("is the image's log for a service not yet healthy, and none when nothing points at one", () => {
    expect(buildLogBlob({ state: 'Transitioning', imageId: 'churn-svc:12' })).toEqual({
      container: 'azureml',
      path: 'ImageLogs/churn-svc:12/build.log',
    });
    expect(buildLogBlob({ state: 'Healthy', imageId: 'churn-svc:12' })).toBeUndefined();
    expect(
      buildLogBlob({ state: 'Failed', error: { message: 'Failed building the Environment.' } }),
    ).toBeUndefined();
  });

  it('reads and classifies the log from storage; a missing log is no evidence and no gap', async () => {
    const access = { kind: 'connectionString' as const, connectionString: azurite.connectionString };
    const path = 'ImageLogs/0000aaaa/build.log';
    const log = join(
      FIXTURES_ROOT,
      'ImageBuildFailure.CondaResolveFailure.v1-resolve-package-not-found',
      'build.log',
    );
    const text = readFileSync(log);
    await BlobServiceClient.fromConnectionString(azurite.connectionString)
      .getContainerClient('azureml')
      .getBlockBlobClient(path)
      .upload(text, text.length);
    const read = await readBuildLogBlob(access, { container: 'azureml', path }, readBuildLogEvidence);
    expect(read.gap).toBeUndefined();
    expect(read.evidence?.source).toBe(`azureml/${path}`);
    expect(read.evidence?.classification).toMatchObject({ outcome: 'failed', detail: 'CondaResolveFailure' });
    expect(
      await readBuildLogBlob(
        access,
        { container: 'azureml', path: 'ImageLogs/none/build.log' },
        readBuildLogEvidence,
      ),
    ).toEqual({});
  });
});
