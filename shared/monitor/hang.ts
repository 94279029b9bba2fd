/** Hang detection: no rollout progress for `hangAfter`, and the diagnosis found no definitive cause. Pure. */
import type { Diagnosis, Finding } from '../diagnosis/types.js';
import { formatDuration } from '../config/duration.js';

export interface ProgressState {
  /** RFC 3339: last time the progress signature changed (or the deployment was started/updated). */
  lastProgress: string;
}

export function isHung(progress: ProgressState, now: Date, hangAfterMs: number): boolean {
  return now.getTime() - Date.parse(progress.lastProgress) >= hangAfterMs;
}

/** The DeploymentHung finding the monitor adds when the engine saw nothing definitive but time ran out. */
export function hungFinding(
  diagnosis: Diagnosis,
  progress: ProgressState,
  now: Date,
  hangAfterMs: number,
): Finding {
  const stuckFor = formatDuration(
    Math.max(0, Math.round((now.getTime() - Date.parse(progress.lastProgress)) / 60_000)) * 60_000,
  );
  const checked = [
    `diagnosis status ${diagnosis.status}`,
    ...diagnosis.findings.map((f) => `finding ${f.code}${f.detail ? `/${f.detail}` : ''} (${f.severity})`),
    ...diagnosis.gaps.map((g) => `gap: ${g}`),
  ];
  return {
    code: 'DeploymentHung',
    detail: null,
    severity: 'critical',
    title: `No rollout progress for ${stuckFor}`,
    explanation:
      `The deployment ${diagnosis.namespace}/${diagnosis.service} has made no progress (no new replica updated, ready ` +
      `or available) since ${progress.lastProgress}, longer than the hang threshold of ${formatDuration(hangAfterMs)}, ` +
      `and the evidence shows no definitive failure. Checked: ${checked.join('; ')}.`,
    evidence: [
      {
        source: 'monitor/progress',
        text: `last progress ${progress.lastProgress}; now ${now.toISOString()}`,
      },
    ],
    remedy: [
      'Look at the pods of the new ReplicaSet (kubectl describe pod) and the azureml-fe pods',
      'Capture a bundle with `amlmon capture` and run `amlmon diagnose` on it',
    ],
    docs: ['https://learn.microsoft.com/azure/machine-learning/how-to-troubleshoot-online-endpoints'],
  };
}
