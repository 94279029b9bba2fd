/**
 * ScoringRuntimeFailure: the deployment is up (a scoring container is ready) but requests fail.
 * - WorkerTimeout: gunicorn `WORKER TIMEOUT (pid:N)` / `worker timed out, killing gunicorn`, usually followed by
 *   `Worker with pid N was terminated due to signal 9|6`, after init() completed: a run() call took longer than the
 *   worker timeout.
 * - Overloaded: azureml-fe answering `Too many requests for service <name> (overloaded)` (HTTP 503), or the
 *   readiness probe timing out on a serving container long after start-up (too busy to answer).
 * Stage 'runtime', so the engine reports Degraded. Only the last hour counts when lines carry timestamps.
 */
import { SPECIFICITY } from '../types.js';
import type { CoreV1Event } from '@kubernetes/client-node';
import { DOCS } from '../docs.js';
import { eventEvidence, eventTime, evidence, podEvents, podSource, secondsBetween } from '../context.js';
import type { LogLine } from '../logs/lines.js';
import { lineTime, parseLog } from '../logs/lines.js';
import type { Rule, RuleContext } from '../rule.js';
import type { Evidence, RuleFinding } from '../types.js';
import { serviceLabel } from '../signals/podSignals.js';
import type { ScoringContainer } from '../signals/scoringContainer.js';
import { asDate, probeWindow, scoringContainers } from '../signals/scoringContainer.js';

export const RUNTIME_WINDOW_SECONDS = 3600;

/** The time of a line, or of the nearest earlier line that has one (old gunicorn lines carry no timestamp). */
function timeAround(lines: readonly LogLine[], index: number): Date | undefined {
  for (let i = index; i >= 0; i--) {
    const line = lines[i];
    const t = line && lineTime(line);
    if (t) return t;
  }
  return undefined;
}

function recent(ctx: RuleContext, at: Date | undefined): boolean {
  const age = secondsBetween(at, ctx.now);
  return age === undefined || (age >= -300 && age <= RUNTIME_WINDOW_SECONDS);
}

interface Timeouts {
  lines: LogLine[];
  kills: LogLine[];
  part: 'log' | 'previous-log';
}

/**
 * Recent timeouts while serving, from the current log and the previous instance's (old v1 images exit with code 3
 * on a worker timeout, so the evidence sits in the crashed instance's log of a container that is ready again).
 */
function timeoutsOf(ctx: RuleContext, sc: ScoringContainer): Timeouts[] {
  const out: Timeouts[] = [];
  for (const [part, log] of [
    ['log', sc.current],
    ['previous-log', sc.previous],
  ] as const) {
    if (!log) continue;
    const lines = log.workerTimeouts.filter((l) => recent(ctx, timeAround(log.lines, l.index)));
    if (!lines.length) continue;
    const pids = new Set(
      lines.map((l) => Number(/pid:(\d+)/.exec(l.message)?.[1])).filter((n) => !Number.isNaN(n)),
    );
    const kills = log.workerKills
      .filter((k) => k.afterTimeout && k.pid !== undefined && pids.has(k.pid))
      .map((k) => k.line);
    out.push({ lines, kills, part });
  }
  return out;
}

function workerTimeoutFinding(ctx: RuleContext, serving: ScoringContainer[]): RuleFinding | undefined {
  const found = serving.flatMap((sc) => timeoutsOf(ctx, sc).map((t) => ({ sc, ...t })));
  if (!found.length) return undefined;
  const total = found.reduce((n, f) => n + f.lines.length, 0);
  const pods = new Set(found.map((f) => f.sc.pod.metadata?.name)).size;
  const { sc, lines, kills, part } = found[0]!;
  const source = podSource(sc.pod, sc.container.name, part);
  const ev: Evidence[] = lines.slice(-3).map((l) => evidence(source, l.message));
  ev.push(...kills.slice(-2).map((l) => evidence(source, l.message)));
  const workerTimeout = sc.spec?.env?.find((e) => e.name === 'WORKER_TIMEOUT')?.value;
  const scoringTimeout = sc.spec?.env?.find((e) => e.name === 'SCORING_TIMEOUT_MS')?.value;
  const v1 = ctx.target.flavor === 'v1';
  return {
    code: 'ScoringRuntimeFailure',
    detail: 'WorkerTimeout',
    severity: 'warning',
    title: `run() exceeded the gunicorn worker timeout ${total} time${total === 1 ? '' : 's'} in the last hour: workers were killed mid-request`,
    explanation:
      `${serviceLabel(ctx.target)} is serving (stage: runtime), but gunicorn logged WORKER TIMEOUT ${total} time${total === 1 ? '' : 's'} across ${pods} pod${pods === 1 ? '' : 's'}: a request's run() did not return within the worker timeout${workerTimeout ? ` (WORKER_TIMEOUT=${workerTimeout}s)` : ` (${(part === 'log' ? sc.current : sc.previous)?.workerTimeoutSeconds ?? 300} s)`}, so gunicorn killed the worker. ` +
      'The request in flight fails at the front end (a gateway error) and the replacement worker runs init() again before it serves.',
    evidence: ev,
    remedy: [
      'Make run() faster or bound its work: smaller batches per request, no per-request model loading, time-limited external calls.',
      v1
        ? `If requests legitimately take long, raise scoring_timeout_ms in AksWebservice.deploy_configuration${scoringTimeout ? ` (now ${scoringTimeout} ms)` : ' (default 60000)'} and set the WORKER_TIMEOUT environment variable of the environment above the longest request.`
        : 'If requests legitimately take long, raise request_settings.request_timeout_ms in the deployment YAML (default 5000 on Kubernetes) and set the WORKER_TIMEOUT environment variable above the longest request.',
      'Add CPU (cpu_cores / a larger instance type) when run() is CPU-bound.',
    ],
    docs: [v1 ? DOCS.troubleshootV1 : DOCS.troubleshootOnline, DOCS.inferenceServer],
    stage: 'runtime',
    specificity: SPECIFICITY.decisive,
  };
}

/** azureml-fe (v1, namespace default) / azureml-fe-v2 (v2, namespace azureml) logs naming this service as overloaded. */
function frontEndOverload(ctx: RuleContext): { source: string; lines: LogLine[] } | undefined {
  const names = new Set(
    [ctx.target.name, ctx.target.endpoint, ctx.target.deploymentName].filter((n): n is string => !!n),
  );
  for (const [key, logs] of ctx.snapshot.logs) {
    const [pod, container] = key.split('/');
    if (!pod?.startsWith('azureml-fe') || !logs.current) continue;
    const lines = parseLog(logs.current).filter((l) => {
      const m = /Too many requests for service (\S+) \(overloaded\)/.exec(l.message);
      return m && names.has(m[1]!) && recent(ctx, lineTime(l));
    });
    if (lines.length) return { source: `pod/${pod}/container/${container}/log`, lines };
  }
  return undefined;
}

/** Readiness timeouts on a serving container, well after its start-up window: too busy to answer the probe. */
function readinessTimeouts(ctx: RuleContext, sc: ScoringContainer): CoreV1Event | undefined {
  const started = asDate(sc.status?.state?.running?.startedAt);
  const window = probeWindow(sc.spec?.readinessProbe);
  if (!started) return undefined;
  const settled = started.getTime() + Math.max(window?.windowSeconds ?? 0, 600) * 1000;
  return podEvents(ctx.snapshot, sc.pod).find((e) => {
    if (e.reason !== 'Unhealthy' || !/^Readiness probe failed/.test(e.message ?? '')) return false;
    if (!/context deadline exceeded|Client\.Timeout|timeout|timed out/i.test(e.message ?? '')) return false;
    const at = eventTime(e);
    return (e.count ?? 1) >= 3 && at !== undefined && at.getTime() > settled && recent(ctx, at);
  });
}

function overloadedFinding(ctx: RuleContext, serving: ScoringContainer[]): RuleFinding | undefined {
  const fe = frontEndOverload(ctx);
  const flaps = serving.map((sc) => ({ sc, e: readinessTimeouts(ctx, sc) })).filter((f) => f.e);
  if (!fe && !flaps.length) return undefined;
  const ev: Evidence[] = [];
  if (fe) ev.push(...fe.lines.slice(-3).map((l) => evidence(fe.source, l.message)));
  for (const f of flaps.slice(0, 2)) ev.push(eventEvidence(f.e!));
  const v1 = ctx.target.flavor === 'v1';
  const replicas = ctx.target.deployment?.spec?.replicas ?? ctx.target.pods.length;
  const signal = fe
    ? `the front end rejected requests with "Too many requests for service ... (overloaded)" (HTTP 503) ${fe.lines.length} time${fe.lines.length === 1 ? '' : 's'} in the last hour`
    : `the readiness probe of ${flaps.length} serving pod${flaps.length === 1 ? '' : 's'} timed out repeatedly long after start-up, so the pods drop out of the load balancer under load`;
  return {
    code: 'ScoringRuntimeFailure',
    detail: 'Overloaded',
    severity: 'warning',
    title: fe
      ? `${serviceLabel(ctx.target)} is overloaded: the front end returns 503 "Too many requests" (${replicas} replica${replicas === 1 ? '' : 's'})`
      : `${serviceLabel(ctx.target)} is too busy to answer its readiness probe (${replicas} replica${replicas === 1 ? '' : 's'})`,
    explanation: `${serviceLabel(ctx.target)} is serving (stage: runtime), but ${signal}. More requests arrive than the replicas accept concurrently, and autoscaling does not add capacity fast enough.`,
    evidence: ev,
    remedy: v1
      ? [
          'Scale earlier and further: lower autoscale_target_utilization (e.g. 50), raise autoscale_min_replicas / autoscale_max_replicas in AksWebservice.deploy_configuration.',
          'Or let each replica take more: raise max_concurrent_requests_per_container (with enough CPU) and max_request_wait_time.',
        ]
      : [
          'Scale earlier and further: lower scale_settings.target_utilization_percentage, raise min_instances / max_instances in the deployment YAML.',
          'Or let each instance take more: raise request_settings.max_concurrent_requests_per_instance (with enough CPU) and max_queue_wait_ms.',
        ],
    docs: [v1 ? DOCS.deployAksV1 : DOCS.onlineAutoscale, v1 ? DOCS.troubleshootV1 : DOCS.troubleshootOnline],
    stage: 'runtime',
    specificity: fe ? SPECIFICITY.decisive : SPECIFICITY.classified,
  };
}

export const scoringRuntimeFailure: Rule = {
  id: 'scoringRuntimeFailure',
  stage: 'runtime',
  diagnose(ctx: RuleContext): RuleFinding[] {
    const serving = scoringContainers(ctx).filter((sc) => sc.status?.ready);
    if (!serving.length) return [];
    return [workerTimeoutFinding(ctx, serving), overloadedFinding(ctx, serving)].filter(
      (f): f is RuleFinding => !!f,
    );
  },
};
