/**
 * Azure ML's side in the diagnosis, through the real engine and fixture bundles: `amlCode` on every finding,
 * `amlState` and `deadline` on the diagnosis, the record's failure winning over a serving old revision, history
 * that is not a finding, and a cancel that never becomes a hang.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnoseSnapshot } from '../../shared/diagnosis/engine.js';
import type { Diagnosis } from '../../shared/diagnosis/types.js';
import { loadBundle } from '../../shared/snapshot/bundle.js';
import type { ServiceRecord, Snapshot } from '../../shared/snapshot/types.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

async function diagnose(name: string, edit?: (s: Snapshot) => void): Promise<Diagnosis> {
  const snapshot = await loadBundle(join(FIXTURES, name));
  edit?.(snapshot);
  const [d] = diagnoseSnapshot(snapshot);
  expect(d).toBeDefined();
  return d!;
}

describe('amlCode', () => {
  it('is the record’s most specific code (the first details[].code) for a record-only failure', async () => {
    const d = await diagnose('DeploymentRejected.InvalidSpec.v1-update-refused-old-revision-serves');
    expect(d.status).toBe('Failed');
    expect(d.findings[0]).toMatchObject({
      code: 'DeploymentRejected',
      detail: 'InvalidSpec',
      amlCode: 'ResourceNotFound',
    });
  });

  it('is the record’s own code when the cluster shows the definite cause', async () => {
    const d = await diagnose('eval.ScoringInitFailure.MissingPythonModule.old-server-previous-log');
    expect(d.findings[0]).toMatchObject({ code: 'ScoringInitFailure', amlCode: 'CrashLoopBackOff' });
  });

  it('is the documented code of the failure class when there is no record', async () => {
    const d = await diagnose('ScoringInitFailure.MissingPythonModule.v1-sklearn-crashloop');
    expect(d.findings[0]).toMatchObject({ detail: 'MissingPythonModule', amlCode: 'UserScriptImportError' });
    const oom = await diagnose('OutOfMemory.none.v1-crashloop-oomkilled');
    expect(oom.findings[0]?.amlCode).toBe('PodOutOfMemory');
    // "Unable to download user model" is documented under BadArgument.
    const download = await diagnose('ModelDownloadFailure.BlobNotFound.v2-model-blob-deleted');
    expect(download.findings[0]).toMatchObject({ code: 'ModelDownloadFailure', amlCode: 'BadArgument' });
  });

  it('is present (a code or null) on every finding of every fixture', async () => {
    const dirs = readdirSync(FIXTURES).filter((n) => existsSync(join(FIXTURES, n, 'snapshot.yaml')));
    let findings = 0;
    for (const name of dirs) {
      const snapshot = await loadBundle(join(FIXTURES, name));
      for (const d of diagnoseSnapshot(snapshot)) {
        for (const f of d.findings) {
          findings++;
          expect(f.amlCode === null || typeof f.amlCode === 'string', `${name}: ${f.code}`).toBe(true);
        }
      }
    }
    expect(findings).toBeGreaterThan(200);
  });
});

describe('amlState and deadline', () => {
  it('carry the record’s state; a v1 operation in progress gives up 20 minutes after it started', async () => {
    const d = await diagnose('DeploymentRejected.Canceled.v1-operation-canceled-15min', (s) => {
      const rec = s.service as ServiceRecord;
      rec.state = 'Transitioning';
      rec.operation = { status: 'InProgress', startTime: '2024-05-14T10:22:00Z' };
      delete rec.error;
    });
    expect(d.amlState).toBe('Transitioning');
    expect(d.deadline).toBe('2024-05-14T10:42:00.000Z');
    expect(d.status).toBe('Progressing');
    expect(d.findings).toEqual([]);
  });

  it('have no deadline once the operation ended, and are absent without a record', async () => {
    const d = await diagnose('DeploymentRejected.ServiceError.v1-update-refused-old-revision-serves');
    expect(d.amlState).toBe('Failed');
    expect(d.deadline).toBeNull();
    const none = await diagnose('OutOfMemory.none.v1-crashloop-oomkilled');
    expect(none.amlState).toBeUndefined();
    expect(none.deadline).toBeUndefined();
  });
});

describe('status precedence and history', () => {
  it('a record Failed while the old revision serves is Failed, not Healthy', async () => {
    const d = await diagnose(
      'PodUnschedulable.InsufficientCpu.v1-record-only-update-refused-old-revision-serves',
    );
    expect(d.status).toBe('Failed');
    expect(d.findings[0]?.evidence[0]?.source).toBe('service.json');
  });

  it('the same failure older than the record’s last success is history: Healthy, no finding', async () => {
    const d = await diagnose(
      'nearmiss.PodUnschedulable.InsufficientCpu.record-refusal-then-smaller-update-succeeded',
    );
    expect(d.status).toBe('Healthy');
    expect(d.findings).toEqual([]);
  });
});

describe('a cancelled operation never becomes a hang', () => {
  const cancelledAt = (minutesAgo: number) => (s: Snapshot) => {
    const now = Date.parse(s.meta.capturedAt!);
    const end = new Date(now - minutesAgo * 60_000).toISOString();
    s.service!.operation = { ...s.service!.operation, endTime: end, startTime: end };
  };

  it.each([1, 5, 9])('cancelled %i min ago with no later operation: Progressing, no finding', async (m) => {
    const d = await diagnose('DeploymentRejected.Canceled.v2-canceled-no-later-operation', cancelledAt(m));
    expect(d.status).toBe('Progressing');
    expect(d.findings.map((f) => f.code)).toEqual([]);
  });

  it.each([11, 60, 600])(
    'cancelled %i min ago: DeploymentRejected/Canceled, never DeploymentHung',
    async (m) => {
      const d = await diagnose('DeploymentRejected.Canceled.v2-canceled-no-later-operation', cancelledAt(m));
      expect(d.status).toBe('Failed');
      expect(d.findings[0]).toMatchObject({
        code: 'DeploymentRejected',
        detail: 'Canceled',
        amlCode: 'OperationCanceled',
      });
      expect(d.findings.some((f) => f.code === 'DeploymentHung')).toBe(false);
    },
  );
});

describe('ClaimPending quotes the claim’s own event', () => {
  it('puts the PVC’s ProvisioningFailed (storage class missing) before the scheduler’s generic message', async () => {
    const d = await diagnose('eval.ModelMountFailure.ClaimPending.v1-pvc-pending-unbound-immediate', (s) => {
      const pvc = s.persistentVolumeClaims[0]!;
      // The claim's only event: the storage class it names does not exist.
      s.events = s.events.filter((e) => e.involvedObject.kind !== 'PersistentVolumeClaim');
      s.events.push({
        metadata: { name: 'claim-event', namespace: pvc.metadata?.namespace },
        involvedObject: {
          kind: 'PersistentVolumeClaim',
          name: pvc.metadata?.name,
          namespace: pvc.metadata?.namespace,
          uid: pvc.metadata?.uid,
        },
        reason: 'ProvisioningFailed',
        type: 'Warning',
        message: 'storageclass.storage.k8s.io "azureblob-fuse-premium" not found',
        count: 14,
        lastTimestamp: new Date(Date.parse(s.meta.capturedAt!) - 30_000),
      });
    });
    expect(d.findings[0]).toMatchObject({ code: 'ModelMountFailure', detail: 'ClaimPending' });
    expect(d.findings[0]?.evidence[0]?.text).toContain(
      'storageclass.storage.k8s.io "azureblob-fuse-premium" not found',
    );
    expect(d.findings[0]?.evidence.map((e) => e.text).join('\n')).toMatch(/unbound/);
  });
});

describe('since on record-only findings', () => {
  it('is when Azure ML started the failing operation', async () => {
    const d = await diagnose('DeploymentRejected.ServiceError.v2-update-refused-old-revision-serves');
    expect(d.findings[0]?.since).toBe('2024-05-14T10:10:00Z');
  });

  it('is the first FailedCreate for a pod-creation refusal', async () => {
    const d = await diagnose('PodCreateRejected.LimitRange.v1-max-cpu-per-container');
    expect(d.findings[0]?.since).toBe('2024-05-14T10:05:05.000Z');
  });
});
