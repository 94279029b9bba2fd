/**
 * ImagePullFailure: a container of the deployment waits in ErrImagePull / ImagePullBackOff (or InvalidImageName).
 * The waiting message is often empty or just "Back-off pulling image …" (k8sgpt drops those), so the kubelet's
 * `Failed` events for the same container are read too, newest first, and classified by pullError.ts.
 *
 * Time: a missing image or refused credentials are final at the first failure; a network failure is only reported
 * once the kubelet is backing off, has failed at least twice, or has been failing for NETWORK_GRACE_SECONDS.
 * Containers that pulled since (running, or still ContainerCreating after a Pulling event) are not looked at.
 */
import { SPECIFICITY } from '../types.js';
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import {
  containersOf,
  evidence,
  humanDuration,
  podEvents,
  podSource,
  secondsBetween,
  type ContainerView,
} from '../context.js';
import { DOCS } from '../docs.js';
import type { Rule, RuleContext } from '../rule.js';
import type { Evidence, RuleFinding } from '../types.js';
import {
  eventEvidenceKeepingTail,
  eventFirstSeen,
  headAndTail,
  registryOf,
  serviceLabel,
} from '../signals/podSignals.js';
import { classifyPullError, type PullErrorClass, type UnreachableCause } from '../signals/pullError.js';

/** A network failure younger than this, seen once, without back-off yet, may be a blip the next retry fixes. */
export const NETWORK_GRACE_SECONDS = 60;

const PULL_WAITING = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull']);

interface PullProblem {
  pod: V1Pod;
  container: ContainerView;
  reason: string;
  waitingMessage?: string;
  cls?: PullErrorClass;
  decisive?: CoreV1Event;
  failures: CoreV1Event[];
}

function aboutContainer(e: CoreV1Event, c: ContainerView): boolean {
  const fp = e.involvedObject.fieldPath;
  if (fp) return fp.endsWith(`{${c.name}}`);
  const image = c.spec?.image;
  return !!image && (e.message ?? '').includes(image);
}

function pullProblem(
  ctx: RuleContext,
  pod: V1Pod,
  c: ContainerView,
  events: CoreV1Event[],
): PullProblem | undefined {
  const waiting = c.status?.state?.waiting;
  if (!waiting?.reason || !PULL_WAITING.has(waiting.reason)) return undefined;
  const mine = events.filter((e) => aboutContainer(e, c));
  const failures = mine.filter(
    (e) =>
      e.reason === 'Failed' &&
      /pull|image|registry/i.test(e.message ?? '') &&
      !/^Error: (ErrImagePull|ImagePullBackOff)$/.test(e.message ?? ''),
  );
  let cls = classifyPullError(waiting.message);
  let decisive: CoreV1Event | undefined;
  for (let i = failures.length - 1; i >= 0 && !decisive; i--) {
    const e = failures[i] as CoreV1Event;
    const k = classifyPullError(e.message);
    if (k && (!cls || k.detail === cls.detail)) {
      cls = cls ?? k;
      decisive = e;
    }
  }
  if (!cls && waiting.reason === 'InvalidImageName') cls = { detail: 'ImageNotFound' };
  return {
    pod,
    container: c,
    reason: waiting.reason,
    waitingMessage: waiting.message,
    cls,
    decisive,
    failures,
  };
}

/** Network failures get a short grace: the kubelet retries, and one timeout is not yet a diagnosis. */
function stillRetrying(p: PullProblem, now: Date): boolean {
  if (p.cls?.detail !== 'RegistryUnreachable' || p.reason === 'ImagePullBackOff') return false;
  const count = p.failures.reduce((n, e) => n + (e.count ?? 1), 0);
  const first = p.failures[0];
  const age = first ? (secondsBetween(eventFirstSeen(first), now) ?? 0) : 0;
  return count < 2 && age < NETWORK_GRACE_SECONDS;
}

function imageName(p: PullProblem): string {
  return p.container.spec?.image ?? p.container.status?.image ?? '?';
}

function acrName(registry: string | undefined): string | undefined {
  return registry?.endsWith('.azurecr.io') ? registry.slice(0, -'.azurecr.io'.length) : undefined;
}

function titleOf(p: PullProblem): string {
  const full = imageName(p);
  const reg = registryOf(full) ?? 'the registry';
  // The registry is named separately, so the image is shown by its repository path.
  const image = full.startsWith(`${reg}/`) ? full.slice(reg.length + 1) : full;
  switch (p.cls?.detail) {
    case 'ImageNotFound':
      return `Image ${image} does not exist in ${reg}`;
    case 'RegistryUnauthorized':
      return `${reg} refuses to let the nodes pull ${image} (unauthorized)`;
    case 'RegistryUnreachable':
      return p.cls.cause === 'dns'
        ? `The nodes cannot resolve ${reg} (DNS) to pull the image`
        : p.cls.cause === 'firewall'
          ? `The ${reg} firewall blocks the nodes from pulling the image`
          : `The nodes cannot reach ${reg} to pull the image (${p.cls.cause === 'tls' ? 'TLS certificate error' : p.cls.cause === 'refused' ? 'connection refused' : 'timeout'})`;
    default:
      return `Image ${image} cannot be pulled (${p.reason})`;
  }
}

function remedyOf(ctx: RuleContext, p: PullProblem): string[] {
  const image = imageName(p);
  const reg = registryOf(image);
  const acr = acrName(reg);
  const v1 = ctx.target.flavor === 'v1';
  const repo = image.replace(/^[^/]+\//, '').replace(/[:@].*$/, '');
  const secrets = (p.pod.spec?.imagePullSecrets ?? []).map((s) => s.name).filter(Boolean);
  switch (p.cls?.detail) {
    case 'ImageNotFound':
      return [
        acr
          ? `Check what the registry has: az acr repository show-tags -n ${acr} --repository ${repo}`
          : `Check that ${image} exists and the tag is spelled right`,
        v1
          ? 'Azure ML reuses a cached environment image by hash; if it was deleted from the registry (retention policy, purge, manual cleanup) rebuild it: change or re-register the Environment (or Environment.build()) and redeploy the service'
          : 'If the environment image was deleted from the registry (retention policy, purge), rebuild it by creating a new environment version and update the deployment (az ml online-deployment update); for a custom image fix its name/tag in the environment',
      ];
    case 'RegistryUnauthorized':
      return v1
        ? [
            `The pod pulls with secret ${secrets.join(', ') || `${acr ?? '<acr>'}acrkey`}, which holds the workspace ACR's admin credentials: make sure the admin user is enabled (az acr update -n ${acr ?? '<acr>'} --admin-enabled true)`,
            'After the ACR keys changed, run az ml workspace sync-keys (v1 SDK: ws.sync_keys()) and update or redeploy the service so the pull secret is recreated',
          ]
        : [
            `Give the cluster pull rights on the registry: az aks update -n <cluster> -g <resource-group> --attach-acr ${acr ?? reg ?? '<acr>'} (grants the kubelet identity AcrPull)`,
            'For a workspace or private registry, grant the endpoint/compute identity the AcrPull role and wait a few minutes for the role assignment to propagate, then redeploy',
          ];
    case 'RegistryUnreachable': {
      const host = reg ?? '<registry>';
      const region = acr ? `${host} and <region>.data.azurecr.io` : host;
      const byCause: Record<UnreachableCause, string> = {
        dns: `The nodes' DNS cannot resolve ${host}: with a private endpoint, link the privatelink.azurecr.io private DNS zone to the AKS VNet (or forward it from your custom DNS servers); otherwise fix the VNet's DNS servers`,
        firewall: `The registry's network rules reject the nodes: add the cluster's outbound IP or subnet to the ACR firewall (az acr network-rule add -n ${acr ?? '<acr>'} --ip-address <egress-ip>) or use a private endpoint`,
        tls: 'A proxy or firewall intercepts TLS to the registry: add its CA to the nodes (AKS custom CA trust / HTTP proxy config) or exempt the registry from inspection',
        refused: `Something on the path refuses connections to ${host}: check the egress proxy and firewall`,
        timeout: `Allow outbound HTTPS (443) from the node subnet to ${region} (NSG, Azure Firewall/UDR), or reach the registry through a private endpoint`,
      };
      return [
        byCause[p.cls.cause ?? 'timeout'],
        'The kubelet retries by itself; the pod starts once the registry is reachable',
      ];
    }
    default:
      return [
        'Run kubectl describe pod to read the pull error; check the image name, the registry credentials and network access',
      ];
  }
}

/**
 * The image build failed (build log or service error), so the environment image was never pushed: a missing image
 * is then the build's consequence, not a separate cause.
 */
function buildFailed(ctx: RuleContext): boolean {
  const outcome = ctx.snapshot.buildLog?.classification.outcome;
  if (outcome === 'failed') return true;
  const err = ctx.snapshot.service?.error;
  const text = [err?.code, err?.message, ...(err?.details ?? []).flatMap((d) => [d.code, d.message])].join(
    ' ',
  );
  return /EnvironmentBuildFailed|ImageBuildFailure|Image build failed|Docker image build failed|Failed building the Environment/i.test(
    text,
  );
}

export const imagePullFailure: Rule = {
  id: 'imagePullFailure',
  stage: 'pull',
  diagnose(ctx: RuleContext): RuleFinding[] {
    const { target, snapshot, now } = ctx;
    const problems: PullProblem[] = [];
    for (const pod of target.pods) {
      if (pod.metadata?.deletionTimestamp) continue;
      const events = podEvents(snapshot, pod);
      for (const c of containersOf(pod)) {
        const p = pullProblem(ctx, pod, c, events);
        if (p && !stillRetrying(p, now)) problems.push(p);
      }
    }
    // Prefer a classified problem (it carries the remedy); pods are newest first, containers in start order.
    const p = problems.find((x) => x.cls) ?? problems[0];
    if (!p) return [];

    const c = p.container;
    const ev: Evidence[] = [];
    const wm = p.waitingMessage?.trim();
    ev.push(
      evidence(podSource(p.pod, c.name, 'status'), headAndTail(`waiting ${p.reason}${wm ? `: ${wm}` : ''}`)),
    );
    if (p.decisive && !(p.decisive.message ?? '').endsWith(wm ?? '\u0000'))
      ev.push(eventEvidenceKeepingTail(p.decisive));
    else if (!p.decisive && p.failures.length)
      ev.push(eventEvidenceKeepingTail(p.failures[p.failures.length - 1] as CoreV1Event));
    if (p.cls?.detail === 'RegistryUnauthorized') {
      const secrets = (p.pod.spec?.imagePullSecrets ?? []).map((s) => s.name).join(', ');
      ev.push(
        evidence(
          podSource(p.pod, undefined, 'spec'),
          `image ${imageName(p)}; imagePullSecrets ${secrets || 'none'}`,
        ),
      );
    }
    const first = p.failures[0];
    const failingFor = first ? humanDuration(secondsBetween(eventFirstSeen(first), now) ?? 0) : undefined;
    const others = new Set(problems.map((x) => x.pod.metadata?.name)).size - 1;
    const explanation = [
      `The ${c.kind === 'init' ? 'init container' : 'container'} ${c.name} of pod ${p.pod.metadata?.name} (${serviceLabel(target)}) is waiting in ${p.reason}: the kubelet cannot pull ${imageName(p)}, so the deployment is stuck in the image pull stage and nothing has started.`,
      failingFor ? `Pulls have been failing for ${failingFor}.` : '',
      p.cls
        ? `The ${p.decisive ? 'kubelet event' : 'waiting message'} says ${p.cls.detail === 'ImageNotFound' ? 'the image or tag does not exist' : p.cls.detail === 'RegistryUnauthorized' ? 'the registry rejected the credentials' : 'the registry could not be reached'}.`
        : 'Neither the waiting message nor the events say why.',
      others > 0 ? `${others} other pod(s) of the deployment fail the same way.` : '',
    ];
    const afterBuild = p.cls?.detail === 'ImageNotFound' && buildFailed(ctx);
    if (afterBuild)
      explanation.push(
        'The image build failed, so the image was never pushed: this is a consequence of the build failure.',
      );
    const docs: string[] = [
      DOCS.k8sImagePull,
      target.flavor === 'v1' ? DOCS.troubleshootV1 : DOCS.troubleshootOnline,
    ];
    if (p.cls?.detail === 'RegistryUnauthorized' || p.cls?.detail === 'RegistryUnreachable')
      docs.push(DOCS.aksAcr);
    return [
      {
        code: 'ImagePullFailure',
        detail: p.cls?.detail ?? null,
        severity: 'critical',
        title: titleOf(p),
        explanation: explanation.filter(Boolean).join(' '),
        evidence: ev,
        remedy: remedyOf(ctx, p),
        docs,
        stage: 'pull',
        specificity: p.cls ? SPECIFICITY.decisive : SPECIFICITY.partial,
        ...(afterBuild ? { role: 'consequence' as const } : {}),
      },
    ];
  },
};
