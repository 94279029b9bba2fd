import { describe, expect, it } from 'vitest';
import { CLAIM_GRACE_SECONDS, modelMountFailure } from '../../../shared/diagnosis/rules/modelMountFailure.js';
import { contextOf, evidenceText, fixturesOf, run } from './podRuleHarness.js';

interface Case {
  detail: 'VolumeDriverError' | 'MountTimeout' | 'ClaimPending';
  title: RegExp;
  evidence: string[];
  remedy: RegExp;
}

const CASES: Record<string, Case> = {
  'ModelMountFailure.VolumeDriverError.v1-flexvolume-invalid-json': {
    detail: 'VolumeDriverError',
    title: /^Model volume "staging" cannot be mounted: the blobfuse FlexVolume driver failed$/,
    evidence: [
      "invalid character 'F' looking for beginning of value",
      '(x14)',
      'FlexVolume driver azure/blobfuse',
    ],
    remedy: /blobfuse-driver\.log[\s\S]*redeploy so the service mounts through Blob CSI/,
  },
  'ModelMountFailure.VolumeDriverError.v1-blobcsi-key-rotated': {
    detail: 'VolumeDriverError',
    title: /storage account rejected its key/,
    evidence: ['failed to authenticate credentials for azstorage', 'storage account contosoml1234'],
    remedy: /az ml workspace sync-keys -w contoso-ml[\s\S]*az ml service update -n credit-risk/,
  },
  'ModelMountFailure.VolumeDriverError.v1-upgraded-no-volume-plugin': {
    detail: 'VolumeDriverError',
    title: /FlexVolume plugin is not installed/,
    evidence: ['no volume plugin matched', 'FlexVolume driver azure/blobfuse'],
    remedy: /cluster upgrade from ≤1\.16 a redeploy switches the service to Blob CSI/,
  },
  'ModelMountFailure.VolumeDriverError.v1-blobcsi-key-secret-missing': {
    detail: 'VolumeDriverError',
    title: /storage key secret is missing/,
    evidence: ['secrets "price-model', 'not found', 'key secret azureml-contoso-ml/price-model'],
    remedy: /kubectl get secret price-model\w+-storage-secret -n azureml-contoso-ml[\s\S]*sync-keys/,
  },
  'ModelMountFailure.VolumeDriverError.v1-flexvolume-fuse-allow-other': {
    detail: 'VolumeDriverError',
    title: /user_allow_other/,
    evidence: [
      "allow_other only allowed if 'user_allow_other' is set in /etc/fuse.conf",
      'MountVolume.SetUp failed for volume',
    ],
    remedy: /\/etc\/fuse\.conf on the node/,
  },
  'ModelMountFailure.MountTimeout.v1-blobcsi-timed-out': {
    detail: 'MountTimeout',
    title: /^Model volume "staging" not mounted after 9m: the mount timed out$/,
    evidence: [
      'unmounted volumes=[staging]',
      'timed out waiting for the condition',
      'CSI driver blob.csi.azure.com',
    ],
    remedy: /csi-blob-node[\s\S]*contosoml1234\.blob\.core\.windows\.net/,
  },
  'ModelMountFailure.MountTimeout.v1-legacy-kubelet-two-replicas': {
    detail: 'MountTimeout',
    title: /not mounted after 2\dm/,
    evidence: [
      'timeout expired waiting for volumes to attach or mount',
      'list of unmounted volumes=[staging]',
    ],
    remedy: /delete the pod to retry the mount/,
  },
  'ModelMountFailure.ClaimPending.v1-pv-deleted': {
    detail: 'ClaimPending',
    title:
      /^PersistentVolumeClaim "legal-ner\w+-pvc" is Pending: its PersistentVolume "pv-legal-ner\w+-pvc" does not exist$/,
    evidence: [
      'pod has unbound immediate PersistentVolumeClaims',
      'phase Pending, volumeName pv-legal-ner',
      '(no such PersistentVolume)',
    ],
    remedy: /kubectl get pv pv-legal-ner\w+-pvc[\s\S]*az ml service update -n legal-ner/,
  },
  'ModelMountFailure.ClaimPending.v1-pvc-not-found': {
    detail: 'ClaimPending',
    title: /^PersistentVolumeClaim "invoice-parser\w+-pvc" for the model volume "staging" does not exist$/,
    evidence: ['persistentvolumeclaim "invoice-parser', 'not found in the snapshot'],
    remedy: /kubectl get pvc invoice-parser\w+-pvc -n azureml-contoso-ml/,
  },
  'ModelMountFailure.ClaimPending.v1-no-matching-pv': {
    detail: 'ClaimPending',
    title: /is Pending: the model volume cannot bind/,
    evidence: ['2 pod has unbound immediate PersistentVolumeClaims', 'phase Pending'],
    remedy: /kubectl describe pvc image-tagger\w+-pvc/,
  },
};

const { triggers, nearMisses } = fixturesOf('ModelMountFailure');

describe('modelMountFailure over its fixtures', () => {
  it('has a case for every triggering fixture', () => {
    expect(triggers.sort()).toEqual(Object.keys(CASES).sort());
    expect(nearMisses.length).toBeGreaterThanOrEqual(3);
  });

  it.each(Object.entries(CASES))('%s', async (name, c) => {
    const findings = await run(modelMountFailure, name);
    expect(findings).toHaveLength(1);
    const f = findings[0]!;
    expect(f.code).toBe('ModelMountFailure');
    expect(f.detail).toBe(c.detail);
    expect(f.stage).toBe('mount');
    expect(f.severity).toBe('critical');
    expect(f.title).toMatch(c.title);
    for (const e of c.evidence) expect(evidenceText(f)).toContain(e);
    expect(f.remedy.join('\n')).toMatch(c.remedy);
    expect(f.docs.length).toBeGreaterThan(0);
  });

  it.each(nearMisses)('%s: no finding', async (name) => {
    expect(await run(modelMountFailure, name)).toEqual([]);
  });
});

describe('modelMountFailure judgement', () => {
  it('a driver error outranks the kubelet timeout it causes', async () => {
    const [f] = await run(
      modelMountFailure,
      'ModelMountFailure.VolumeDriverError.v1-flexvolume-invalid-json',
    );
    expect(f!.specificity).toBeGreaterThan(50);
    expect(f!.evidence[0]!.text).toContain("invalid character 'F'");
  });

  it('once a container has started, the same FailedMount events are history', async () => {
    const ctx = await contextOf('ModelMountFailure.VolumeDriverError.v1-blobcsi-key-rotated');
    const status = ctx.target.pods[0]!.status!.containerStatuses![0]!;
    status.state = { running: { startedAt: new Date(ctx.now.getTime() - 5_000) } };
    expect(modelMountFailure.diagnose(ctx)).toEqual([]);
  });

  it('a claim Pending for a few seconds after the pod was created is not yet a failure', async () => {
    const ctx = await contextOf('ModelMountFailure.ClaimPending.v1-pv-deleted');
    ctx.target.pods[0]!.metadata!.creationTimestamp = new Date(
      ctx.now.getTime() - (CLAIM_GRACE_SECONDS - 10) * 1000,
    );
    expect(modelMountFailure.diagnose(ctx)).toEqual([]);
  });

  it('a FailedMount for a non-model volume (a secret) is not a model mount failure', async () => {
    const ctx = await contextOf('ModelMountFailure.MountTimeout.v1-blobcsi-timed-out');
    for (const e of ctx.snapshot.events) {
      if (e.reason === 'FailedMount')
        e.message = 'MountVolume.SetUp failed for volume "tls" : secret "tls" not found';
    }
    expect(modelMountFailure.diagnose(ctx)).toEqual([]);
  });

  it('a bound claim with a stale scheduler message is not ClaimPending', async () => {
    const ctx = await contextOf('ModelMountFailure.ClaimPending.v1-pv-deleted');
    const pvc = ctx.snapshot.persistentVolumeClaims[0]!;
    pvc.status = { phase: 'Bound' };
    ctx.snapshot.persistentVolumes.push({ metadata: { name: pvc.spec!.volumeName! }, spec: {} });
    expect(modelMountFailure.diagnose(ctx)).toEqual([]);
  });
});
