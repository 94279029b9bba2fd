/**
 * SlowInitProbeFailure: init() takes longer than start-up is allowed to take, so the container is killed and
 * restarted, forever, with no exception in its log. Two mechanisms end it:
 * - the liveness probe: `Unhealthy` "Liveness probe failed" + `Killing ... failed liveness probe` events, a
 *   termination by signal (137/143, not OOMKilled), a log whose init started and never completed;
 * - gunicorn's own worker timeout (300 s in Azure ML images): `WORKER TIMEOUT` while the worker is still inside
 *   init(); old v1 images then exit with code 3 ("worker timed out, killing gunicorn", "Worker failed to boot").
 * Time-aware: a container still inside its liveness window (initialDelaySeconds + failureThreshold × periodSeconds
 * from the pod spec) that has never been killed is starting normally and gets no finding (Progressing).
 */
import { SPECIFICITY } from '../types.js';
import type { CoreV1Event } from '@kubernetes/client-node';
import { DOCS } from '../docs.js';
import { eventEvidence, evidence, humanDuration, podEvents, podSource, secondsBetween } from '../context.js';
import type { ScoringLogAnalysis } from '../logs/scoringLog.js';
import type { AmlDeployment, Rule, RuleContext } from '../rule.js';
import type { Evidence, RuleFinding } from '../types.js';
import { parseQuantity } from '../signals/quantity.js';
import type { ProbeWindow, ScoringContainer } from '../signals/scoringContainer.js';
import {
  asDate,
  cpuLimit,
  hasCrashed,
  podScope,
  probeWindow,
  scoringContainers,
  statusEvidence,
} from '../signals/scoringContainer.js';

type Mechanism = 'liveness' | 'worker-timeout' | 'liveness-pending';

interface SlowHit {
  sc: ScoringContainer;
  by: Mechanism;
  window?: ProbeWindow;
  killing?: CoreV1Event;
  unhealthy?: CoreV1Event;
  /** The log that shows init started and not finished, and which part it was. */
  logPart?: 'log' | 'previous-log';
  /** How long the killed instance ran (or the current one has been running past its window). */
  ranSeconds?: number;
}

function livenessEvents(
  ctx: RuleContext,
  sc: ScoringContainer,
): { killing?: CoreV1Event; unhealthy?: CoreV1Event } {
  const mine = podEvents(ctx.snapshot, sc.pod).filter(
    (e) => !e.involvedObject.fieldPath || e.involvedObject.fieldPath.includes(`{${sc.container.name}}`),
  );
  const killing = [...mine]
    .reverse()
    .find((e) => e.reason === 'Killing' && /failed liveness probe/i.test(e.message ?? ''));
  const unhealthy = [...mine]
    .reverse()
    .find((e) => e.reason === 'Unhealthy' && /^Liveness probe failed/i.test(e.message ?? ''));
  return { killing, unhealthy };
}

/** Init started and did not complete in this log. */
function stuckInInit(log: ScoringLogAnalysis | undefined): boolean {
  return Boolean(log && log.initStarted && !log.initCompleted);
}

function hitOf(ctx: RuleContext, sc: ScoringContainer): SlowHit | undefined {
  const st = sc.status;
  if (!st || st.ready) return undefined;
  // An exception or a memory kill explains the restarts better; those rules report them.
  if (sc.current?.fatal || sc.previous?.fatal) return undefined;
  const last = st.lastState?.terminated ?? st.state?.terminated;
  if (last?.reason === 'OOMKilled') return undefined;
  const window = probeWindow(sc.spec?.livenessProbe);
  const ran = last ? secondsBetween(asDate(last.startedAt), asDate(last.finishedAt) ?? ctx.now) : undefined;
  // The instance that was killed: its own log (`--previous`), or the current log of a container that is down.
  const killedLog = sc.previous ?? (hasCrashed(st) ? sc.current : undefined);
  const killedPart = sc.previous ? 'previous-log' : 'log';

  const { killing, unhealthy } = livenessEvents(ctx, sc);
  const signalled =
    last !== undefined && (last.exitCode === 137 || last.exitCode === 143) && (st.restartCount ?? 0) > 0;
  if (window && (killing || (signalled && unhealthy))) {
    // The killed instance finished init: the probe failed for another reason (a hung server, overload).
    if (killedLog?.initCompleted) return undefined;
    const logPart = stuckInInit(killedLog) ? killedPart : undefined;
    return { sc, by: 'liveness', window, killing, unhealthy, logPart, ranSeconds: ran };
  }

  if (hasCrashed(st) && stuckInInit(killedLog) && killedLog?.bootTimeouts.length) {
    return { sc, by: 'worker-timeout', window, logPart: killedPart, ranSeconds: ran };
  }

  // Not killed yet: only past the window (plus one period of slack for the kubelet) with failing liveness probes
  // is it failing; before that it is simply starting.
  const running = st.state?.running;
  const runningFor = secondsBetween(asDate(running?.startedAt), ctx.now);
  if (!window || !running || runningFor === undefined) return undefined;
  if (runningFor <= window.windowSeconds + window.periodSeconds) return undefined;
  if (!unhealthy || !stuckInInit(sc.current)) return undefined;
  return { sc, by: 'liveness-pending', window, unhealthy, logPart: 'log', ranSeconds: runningFor };
}

function probeText(w: ProbeWindow): string {
  return `livenessProbe: initialDelaySeconds=${w.initialDelaySeconds} periodSeconds=${w.periodSeconds} failureThreshold=${w.failureThreshold} timeoutSeconds=${w.timeoutSeconds} (window ${w.windowSeconds}s)`;
}

/** A new initial delay that covers at least twice what init() was seen to need, rounded up to whole minutes. */
function suggestedDelay(hit: SlowHit): number {
  const seen = Math.max(hit.ranSeconds ?? 0, hit.window?.windowSeconds ?? 0);
  return Math.max(600, Math.ceil((seen * 2) / 60) * 60);
}

function killedLogOf(hit: SlowHit): ScoringLogAnalysis | undefined {
  return hit.logPart === 'previous-log' ? hit.sc.previous : hit.sc.current;
}

function workerTimeoutOf(hit: SlowHit): number {
  return killedLogOf(hit)?.workerTimeoutSeconds ?? 300;
}

function remedy(target: AmlDeployment, hit: SlowHit): string[] {
  const delay = suggestedDelay(hit);
  const w = hit.window;
  const period = w?.periodSeconds ?? 10;
  const threshold = Math.max(w?.failureThreshold ?? 3, 5);
  const out: string[] = [];
  const log = killedLogOf(hit);
  if (hit.by === 'worker-timeout' || log?.bootTimeouts.length) {
    out.push(
      target.flavor === 'v1'
        ? `gunicorn kills a worker whose init() runs longer than ${workerTimeoutOf(hit)}s: set WORKER_TIMEOUT (e.g. "${delay}") in the Environment's environment_variables and redeploy.`
        : `gunicorn kills a worker whose init() runs longer than ${workerTimeoutOf(hit)}s: set WORKER_TIMEOUT: "${delay}" under environment_variables in the deployment YAML.`,
    );
  }
  out.push(
    target.flavor === 'v1'
      ? `Give init() more time: AksWebservice.deploy_configuration(liveness_probe_initial_delay_seconds=${delay}, liveness_probe_failure_threshold=${threshold}, liveness_probe_period_seconds=${period}), then service.update(...) or redeploy.${w ? ` The current window is ${w.windowSeconds}s.` : ''}`
      : `Give init() more time: in the deployment YAML set liveness_probe: {initial_delay: ${delay}, period: ${period}, failure_threshold: ${threshold}} (and readiness_probe.initial_delay alike), then az ml online-deployment update.${w ? ` The current window is ${w.windowSeconds}s.` : ''}`,
    'Or make init() faster: load the model lazily on the first run() call or from local disk instead of downloading it, and avoid heavy warm-up work in init().',
  );
  const cpu = cpuLimit(hit.sc.spec);
  const cores = parseQuantity(cpu);
  if (cpu && cores !== undefined && cores < 1) {
    out.push(
      target.flavor === 'v1'
        ? `init() runs with a CPU limit of only ${cpu}: raise cpu_cores (and cpu_cores_limit) in the deploy configuration; model loading is often CPU-bound.`
        : `init() runs with a CPU limit of only ${cpu}: use an instance type with more CPU; model loading is often CPU-bound.`,
    );
  }
  return out;
}

function explanation(hit: SlowHit, pods: number, total: number): string {
  const { sc, window } = hit;
  const ran = hit.ranSeconds !== undefined ? humanDuration(hit.ranSeconds) : 'longer than allowed';
  const logWord =
    hit.logPart === 'previous-log'
      ? 'The killed instance\'s log ends inside init(): "Invoking user\'s init function" with no completion line and no exception.'
      : hit.logPart === 'log'
        ? 'The log shows init() started ("Invoking user\'s init function") and has not completed, with no exception.'
        : 'No log of the killed instance was captured, so a silent hang cannot be told from a slow load, but no exception was seen.';
  const windowWord = window
    ? ` The liveness window from the pod spec is ${window.initialDelaySeconds}s initial delay + ${window.failureThreshold} × ${window.periodSeconds}s = ${window.windowSeconds}s.`
    : '';
  const what =
    hit.by === 'liveness'
      ? `The kubelet restarted ${sc.container.name} because its liveness probe failed (stage: probes) after it had run ${ran}.`
      : hit.by === 'worker-timeout'
        ? `gunicorn timed out the worker that was running init() (WORKER TIMEOUT after ${workerTimeoutOf(hit)}s) and the server exited, so ${sc.container.name} restarts after ${ran} each time (stage: probes).`
        : `${sc.container.name} has been starting for ${ran} and its liveness probe is failing, so the kubelet will restart it (stage: probes).`;
  return `${what}${windowWord} ${logWord} init() needs longer than start-up is allowed to take, so every restart ends the same way${podScope(pods, total)}.`;
}

function title(hit: SlowHit): string {
  const c = hit.sc.container.name;
  const ran = hit.ranSeconds !== undefined ? ` after ${humanDuration(hit.ranSeconds)}` : '';
  switch (hit.by) {
    case 'liveness':
      return `init() did not finish within the ${hit.window!.windowSeconds}s liveness window: ${c} was restarted by the liveness probe${ran}`;
    case 'worker-timeout':
      return `init() ran longer than gunicorn's ${workerTimeoutOf(hit)}s worker timeout: ${c} exits during start-up${ran}`;
    case 'liveness-pending':
      return `init() has been running ${humanDuration(hit.ranSeconds ?? 0)}, past the ${hit.window!.windowSeconds}s liveness window of ${c}`;
  }
}

export const slowInitProbeFailure: Rule = {
  id: 'slowInitProbeFailure',
  stage: 'probes',
  diagnose(ctx: RuleContext): RuleFinding[] {
    const hits = scoringContainers(ctx)
      .map((sc) => hitOf(ctx, sc))
      .filter((h): h is SlowHit => h !== undefined);
    if (!hits.length) return [];
    const hit = hits.find((h) => h.logPart) ?? hits[0]!;
    const { sc } = hit;
    const ev: Evidence[] = [];
    if (hit.killing) ev.push(eventEvidence(hit.killing));
    if (hit.unhealthy) ev.push(eventEvidence(hit.unhealthy));
    const log = killedLogOf(hit);
    if (hit.logPart && log) {
      const source = podSource(sc.pod, sc.container.name, hit.logPart);
      const timeout = log.bootTimeouts[log.bootTimeouts.length - 1];
      if (timeout) ev.push(evidence(source, timeout.message));
      if (log.initStarted) ev.push(evidence(source, log.initStarted.message));
    }
    if (hit.window) ev.push(evidence(podSource(sc.pod, sc.container.name, 'spec'), probeText(hit.window)));
    const status = statusEvidence(sc);
    if (status) ev.push(status);
    const pods = new Set(hits.map((h) => h.sc.pod.metadata?.name)).size;
    return [
      {
        code: 'SlowInitProbeFailure',
        detail: null,
        severity: 'critical',
        title: title(hit),
        explanation: explanation(hit, pods, ctx.target.pods.length),
        evidence: ev,
        remedy: remedy(ctx.target, hit),
        docs: [
          ctx.target.flavor === 'v1' ? DOCS.aksWebserviceV1 : DOCS.kubernetesOnlineYaml,
          ctx.target.flavor === 'v1' ? DOCS.troubleshootV1 : DOCS.troubleshootOnline,
          DOCS.k8sProbes,
        ],
        stage: 'probes',
        specificity: hit.logPart ? SPECIFICITY.decisive : SPECIFICITY.classified,
      },
    ];
  },
};
