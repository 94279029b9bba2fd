/**
 * DeploymentHung (a consequence: it is the root cause only when no rule found a definitive one): the rollout has
 * stopped progressing. Signals, in order:
 * - the Deployment's `Progressing=False/ProgressDeadlineExceeded` (Kubernetes gave up after progressDeadlineSeconds);
 * - not complete and no progress (Progressing.lastUpdateTime) for the hang threshold (HANG_AFTER, the same one
 *   the monitor uses, 10 min by default);
 * - the service record: `DeploymentTimedOut`, or `Transitioning` for more than 20 min after the last progress.
 * Not hung: a paused Deployment, one whose latest spec the controller has not observed yet, a complete rollout,
 * or one still inside its window (a rollout 3 minutes in is Progressing). The evidence lists what was checked, so
 * a person knows where the blind spot is; the explanation says what to look at next.
 */
import { SPECIFICITY } from '../types.js';
import { isBuildInProgress } from '../buildlog/judge.js';
import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import {
  containersOf,
  deploymentCondition,
  eventEvidence,
  eventTime,
  evidence,
  humanDuration,
  isWarning,
  logsOf,
  secondsBetween,
  targetEvents,
} from '../context.js';
import { DOCS } from '../docs.js';
import type { Rule, RuleContext } from '../rule.js';
import type { ServiceRecord } from '../../snapshot/types.js';
import type { Evidence, RuleFinding } from '../types.js';
import { frontendOf } from './frontendUnhealthy.js';
import { podRestarts, podStartedContainers, podStatusText } from '../signals/podProgress.js';
import { isPodReady, serviceLabel } from '../signals/podSignals.js';

/**
 * The one hang threshold (HANG_AFTER): the monitor and the engine both call a rollout hung after this long without
 * progress, so the monitor's hang alert is the engine's finding with all its evidence. Kubernetes' own
 * ProgressDeadlineExceeded and Azure ML's DeploymentTimedOut are separate, earlier-or-later signals.
 */
export const DEFAULT_HANG_AFTER_SECONDS = 600;
/** Kubernetes' default progressDeadlineSeconds. */
export const DEFAULT_DEADLINE_SECONDS = 600;
/** Azure ML stops waiting for a deployment after 20 minutes (v1 `pollTimeout : 00:20:00`). */
export const AML_POLL_TIMEOUT_SECONDS = 1200;
/** "Recent" for the events check. */
export const RECENT_EVENTS_SECONDS = 600;

export interface HungSignal {
  evidence: Evidence;
  /** Since when nothing has moved. */
  since?: Date;
  what: string;
}

function isComplete(d: V1Deployment): boolean {
  const want = d.spec?.replicas ?? 1;
  const st = d.status ?? {};
  return (
    (st.updatedReplicas ?? 0) >= want &&
    (st.availableReplicas ?? 0) >= want &&
    (st.replicas ?? 0) <= (st.updatedReplicas ?? 0)
  );
}

function deploymentSignal(ctx: RuleContext, d: V1Deployment): HungSignal | undefined {
  const name = d.metadata?.name ?? ctx.target.name;
  const prog = deploymentCondition(d, 'Progressing');
  if (isComplete(d)) return undefined;
  if (prog?.status === 'False' && prog.reason === 'ProgressDeadlineExceeded') {
    const ago = secondsBetween(prog.lastUpdateTime ?? prog.lastTransitionTime, ctx.now);
    return {
      evidence: evidence(
        `deployment/${name}/status`,
        `Progressing=False ProgressDeadlineExceeded: ${prog.message ?? ''}${ago !== undefined ? ` (${humanDuration(ago)} ago)` : ''}; spec.progressDeadlineSeconds ${d.spec?.progressDeadlineSeconds ?? `unset (default ${DEFAULT_DEADLINE_SECONDS})`}`,
      ),
      since: prog.lastUpdateTime ?? prog.lastTransitionTime,
      what: `Kubernetes marked the rollout as failed to progress (progressDeadlineSeconds ${d.spec?.progressDeadlineSeconds ?? DEFAULT_DEADLINE_SECONDS})`,
    };
  }
  const threshold = ctx.hangAfterSeconds ?? DEFAULT_HANG_AFTER_SECONDS;
  const last = prog?.lastUpdateTime ?? d.metadata?.creationTimestamp;
  const idle = secondsBetween(last, ctx.now);
  if (idle === undefined || idle < threshold) return undefined;
  return {
    evidence: evidence(
      `deployment/${name}/status`,
      `no progress for ${humanDuration(idle)} (threshold ${humanDuration(threshold)}): ${d.status?.availableReplicas ?? 0}/${d.spec?.replicas ?? 1} available, Progressing=${prog?.status ?? '?'} ${prog?.reason ?? ''}`.trim(),
    ),
    since: last,
    // The threshold is in the evidence line above; the title and explanation say the fact once, without it.
    what: `no rollout progress for ${humanDuration(idle)}`,
  };
}

function lastProgress(d: V1Deployment | undefined): Date | undefined {
  return deploymentCondition(d, 'Progressing')?.lastUpdateTime ?? d?.metadata?.creationTimestamp;
}

/**
 * When Azure ML started the operation that is running now: the operation's own start while it is in progress,
 * else the record's last update (a new operation updates the record when it starts).
 */
function operationStart(svc: ServiceRecord): Date | undefined {
  const op = svc.operation;
  const t = op?.status === 'InProgress' ? op.startTime : svc.updatedTime;
  const d = t ? new Date(t) : undefined;
  return d && !Number.isNaN(d.getTime()) ? d : undefined;
}

function serviceSignal(ctx: RuleContext): HungSignal | undefined {
  const svc = ctx.snapshot.service;
  if (!svc) return undefined;
  const codes = [svc.error?.code, ...(svc.error?.details ?? []).map((x) => x.code)];
  if (codes.includes('DeploymentTimedOut')) {
    const msg =
      svc.error?.code === 'DeploymentTimedOut'
        ? svc.error.message
        : svc.error?.details?.find((x) => x.code === 'DeploymentTimedOut')?.message;
    return {
      evidence: evidence('service.json', `state ${svc.state ?? '?'}, DeploymentTimedOut: ${msg ?? ''}`),
      since: lastProgress(ctx.target.deployment),
      what: 'Azure ML gave up waiting for the deployment (DeploymentTimedOut)',
    };
  }
  // An image build still inside its time budget is progress: Azure ML stays Transitioning while it builds.
  if (svc.state === 'Transitioning' && !isBuildInProgress(ctx.snapshot, ctx.now)) {
    // The hang clock starts when Azure ML started the running operation, not at the cluster's last progress.
    const since = operationStart(svc) ?? lastProgress(ctx.target.deployment);
    const age = secondsBetween(since, ctx.now);
    if (age !== undefined && age > AML_POLL_TIMEOUT_SECONDS) {
      return {
        evidence: evidence(
          'service.json',
          `state Transitioning, ${humanDuration(age)} after the last rollout progress`,
        ),
        since,
        what: `Azure ML has reported the service as Transitioning for ${humanDuration(age)}`,
      };
    }
  }
  return undefined;
}

function podsLine(pods: V1Pod[]): string {
  if (!pods.length) return 'pods: none in the snapshot';
  const ready = pods.filter(isPodReady).length;
  const counts = new Map<string, number>();
  for (const p of pods) counts.set(podStatusText(p), (counts.get(podStatusText(p)) ?? 0) + 1);
  const restarts = pods.reduce((n, p) => n + podRestarts(p), 0);
  if (counts.size === 1) {
    const [status] = [...counts.keys()];
    return `pods: ${pods.length === 1 ? '1/1' : `${pods.length}/${pods.length}`} ${status}, ${ready === pods.length ? 'Ready' : ready ? `${ready} Ready` : 'not Ready'}, ${restarts} restarts`;
  }
  const parts = [...counts.entries()].map(([s, n]) => `${n} ${s}`).join(', ');
  return `pods: ${pods.length} (${parts}), ${ready}/${pods.length} Ready, ${restarts} restarts`;
}

const EXCEPTION = /Traceback \(most recent call last\)|^\s*[\w.]*(?:Error|Exception): /m;

function logsLine(ctx: RuleContext): { text: string; anyStarted: boolean } {
  let logs = 0;
  let exception: string | undefined;
  const anyStarted = ctx.target.pods.some(podStartedContainers);
  for (const pod of ctx.target.pods) {
    for (const c of containersOf(pod)) {
      const l = logsOf(ctx.snapshot, pod, c.name);
      for (const text of [l?.current, l?.previous]) {
        if (!text) continue;
        logs++;
        const m = EXCEPTION.exec(text);
        if (m && !exception) {
          const after = text
            .slice(m.index)
            .split('\n')
            .filter((x) => /(?:Error|Exception): /.test(x));
          exception = (after[0] ?? m[0]).trim();
        }
      }
    }
  }
  if (exception) return { text: `logs: exception seen but not classified: ${exception}`, anyStarted };
  if (logs) return { text: `logs: no exception in ${logs} container log(s)`, anyStarted };
  return {
    text: anyStarted ? 'logs: none captured' : 'logs: not available (no container has started)',
    anyStarted,
  };
}

function eventsLine(ctx: RuleContext): Evidence {
  const events = targetEvents(ctx);
  const recent = events.filter(
    (e) => isWarning(e) && (secondsBetween(eventTime(e), ctx.now) ?? Infinity) <= RECENT_EVENTS_SECONDS,
  );
  const newest = recent[recent.length - 1];
  if (newest) {
    const ev = eventEvidence(newest);
    return evidence(ev.source, `events: ${recent.length} Warning in the last 10 min, newest ${ev.text}`);
  }
  if (!events.length)
    return evidence('events', 'events: none for this deployment (events expire after about 1 h)');
  return evidence('events', 'events: no Warning in the last 10 min');
}

function runningInit(
  ctx: RuleContext,
): { pod: V1Pod; name: string; since?: Date; last?: string } | undefined {
  for (const pod of ctx.target.pods) {
    for (const s of pod.status?.initContainerStatuses ?? []) {
      if (!s.state?.running) continue;
      const log = logsOf(ctx.snapshot, pod, s.name)?.current;
      const last = log
        ?.split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .at(-1);
      return { pod, name: s.name, since: s.state.running.startedAt, last };
    }
  }
  return undefined;
}

function nextSteps(ctx: RuleContext, started: boolean): { look: string; remedy: string[] } {
  const ns = ctx.target.namespace;
  const pods = ctx.target.pods;
  const first = pods[0]?.metadata?.name ?? '<pod>';
  const init = runningInit(ctx);
  if (init) {
    const mins = humanDuration(secondsBetween(init.since, ctx.now) ?? 0);
    return {
      look: `What holds the rollout is the model download: init container ${init.name} has been running for ${mins} without failing, so the model is very large or the transfer stalled (its last log line is in the evidence).`,
      remedy: [
        `Follow the download: \`kubectl logs ${init.pod.metadata?.name ?? first} -c ${init.name} -n ${ns} -f\`; check the model size and the network path from the nodes to the workspace storage account (throttling, proxy, private endpoint)`,
        `If the model is large, package it as fewer, compressed files or use a node pool with more network bandwidth, then update the deployment`,
      ],
    };
  }
  if (pods.length && pods.every((p) => !p.spec?.nodeName)) {
    return {
      look: 'The pods were never scheduled and the scheduler left no reason in the snapshot.',
      remedy: [
        `Run \`kubectl describe pod ${first} -n ${ns}\` now for the scheduler's current message, and check the cluster autoscaler's status`,
      ],
    };
  }
  if (pods.length && !started) {
    return {
      look: 'The pods never got past container creation and no event in the snapshot says why (events expire after about an hour).',
      remedy: [
        `Run \`kubectl describe pod ${first} -n ${ns}\` now to see current volume-mount or sandbox events; check the model volume (\`kubectl get pvc,pv -n ${ns}\`) and the CSI driver pods in kube-system`,
        `If nothing shows, delete the pod to retry (\`kubectl delete pod ${first} -n ${ns}\`) and capture again within a few minutes`,
      ],
    };
  }
  if (pods.length && pods.some((p) => !isPodReady(p))) {
    return {
      look: 'The container runs but never became Ready, without restarts or an exception: init() may be stuck waiting on something (a network call, a lock, a large model load).',
      remedy: [
        `Read the end of the container log (\`kubectl logs ${first} -n ${ns} --all-containers\`) for the last step init() reached, and check the readiness probe settings against the time init() needs`,
        ctx.target.flavor === 'v1'
          ? 'Test the entry script locally (`azmlinfsrv --entry_script score.py`) to time init()'
          : 'Raise readiness_probe.initial_delay / failure_threshold in the deployment YAML if init() is legitimately slow',
      ],
    };
  }
  return {
    look: 'Kubernetes finished the rollout and the pods are Ready, but Azure ML did not register the deployment as done.',
    remedy: [
      `Check the front end's logs (${ctx.target.flavor === 'v1' ? '`kubectl logs -n default deploy/azureml-fe`' : '`kubectl logs -n azureml deploy/azureml-fe-v2`'}) and the operation's status in the workspace`,
      ctx.target.flavor === 'v1'
        ? `Redeploy the service (\`az ml service update -n ${serviceLabel(ctx.target)}\`)`
        : `Update the deployment again (\`az ml online-deployment update -e ${ctx.target.endpoint ?? '<endpoint>'} -n ${ctx.target.deploymentName ?? '<deployment>'}\`)`,
    ],
  };
}

/**
 * The DeploymentHung finding for a signal, with the best evidence the snapshot has: what is still running and its
 * last log line, the pods, the newest warning events, the logs, the build log, the front end and Azure ML's record.
 * Used by the rule and by the monitor (whose own progress record can be the signal).
 */
export function hungFinding(ctx: RuleContext, signal: HungSignal): RuleFinding {
  const ev: Evidence[] = [signal.evidence];
  const logs = logsLine(ctx);
  ev.push(evidence(`deployment/${ctx.target.name}/pods`, podsLine(ctx.target.pods)));
  const init = runningInit(ctx);
  if (init) {
    ev.push(
      evidence(
        `pod/${init.pod.metadata?.name ?? '?'}/container/${init.name}/status`,
        `init container ${init.name} running for ${humanDuration(secondsBetween(init.since, ctx.now) ?? 0)}${init.last ? `; last log line: ${init.last}` : ''}`,
      ),
    );
  }
  ev.push(eventsLine(ctx));
  ev.push(evidence('logs', logs.text));
  const build = ctx.snapshot.buildLog;
  ev.push(
    evidence('build.log', build ? `build log: ${build.classification.outcome}` : 'build log: not available'),
  );
  const fe = frontendOf(ctx.snapshot, ctx.target.flavor);
  if (fe)
    ev.push(
      evidence(
        `deployment/${fe.name}/status`,
        `front end ${fe.name}: ${fe.available}/${fe.desired} available`,
      ),
    );
  const svc = ctx.snapshot.service;
  if (svc?.state && signal.evidence.source !== 'service.json') {
    // Azure ML's own verdict (e.g. DeploymentTimedOut after pollTimeout 00:20:00) is what the user saw: quote it.
    const err = svc.error?.code
      ? `, error ${svc.error.code}${svc.error.message ? `: ${svc.error.message}` : ''}`
      : '';
    ev.push(evidence('service.json', `service record: state ${svc.state}${err}`));
  }

  const next = nextSteps(ctx, logs.anyStarted);
  // The title states the signal; the explanation adds only what the title does not say.
  const stuck =
    signal.since && !/no (?:rollout )?progress/.test(signal.what)
      ? `The last rollout progress was ${humanDuration(secondsBetween(signal.since, ctx.now) ?? 0)} ago. `
      : '';
  // Something specific still running is the answer; only without one is "nothing visible" the honest summary.
  const visible = init
    ? next.look
    : `No failure is visible in what was checked (pods, events, logs, build log, front end; see the evidence). ${next.look}`;
  return {
    code: 'DeploymentHung',
    detail: null,
    severity: 'critical',
    title: `Rollout of ${serviceLabel(ctx.target)} is stuck: ${signal.what}`,
    explanation: `${stuck}${visible}`,
    evidence: ev,
    remedy: next.remedy,
    docs: [
      DOCS.k8sDeploymentFailed,
      ctx.target.flavor === 'v1' ? DOCS.troubleshootV1 : DOCS.troubleshootOnline,
    ],
    stage: 'any',
    specificity: SPECIFICITY.generic,
    role: 'consequence',
    ...(signal.since ? { since: signal.since.toISOString() } : {}),
  };
}

export const deploymentHung: Rule = {
  id: 'deploymentHung',
  stage: 'any',
  diagnose(ctx: RuleContext): RuleFinding[] {
    const d = ctx.target.deployment;
    if (d?.spec?.paused) return [];
    if (d && (d.status?.observedGeneration ?? 0) < (d.metadata?.generation ?? 0)) return [];
    const signal = (d ? deploymentSignal(ctx, d) : undefined) ?? serviceSignal(ctx);
    if (!signal) return [];
    return [hungFinding(ctx, signal)];
  },
};
