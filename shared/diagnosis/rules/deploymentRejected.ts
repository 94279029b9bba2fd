/**
 * DeploymentRejected: Azure ML refused or stopped a create/update before the cluster changed: an invalid spec
 * (`BadArgument`, `InvalidDeploymentSpec`, `ResourceNotFound`), an Azure Policy denial (`RequestDisallowedByPolicy`),
 * a secret-injection error (`SecretsInjectionError`), an operation superseded by another (`OperationCanceled`), or
 * an error of the service itself (`InternalServerError`). Seen only in Azure ML's record (`service.json`): the rule
 * speaks only while the cluster shows no failing revision (nothing created, or the old revision serving).
 *
 * Judgement: a cancelled operation never becomes a hang. It alerts only when no later operation started within the
 * grace (the default HANG_AFTER) of the cancel; a later running operation makes the status Progressing, a later
 * success makes the cancel history (Healthy). An error no rule claims still fails the deployment here, detail null.
 */
import { humanDuration } from '../context.js';
import { DOCS } from '../docs.js';
import type { Rule, RuleContext } from '../rule.js';
import {
  CANCEL_GRACE_MS,
  errorLines,
  isCanceled,
  recordEvidence,
  recordOnlyFailure,
  servingNote,
} from '../signals/amlRecord.js';
import { serviceLabel } from '../signals/podSignals.js';
import type { DetailOf, RuleFinding } from '../types.js';
import { SPECIFICITY } from '../types.js';

type Detail = DetailOf<'DeploymentRejected'>;

/** Record errors other rules own: image builds, scheduling refusals, Azure ML's own polling timeout. */
const OWNED_ELSEWHERE =
  /EnvironmentBuildFailed|ImageBuildFailure|image build|Docker image|insufficient compute|Unschedulable|OutOfQuota|Couldn't schedule|DeploymentTimedOut|Timed out waiting/i;

const RUNNING_STATES = /^(transitioning|updating|creating|inprogress)$/i;

const TEXT: Record<Detail, { title: string; why: string; remedy: string[]; docs: string[] }> = {
  InvalidSpec: {
    title: 'Azure ML rejected the deployment spec',
    why: 'Azure ML validated the request and refused it before building or scheduling anything',
    remedy: [
      'Read the error message for the field it names (instance count, instance type, model or environment reference, identity) and correct the deployment YAML or deploy_configuration',
      'Check that every referenced asset exists in the workspace: `az ml model show`, `az ml environment show`, `az ml compute show`',
    ],
    docs: [DOCS.troubleshootOnline, DOCS.kubernetesOnlineYaml],
  },
  PolicyDenied: {
    title: 'An Azure Policy assignment denied the deployment',
    why: 'Azure Resource Manager refused the write because a policy assignment on the scope disallows it',
    remedy: [
      'The error names the policy assignment: ask its owner for an exemption or change the deployment to comply (allowed SKUs, regions, tags, network settings)',
      'List the assignments on the workspace scope: `az policy assignment list --scope <workspace-resource-id>`',
    ],
    docs: ['https://learn.microsoft.com/azure/governance/policy/troubleshoot/general'],
  },
  SecretsInjectionFailed: {
    title: 'Azure ML could not inject the deployment secrets',
    why: 'a secret reference in the environment variables is invalid, or the referenced workspace connection or Key Vault secret does not exist or is not readable by the endpoint identity',
    remedy: [
      'Check each `${{azureml://connections/...}}` / `${{keyvault:...}}` reference in environment_variables, and that the connection or secret exists',
      "Grant the endpoint's identity read access to the workspace connections (Azure Machine Learning Workspace Connection Secrets Reader) or the Key Vault secrets",
    ],
    docs: [DOCS.troubleshootOnline],
  },
  Canceled: {
    title: 'Azure ML cancelled the deployment operation and no later one followed',
    why: 'the operation was cancelled (superseded, or stopped by a user) and no later create/update started',
    remedy: [
      'If the cancel was not intended, run the update again (`az ml online-deployment update` / `az ml service update`) and watch it to the end',
      'Do not start a second update while one is running: a later operation cancels the earlier one',
    ],
    docs: [DOCS.troubleshootOnline],
  },
  ServiceError: {
    title: 'Azure ML failed the operation with an internal error',
    why: 'the error is on the Azure ML service side, not in the deployment',
    remedy: [
      'Retry the deployment once; if it fails again, open a support request with the operation id and the error shown here',
    ],
    docs: [DOCS.troubleshootOnline],
  },
};

export const deploymentRejected: Rule = {
  id: 'deploymentRejected',
  stage: 'request',
  diagnose(ctx: RuleContext): RuleFinding[] {
    const failure = recordOnlyFailure(ctx.snapshot, ctx.target);
    if (!failure) return [];
    const { record, error, mapped, amlCode } = failure;
    const op = record.operation;
    const canceled = isCanceled(op, error) || mapped?.detail === 'Canceled';
    if (canceled) {
      // A later operation is running: the cancel was superseded, the status is Progressing.
      if (RUNNING_STATES.test(record.state ?? '')) return [];
      const at = Date.parse(op?.endTime ?? op?.startTime ?? record.updatedTime ?? '');
      if (Number.isNaN(at) || ctx.now.getTime() - at < CANCEL_GRACE_MS) return [];
    } else if (mapped && mapped.code !== 'DeploymentRejected') return [];
    else if (!mapped && OWNED_ELSEWHERE.test(errorLines(error).join('\n'))) return [];
    const detail: Detail | null = canceled ? 'Canceled' : mapped ? (mapped.detail as Detail | null) : null;
    const t = detail ? TEXT[detail] : undefined;
    const first = errorLines(error)[0] ?? 'no message';
    const ago =
      canceled && op?.endTime
        ? ` ${humanDuration(Math.round((ctx.now.getTime() - Date.parse(op.endTime)) / 1000))} ago`
        : '';
    return [
      {
        code: 'DeploymentRejected',
        detail,
        severity: canceled ? 'warning' : 'critical',
        title: t
          ? `${t.title} (${serviceLabel(ctx.target)})`
          : `Azure ML failed the update of ${serviceLabel(ctx.target)}: ${first}`,
        explanation:
          `Azure ML's record of ${serviceLabel(ctx.target)} says ${record.state ?? 'nothing about its state'} with ${amlCode ?? 'an error'}${ago}: ` +
          `${t ? t.why : 'Azure ML reports the failure, but neither its code nor the cluster says more about why'}. ` +
          servingNote(ctx.target),
        evidence: recordEvidence(record, error),
        remedy: t?.remedy ?? [
          'Read the full error with `az ml online-deployment show` / `az ml service show` and the operation log; retry once if it names no cause in the deployment',
        ],
        docs: t?.docs ?? [DOCS.troubleshootOnline],
        amlCode: amlCode ?? null,
        // The first signal is Azure ML's: when the failing (or cancelled) operation started.
        since: op?.startTime ?? record.updatedTime ?? null,
        stage: detail ? 'request' : 'any',
        specificity: detail ? SPECIFICITY.decisive : SPECIFICITY.generic,
      },
    ];
  },
};
