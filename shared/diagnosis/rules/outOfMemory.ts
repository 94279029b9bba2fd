/**
 * OutOfMemory: a container killed by the kernel for exceeding its memory limit (OOMKilled / exit 137 with a node
 * OOMKilling event), a MemoryError that stopped init(), or gunicorn workers SIGKILLed without a timeout.
 * Unlike k8sgpt this reads `lastState` too, so a container that was OOM-killed and is Running again still counts.
 *
 * Time awareness (documented in docs/DIAGNOSIS.md): a container that is down now is a failure (stage init);
 * one that is serving again is judged by how recent the kill was. A single kill more than an hour ago on a
 * container that has served since is history (no finding); a single recent kill is advisory; repeated recent
 * kills are a runtime failure (status Degraded).
 */
import { SPECIFICITY } from '../types.js';
import type { CoreV1Event, V1ContainerStateTerminated } from '@kubernetes/client-node';
import { DOCS } from '../docs.js';
import {
  eventEvidence,
  eventTime,
  eventsFor,
  evidence,
  humanDuration,
  podSource,
  secondsBetween,
} from '../context.js';
import type { AmlDeployment, Rule, RuleContext } from '../rule.js';
import type { Evidence, RuleFinding } from '../types.js';
import { formatBytes, parseQuantity } from '../signals/quantity.js';
import type { ScoringContainer } from '../signals/scoringContainer.js';
import {
  appContainers,
  asDate,
  hasCrashed,
  memoryLimit,
  podScope,
  statusEvidence,
} from '../signals/scoringContainer.js';
import { lineTime } from '../logs/lines.js';
import { lastMeaningfulLine } from '../logs/scoringLog.js';

/** How long a container must have served since its last OOM kill before the kill is history. */
export const OOM_RECENT_SECONDS = 3600;

type Verdict = 'failure' | 'runtime-failure' | 'advisory';

interface OomHit {
  sc: ScoringContainer;
  verdict: Verdict;
  how: 'OOMKilled' | 'exit137+node' | 'MemoryError' | 'worker-sigkill';
  termination?: V1ContainerStateTerminated;
  nodeEvent?: CoreV1Event;
  extra: Evidence[];
  /** Seconds since the (last) kill, when known. */
  age?: number;
  /** MemoryError: what the failed allocation asked for (numpy says `Unable to allocate 3.73 GiB ...`). */
  needBytes?: number;
}

const UNITS: Record<string, number> = {
  KiB: 2 ** 10,
  MiB: 2 ** 20,
  GiB: 2 ** 30,
  TiB: 2 ** 40,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
};

function allocationBytes(text: string): number | undefined {
  const m = /Unable to allocate ([\d.]+) ([KMGT]i?B)/.exec(text);
  return m ? Number(m[1]) * (UNITS[m[2]!] ?? 1) : undefined;
}

function nodeOomEvent(
  ctx: RuleContext,
  sc: ScoringContainer,
  t: V1ContainerStateTerminated,
): CoreV1Event | undefined {
  const node = sc.pod.spec?.nodeName;
  if (!node) return undefined;
  const start = asDate(t.startedAt)?.getTime() ?? 0;
  const end = (asDate(t.finishedAt)?.getTime() ?? ctx.now.getTime()) + 60_000;
  return eventsFor(ctx.snapshot, { kind: 'Node', name: node }).find((e) => {
    if (e.reason !== 'OOMKilling') return false;
    const at = eventTime(e)?.getTime();
    return at !== undefined && at >= start && at <= end;
  });
}

function verdictFor(
  ctx: RuleContext,
  sc: ScoringContainer,
  finishedAt: Date | undefined,
): { verdict?: Verdict; age?: number } {
  const age = secondsBetween(finishedAt, ctx.now);
  const running = sc.status?.state?.running;
  const runningFor = secondsBetween(asDate(running?.startedAt), ctx.now);
  const down = !sc.status?.ready && !(running && runningFor !== undefined && runningFor > OOM_RECENT_SECONDS);
  if (down) return { verdict: 'failure', age };
  if (age !== undefined && age > OOM_RECENT_SECONDS) return { age };
  return { verdict: (sc.status?.restartCount ?? 0) >= 2 ? 'runtime-failure' : 'advisory', age };
}

function terminationHit(ctx: RuleContext, sc: ScoringContainer): OomHit | undefined {
  const st = sc.status;
  if (!st) return undefined;
  for (const t of [st.state?.terminated, st.lastState?.terminated]) {
    if (!t) continue;
    const oom = t.reason === 'OOMKilled';
    const nodeEvent = !oom && t.exitCode === 137 ? nodeOomEvent(ctx, sc, t) : undefined;
    if (!oom && !nodeEvent) continue;
    const { verdict, age } = verdictFor(ctx, sc, asDate(t.finishedAt));
    if (!verdict) return undefined;
    return {
      sc,
      verdict,
      how: oom ? 'OOMKilled' : 'exit137+node',
      termination: t,
      nodeEvent,
      extra: [],
      age,
    };
  }
  return undefined;
}

function memoryErrorHit(sc: ScoringContainer): OomHit | undefined {
  if (sc.status?.ready || !hasCrashed(sc.status)) return undefined;
  for (const [part, log] of [
    ['log', sc.current],
    ['previous-log', sc.previous],
  ] as const) {
    const f = log?.fatal?.failure;
    if (f?.kind !== 'MemoryError') continue;
    const source = podSource(sc.pod, sc.container.name, part);
    const extra = [evidence(source, f.exception.text)];
    if (f.frame) extra.push(evidence(source, f.frame.text));
    return {
      sc,
      verdict: 'failure',
      how: 'MemoryError',
      extra,
      needBytes: allocationBytes(f.exception.text),
    };
  }
  return undefined;
}

/** gunicorn workers killed by SIGKILL with no WORKER TIMEOUT first: the OOM killer took a worker, not the container. */
function workerKillHit(ctx: RuleContext, sc: ScoringContainer): OomHit | undefined {
  const kills = (sc.current?.workerKills ?? []).filter((k) => {
    if (k.afterTimeout || !(k.signal === 'signal 9' || k.signal === 'SIGKILL')) return false;
    const age = secondsBetween(lineTime(k.line), ctx.now);
    return age === undefined || age <= OOM_RECENT_SECONDS;
  });
  if (!kills.length) return undefined;
  const source = podSource(sc.pod, sc.container.name, 'log');
  const last = kills[kills.length - 1]!;
  return {
    sc,
    verdict: kills.length >= 2 ? 'runtime-failure' : 'advisory',
    how: 'worker-sigkill',
    extra: kills.slice(-3).map((k) => evidence(source, k.line.message)),
    age: secondsBetween(lineTime(last.line), ctx.now),
  };
}

const RANK: Record<Verdict, number> = { failure: 0, 'runtime-failure': 1, advisory: 2 };

function limitText(sc: ScoringContainer): string {
  const lim = memoryLimit(sc.spec);
  return lim ? `${lim.value} memory ${lim.kind}` : 'memory limit';
}

/** A concrete next size: double the current limit, or enough for a failed allocation, in each flavor's units. */
function suggestion(target: AmlDeployment, hit: OomHit): string[] {
  const lim = memoryLimit(hit.sc.spec);
  const bytes = parseQuantity(lim?.value);
  const wanted = bytes ? Math.max(bytes * 2, hit.needBytes ? (bytes + hit.needBytes) * 1.25 : 0) : undefined;
  const limitWord = lim ? `The ${lim.kind} is ${lim.value}` : 'No memory limit is set in the pod spec';
  const need = hit.needBytes ? ` (the failed allocation alone asked for ${formatBytes(hit.needBytes)})` : '';
  if (target.flavor === 'v1') {
    const gb = wanted ? Math.max(1, Math.ceil(wanted / 1e9 / 0.5) * 0.5) : 1;
    return [
      `${limitWord}${need}: raise memory_gb (and memory_gb_limit) in AksWebservice.deploy_configuration, e.g. memory_gb=${gb}, then service.update(...) or redeploy; make sure a node has that much allocatable memory.`,
    ];
  }
  const next = wanted ? formatBytes(Math.ceil(wanted / 2 ** 30) * 2 ** 30) : 'more memory';
  return [
    `${limitWord}${need}: deploy with an instance type whose memory limit is larger (instance_type in the deployment YAML; the InstanceType's spec.resources.limits.memory), e.g. ${next}.`,
  ];
}

function title(hit: OomHit, restarts: number): string {
  const c = hit.sc.container.name;
  const lim = limitText(hit.sc);
  const ago = hit.age !== undefined ? `, last ${humanDuration(hit.age)} ago` : '';
  switch (hit.how) {
    case 'MemoryError':
      return `init() in ${c} ran out of memory (MemoryError) within its ${lim}`;
    case 'worker-sigkill':
      return hit.verdict === 'advisory'
        ? `A gunicorn worker in ${c} was SIGKILLed (likely out of memory, ${lim})`
        : `gunicorn workers in ${c} are repeatedly SIGKILLed, likely out of memory (${lim})`;
    default:
      if (hit.verdict === 'failure')
        return `${c} is OOMKilled: it exceeds its ${lim} (${restarts} restart${restarts === 1 ? '' : 's'})`;
      if (hit.verdict === 'runtime-failure')
        return `${c} is repeatedly OOMKilled while serving (${restarts} restarts${ago}; ${lim})`;
      return `${c} was OOMKilled once${ago} (${lim}); it recovered but has little memory headroom`;
  }
}

function explanation(hit: OomHit, pods: number, total: number): string {
  const { sc } = hit;
  const c = sc.container.name;
  const prev = sc.previous ? lastMeaningfulLine(sc.previous) : undefined;
  const during = prev
    ? ` The crashed instance's last log line was "${prev.message.trim().slice(0, 160)}".`
    : '';
  const scope = podScope(pods, total);
  switch (hit.how) {
    case 'MemoryError':
      return `While starting (stage: init) the entry script's init() raised MemoryError in ${c}${scope}: Python could not allocate memory within the container's ${limitText(sc)}, so the server exited and the container restarts.`;
    case 'worker-sigkill':
      return `The container ${c} is serving (stage: runtime), but gunicorn reports workers killed by SIGKILL with no WORKER TIMEOUT before it${scope}. That is the kernel OOM killer taking a worker that grew past the ${limitText(sc)}; requests in flight on that worker fail and the worker re-runs init().`;
    case 'exit137+node':
    case 'OOMKilled': {
      const signal =
        hit.how === 'OOMKilled'
          ? 'Kubernetes reports the termination reason OOMKilled (exit code 137)'
          : `The container exited with code 137 and the node logged an OOM kill at the same time`;
      if (hit.verdict === 'failure') {
        return `${signal} for ${c}${scope}: the process needed more than its ${limitText(sc)}, the kernel killed it, and the container has not become ready since (stage: init).${during}`;
      }
      return `${signal} for ${c}${scope}. The container is serving again (stage: runtime), but it ${hit.verdict === 'runtime-failure' ? `has restarted ${sc.status?.restartCount ?? 0} times and was killed within the last hour, so requests fail while it restarts` : 'was killed within the last hour; one more large request or model load may repeat it'}.${during}`;
    }
  }
}

export const outOfMemory: Rule = {
  id: 'outOfMemory',
  stage: 'init',
  diagnose(ctx: RuleContext): RuleFinding[] {
    const hits: OomHit[] = [];
    for (const sc of appContainers(ctx)) {
      const hit = terminationHit(ctx, sc) ?? memoryErrorHit(sc) ?? workerKillHit(ctx, sc);
      if (hit) hits.push(hit);
    }
    if (!hits.length) return [];
    hits.sort((a, b) => RANK[a.verdict] - RANK[b.verdict]);
    const hit = hits[0]!;
    const pods = new Set(hits.filter((h) => h.verdict === hit.verdict).map((h) => h.sc.pod.metadata?.name))
      .size;
    const { sc } = hit;
    const ev: Evidence[] = [];
    const status = statusEvidence(sc);
    if (status && hit.how !== 'worker-sigkill') ev.push(status);
    ev.push(...hit.extra);
    if (hit.nodeEvent) ev.push(eventEvidence(hit.nodeEvent));
    const lim = memoryLimit(sc.spec);
    if (lim)
      ev.push(
        evidence(
          podSource(sc.pod, sc.container.name, 'spec'),
          `resources.${lim.kind === 'limit' ? 'limits' : 'requests'}.memory: ${lim.value}`,
        ),
      );
    const prev =
      sc.previous && hit.verdict === 'failure' && hit.how !== 'MemoryError'
        ? lastMeaningfulLine(sc.previous)
        : undefined;
    if (prev) ev.push(evidence(podSource(sc.pod, sc.container.name, 'previous-log'), prev.message));
    const restarts = sc.status?.restartCount ?? 0;
    return [
      {
        code: 'OutOfMemory',
        detail: null,
        severity: hit.verdict === 'failure' ? 'critical' : 'warning',
        title: title(hit, restarts),
        explanation: explanation(hit, pods, ctx.target.pods.length),
        evidence: ev,
        remedy: [
          ...suggestion(ctx.target, hit),
          'Or need less memory: each gunicorn worker loads its own copy of the model (keep WORKER_COUNT at 1 or size the limit for all workers), load the model once in init() rather than per request, use a smaller or quantised model.',
        ],
        docs: [ctx.target.flavor === 'v1' ? DOCS.troubleshootV1 : DOCS.troubleshootOnline, DOCS.k8sMemory],
        stage: hit.verdict === 'failure' ? 'init' : 'runtime',
        specificity:
          hit.how === 'OOMKilled' || hit.how === 'MemoryError' ? SPECIFICITY.decisive : SPECIFICITY.strong,
        role: hit.verdict === 'advisory' ? 'advisory' : 'cause',
      },
    ];
  },
};
