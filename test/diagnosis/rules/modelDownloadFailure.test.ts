import { describe, expect, it } from 'vitest';
import { modelDownloadFailure } from '../../../shared/diagnosis/rules/modelDownloadFailure.js';
import { logKey } from '../../../shared/snapshot/types.js';
import { contextOf, evidenceText, fixturesOf, run } from './podRuleHarness.js';

interface Case {
  detail: 'StorageAccessDenied' | 'BlobNotFound' | 'InitContainerFailed';
  title: RegExp;
  evidence: string[];
  remedy: RegExp;
}

const CASES: Record<string, Case> = {
  'ModelDownloadFailure.StorageAccessDenied.v2-rbac-permission-mismatch': {
    detail: 'StorageAccessDenied',
    title: /^Model download denied by storage account contosoml1234: AuthorizationPermissionMismatch$/,
    evidence: [
      'Init:CrashLoopBackOff; last run exited with code 1 (Error)',
      '5 restart(s)',
      'not authorized to perform this operation using this permission. (ErrorCode: AuthorizationPermissionMismatch)',
    ],
    remedy:
      /Storage Blob Data Reader[\s\S]*az ml online-endpoint show -n fraud-endpoint --query identity\.principal_id/,
  },
  'ModelDownloadFailure.StorageAccessDenied.v2-storage-firewall': {
    detail: 'StorageAccessDenied',
    title: /refused by storage account contosoml1234: AuthorizationFailure \(network rules\)$/,
    evidence: ['Init:Error; last run exited with code 1', 'AuthorizationFailure'],
    remedy: /az storage account network-rule add -n contosoml1234/,
  },
  'ModelDownloadFailure.BlobNotFound.v2-model-blob-deleted': {
    detail: 'BlobNotFound',
    title:
      /^Model blob not found: https:\/\/contosoml1234\.blob\.core\.windows\.net\/azureml\/LocalUpload\/5b1f0c2a\/ocr_model\/weights\.onnx$/,
    evidence: ['The specified blob does not exist.', 'LocalUpload/5b1f0c2a/ocr_model/weights.onnx'],
    remedy:
      /--container-name azureml --name LocalUpload\/5b1f0c2a\/ocr_model\/weights\.onnx[\s\S]*az ml model create/,
  },
  'ModelDownloadFailure.BlobNotFound.v2-manifest-missing': {
    detail: 'BlobNotFound',
    title:
      /^Model manifest not found: https:\/\/contosoml1234\.blob\.core\.windows\.net\/azureml\/prod_model_config_map\.json_[0-9a-f-]+$/,
    evidence: ['HTTP 404 (The specified blob does not exist.)', 'Init:Error; last run exited with code 2'],
    remedy: /az ml online-deployment update -e price-endpoint -n prod/,
  },
  'ModelDownloadFailure.InitContainerFailed.v2-no-space-left': {
    detail: 'InitContainerFailed',
    title:
      /^Model download failed: storageinitializer-modeldata exited with code 1: OSError: \[Errno 28\] No space left on device/,
    evidence: ['No space left on device', 'Init:CrashLoopBackOff'],
    remedy: /larger OS disk/,
  },
  'ModelDownloadFailure.InitContainerFailed.v2-identity-proxy-refused': {
    detail: 'InitContainerFailed',
    title: /exited with code 1: .*Failed to get token from identity sidecar/,
    evidence: ['Connection refused', 'Init:Error'],
    remedy: /amlarc-identity[\s\S]*arcml-healthcheck/,
  },
  // blobs.json (the monitor's own check) decides where the log says nothing.
  'ModelDownloadFailure.BlobNotFound.v2-no-logs-blobs-json-404': {
    detail: 'BlobNotFound',
    title: /^Model blob not found: azureml\/LocalUpload\/8c1f2e3d\/tax-model\/model\.onnx$/,
    evidence: ['blobs.json: azureml/LocalUpload/8c1f2e3d/tax-model/model.onnx 404', 'Init:CrashLoopBackOff'],
    remedy:
      /--container-name azureml --name LocalUpload\/8c1f2e3d\/tax-model\/model\.onnx[\s\S]*az ml model create/,
  },
  'ModelDownloadFailure.BlobNotFound.v2-datastore-folder-deleted': {
    detail: 'BlobNotFound',
    title: /^Model blob not found: azureml-blobstore-7d2e9f10-[0-9a-f-]+\/azureml\/[0-9a-f-]+\/tax-model$/,
    evidence: ['blobs.json: azureml-blobstore-7d2e9f10-3c4b-4a5d-8e6f-0a1b2c3d4e5f/azureml/'],
    remedy:
      /--container-name azureml-blobstore-7d2e9f10-3c4b-4a5d-8e6f-0a1b2c3d4e5f --name azureml\/00000000/,
  },
  'ModelDownloadFailure.InitContainerFailed.v2-no-logs-model-present-200': {
    detail: 'InitContainerFailed',
    title: /exited with code 1 \(no log captured\)$/,
    evidence: ['blobs.json: azureml/LocalUpload/8c1f2e3d/tax-model/model.onnx 200 (48213776 bytes)'],
    remedy: /get-logs/,
  },
};

const { triggers, nearMisses } = fixturesOf('ModelDownloadFailure');

describe('modelDownloadFailure over its fixtures', () => {
  it('has a case for every triggering fixture', () => {
    expect(triggers.sort()).toEqual(Object.keys(CASES).sort());
    expect(nearMisses.length).toBeGreaterThanOrEqual(3);
  });

  it.each(Object.entries(CASES))('%s', async (name, c) => {
    const findings = await run(modelDownloadFailure, name);
    expect(findings).toHaveLength(1);
    const f = findings[0]!;
    expect(f.code).toBe('ModelDownloadFailure');
    expect(f.detail).toBe(c.detail);
    expect(f.stage).toBe('mount');
    expect(f.title).toMatch(c.title);
    for (const e of c.evidence) expect(evidenceText(f)).toContain(e);
    expect(f.remedy.join('\n')).toMatch(c.remedy);
  });

  it.each(nearMisses)('%s: no finding', async (name) => {
    expect(await run(modelDownloadFailure, name)).toEqual([]);
  });
});

describe('modelDownloadFailure judgement', () => {
  it('never lets a SAS signature through: titles and remedies drop the query, evidence redacts it', async () => {
    for (const name of [
      'ModelDownloadFailure.BlobNotFound.v2-manifest-missing',
      'ModelDownloadFailure.BlobNotFound.v2-model-blob-deleted',
    ]) {
      const [f] = await run(modelDownloadFailure, name);
      const all = [f!.title, f!.explanation, ...f!.remedy, evidenceText(f!)].join('\n');
      expect(all).not.toMatch(/sig=(?!\[REDACTED\])/);
      expect(f!.title).not.toContain('?');
    }
  });

  it('an init container running again after only one failure is still retrying, not failed', async () => {
    const ctx = await contextOf('ModelDownloadFailure.StorageAccessDenied.v2-rbac-permission-mismatch');
    const s = ctx.target.pods[0]!.status!.initContainerStatuses![0]!;
    s.state = { running: { startedAt: ctx.now } };
    s.restartCount = 1;
    expect(modelDownloadFailure.diagnose(ctx)).toEqual([]);
    s.restartCount = 4;
    expect(modelDownloadFailure.diagnose(ctx)[0]?.detail).toBe('StorageAccessDenied');
  });

  it('without logs it still reports the failed init container, as InitContainerFailed with its exit code', async () => {
    const ctx = await contextOf('ModelDownloadFailure.BlobNotFound.v2-model-blob-deleted');
    ctx.snapshot.logs.clear();
    const [f] = modelDownloadFailure.diagnose(ctx);
    expect(f?.detail).toBe('InitContainerFailed');
    expect(f?.title).toContain('exited with code 1');
    expect(evidenceText(f!)).toContain('_model_config_map.json_');
  });

  it('a v1 service (no storage initializer) is never this rule', async () => {
    expect(await run(modelDownloadFailure, 'ModelMountFailure.MountTimeout.v1-blobcsi-timed-out')).toEqual(
      [],
    );
  });

  it('v1: names the model blob from the InitContainerConfig ConfigMap when the log names no URL', async () => {
    const ctx = await contextOf('nearmiss.ModelMountFailure.MountTimeout.mounted-after-timeout');
    const pod = ctx.target.pods[0]!;
    const cm = ctx.snapshot.configMaps[0]!;
    const modelPath = (
      JSON.parse(cm.data!.InitContainerConfig!) as { Models: Record<string, { Path: string }[]> }
    ).Models;
    const path = Object.values(modelPath)[0]![0]!.Path;
    pod.spec!.initContainers = [{ name: 'amlappinit', image: 'mcr.microsoft.com/azureml/init:1' }];
    pod.status!.initContainerStatuses = [
      {
        name: 'amlappinit',
        image: 'mcr.microsoft.com/azureml/init:1',
        imageID: '',
        ready: false,
        restartCount: 3,
        state: { waiting: { reason: 'CrashLoopBackOff' } },
        lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ctx.now } },
      },
    ];
    ctx.snapshot.logs.set(logKey(pod.metadata!.name!, 'amlappinit'), {
      previous: `Downloading ${path}\nazure.core.exceptions.ResourceNotFoundError: The specified blob does not exist.\nErrorCode:BlobNotFound\n`,
    });
    const [f] = modelDownloadFailure.diagnose(ctx);
    expect(f?.detail).toBe('BlobNotFound');
    expect(f?.title).toBe(`Model blob not found: ${path}`);
  });
});
