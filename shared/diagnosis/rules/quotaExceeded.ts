/**
 * QuotaExceeded: a namespace ResourceQuota refuses the deployment's pods, so the pods are never created (there is
 * no pod to look at). Signals: ReplicaSet condition ReplicaFailure/FailedCreate (authoritative while it lasts), the
 * Deployment's copy of it, and the ReplicaSet's newest FailedCreate event when no SuccessfulCreate came after it
 * and the ReplicaSet still lacks pods. The ResourceQuota object (hard/used) makes the remedy exact.
 * A capture without ReplicaSets and without the Deployment's condition (an older client, or a user who ran only
 * `kubectl get deploy,pods,events`) still has the replicaset-controller's FailedCreate events: those of a ReplicaSet
 * named `<deployment>-<pod-template-hash>` count when no pod of it exists and no SuccessfulCreate followed.
 */
import { SPECIFICITY } from '../types.js';
import type { CoreV1Event, V1ReplicaSet, V1ResourceQuota } from '@kubernetes/client-node';
import { deploymentCondition, eventEvidence, eventsFor, eventTime, evidence } from '../context.js';
import { DOCS } from '../docs.js';
import type { Rule, RuleContext } from '../rule.js';
import type { Evidence, RuleFinding } from '../types.js';
import { happenedAfter, newestEvent, replicaTerminating, serviceLabel } from '../signals/podSignals.js';
import { formatResource, parseQuantity } from '../signals/quantity.js';
import { parseQuotaMessage, type QuotaViolation } from '../signals/quotaMessage.js';

const QUOTA_TEXT = /exceeded quota|failed quota/;

interface Refusal {
  /** Absent when only the Deployment's ReplicaFailure condition is known (ReplicaSets not in the snapshot). */
  rs?: V1ReplicaSet;
  /** The refused ReplicaSet's name when only its events are known. */
  rsName?: string;
  message: string;
  violation: QuotaViolation;
  condition: boolean;
  event?: CoreV1Event;
}

function revision(rs: V1ReplicaSet): number {
  return Number(rs.metadata?.annotations?.['deployment.kubernetes.io/revision'] ?? 0);
}

function refusalOf(ctx: RuleContext, rs: V1ReplicaSet): Refusal | undefined {
  const cond = rs.status?.conditions?.find(
    (c) => c.type === 'ReplicaFailure' && c.status === 'True' && QUOTA_TEXT.test(c.message ?? ''),
  );
  const events = eventsFor(ctx.snapshot, {
    kind: 'ReplicaSet',
    name: rs.metadata?.name ?? '',
    namespace: rs.metadata?.namespace,
    uid: rs.metadata?.uid,
  });
  const failed = [...events]
    .reverse()
    .find((e) => e.reason === 'FailedCreate' && QUOTA_TEXT.test(e.message ?? ''));
  const created = newestEvent(events, 'SuccessfulCreate');
  const missing = (rs.spec?.replicas ?? 0) > (rs.status?.replicas ?? 0);
  const eventCurrent = !!failed && !happenedAfter(created, failed) && missing;
  const message = cond?.message ?? (eventCurrent ? failed?.message : undefined);
  const violation = parseQuotaMessage(message);
  if (!message || !violation) return undefined;
  return { rs, message, violation, condition: !!cond, event: failed };
}

/** The Deployment's copy of the ReplicaSet condition, for snapshots without ReplicaSets. */
function deploymentRefusal(ctx: RuleContext): Refusal | undefined {
  const cond = deploymentCondition(ctx.target.deployment, 'ReplicaFailure');
  if (cond?.status !== 'True' || !QUOTA_TEXT.test(cond.message ?? '')) return undefined;
  const violation = parseQuotaMessage(cond.message);
  return violation && cond.message ? { message: cond.message, violation, condition: true } : undefined;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The newest quota FailedCreate event of one of the Deployment's ReplicaSets, when the ReplicaSets were not captured. */
function eventRefusal(ctx: RuleContext): Refusal | undefined {
  const d = ctx.target.deployment;
  const name = d?.metadata?.name;
  if (!d || !name) return undefined;
  const ns = d.metadata?.namespace ?? ctx.target.namespace;
  // The ReplicaSet of a Deployment is named `<deployment>-<pod-template-hash>`; the hash has no dash.
  const owned = new RegExp(`^${escapeRegExp(name)}-[a-z0-9]{4,12}$`);
  const events = ctx.snapshot.events
    .filter(
      (e) =>
        e.involvedObject.kind === 'ReplicaSet' &&
        owned.test(e.involvedObject.name ?? '') &&
        (!e.involvedObject.namespace || e.involvedObject.namespace === ns),
    )
    .sort((a, b) => (eventTime(a)?.getTime() ?? 0) - (eventTime(b)?.getTime() ?? 0));
  const failed = [...events]
    .reverse()
    .find((e) => e.reason === 'FailedCreate' && QUOTA_TEXT.test(e.message ?? ''));
  const rsName = failed?.involvedObject.name;
  if (!failed?.message || !rsName) return undefined;
  const sameRs = events.filter((e) => e.involvedObject.name === rsName);
  if (happenedAfter(newestEvent(sameRs, 'SuccessfulCreate'), failed)) return undefined;
  // An older revision's refusal is history once a newer ReplicaSet has acted or has pods created after it.
  const failedAt = eventTime(failed)?.getTime() ?? 0;
  if (events.some((e) => e.involvedObject.name !== rsName && (eventTime(e)?.getTime() ?? 0) > failedAt))
    return undefined;
  const newerPod = ctx.target.pods.some(
    (p) =>
      !p.metadata?.name?.startsWith(`${rsName}-`) &&
      (p.metadata?.creationTimestamp?.getTime() ?? 0) > failedAt,
  );
  const want = d.spec?.replicas ?? 1;
  if (newerPod || (d.status?.availableReplicas ?? 0) >= want) return undefined;
  const have = ctx.target.pods.filter(
    (p) =>
      p.metadata?.ownerReferences?.some((o) => o.kind === 'ReplicaSet' && o.name === rsName) ??
      p.metadata?.name?.startsWith(`${rsName}-`),
  ).length;
  if (have >= want) return undefined;
  const violation = parseQuotaMessage(failed.message);
  return violation
    ? { rsName, message: failed.message, violation, condition: false, event: failed }
    : undefined;
}

function quotaObject(ctx: RuleContext, name: string, namespace: string): V1ResourceQuota | undefined {
  return ctx.snapshot.resourceQuotas.find(
    (q) => q.metadata?.name === name && (!q.metadata?.namespace || q.metadata.namespace === namespace),
  );
}

function fmt(name: string, q: string | undefined): string {
  const n = parseQuantity(q);
  return n === undefined ? (q ?? '?') : formatResource(name, n);
}

function titleOf(v: QuotaViolation): string {
  if (v.kind === 'mustSpecify') {
    return `ResourceQuota ${v.quota} rejects the pods: they must specify ${v.resources.map((r) => r.name).join(', ')}`;
  }
  const r = v.resources[0];
  if (!r) return `ResourceQuota ${v.quota} is exhausted`;
  return `ResourceQuota ${v.quota} is exhausted: ${r.name} ${fmt(r.name, r.used)} of ${fmt(r.name, r.limited)} used, the pod needs ${fmt(r.name, r.requested)} more`;
}

function remedyOf(ctx: RuleContext, v: QuotaViolation, ns: string): string[] {
  const v1 = ctx.target.flavor === 'v1';
  if (v.kind === 'mustSpecify') {
    return [
      `The quota ${v.quota} in ${ns} covers ${v.resources.map((r) => r.name).join(', ')}, so every container must set them: ${v1 ? 'set cpu_cores_limit and memory_gb_limit in AksWebservice.deploy_configuration' : 'use an instance type with resources.limits'}, or add a LimitRange with defaults to ${ns}, then redeploy`,
    ];
  }
  const raise = v.resources
    .map((r) => {
      const need = (parseQuantity(r.used) ?? 0) + (parseQuantity(r.requested) ?? 0);
      return `${r.name} to at least ${formatResource(r.name, need)}`;
    })
    .join(', ');
  const lower = v.resources.some((r) => /memory/.test(r.name))
    ? v1
      ? 'memory_gb / memory_gb_limit'
      : 'the instance type memory'
    : v.resources.some((r) => /cpu/.test(r.name))
      ? v1
        ? 'cpu_cores / cpu_cores_limit'
        : 'the instance type CPU'
      : v1
        ? 'num_replicas'
        : 'instance_count';
  return [
    `Raise the hard limit of ResourceQuota ${v.quota} in ${ns}: ${raise} (kubectl edit resourcequota ${v.quota} -n ${ns})`,
    `Or free quota: delete unused deployments in ${ns}, or lower ${lower} (${v1 ? 'AksWebservice.deploy_configuration' : 'deployment YAML'}) and redeploy${v1 ? '; a v1 rolling update needs quota for one extra replica (maxSurge 1)' : ''}`,
  ];
}

export const quotaExceeded: Rule = {
  id: 'quotaExceeded',
  stage: 'schedule',
  diagnose(ctx: RuleContext): RuleFinding[] {
    const { target } = ctx;
    const sets = [...target.replicaSets].sort((a, b) => revision(b) - revision(a));
    const refusal =
      sets.map((rs) => refusalOf(ctx, rs)).find((r): r is Refusal => !!r) ??
      deploymentRefusal(ctx) ??
      (sets.length ? undefined : eventRefusal(ctx));
    if (!refusal) return [];
    // A replica shutting down still counts against the quota until it is gone (rolling update): give it that time.
    if (replicaTerminating(target, ctx.now)) return [];

    const { rs, violation } = refusal;
    const ns = rs?.metadata?.namespace ?? target.namespace;
    const rsName = rs?.metadata?.name ?? refusal.rsName ?? '?';
    const ev: Evidence[] = [];
    if (refusal.condition && rs)
      ev.push(evidence(`replicaset/${rsName}/condition/ReplicaFailure`, `FailedCreate: ${refusal.message}`));
    if (refusal.event) ev.push(eventEvidence(refusal.event));
    const depCond = deploymentCondition(target.deployment, 'ReplicaFailure');
    if (!ev.length && depCond?.message) {
      ev.push(
        evidence(
          `deployment/${target.name}/condition/ReplicaFailure`,
          `${depCond.reason ?? ''}: ${depCond.message}`,
        ),
      );
    }
    const quota = quotaObject(ctx, violation.quota, ns);
    if (quota) {
      const names = violation.resources.map((r) => r.name);
      const hard = quota.status?.hard ?? quota.spec?.hard ?? {};
      const used = quota.status?.used ?? {};
      const shown = (names.length ? names : Object.keys(hard)).map(
        (n) => `${n} hard=${fmt(n, hard[n])} used=${fmt(n, used[n])}`,
      );
      ev.push(evidence(`resourcequota/${violation.quota}`, shown.join('; ')));
    }

    const desired = rs?.spec?.replicas ?? target.deployment?.spec?.replicas ?? 1;
    const have = rs?.status?.replicas ?? target.pods.length;
    ev.push(
      evidence(
        rs ? `replicaset/${rsName}/status` : `deployment/${target.name}/pods`,
        rs ? `spec.replicas ${desired}, status.replicas ${have}` : `replicas wanted ${desired}, pods ${have}`,
      ),
    );
    const serving = (rs?.status?.readyReplicas ?? 0) > 0;
    const explanation = [
      `The ${rs || refusal.rsName ? `ReplicaSet ${rsName}` : 'Deployment'} of ${serviceLabel(target)} wants ${desired} pod(s) but has ${have}: the API server refuses to create them because of ResourceQuota ${violation.quota} in namespace ${ns}, so no pod is ever scheduled.`,
      violation.kind === 'exceeded'
        ? `Creating one more pod would exceed ${violation.resources.map((r) => `${r.name} (requested ${fmt(r.name, r.requested)}, used ${fmt(r.name, r.used)}, limit ${fmt(r.name, r.limited)})`).join(', ')}.`
        : `The quota requires every container to set ${violation.resources.map((r) => r.name).join(', ')}, and the pod template does not.`,
      !rs && !refusal.condition
        ? `The newest FailedCreate event of ReplicaSet ${rsName} came after its last successful pod creation and it still has fewer pods than wanted (the ReplicaSet itself is not in the snapshot).`
        : !rs
          ? 'The Deployment carries the ReplicaFailure condition (its ReplicaSets are not in the snapshot), so the refusal is current.'
          : refusal.condition
            ? 'The ReplicaSet carries the ReplicaFailure condition, so the refusal is current.'
            : 'The newest FailedCreate event came after the last successful pod creation.',
      serving ? 'Some replicas of this revision exist and are ready, so only the scale-out is blocked.' : '',
    ];
    return [
      {
        code: 'QuotaExceeded',
        detail: null,
        severity: serving ? 'warning' : 'critical',
        title: titleOf(violation),
        explanation: explanation.filter(Boolean).join(' '),
        evidence: ev.slice(0, 4),
        remedy: remedyOf(ctx, violation, ns),
        docs: [
          DOCS.k8sResourceQuotas,
          target.flavor === 'v1' ? DOCS.troubleshootV1 : DOCS.troubleshootOnline,
        ],
        stage: 'schedule',
        specificity: SPECIFICITY.decisive,
        role: serving ? 'advisory' : 'cause',
      },
    ];
  },
};
