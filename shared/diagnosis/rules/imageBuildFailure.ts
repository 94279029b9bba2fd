/**
 * ImageBuildFailure: the environment image could not be built (stage `build`, the earliest). Signals, strongest
 * first: the build log's classification (already made while the log was streamed into the snapshot), a log that
 * stops inside a solve judged against the step budget and "now", and the Azure ML service record's build error
 * (`EnvironmentBuildFailed`, `ImageBuildFailure`, "Docker image build failed"), whose message is classified too.
 */
import { SPECIFICITY } from '../types.js';
import { classifyBuildLogText } from '../buildlog/classify.js';
import { buildFailureFinding, type BuildFindingInput } from '../buildlog/finding.js';
import { pythonVersionOf } from '../buildlog/python.js';
import { judgeIncompleteBuild, serviceBuildState } from '../buildlog/judge.js';
import type { BuildLogClassification } from '../buildlog/types.js';
import type { AmlDeployment, Rule, RuleContext } from '../rule.js';
import type { RuleFinding } from '../types.js';

/** A service record names one service; a bundle with several deployments must not pin its build on all of them. */
function recordIsAbout(name: string | undefined, t: AmlDeployment): boolean {
  // A target with no objects was made from the service record (or meta.json) in the first place.
  if (!name || (!t.deployment && t.pods.length === 0)) return true;
  const names = [
    t.name,
    t.deploymentName,
    t.endpoint && t.deploymentName ? `${t.endpoint}/${t.deploymentName}` : undefined,
  ];
  return names.includes(name);
}

/** The service message classified like a log line ("container registry authorization failure" is specific). */
function classifyServiceMessage(lines: string[], source: string): BuildLogClassification | undefined {
  if (!lines.length) return undefined;
  const c = classifyBuildLogText(lines.join('\n'), source);
  if (c.outcome !== 'failed' || !c.detail || c.detail === 'DockerStepFailure') return undefined;
  return { ...c, evidence: c.evidence.map((e) => ({ ...e, source })) };
}

/** What every finding of this rule is given about the service record and the target. */
type CommonInput = Pick<BuildFindingInput, 'serviceState' | 'flavor' | 'tail'> & { serviceSource: string };

/** The finding the service record's own message supports, when it names a specific failure (inferred: 50). */
function serviceMessageFinding(common: CommonInput, lines: string[]): RuleFinding | undefined {
  const fromService = classifyServiceMessage(lines, common.serviceSource);
  if (!fromService?.detail) return undefined;
  return buildFailureFinding({
    ...common,
    detail: fromService.detail,
    classification: fromService,
    fromServiceRecord: true,
    specificity: SPECIFICITY.classified,
  });
}

function diagnose(ctx: RuleContext): RuleFinding[] {
  const { snapshot, target, now } = ctx;
  if (!recordIsAbout(snapshot.service?.name, target)) return [];
  const service = serviceBuildState(snapshot.service);
  // The evidence source other rules use for the service record too.
  const serviceSource = 'service.json';
  // The pseudo target of a service with no objects says v1 by default; without objects the flavor is unknown.
  const flavor = target.deployment || target.pods.length > 0 ? target.flavor : undefined;
  const tail = snapshot.buildLog?.tail;
  const common: CommonInput = { serviceState: service, serviceSource, flavor, ...(tail ? { tail } : {}) };
  const c = snapshot.buildLog?.classification;

  if (c?.outcome === 'failed' && c.detail) {
    const python = pythonVersionOf(snapshot.buildLog?.tail, snapshot.buildLog?.source ?? 'build.log');
    return [
      buildFailureFinding({
        ...common,
        detail: c.detail,
        classification: c,
        ...(python ? { python } : {}),
        specificity: SPECIFICITY.decisive,
      }),
    ];
  }
  if (c?.outcome === 'incomplete') {
    const judgement = judgeIncompleteBuild(c, now, service);
    if (judgement.verdict === 'running') return [];
    // The stopped log judged against its budget: these findings differ only in the detail and how sure.
    const fromStoppedLog = (detail: BuildFindingInput['detail'], specificity: number): RuleFinding[] => [
      buildFailureFinding({ ...common, detail, classification: c, judgement, specificity }),
    ];
    if (judgement.verdict === 'timedOut')
      return fromStoppedLog('BuildTimeout', c.stalledIn ? SPECIFICITY.decisive : SPECIFICITY.classified);
    if (judgement.verdict === 'endedWithoutReason') {
      const fromService = serviceMessageFinding(common, service.lines);
      if (fromService) return [fromService];
      // Cut short well inside its budget: not a timeout, just a build that ended without the log saying why.
      const detail = judgement.elapsedSeconds === undefined && c.detail ? c.detail : 'DockerStepFailure';
      return fromStoppedLog(detail, SPECIFICITY.classified);
    }
    if (c.detail === 'BuildTimeout') return fromStoppedLog('BuildTimeout', SPECIFICITY.classified);
    return [];
  }
  if (service.buildFailed) {
    // No usable build log (none, binary, or one that shows a different, successful build): the record decides.
    const fromService = serviceMessageFinding(common, service.lines);
    if (fromService) return [fromService];
    return [
      buildFailureFinding({ ...common, detail: 'DockerStepFailure', specificity: SPECIFICITY.generic }),
    ];
  }
  return [];
}

export const imageBuildFailure: Rule = { id: 'imageBuildFailure', stage: 'build', diagnose };
