/**
 * PodCreateRejected: the ReplicaSet controller cannot create the deployment's pods because the API server refuses
 * them at admission, so there is no pod to look at. Signals: the ReplicaSet's `ReplicaFailure` condition or its
 * newest `FailedCreate` event with no `SuccessfulCreate` after it, worded as
 * - a LimitRange: `pods "x" is forbidden: maximum cpu usage per Container is 2, but limit is 4`;
 * - an admission webhook: `admission webhook "validation.gatekeeper.sh" denied the request: ...` (Azure Policy for
 *   AKS, Gatekeeper, Kyverno) or `failed calling webhook`;
 * - a missing service account: `error looking up service account ns/sa: serviceaccount "sa" not found`.
 * Resource quota refusals (`exceeded quota`) are QuotaExceeded's.
 */
import type { CoreV1Event, V1ReplicaSet } from '@kubernetes/client-node';
import { eventEvidence, eventsFor, evidence } from '../context.js';
import { DOCS } from '../docs.js';
import type { Rule, RuleContext } from '../rule.js';
import { happenedAfter, newestEvent, serviceLabel } from '../signals/podSignals.js';
import type { DetailOf, Evidence, RuleFinding } from '../types.js';
import { SPECIFICITY } from '../types.js';

type Detail = DetailOf<'PodCreateRejected'>;

const PATTERNS: { detail: Detail; pattern: RegExp }[] = [
  {
    detail: 'LimitRange',
    pattern:
      /(?:maximum|minimum) (?:cpu|memory|ephemeral-storage|[\w./-]+) usage per (?:Container|Pod)|LimitRange|limit to request ratio/i,
  },
  {
    detail: 'AdmissionWebhook',
    pattern: /admission webhook "[^"]*" denied the request|failed calling webhook/i,
  },
  {
    detail: 'ServiceAccountMissing',
    pattern: /error looking up service account|serviceaccount "[^"]*" not found/i,
  },
];

function classify(message: string | undefined): Detail | undefined {
  if (!message || /exceeded quota/i.test(message)) return undefined;
  return PATTERNS.find((p) => p.pattern.test(message))?.detail;
}

interface Refusal {
  rs: V1ReplicaSet;
  detail: Detail;
  message: string;
  event?: CoreV1Event;
}

function refusalOf(ctx: RuleContext, rs: V1ReplicaSet): Refusal | undefined {
  const events = eventsFor(ctx.snapshot, {
    kind: 'ReplicaSet',
    name: rs.metadata?.name ?? '',
    namespace: rs.metadata?.namespace,
    uid: rs.metadata?.uid,
  });
  const cond = rs.status?.conditions?.find(
    (c) => c.type === 'ReplicaFailure' && c.status === 'True' && classify(c.message),
  );
  const failed = [...events].reverse().find((e) => e.reason === 'FailedCreate' && classify(e.message));
  const created = newestEvent(events, 'SuccessfulCreate');
  const missing = (rs.spec?.replicas ?? 0) > (rs.status?.replicas ?? 0);
  const eventCurrent = !!failed && !happenedAfter(created, failed) && missing;
  const message = cond?.message ?? (eventCurrent ? failed?.message : undefined);
  const detail = classify(message);
  if (!message || !detail) return undefined;
  return { rs, detail, message, event: failed };
}

/** What each refusal names: the service account, the webhook, the limit. */
function named(detail: Detail, message: string): string {
  if (detail === 'ServiceAccountMissing')
    return /serviceaccount "([^"]+)"/.exec(message)?.[1] ?? 'the service account';
  if (detail === 'AdmissionWebhook') return /webhook "([^"]+)"/.exec(message)?.[1] ?? 'an admission webhook';
  return (
    /((?:maximum|minimum) [\w./-]+ usage per (?:Container|Pod) is [^,\]]+, but (?:limit|request) is [^,\]\s.]+)/i.exec(
      message,
    )?.[1] ?? 'a LimitRange'
  );
}

const REMEDY: Record<Detail, (what: string, ns: string) => string[]> = {
  LimitRange: (what, ns) => [
    `The namespace's LimitRange refuses the pod (${what}): lower the deployment's resource requests/limits to fit, or raise the LimitRange (\`kubectl get limitrange -n ${ns} -o yaml\`)`,
  ],
  AdmissionWebhook: (what) => [
    `The admission webhook ${what} denied the pod: read its message for the policy (Azure Policy for AKS / Gatekeeper constraint, Kyverno policy) and make the deployment comply, or ask for an exemption for the namespace`,
    'If the webhook itself is failing ("failed calling webhook"), check its service and pods; a webhook with failurePolicy Fail blocks every pod while it is down',
  ],
  ServiceAccountMissing: (what, ns) => [
    `Create the service account: \`kubectl create serviceaccount -n ${ns} ${what}\`, or redeploy so Azure ML recreates it; the ReplicaSet retries on its own`,
  ],
};

export const podCreateRejected: Rule = {
  id: 'podCreateRejected',
  stage: 'schedule',
  diagnose(ctx: RuleContext): RuleFinding[] {
    const newestFirst = [...ctx.target.replicaSets].sort(
      (a, b) =>
        Number(b.metadata?.annotations?.['deployment.kubernetes.io/revision'] ?? 0) -
        Number(a.metadata?.annotations?.['deployment.kubernetes.io/revision'] ?? 0),
    );
    const refusal = newestFirst.map((rs) => refusalOf(ctx, rs)).find(Boolean);
    if (!refusal) return [];
    const what = named(refusal.detail, refusal.message);
    const ns = ctx.target.namespace;
    const ev: Evidence[] = [
      refusal.event
        ? eventEvidence(refusal.event)
        : evidence(`replicaset/${refusal.rs.metadata?.name ?? ''}/condition/ReplicaFailure`, refusal.message),
    ];
    return [
      {
        code: 'PodCreateRejected',
        detail: refusal.detail,
        severity: 'critical',
        title: `Kubernetes refuses to create pods for ${serviceLabel(ctx.target)}: ${
          refusal.detail === 'LimitRange'
            ? `LimitRange (${what})`
            : refusal.detail === 'AdmissionWebhook'
              ? `admission webhook ${what}`
              : `service account ${what} not found`
        }`,
        explanation:
          `The ReplicaSet ${refusal.rs.metadata?.name ?? ''} cannot create its pods: the API server refuses them at admission, so no pod exists to schedule, pull or start. ` +
          `Azure ML keeps waiting for replicas that are never created.`,
        evidence: ev,
        remedy: REMEDY[refusal.detail](what, ns),
        docs: [
          refusal.detail === 'LimitRange'
            ? 'https://kubernetes.io/docs/concepts/policy/limit-range/'
            : refusal.detail === 'AdmissionWebhook'
              ? 'https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/'
              : 'https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/',
          DOCS.troubleshootOnline,
        ],
        since: refusal.event?.firstTimestamp?.toISOString() ?? null,
        stage: 'schedule',
        specificity: SPECIFICITY.decisive,
      },
    ];
  },
};
