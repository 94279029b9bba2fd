/**
 * ComputeAttachFailure: the Azure ML compute the deployment targets is broken as an attachment: its namespace no
 * longer exists in the cluster (`NamespaceNotFound`, or seen directly: Azure ML still has the record but the
 * cluster's namespaces do not include it), the compute or cluster is gone (`ComputeNotFound`, `ClusterNotFound`),
 * the workspace cannot reach or authenticate to the cluster (`ComputeNotAccessible`, `KubernetesUnaccessible`,
 * `ClusterNotReachable`), or the compute's configuration is invalid (`InvalidComputeInformation`,
 * `InvalidComputeNoKubernetesConfiguration`).
 */
import { evidence } from '../context.js';
import { DOCS } from '../docs.js';
import type { Rule, RuleContext } from '../rule.js';
import { recordEvidence, recordIsFor, recordOnlyFailure } from '../signals/amlRecord.js';
import { serviceLabel } from '../signals/podSignals.js';
import type { DetailOf, Evidence, RuleFinding } from '../types.js';
import { SPECIFICITY } from '../types.js';

type Detail = DetailOf<'ComputeAttachFailure'>;

const TEXT: Record<Detail, { title: string; why: string; remedy: string[] }> = {
  NamespaceNotFound: {
    title: "The compute's namespace does not exist in the cluster",
    why: 'the namespace the Kubernetes compute deploys into was deleted (or never created), so Azure ML has nowhere to put the deployment',
    remedy: [
      'Recreate the namespace (`kubectl create namespace <ns>`) if it was deleted by mistake, then redeploy',
      'Otherwise detach the compute and reattach it with a namespace that exists (`az ml compute attach --type Kubernetes --namespace <ns> ...`)',
    ],
  },
  ComputeNotFound: {
    title: 'Azure ML cannot find the Kubernetes compute or its cluster',
    why: 'the compute was detached, or the AKS / Arc cluster behind it was deleted',
    remedy: [
      'Check the compute (`az ml compute show -n <compute>`) and that the cluster resource still exists',
      'Reattach the cluster with the same compute name and namespace, then recreate the endpoint and deployment',
    ],
  },
  ComputeNotAccessible: {
    title: "Azure ML cannot reach or authenticate to the compute's cluster",
    why: "the workspace's managed identity has no access to the cluster, the cluster is stopped or not reachable, or its certificate changed",
    remedy: [
      'Check that the cluster is running (`az aks show --query powerState`) and that the workspace identity has access to it',
      'After an AKS certificate rotation, wait for the new certificate to propagate (up to 5 hours) and redeploy; with authorized IP ranges, allow the Azure ML control plane',
    ],
  },
  InvalidComputeConfig: {
    title: 'The Kubernetes compute configuration is invalid',
    why: 'Azure ML found no valid connection configuration for the compute, or the extension configuration changed since it was attached',
    remedy: ['Detach and reattach the compute with exactly the previous name and namespace'],
  },
};

/** The namespace Azure ML deploys into is missing from a namespace list the snapshot does hold. */
function namespaceGone(ctx: RuleContext): string | undefined {
  const ns = ctx.target.namespace || ctx.snapshot.meta.namespace;
  const known = ctx.snapshot.namespaces;
  if (!ns || !known.length || ctx.target.deployment || ctx.target.pods.length) return undefined;
  return known.some((n) => n.metadata?.name === ns) ? undefined : ns;
}

export const computeAttachFailure: Rule = {
  id: 'computeAttachFailure',
  stage: 'platform',
  diagnose(ctx: RuleContext): RuleFinding[] {
    const failure = recordOnlyFailure(ctx.snapshot, ctx.target);
    const gone = recordIsFor(ctx.snapshot, ctx.target) ? namespaceGone(ctx) : undefined;
    const mapped = failure?.mapped?.code === 'ComputeAttachFailure' ? failure.mapped : undefined;
    if (!mapped && !gone) return [];
    const detail: Detail | null = gone ? 'NamespaceNotFound' : (mapped?.detail as Detail | null);
    const t = detail ? TEXT[detail] : undefined;
    const ev: Evidence[] = [];
    if (gone) {
      ev.push(
        evidence(
          'cluster/namespaces',
          `namespace ${gone} not found among the cluster's ${ctx.snapshot.namespaces.length} namespaces (${ctx.snapshot.namespaces
            .map((n) => n.metadata?.name)
            .slice(0, 6)
            .join(', ')})`,
        ),
      );
    }
    const record = ctx.snapshot.service;
    if (record) ev.push(...recordEvidence(record, failure?.error ?? record.error));
    return [
      {
        code: 'ComputeAttachFailure',
        detail,
        severity: 'critical',
        title: `${t?.title ?? 'The Kubernetes compute failed'} (${serviceLabel(ctx.target)})`,
        explanation:
          `Azure ML still knows ${serviceLabel(ctx.target)}${record?.computeName ? ` on compute ${record.computeName}` : ''}, but ${t?.why ?? 'the compute failed'}. ` +
          (gone
            ? `The cluster has no namespace ${gone}, so the deployment's objects are gone with it.`
            : 'The record carries the error; the cluster shows no failing revision of the deployment.'),
        evidence: ev,
        remedy: t?.remedy ?? ['Detach and reattach the compute with the same name and namespace'],
        docs: [DOCS.troubleshootKubernetesCompute],
        amlCode: failure?.amlCode ?? (gone ? 'NamespaceNotFound' : null),
        // The first signal is Azure ML's: when the failing operation started.
        since: record?.operation?.startTime ?? record?.updatedTime ?? null,
        stage: 'platform',
        specificity: SPECIFICITY.decisive,
      },
    ];
  },
};
