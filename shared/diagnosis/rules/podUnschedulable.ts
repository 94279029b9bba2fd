/**
 * PodUnschedulable: the scheduler cannot place a pod of the deployment. Signals: pod Pending with
 * PodScheduled=False/Unschedulable (message = scheduler text), FailedScheduling events (newest, and no Scheduled
 * after it), the Azure ML service error (v1 "Couldn't Schedule … after trying for 00:05:00", v2 "OutOfQuota:
 * Kubernetes unschedulable"), and cluster-autoscaler events. The snapshot's Nodes make the remedy specific.
 *
 * Time: a pod is given SCHEDULING_GRACE_SECONDS before it counts, SCALE_UP_WINDOW_SECONDS after a
 * TriggeredScaleUp (AKS adds a node in 2–5 min), and until a terminating replica of the same deployment has
 * released its resources (a rolling update on a full cluster). Waiting only for a volume is the mount stage's
 * finding (ModelMountFailure/ClaimPending), not this one.
 */
import { SPECIFICITY } from '../types.js';
import { clusterShowsNoFailure, recordError, recordFailure } from '../signals/amlRecord.js';
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import {
  eventEvidence,
  eventTime,
  evidence,
  humanDuration,
  podCondition,
  podEvents,
  podSource,
  secondsBetween,
} from '../context.js';
import { DOCS } from '../docs.js';
import type { Rule, RuleContext } from '../rule.js';
import type { DetailOf, Evidence, RuleFinding } from '../types.js';
import { decideUnschedulable, type UnschedulableDecision } from '../signals/unschedulableDecision.js';
import {
  blockedOnVolumes,
  parseSchedulerMessage,
  type SchedulerMessage,
} from '../signals/schedulerMessage.js';
import {
  eventFirstSeen,
  happenedAfter,
  newestEvent,
  onlyScaleOutBlocked,
  replicaTerminating,
  serviceLabel,
} from '../signals/podSignals.js';
import { viewNodes } from '../signals/placement.js';
import { unschedulableRemedy, unschedulableTitle } from '../signals/unschedulableText.js';

/** A pod unschedulable for less than this is still being placed (the autoscaler needs ~10–30 s to react). */
export const SCHEDULING_GRACE_SECONDS = 30;
/** After a TriggeredScaleUp the pod is Progressing this long: AKS usually adds a node in 2–5 minutes. */
export const SCALE_UP_WINDOW_SECONDS = 600;

type Detail = DetailOf<'PodUnschedulable'>;

interface PendingPod {
  pod: V1Pod;
  message?: string;
  conditionMessage?: string;
  failed?: CoreV1Event;
  events: CoreV1Event[];
  since?: Date;
}

/** A pod the scheduler has not placed and last said it could not place. */
function pendingPod(ctx: RuleContext, pod: V1Pod): PendingPod | undefined {
  if (pod.spec?.nodeName || pod.metadata?.deletionTimestamp) return undefined;
  const phase = pod.status?.phase;
  if (phase && phase !== 'Pending') return undefined;
  const cond = podCondition(pod, 'PodScheduled');
  if (cond?.status === 'True') return undefined;
  const events = podEvents(ctx.snapshot, pod);
  const failed = newestEvent(events, 'FailedScheduling');
  const scheduled = newestEvent(events, 'Scheduled');
  const condUnschedulable = cond?.status === 'False' && cond.reason === 'Unschedulable';
  if (!condUnschedulable && (!failed || happenedAfter(scheduled, failed))) return undefined;
  const firstFailure = events.find((e) => e.reason === 'FailedScheduling');
  const candidates = [cond?.lastTransitionTime, firstFailure && eventFirstSeen(firstFailure)].filter(
    (d): d is Date => d instanceof Date,
  );
  const since = candidates.length
    ? new Date(Math.min(...candidates.map((d) => d.getTime())))
    : pod.metadata?.creationTimestamp;
  return {
    pod,
    message: (condUnschedulable ? cond.message : undefined) || failed?.message,
    conditionMessage: condUnschedulable ? cond.message : undefined,
    failed,
    events,
    since,
  };
}

/** Why the pod may still be placed on its own: a scale-up in flight, or a replica releasing its resources. */
function stillProgressing(ctx: RuleContext, p: PendingPod): boolean {
  const now = ctx.now;
  const age = secondsBetween(p.since, now) ?? 0;
  const triggered = newestEvent(p.events, 'TriggeredScaleUp');
  const notTriggered = newestEvent(p.events, 'NotTriggerScaleUp');
  const refused = notTriggered && !happenedAfter(triggered, notTriggered);
  if (age < SCHEDULING_GRACE_SECONDS && !refused) return true;
  if (triggered && !happenedAfter(notTriggered, triggered)) {
    const sinceScaleUp = secondsBetween(eventTime(triggered), now) ?? Infinity;
    if (sinceScaleUp < SCALE_UP_WINDOW_SECONDS) return true;
  }
  return replicaTerminating(ctx.target, now, p.pod);
}

const SERVICE_TEXT =
  /Unschedulable|Couldn't Schedule|nodes are available|resource insufficient|insufficient compute/i;

function withCode(code: string | undefined, message: string | undefined): string {
  const m = message ?? '';
  return !code || m.startsWith(code) ? m : `${code}: ${m}`;
}

/** Lines of the Azure ML service error that talk about scheduling (v1 details[] or the v2 message). */
function serviceSchedulingLines(ctx: RuleContext): string[] {
  // v2 carries a failed write's error on its operation (the Activity Log entry), v1 on the record.
  const err = recordError(ctx.snapshot.service);
  if (!err) return [];
  const lines = [
    ...(err.details ?? []).map((d) => withCode(d.code, d.message)),
    withCode(err.code, err.message),
  ];
  return lines.filter((l) => SERVICE_TEXT.test(l));
}

function parseFirst(texts: (string | undefined)[]): SchedulerMessage | undefined {
  for (const t of texts) {
    const parsed = parseSchedulerMessage(t);
    if (parsed) return parsed;
  }
  return undefined;
}

function build(
  ctx: RuleContext,
  decision: UnschedulableDecision,
  evidenceLines: Evidence[],
  opts: {
    pod?: V1Pod;
    pendingCount: number;
    since?: Date;
    scaleOutOnly: boolean;
    schedulerText?: string;
    /** Only Azure ML's record says so (no pod of the revision exists); `refusedWhileServing`: the old one serves. */
    recordOnly?: { refusedWhileServing: boolean };
  },
): RuleFinding {
  const { target } = ctx;
  // Only a capacity refusal needs the record-only wording; other record-only reasons keep the rule's own text.
  const capacityFromRecord =
    opts.recordOnly && decision.detail?.startsWith('Insufficient') ? opts.recordOnly : undefined;
  const pending = opts.since ? humanDuration(secondsBetween(opts.since, ctx.now) ?? 0) : undefined;
  const who = opts.pod
    ? `Pod ${opts.pod.metadata?.name}${opts.pendingCount > 1 ? ` (and ${opts.pendingCount - 1} more replica(s))` : ''}`
    : `The ${serviceLabel(target)} deployment`;
  const parts = [
    `${who} of ${serviceLabel(target)} ${pending ? `has been Pending for ${pending}` : 'is Pending'}: the scheduler found no node for it, so the deployment is stuck in the schedule stage before any image is pulled.`,
    opts.schedulerText ? `The scheduler reports "${opts.schedulerText}".` : '',
    decision.why,
    opts.scaleOutOnly
      ? 'Other replicas of the same revision are ready and serving, so only the scale-out is blocked.'
      : '',
    decision.nodeHealthOnly
      ? 'Kubernetes put these taints on the nodes because they are unhealthy, so the nodes are the root cause and the pending pod is a consequence.'
      : '',
  ];
  // Node-health taints: NodeFailure is the cause; a blocked scale-out alone never fails the deployment.
  const role = opts.scaleOutOnly ? 'advisory' : decision.nodeHealthOnly ? 'consequence' : 'cause';
  const docs: string[] = [target.flavor === 'v1' ? DOCS.troubleshootV1 : DOCS.troubleshootOnline];
  if (decision.detail === 'TaintNotTolerated') docs.push(DOCS.k8sTaints);
  else if (decision.detail === 'NodesCordoned')
    docs.push('https://kubernetes.io/docs/concepts/architecture/nodes/#manual-node-administration');
  else if (decision.detail === 'NodeSelectorMismatch' || decision.detail === 'AffinityMismatch')
    docs.push(DOCS.k8sAssignPods);
  else if (decision.detail === 'InsufficientGpu') docs.push(DOCS.aksGpu);
  if (target.flavor === 'v2') docs.push(DOCS.kubernetesOnlineYaml);
  return {
    code: 'PodUnschedulable',
    detail: decision.detail,
    severity: opts.scaleOutOnly ? 'warning' : 'critical',
    title: unschedulableTitle(decision),
    explanation: capacityFromRecord
      ? recordOnlyExplanation(ctx, capacityFromRecord.refusedWhileServing)
      : parts.filter(Boolean).join(' '),
    evidence: evidenceLines.slice(0, 5),
    remedy: capacityFromRecord
      ? recordOnlyRemedy(ctx)
      : [
          ...(opts.scaleOutOnly
            ? [
                target.flavor === 'v1'
                  ? 'Only extra replicas are stuck: azureml-fe scales v1 services up to autoscale_max_replicas, so lower it (or num_replicas) in AksWebservice.deploy_configuration, or add capacity as below'
                  : 'Only extra replicas are stuck: lower instance_count / scale_settings max_instances in the deployment YAML, or add capacity as below',
              ]
            : []),
          ...unschedulableRemedy(target, decision),
        ],
    docs,
    stage: 'schedule',
    specificity: decision.nodeHealthOnly
      ? Math.min(decision.specificity, SPECIFICITY.classified)
      : decision.specificity,
    role,
    ...(opts.recordOnly ? { since: recordSince(ctx) } : {}),
  };
}

export const podUnschedulable: Rule = {
  id: 'podUnschedulable',
  stage: 'schedule',
  diagnose(ctx: RuleContext): RuleFinding[] {
    const { target, snapshot } = ctx;
    const pending = target.pods.map((p) => pendingPod(ctx, p)).filter((p): p is PendingPod => !!p);
    const serviceLines = serviceSchedulingLines(ctx);

    if (!pending.length) {
      // Only the Azure ML service record says so: trust it while no pod of the deployment got a node, or when Azure
      // ML refused the update for capacity while the old revision keeps serving (its pods do have nodes).
      const refusedWhileServing =
        recordFailure(snapshot.service) !== undefined && clusterShowsNoFailure(target);
      if (!serviceLines.length || (target.pods.some((p) => p.spec?.nodeName) && !refusedWhileServing))
        return [];
      const parsed = parseFirst(serviceLines);
      if (parsed && blockedOnVolumes(parsed)) return [];
      const decision = decideUnschedulable(parsed, serviceLines.join(' '), undefined, []);
      const ev = serviceLines.map((l) => evidence('service.json', l));
      return [
        build(ctx, decision, ev, {
          pendingCount: 0,
          scaleOutOnly: false,
          recordOnly: { refusedWhileServing },
        }),
      ];
    }

    // Pods are newest first: report the newest one that is past its grace (a fresh extra replica must not hide
    // replicas that have been stuck for minutes).
    const first = pending.find((p) => !stillProgressing(ctx, p));
    if (!first) return [];
    const parsed = parseFirst([first.message, ...serviceLines]);
    if (parsed && blockedOnVolumes(parsed)) return [];

    const views = viewNodes(first.pod, snapshot.nodes);
    const decision = decideUnschedulable(
      parsed,
      [first.message, ...serviceLines].join(' '),
      first.pod,
      views,
    );

    const ev: Evidence[] = [];
    // The pod condition and the newest event usually carry the same text; the event adds the repeat count.
    if (first.conditionMessage && first.failed?.message !== first.conditionMessage) {
      ev.push(
        evidence(
          podSource(first.pod, undefined, 'status'),
          `PodScheduled=False Unschedulable: ${first.conditionMessage}`,
        ),
      );
    }
    if (first.failed) ev.push(eventEvidence(first.failed));
    const autoscaler = newestEvent(first.events, 'NotTriggerScaleUp', 'TriggeredScaleUp');
    if (autoscaler) ev.push(eventEvidence(autoscaler));
    ev.push(...decision.nodeEvidence);
    ev.push(...serviceLines.slice(0, 1).map((l) => evidence('service.json', l)));

    return [
      build(ctx, { ...decision, why: withAutoscaler(decision.why, autoscaler, ctx.now) }, ev, {
        pod: first.pod,
        pendingCount: pending.length,
        since: first.since,
        scaleOutOnly: onlyScaleOutBlocked(target, first.pod),
        schedulerText: first.message,
      }),
    ];
  },
};

function withAutoscaler(why: string, e: CoreV1Event | undefined, now: Date): string {
  if (!e) return why;
  const ago = humanDuration(secondsBetween(eventTime(e), now) ?? 0);
  return e.reason === 'NotTriggerScaleUp'
    ? `${why} The cluster autoscaler declined to add a node ${ago} ago ("${e.message ?? ''}").`
    : `${why} The cluster autoscaler triggered a scale-up ${ago} ago, longer than the ${humanDuration(SCALE_UP_WINDOW_SECONDS)} a new node normally takes, and the pod is still unplaced (check the node pool's VM quota and scale-up activity).`;
}

export type { Detail as PodUnschedulableDetail };

/** When a record-only finding started: the refused operation's start, else the record's last update. */
function recordSince(ctx: RuleContext): string | null {
  const op = ctx.snapshot.service?.operation;
  return op?.startTime ?? ctx.snapshot.service?.updatedTime ?? null;
}

/**
 * A capacity refusal that only Azure ML's record shows: no pod of the new revision exists, so nothing says whether
 * the nodes are too small or merely full. The explanation says what the record says (and that the old revision
 * still serves, when it does); the fix starts with how to tell the two apart instead of guessing.
 */
function recordOnlyExplanation(ctx: RuleContext, refusedWhileServing: boolean): string {
  const label = serviceLabel(ctx.target);
  const what = refusedWhileServing
    ? `Azure ML refused the update of ${label} because the cluster has no room for the new revision's replicas; no pod of that revision was created, and the previous revision keeps serving, so only the change is blocked.`
    : `Azure ML could not place ${label} on the cluster: no node has room for its replicas, and no pod of the deployment got a node.`;
  return `${what} The record gives the request it could not place (quoted in the evidence).`;
}

function recordOnlyRemedy(ctx: RuleContext): string[] {
  const lower =
    ctx.target.flavor === 'v1'
      ? 'lower cpu_cores / memory_gb (or num_replicas) in AksWebservice.deploy_configuration; v1 rolling updates need room for one extra replica (maxSurge 1)'
      : 'pick a smaller instance type (or lower instance_count) in the deployment YAML; a rolling update needs room for one extra instance';
  return [
    'Tell "no node is big enough" from "the nodes are full": `kubectl describe nodes` shows each node\'s Allocatable and Allocated resources; compare them with the request in the evidence',
    'Nodes full: scale out the node pool (`az aks nodepool scale --node-count <n>`, or enable the cluster autoscaler), or remove unused deployments from the cluster. No node big enough: add a node pool with a larger VM size (`az aks nodepool add --node-vm-size <size>`)',
    `Or ${lower}, then redeploy`,
  ];
}
