/**
 * FrontendUnhealthy: the router in front of every scoring service — v1 `azureml-fe` (namespace `default`), v2
 * `azureml-fe-v2` (namespace `azureml`) — is not available, so requests never reach the service even when its pods
 * are Ready; Azure ML then keeps the service `Transitioning` (v2: `ScoringFeUnhealthy`). Judged from the router's
 * own Deployment (`Available` condition, available replicas) or, without it, its pods' readiness; the reason comes
 * from its pods: HA anti-affinity on too few nodes, the TLS secret `azuremlfessl` missing, a crash loop, image pull.
 * One router replica restarting while the Deployment stays Available is not a finding. A router that only just
 * became unavailable (a rolling restart on scale-up) gets FE_GRACE_SECONDS.
 */
import { SPECIFICITY } from '../types.js';
import type { CoreV1Event, V1Deployment, V1Pod } from '@kubernetes/client-node';
import type { Snapshot } from '../../snapshot/types.js';
import {
  deploymentCondition,
  eventEvidence,
  evidence,
  humanDuration,
  logsOf,
  podCondition,
  podEvents,
  podSource,
  secondsBetween,
} from '../context.js';
import { clip } from '../../text/redact.js';
import { DOCS } from '../docs.js';
import type { AmlFlavor, Rule, RuleContext } from '../rule.js';
import type { Evidence, RuleFinding } from '../types.js';
import { podRestarts, podStatusText } from '../signals/podProgress.js';
import { isPodReady, newestEvent } from '../signals/podSignals.js';
import { parseSchedulerMessage } from '../signals/schedulerMessage.js';

/** The router restarts its pods when it scales itself; a shorter outage is not reported. */
export const FE_GRACE_SECONDS = 120;

export const FRONTEND: Record<AmlFlavor, { name: string; namespace: string }> = {
  v1: { name: 'azureml-fe', namespace: 'default' },
  v2: { name: 'azureml-fe-v2', namespace: 'azureml' },
};

export const FE_TLS_SECRET = 'azuremlfessl';

type FeProblem = 'tlsSecret' | 'antiAffinity' | 'crash' | 'imagePull' | 'unschedulable' | 'notReady';

interface FeView {
  name: string;
  namespace: string;
  deployment?: V1Deployment;
  pods: V1Pod[];
  desired: number;
  available: number;
}

/** The router's Deployment and pods (pods by their ReplicaSet owner `<name>-<hash>`, else by name). */
export function frontendOf(snapshot: Snapshot, flavor: AmlFlavor): FeView | undefined {
  const { name, namespace } = FRONTEND[flavor];
  const inNs = (ns: string | undefined) => (ns ?? '') === namespace;
  const deployment = snapshot.deployments.find(
    (d) => d.metadata?.name === name && inNs(d.metadata?.namespace),
  );
  const rsName = new RegExp(`^${name}-[a-z0-9]{5,10}$`);
  const podName = new RegExp(`^${name}-[a-z0-9]{5,10}-[a-z0-9]{5}$`);
  const pods = snapshot.pods.filter((p) => {
    if (!inNs(p.metadata?.namespace)) return false;
    const owner = p.metadata?.ownerReferences?.find((o) => o.kind === 'ReplicaSet')?.name;
    return owner ? rsName.test(owner) : podName.test(p.metadata?.name ?? '');
  });
  if (!deployment && pods.length === 0) return undefined;
  const desired = deployment?.spec?.replicas ?? pods.length;
  const available = deployment
    ? (deployment.status?.availableReplicas ?? 0)
    : pods.filter((p) => isPodReady(p) && !p.metadata?.deletionTimestamp).length;
  return { name, namespace, deployment, pods, desired, available };
}

interface Diagnosed {
  problem: FeProblem;
  pod?: V1Pod;
  event?: CoreV1Event;
  line?: string;
  lineSource?: string;
}

function unavailableSince(fe: FeView): Date | undefined {
  const cond = deploymentCondition(fe.deployment, 'Available');
  if (cond?.status === 'False') return cond.lastTransitionTime;
  const times = fe.pods
    .map((p) => podCondition(p, 'Ready')?.lastTransitionTime ?? p.metadata?.creationTimestamp)
    .filter((d): d is Date => d instanceof Date);
  return times.length ? new Date(Math.min(...times.map((d) => d.getTime()))) : undefined;
}

function lastLogLine(snapshot: Snapshot, pod: V1Pod): { line: string; source: string } | undefined {
  for (const c of pod.spec?.containers ?? []) {
    const logs = logsOf(snapshot, pod, c.name);
    for (const [part, text] of [
      ['previous-log', logs?.previous],
      ['log', logs?.current],
    ] as const) {
      if (!text) continue;
      const lines = text
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean);
      // The specific error line beats the generic "exiting" that often follows it.
      const rev = [...lines].reverse();
      const line =
        rev.find((l) =>
          /\berror\b|exception|panic|denied|refused|no such host|x509|timed? ?out|unable/i.test(l),
        ) ??
        rev.find((l) => /fatal|fail/i.test(l)) ??
        lines.at(-1);
      if (line) return { line, source: podSource(pod, c.name, part) };
    }
  }
  return undefined;
}

function diagnosePod(snapshot: Snapshot, pod: V1Pod): Diagnosed | undefined {
  const events = podEvents(snapshot, pod);
  const statuses = pod.status?.containerStatuses ?? [];
  const tls = [...events]
    .reverse()
    .find((e) => (e.message ?? '').includes(`"${FE_TLS_SECRET}"`) && /not found/i.test(e.message ?? ''));
  const tlsWaiting = statuses.find((s) => (s.state?.waiting?.message ?? '').includes(FE_TLS_SECRET));
  if (tls || tlsWaiting) {
    return {
      problem: 'tlsSecret',
      pod,
      event: tls,
      line: tls ? undefined : tlsWaiting?.state?.waiting?.message,
      lineSource: podSource(pod, tlsWaiting?.name, 'status'),
    };
  }
  if (!pod.spec?.nodeName) {
    const cond = podCondition(pod, 'PodScheduled');
    const failed = newestEvent(events, 'FailedScheduling');
    const text = (cond?.status === 'False' ? cond.message : undefined) || failed?.message;
    const parsed = parseSchedulerMessage(text);
    if (parsed?.reasons.some((r) => r.kind === 'affinity') || /anti-affinity/i.test(text ?? '')) {
      return {
        problem: 'antiAffinity',
        pod,
        event: failed,
        line: failed ? undefined : text,
        lineSource: podSource(pod, undefined, 'status'),
      };
    }
    if (text)
      return {
        problem: 'unschedulable',
        pod,
        event: failed,
        line: failed ? undefined : text,
        lineSource: podSource(pod, undefined, 'status'),
      };
  }
  const crash = statuses.find(
    (s) =>
      s.state?.waiting?.reason === 'CrashLoopBackOff' ||
      (s.state?.terminated && s.state.terminated.exitCode !== 0),
  );
  if (crash) {
    const log = lastLogLine(snapshot, pod);
    return {
      problem: 'crash',
      pod,
      line: log?.line,
      lineSource: log?.source,
      event: log ? undefined : newestEvent(events, 'BackOff'),
    };
  }
  const pull = statuses.find((s) => /ErrImagePull|ImagePullBackOff/.test(s.state?.waiting?.reason ?? ''));
  if (pull)
    return {
      problem: 'imagePull',
      pod,
      event: newestEvent(events, 'Failed'),
      line: pull.state?.waiting?.message,
      lineSource: podSource(pod, pull.name, 'status'),
    };
  if (!isPodReady(pod)) return { problem: 'notReady', pod, event: newestEvent(events, 'Unhealthy') };
  return undefined;
}

/** `2024-05-14T10:27:39.927Z ERROR msg` → `msg`, for titles. */
function withoutLogPrefix(line: string): string {
  return line.replace(
    /^\[?\d{4}-\d\d-\d\d[T ][\d:.,]+(?:Z|[+-]\d\d:?\d\d)?\]?\s+(?:\[?(?:TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL|CRITICAL)\]?\s+)?/i,
    '',
  );
}

const PRIORITY: FeProblem[] = [
  'tlsSecret',
  'antiAffinity',
  'crash',
  'imagePull',
  'unschedulable',
  'notReady',
];

function diagnoseFe(snapshot: Snapshot, fe: FeView): Diagnosed {
  const found = fe.pods.flatMap((p) => diagnosePod(snapshot, p) ?? []);
  found.sort((a, b) => PRIORITY.indexOf(a.problem) - PRIORITY.indexOf(b.problem));
  return found[0] ?? { problem: 'notReady' };
}

function remedyFor(
  d: Diagnosed,
  fe: FeView,
  ctx: RuleContext,
): { title: string; why: string; remedy: string[] } {
  const v2 = ctx.target.flavor === 'v2';
  const nodes = ctx.snapshot.nodes.length;
  const restart = `\`kubectl rollout restart deployment/${fe.name} -n ${fe.namespace}\``;
  switch (d.problem) {
    case 'antiAffinity':
      return {
        title: `${fe.name} is not available: its replicas need separate nodes (anti-affinity) but ${nodes ? `the cluster has ${nodes} node${nodes === 1 ? '' : 's'}` : 'too few nodes are free'}`,
        why: `router pods are Pending because the scheduler found no node without another router replica ("didn't match pod anti-affinity rules"); high-availability routing spreads ${fe.desired} replicas over ${fe.desired} nodes`,
        remedy: v2
          ? [
              `Add nodes so there are at least 3 (\`az aks nodepool scale -g <rg> --cluster-name <cluster> -n <pool> --node-count 3\`), or`,
              `turn off router HA for a dev/test cluster: \`az k8s-extension update --name <extension> --cluster-type managedClusters --cluster-name <cluster> -g <rg> --config inferenceRouterHA=False\``,
            ]
          : [
              `Add nodes so each azureml-fe replica gets its own (a production-purpose cluster needs at least 3 nodes), or re-attach the cluster with cluster_purpose=DevTest (\`AksCompute.ClusterPurpose.DEV_TEST\`)`,
            ],
      };
    case 'tlsSecret':
      return {
        title: `${fe.name} cannot start: TLS secret "${FE_TLS_SECRET}" is missing in namespace ${fe.namespace}`,
        why: `router pods wait for the secret "${FE_TLS_SECRET}" holding the scoring endpoint's TLS certificate (cert.pem/key.pem), which does not exist`,
        remedy: v2
          ? [
              `Create it from your certificate: \`kubectl create secret generic ${FE_TLS_SECRET} -n ${fe.namespace} --from-file=cert.pem --from-file=key.pem\`, or reinstall the extension with sslCertPemFile/sslKeyPemFile (or allowInsecureConnections=True for test clusters)`,
              `Then ${restart}`,
            ]
          : [
              `Re-apply the cluster's SSL configuration so Azure ML recreates the secret: \`AksCompute.update(AksUpdateConfiguration(ssl_configuration=SslConfiguration(cert_file=..., key_file=..., cname=...)))\`, or detach and re-attach the cluster with its SSL settings`,
              `Then ${restart}`,
            ],
      };
    case 'crash':
      return {
        title: clip(`${fe.name} is crash-looping${d.line ? `: ${withoutLogPrefix(d.line)}` : ''}`, 180),
        why: `router pods keep exiting${d.line ? ` (last log line: "${d.line}")` : ''}`,
        remedy: v2
          ? [
              `Read its log: \`kubectl logs -n ${fe.namespace} deploy/${fe.name} --previous\`, and the extension health report: \`kubectl get cm arcml-healthcheck -n ${fe.namespace} -o yaml\``,
              `Update or reinstall the Azure ML extension (\`az k8s-extension update ...\`); check egress to mcr.microsoft.com, the workspace storage and the Azure ML service endpoints`,
            ]
          : [
              `Read its log: \`kubectl logs -n ${fe.namespace} deploy/${fe.name} --previous\`; azureml-fe needs DNS and egress to the API server, mcr.microsoft.com, the workspace storage and api.azureml.ms`,
              `Restart it: ${restart}; if it keeps failing, detach and re-attach the cluster (or move to the v2 Kubernetes extension)`,
            ],
      };
    case 'imagePull':
      return {
        title: `${fe.name} cannot pull its image`,
        why: `router pods are stuck pulling their image from mcr.microsoft.com`,
        remedy: [
          `Allow the cluster's egress to mcr.microsoft.com and *.data.mcr.microsoft.com, then ${restart}`,
        ],
      };
    case 'unschedulable':
      return {
        title: `${fe.name} is not available: its pods cannot be scheduled`,
        why: `router pods are Pending (the scheduler cannot place them)`,
        remedy: [
          `Free or add node capacity for ${fe.name} (it requests about 1 CPU per replica), then ${restart}`,
        ],
      };
    default:
      return {
        title: `${fe.name} is not available: ${fe.available} of ${fe.desired} replicas ready`,
        why: `router pods are running but not ready`,
        remedy: [
          `Read its log and events: \`kubectl logs -n ${fe.namespace} deploy/${fe.name}\`, \`kubectl describe pods -n ${fe.namespace} | grep -A5 Events\``,
          v2 ? `Update or reinstall the Azure ML extension if it does not recover` : `Restart it: ${restart}`,
        ],
      };
  }
}

export const frontendUnhealthy: Rule = {
  id: 'frontendUnhealthy',
  stage: 'platform',
  diagnose(ctx: RuleContext): RuleFinding[] {
    const fe = frontendOf(ctx.snapshot, ctx.target.flavor);
    if (!fe || fe.desired === 0) return [];
    const availableCond = deploymentCondition(fe.deployment, 'Available');
    const unavailable = fe.available === 0 || availableCond?.status === 'False';
    if (!unavailable) return [];
    const since = unavailableSince(fe);
    const downFor = secondsBetween(since, ctx.now);
    if (downFor !== undefined && downFor < FE_GRACE_SECONDS) return [];

    const d = diagnoseFe(ctx.snapshot, fe);
    const t = remedyFor(d, fe, ctx);
    const ev: Evidence[] = [];
    ev.push(
      evidence(
        `deployment/${fe.name}/status`,
        `${fe.namespace}/${fe.name}: ${fe.available}/${fe.desired} available` +
          (availableCond ? `, Available=${availableCond.status} (${availableCond.reason ?? ''})` : '') +
          (downFor !== undefined ? `, for ${humanDuration(downFor)}` : ''),
      ),
    );
    if (d.event) ev.push(eventEvidence(d.event));
    if (d.line && d.lineSource) ev.push(evidence(d.lineSource, d.line));
    for (const p of fe.pods.slice(0, 3)) {
      ev.push(
        evidence(
          podSource(p, undefined, 'status'),
          `${podStatusText(p)}, ${isPodReady(p) ? 'Ready' : 'not Ready'}, ${podRestarts(p)} restart(s)`,
        ),
      );
    }
    const ready = ctx.target.pods.filter(isPodReady).length;
    const total = ctx.target.pods.length;
    if (total)
      ev.push(evidence(`deployment/${ctx.target.name}/pods`, `service pods: ${ready}/${total} Ready`));
    const state = ctx.snapshot.service?.state;
    if (state)
      ev.push(
        evidence(
          'service.json',
          `state ${state}${ctx.snapshot.service?.error?.code ? `, error ${ctx.snapshot.service.error.code}` : ''}`,
        ),
      );

    const podsWord =
      total && ready === total
        ? `The service's own pods are Ready (${ready}/${total}), so the deployment is blocked by the router, not by the model: `
        : '';
    const stateWord =
      state === 'Transitioning' ? ' That is why Azure ML still reports the service as Transitioning.' : '';
    return [
      {
        code: 'FrontendUnhealthy',
        detail: null,
        severity: 'critical',
        title: t.title,
        explanation:
          `${podsWord}the Azure ML front end ${fe.namespace}/${fe.name}, which routes every scoring request, has ${fe.available} of ${fe.desired} replicas available: ${t.why}.` +
          `${stateWord} Platform stage: a cluster component, not the deployment, needs fixing.`,
        evidence: ev,
        remedy: t.remedy,
        docs: [
          DOCS.azuremlFeRouting,
          ctx.target.flavor === 'v1' ? DOCS.attachAksV1 : DOCS.kubernetesExtension,
          DOCS.troubleshootKubernetesCompute,
        ],
        stage: 'platform',
        specificity: d.problem === 'notReady' ? SPECIFICITY.classified : SPECIFICITY.decisive,
      },
    ];
  },
};
