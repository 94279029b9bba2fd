/**
 * Shared look-ups of the init/runtime rules: which container serves the model, its parsed logs (current and
 * previous instance), its liveness window and memory limit, and a one-line status summary for evidence.
 */
import type {
  V1Container,
  V1ContainerStateTerminated,
  V1ContainerStatus,
  V1Pod,
  V1Probe,
} from '@kubernetes/client-node';
import type { Snapshot } from '../../snapshot/types.js';
import type { ContainerView } from '../context.js';
import { containersOf, evidence, logsOf, podSource } from '../context.js';
import type { ScoringLogAnalysis } from '../logs/scoringLog.js';
import { analyzeScoringLog } from '../logs/scoringLog.js';
import type { AmlDeployment, RuleContext } from '../rule.js';
import type { Evidence } from '../types.js';

export interface ScoringContainer {
  pod: V1Pod;
  container: ContainerView;
  status?: V1ContainerStatus;
  spec?: V1Container;
  /** The running (or last) instance's log. */
  current?: ScoringLogAnalysis;
  /** The previous, crashed instance's log (`kubectl logs --previous`). */
  previous?: ScoringLogAnalysis;
}

/** Containers Azure ML adds next to the model server; they never run user code. */
const SIDECARS = new Set(['identity-sidecar', 'istio-proxy', 'linkerd-proxy', 'azureml-fe-aci']);

// Parsing a large log is the costly part; every rule in this group reads the same logs of the same snapshot.
// Keyed by the text itself, so a log that changes (tests edit snapshots) is never served a stale analysis.
const analysisCache = new WeakMap<Snapshot, Map<string, ScoringLogAnalysis>>();

function analyze(snapshot: Snapshot, text: string | undefined): ScoringLogAnalysis | undefined {
  if (text === undefined) return undefined;
  let cache = analysisCache.get(snapshot);
  if (!cache) analysisCache.set(snapshot, (cache = new Map()));
  let a = cache.get(text);
  if (!a) cache.set(text, (a = analyzeScoringLog(text)));
  return a;
}

/** The model-server containers of a pod: `<service>` (v1) / `inference-server` (v2), else every non-sidecar app container. */
export function scoringViews(target: AmlDeployment, pod: V1Pod): ContainerView[] {
  const apps = containersOf(pod).filter((c) => c.kind === 'app');
  const named = apps.filter((c) => c.name === target.name || c.name === 'inference-server');
  return named.length ? named : apps.filter((c) => !SIDECARS.has(c.name));
}

/** Every scoring container of the target's pods (pods newest first), with parsed logs. */
export function scoringContainers(ctx: RuleContext): ScoringContainer[] {
  const out: ScoringContainer[] = [];
  for (const pod of ctx.target.pods) {
    for (const view of scoringViews(ctx.target, pod)) {
      const logs = logsOf(ctx.snapshot, pod, view.name);
      out.push({
        pod,
        container: view,
        status: view.status,
        spec: view.spec,
        current: analyze(ctx.snapshot, logs?.current),
        previous: analyze(ctx.snapshot, logs?.previous),
      });
    }
  }
  return out;
}

/** Every app container of the target's pods, sidecars included (a sidecar can be OOM-killed too). */
export function appContainers(ctx: RuleContext): ScoringContainer[] {
  const scoring = new Map(
    scoringContainers(ctx).map((s) => [`${s.pod.metadata?.name}/${s.container.name}`, s]),
  );
  const out: ScoringContainer[] = [];
  for (const pod of ctx.target.pods) {
    for (const view of containersOf(pod).filter((c) => c.kind === 'app')) {
      out.push(
        scoring.get(`${pod.metadata?.name}/${view.name}`) ?? {
          pod,
          container: view,
          status: view.status,
          spec: view.spec,
        },
      );
    }
  }
  return out;
}

/** Timestamps arrive as Dates from the typed client, but stay defensive about strings from hand-made snapshots. */
export function asDate(value: Date | string | undefined | null): Date | undefined {
  if (!value) return undefined;
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export interface ProbeWindow {
  initialDelaySeconds: number;
  periodSeconds: number;
  failureThreshold: number;
  timeoutSeconds: number;
  /** How long after start the kubelet kills a container that never answers: initialDelay + failureThreshold × period. */
  windowSeconds: number;
}

/** Kubernetes defaults apply to unset fields (period 10 s, failureThreshold 3, timeout 1 s, initialDelay 0). */
export function probeWindow(probe: V1Probe | undefined): ProbeWindow | undefined {
  if (!probe) return undefined;
  const initialDelaySeconds = probe.initialDelaySeconds ?? 0;
  const periodSeconds = probe.periodSeconds ?? 10;
  const failureThreshold = probe.failureThreshold ?? 3;
  const timeoutSeconds = probe.timeoutSeconds ?? 1;
  return {
    initialDelaySeconds,
    periodSeconds,
    failureThreshold,
    timeoutSeconds,
    windowSeconds: initialDelaySeconds + failureThreshold * periodSeconds,
  };
}

/** The container's memory limit as written in the spec (the OOM killer's threshold), else its request. */
export function memoryLimit(
  spec: V1Container | undefined,
): { value: string; kind: 'limit' | 'request' } | undefined {
  const limit = spec?.resources?.limits?.memory;
  if (limit) return { value: String(limit), kind: 'limit' };
  const request = spec?.resources?.requests?.memory;
  return request ? { value: String(request), kind: 'request' } : undefined;
}

export function cpuLimit(spec: V1Container | undefined): string | undefined {
  const v = spec?.resources?.limits?.cpu ?? spec?.resources?.requests?.cpu;
  return v === undefined ? undefined : String(v);
}

export function describeTermination(t: V1ContainerStateTerminated): string {
  const parts = [`reason ${t.reason ?? 'Unknown'}`, `exit code ${t.exitCode}`];
  const finished = asDate(t.finishedAt);
  if (t.signal) parts.push(`signal ${t.signal}`);
  if (finished) parts.push(`finished ${finished.toISOString()}`);
  return parts.join(', ');
}

/** `waiting CrashLoopBackOff (back-off 5m0s ...); restartCount 6; last terminated: reason Error, exit code 3, ...`. */
export function statusLine(status: V1ContainerStatus): string {
  const parts: string[] = [];
  const st = status.state;
  if (st?.waiting)
    parts.push(
      `waiting ${st.waiting.reason ?? ''}${st.waiting.message ? ` (${st.waiting.message})` : ''}`.trim(),
    );
  else if (st?.running)
    parts.push(`running since ${asDate(st.running.startedAt)?.toISOString() ?? '?'}, ready ${status.ready}`);
  else if (st?.terminated) parts.push(`terminated: ${describeTermination(st.terminated)}`);
  parts.push(`restartCount ${status.restartCount ?? 0}`);
  const last = status.lastState?.terminated;
  if (last) parts.push(`last terminated: ${describeTermination(last)}`);
  return parts.join('; ');
}

export function statusEvidence(sc: ScoringContainer): Evidence | undefined {
  return sc.status
    ? evidence(podSource(sc.pod, sc.container.name, 'status'), statusLine(sc.status))
    : undefined;
}

/** Whether the container has crashed at least once or is down now: the precondition for calling anything a crash. */
export function hasCrashed(status: V1ContainerStatus | undefined): boolean {
  if (!status) return false;
  const st = status.state;
  if (st?.waiting?.reason === 'CrashLoopBackOff') return true;
  if (st?.terminated && st.terminated.exitCode !== 0) return true;
  return (status.restartCount ?? 0) > 0 && Boolean(status.lastState?.terminated);
}

/** ` (2 of 3 pods)` for explanations; empty for a single-pod deployment, where it says nothing. */
export function podScope(n: number, total: number): string {
  return total > 1 ? ` (${n} of ${total} pods)` : '';
}
