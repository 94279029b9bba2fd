import { describe, expect, it } from 'vitest';
import {
  blockedOnVolumes,
  parseSchedulerMessage,
} from '../../../shared/diagnosis/signals/schedulerMessage.js';

describe('parseSchedulerMessage', () => {
  it.each([
    [
      '1.26+ with untolerated taint and preemption suffix',
      '0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {sku: gpu}. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
      {
        available: 0,
        total: 3,
        reasons: [
          ['cpu', 1, 'cpu'],
          ['taint', 2, undefined],
        ],
      },
    ],
    [
      'older taint wording with its inner comma',
      "0/3 nodes are available: 1 node(s) had taint {node-role.kubernetes.io/master: }, that the pod didn't tolerate, 2 Insufficient memory.",
      {
        available: 0,
        total: 3,
        reasons: [
          ['taint', 1, undefined],
          ['memory', 2, 'memory'],
        ],
      },
    ],
    [
      'node selector, old wording',
      "0/2 nodes are available: 2 node(s) didn't match node selector.",
      { available: 0, total: 2, reasons: [['nodeSelector', 2, undefined]] },
    ],
    [
      'node affinity/selector, newer wording',
      "0/5 nodes are available: 5 node(s) didn't match Pod's node affinity/selector. preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling.",
      { available: 0, total: 5, reasons: [['nodeSelector', 5, undefined]] },
    ],
    [
      'too many pods',
      '0/1 nodes are available: 1 Too many pods.',
      { available: 0, total: 1, reasons: [['pods', 1, 'pods']] },
    ],
    [
      'GPU',
      '0/3 nodes are available: 3 Insufficient nvidia.com/gpu.',
      { available: 0, total: 3, reasons: [['gpu', 3, 'nvidia.com/gpu']] },
    ],
    [
      'FPGA extended resource',
      '0/3 nodes are available: 3 Insufficient microsoft.com/fpga_catapult.',
      { available: 0, total: 3, reasons: [['extended', 3, 'microsoft.com/fpga_catapult']] },
    ],
    [
      'Azure ML v2 OutOfQuota wrapper with trailing dots',
      'OutOfQuota: Kubernetes unschedulable. Details:0/1 nodes are available: 1 Too many pods...',
      { available: 0, total: 1, reasons: [['pods', 1, 'pods']] },
    ],
    [
      'cordoned nodes',
      '0/2 nodes are available: 2 node(s) were unschedulable. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
      { available: 0, total: 2, reasons: [['cordoned', 2, undefined]] },
    ],
    [
      'Kubernetes 1.9 predicates',
      'No nodes are available that match all of the predicates: Insufficient cpu (3), MatchNodeSelector (1), PodToleratesNodeTaints (2).',
      {
        available: 0,
        total: undefined,
        reasons: [
          ['cpu', 3, 'cpu'],
          ['nodeSelector', 1, undefined],
          ['taint', 2, undefined],
        ],
      },
    ],
  ])('%s', (_label, message, want) => {
    const parsed = parseSchedulerMessage(message);
    expect(parsed).toBeDefined();
    expect(parsed?.available).toBe(want.available);
    expect(parsed?.total).toBe(want.total);
    expect(parsed?.reasons.map((r) => [r.kind, r.count, r.resource])).toEqual(want.reasons);
  });

  it('reads the taint key and value', () => {
    const parsed = parseSchedulerMessage(
      '0/3 nodes are available: 3 node(s) had untolerated taint {sku: gpu}.',
    );
    expect(parsed?.reasons[0]?.taint).toEqual({ key: 'sku', value: 'gpu' });
    const empty = parseSchedulerMessage(
      '0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }.',
    );
    expect(empty?.reasons[0]?.taint).toEqual({ key: 'node.kubernetes.io/not-ready' });
  });

  it('treats the cordon taint as cordoned', () => {
    const parsed = parseSchedulerMessage(
      "0/1 nodes are available: 1 node(s) had taint {node.kubernetes.io/unschedulable: }, that the pod didn't tolerate.",
    );
    expect(parsed?.reasons[0]?.kind).toBe('cordoned');
  });

  it('is undefined for text that is not a scheduler message', () => {
    expect(
      parseSchedulerMessage(
        "Couldn't Schedule because the kubernetes cluster didn't have available resources after trying for 00:05:00",
      ),
    ).toBeUndefined();
    expect(parseSchedulerMessage(undefined)).toBeUndefined();
  });
});

describe('blockedOnVolumes', () => {
  it('is true for an unbound immediate PVC (a pre-filter reason without counts)', () => {
    const parsed = parseSchedulerMessage(
      '0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    );
    expect(parsed && blockedOnVolumes(parsed)).toBe(true);
  });

  it('is true when every node fails on volume affinity, false when only some do', () => {
    const all = parseSchedulerMessage(
      '0/3 nodes are available: 3 node(s) had volume node affinity conflict.',
    );
    expect(all && blockedOnVolumes(all)).toBe(true);
    const some = parseSchedulerMessage(
      '0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had volume node affinity conflict.',
    );
    expect(some && blockedOnVolumes(some)).toBe(false);
  });
});
