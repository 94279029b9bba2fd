/**
 * The ImageBuildFailure finding for a failed build log seen on its own: a failed image build never reaches the
 * cluster, so there is no Kubernetes deployment for the engine to attach it to. The wording is the engine's.
 */
import { buildFailureFinding as engineBuildFinding } from '../diagnosis/buildlog/finding.js';
import type { BuildLogClassification } from '../diagnosis/buildlog/types.js';
import type { Finding } from '../diagnosis/types.js';

export function buildFailureFinding(c: BuildLogClassification): Finding {
  const f = engineBuildFinding({
    detail: c.detail ?? 'DockerStepFailure',
    classification: c,
    specificity: 90,
  });
  return {
    code: f.code,
    detail: f.detail,
    severity: f.severity,
    title: f.title,
    explanation: f.explanation,
    evidence: f.evidence,
    remedy: f.remedy,
    docs: f.docs,
  };
}
