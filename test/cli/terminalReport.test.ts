/**
 * The readable report of `amlmon diagnose` as an on-call engineer copies from it: inline code without backticks,
 * commands never split across lines, the workspace in the header, times as "YYYY-MM-DD HH:MM UTC, for N min".
 */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { renderTerminalReport } from '../../cli/terminalReport.js';
import { runDiagnose } from '../../cli/commands/diagnose.js';
import type { Diagnosis } from '../../shared/diagnosis/types.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

const diagnosis: Diagnosis = {
  service: 'credit-scorer',
  namespace: 'azureml-contoso-ml',
  status: 'Failed',
  findings: [
    {
      code: 'ModelMountFailure',
      detail: 'VolumeDriverError',
      severity: 'critical',
      title: 'The storage account rejected the key',
      explanation: 'The model volume could not be mounted.',
      evidence: [{ source: 'event/Pod/x/FailedMount', text: 'mount failed' }],
      remedy: [
        'Storage account contosoml1 rejected the key in secret azureml-contoso-ml/storage — usually the account key was rotated: run `az ml workspace sync-keys -w contoso-ml -g <resource-group>`',
        'Bind the read-only ClusterRole from infra/rbac.yaml to the monitor identity, with a long lead-in: `kubectl apply -f infra/rbac.yaml`.',
      ],
      docs: [],
      since: '2024-05-14T10:22:31.417Z',
    },
  ],
  gaps: [],
};

describe('terminal report', () => {
  test('inline code is shown without backticks and never split across lines', () => {
    for (const width of [40, 60, 80, 100, 120]) {
      const out = renderTerminalReport(diagnosis, false, { width });
      expect(out).not.toContain('`');
      const lines = out.split('\n');
      for (const command of [
        'az ml workspace sync-keys -w contoso-ml -g <resource-group>',
        'kubectl apply -f infra/rbac.yaml',
      ]) {
        expect(
          lines.some((l) => l.includes(command)),
          `${command} whole at width ${width}`,
        ).toBe(true);
      }
    }
  });

  test('on a TTY inline code is highlighted, still without backticks', () => {
    const out = renderTerminalReport(diagnosis, true);
    expect(out).not.toContain('`');
    const esc = String.fromCharCode(27);
    expect(out).toContain(`${esc}[36maz ml workspace sync-keys -w contoso-ml -g <resource-group>${esc}[39m`);
  });

  test('times read as minutes in UTC, relative to the capture', () => {
    const out = renderTerminalReport(diagnosis, false, { capturedAt: '2024-05-14T10:34:00Z' });
    expect(out).toContain('failing since 2024-05-14 10:22 UTC, for 11 min (first signal)');
    expect(out).not.toContain('.417Z');
  });

  test('the header names the workspace from meta.json', async () => {
    const out = await runDiagnose(
      join(FIXTURES, 'ClusterUnreachable.Forbidden.service-account-lacks-list'),
      {},
      false,
    );
    expect(out.split('\n')[0]).toContain('(azureml-contoso-ml, workspace contoso-ml)');
    expect(out).not.toContain('`');
  });
});
