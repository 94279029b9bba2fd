/**
 * ExtensionFailure: the Azure Machine Learning extension in the cluster could not do its part of a Kubernetes
 * online deployment: its identity is not set (`RefreshExtensionIdentityNotSet`), it could not get a Microsoft Entra
 * token (`TokenRefreshFailed`, `GetAADTokenFailed`), it could not create the registry pull secret
 * (`ACRSecretError`, `ACRAuthenticationChallengeFailed`, `ACRTokenExchangeFailed`), or Azure ML could not reach it
 * (`InferencingClientCallFailed`: the relay/extension is not connectable). Azure ML's record carries these; the
 * rule speaks when the cluster shows no failing revision of the deployment (the failure came before any pod).
 */
import { DOCS } from '../docs.js';
import type { Rule, RuleContext } from '../rule.js';
import { recordEvidence, recordOnlyFailure, servingNote } from '../signals/amlRecord.js';
import { serviceLabel } from '../signals/podSignals.js';
import type { DetailOf, RuleFinding } from '../types.js';
import { SPECIFICITY } from '../types.js';

type Detail = DetailOf<'ExtensionFailure'>;

const TEXT: Record<Detail, { title: string; why: string; remedy: string[] }> = {
  IdentityNotSet: {
    title: "The Azure ML extension's identity is not set",
    why: 'the extension is installed but its managed identity was not assigned, so it cannot act for the workspace',
    remedy: [
      'Reinstall the Azure ML extension so it gets its identity: `az k8s-extension delete` then `az k8s-extension create --extension-type Microsoft.AzureML.Kubernetes ...` with the same configuration',
    ],
  },
  TokenRequestFailed: {
    title: 'The Azure ML extension could not get a Microsoft Entra token',
    why: 'the cluster identity is not set up for the extension, or the token request failed or timed out on the network',
    remedy: [
      "Check the cluster's outbound access to login.microsoftonline.com and the workspace endpoints (proxy, firewall, private link); a workspace without public access is reachable only through a private endpoint",
      'If the identity is missing, reinstall the Azure ML extension',
    ],
  },
  AcrSecretFailed: {
    title: 'The Azure ML extension could not get access to the workspace container registry',
    why: 'it could not create the image pull secret: the role assignment is not complete yet, the registry is not reachable, or the token exchange with the registry failed',
    remedy: [
      'Wait a few minutes after attaching the compute (role assignments take time) and retry the deployment',
      "Check that the cluster can reach <registry>.azurecr.io (public network access or a private endpoint in the cluster's network) and that the extension version is above 1.1.25",
    ],
  },
  RelayUnreachable: {
    title: 'Azure ML could not reach the Azure ML extension in the cluster',
    why: 'the k8s-extension is not connectable (its relay server pods are not running, or the network blocks it)',
    remedy: [
      'Check the extension pods: `kubectl get pods -n azureml` (relayserver, azureml-fe, inference-operator must be Running)',
      'If they are healthy, detach and reattach the compute with the same name and namespace',
    ],
  },
};

export const extensionFailure: Rule = {
  id: 'extensionFailure',
  stage: 'platform',
  diagnose(ctx: RuleContext): RuleFinding[] {
    const failure = recordOnlyFailure(ctx.snapshot, ctx.target);
    if (failure?.mapped?.code !== 'ExtensionFailure') return [];
    const detail = failure.mapped.detail as Detail | null;
    const t = detail ? TEXT[detail] : undefined;
    return [
      {
        code: 'ExtensionFailure',
        detail,
        severity: 'critical',
        title: `${t?.title ?? 'The Azure ML extension failed'} (${serviceLabel(ctx.target)})`,
        explanation:
          `Azure ML reports ${failure.amlCode ?? 'an extension error'} for ${serviceLabel(ctx.target)}: ${t?.why ?? 'the extension failed'}. ` +
          servingNote(ctx.target),
        evidence: recordEvidence(failure.record, failure.error),
        remedy: t?.remedy ?? ['Check the Azure ML extension: `kubectl get pods -n azureml`'],
        docs: [DOCS.troubleshootOnline, DOCS.kubernetesExtension],
        amlCode: failure.amlCode ?? null,
        // The first signal is Azure ML's: when the failing operation started.
        since: failure.record.operation?.startTime ?? failure.record.updatedTime ?? null,
        stage: 'platform',
        specificity: SPECIFICITY.decisive,
      },
    ];
  },
};
