/**
 * ContainerConfigError: the kubelet cannot build a container's environment because a Secret or ConfigMap it
 * references (env valueFrom / envFrom) is missing or lacks the key. Signals: waiting CreateContainerConfigError
 * with `secret "x" not found`, `configmap "x" not found`, `couldn't find key K in ConfigMap ns/x`, and the kubelet's
 * `Failed` events with the same text (used when the waiting message is empty). A Secret or ConfigMap mounted as a
 * volume fails earlier, at mount time: the kubelet's FailedMount `MountVolume.SetUp failed for volume "v" : configmap
 * "x" not found` while the container waits in ContainerCreating. Only `secret:` / `configMap:` / `projected:` volumes
 * count, so a storage driver that cannot read its own credentials Secret stays a ModelMountFailure.
 *
 * Time: the kubelet retries every sync, so when the snapshot shows the object exists now, the error is about to
 * clear and is not reported. Azure ML v1 keeps InitContainerConfig in ConfigMap `<service><id>-config`.
 */
import { SPECIFICITY } from '../types.js';
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import {
  containersOf,
  eventEvidence,
  evidence,
  podEvents,
  podSource,
  type ContainerView,
} from '../context.js';
import { DOCS } from '../docs.js';
import type { Rule, RuleContext } from '../rule.js';
import type { DetailOf, Evidence, RuleFinding } from '../types.js';
import { newestEvent, serviceLabel } from '../signals/podSignals.js';

type Detail = DetailOf<'ContainerConfigError'>;

interface MissingRef {
  detail: Detail;
  kind: 'Secret' | 'ConfigMap';
  name: string;
  /** Set when the object exists but lacks this key. */
  key?: string;
}

/** `secret "x" not found`, `configmap "x" not found`, `couldn't find key k in ConfigMap ns/x`. */
export function parseConfigError(text: string | undefined): MissingRef | undefined {
  if (!text) return undefined;
  const nf = /\b(secret|configmap)s? "([^"]+)" not found/i.exec(text);
  if (nf) {
    const secret = nf[1]?.toLowerCase() === 'secret';
    return {
      detail: secret ? 'MissingSecret' : 'MissingConfigMap',
      kind: secret ? 'Secret' : 'ConfigMap',
      name: nf[2] ?? '?',
    };
  }
  const key = /couldn't find key (\S+) in (ConfigMap|Secret) (?:[\w.-]+\/)?([\w.-]+)/i.exec(text);
  if (key) {
    const secret = key[2]?.toLowerCase() === 'secret';
    return {
      detail: secret ? 'MissingSecret' : 'MissingConfigMap',
      kind: secret ? 'Secret' : 'ConfigMap',
      name: key[3] ?? '?',
      key: key[1],
    };
  }
  return undefined;
}

interface ConfigProblem {
  pod: V1Pod;
  container: ContainerView;
  ref: MissingRef;
  waitingMessage?: string;
  event?: CoreV1Event;
  /** Set when the object is mounted as this volume (FailedMount) rather than read into the environment. */
  volume?: string;
}

/** The env var (or envFrom) of the container that points at the missing object, for evidence and the remedy. */
function referencingEnv(c: ContainerView, ref: MissingRef, volume?: string): string | undefined {
  if (volume) {
    const mount = c.spec?.volumeMounts?.find((m) => m.name === volume);
    return `volume ${volume} <- ${ref.kind} ${ref.name}${mount ? ` mounted at ${mount.mountPath}` : ''}`;
  }
  for (const env of c.spec?.env ?? []) {
    const sel = ref.kind === 'ConfigMap' ? env.valueFrom?.configMapKeyRef : env.valueFrom?.secretKeyRef;
    if (sel?.name === ref.name && (!ref.key || sel.key === ref.key))
      return `env ${env.name} <- ${ref.kind} ${ref.name} key ${sel.key}`;
  }
  for (const from of c.spec?.envFrom ?? []) {
    const sel = ref.kind === 'ConfigMap' ? from.configMapRef : from.secretRef;
    if (sel?.name === ref.name) return `envFrom ${ref.kind} ${ref.name}`;
  }
  return undefined;
}

function existsNow(ctx: RuleContext, ref: MissingRef, namespace: string | undefined): boolean {
  // Only ConfigMaps are in a snapshot (Secrets are never collected), so only they can be confirmed present.
  if (ref.kind !== 'ConfigMap' || ref.key) return false;
  return ctx.snapshot.configMaps.some(
    (cm) =>
      cm.metadata?.name === ref.name &&
      (!namespace || !cm.metadata?.namespace || cm.metadata.namespace === namespace),
  );
}

const SETUP_FAILED = /^MountVolume\.SetUp failed for volume "([^"]+)" : /;

/** Whether pod volume `name` is a Secret / ConfigMap volume (directly or projected) of object `ref`. */
function volumeUses(pod: V1Pod, name: string, ref: MissingRef): boolean {
  const vol = pod.spec?.volumes?.find((v) => v.name === name);
  if (!vol) return false;
  const direct = ref.kind === 'Secret' ? vol.secret?.secretName : vol.configMap?.name;
  if (direct === ref.name) return true;
  return (vol.projected?.sources ?? []).some(
    (s) => (ref.kind === 'Secret' ? s.secret?.name : s.configMap?.name) === ref.name,
  );
}

/** A container stuck in ContainerCreating because a Secret / ConfigMap volume cannot be set up. */
function volumeProblem(ctx: RuleContext, pod: V1Pod, events: CoreV1Event[]): ConfigProblem | undefined {
  const creating = containersOf(pod).filter(
    (c) => c.kind === 'app' && (!c.status || c.status.state?.waiting?.reason === 'ContainerCreating'),
  );
  if (!creating.length) return undefined;
  for (const e of [...events].reverse()) {
    if (e.reason !== 'FailedMount') continue;
    const volume = SETUP_FAILED.exec(e.message ?? '')?.[1];
    const ref = parseConfigError(e.message);
    if (!volume || !ref || !volumeUses(pod, volume, ref)) continue;
    if (existsNow(ctx, ref, pod.metadata?.namespace)) continue;
    const container =
      creating.find((c) => c.spec?.volumeMounts?.some((m) => m.name === volume)) ?? creating[0];
    if (container) return { pod, container, ref, event: e, volume };
  }
  return undefined;
}

function findProblem(ctx: RuleContext): ConfigProblem | undefined {
  for (const pod of ctx.target.pods) {
    if (pod.metadata?.deletionTimestamp) continue;
    const events = podEvents(ctx.snapshot, pod);
    for (const c of containersOf(pod)) {
      const waiting = c.status?.state?.waiting;
      if (waiting?.reason !== 'CreateContainerConfigError') continue;
      const mine = events.filter(
        (e) => !e.involvedObject.fieldPath || e.involvedObject.fieldPath.endsWith(`{${c.name}}`),
      );
      const event =
        [...mine].reverse().find((e) => e.reason === 'Failed' && parseConfigError(e.message)) ??
        newestEvent(mine, 'Failed');
      const ref = parseConfigError(waiting.message) ?? parseConfigError(event?.message);
      if (!ref || existsNow(ctx, ref, pod.metadata?.namespace)) continue;
      return { pod, container: c, ref, waitingMessage: waiting.message, event };
    }
    const mounted = volumeProblem(ctx, pod, events);
    if (mounted) return mounted;
  }
  return undefined;
}

function remedyOf(ctx: RuleContext, p: ConfigProblem): string[] {
  const { ref } = p;
  const ns = p.pod.metadata?.namespace ?? ctx.target.namespace;
  const v1 = ctx.target.flavor === 'v1';
  const amlConfig =
    ref.kind === 'ConfigMap' &&
    (/-config$/.test(ref.name) ||
      /InitContainerConfig/.test(referencingEnv(p.container, ref, p.volume) ?? ''));
  if (v1 && amlConfig) {
    return [
      `Azure ML v1 creates ConfigMap ${ref.name} (InitContainerConfig: where the models and entry script are) together with the service; ${ref.key ? 'it lacks that key' : 'it is gone'}, so the service was half-deleted or re-created while a delete was running`,
      `Delete the service (az ml service delete -n ${ctx.target.name}, or service.delete() in the SDK) and deploy it again; do not create the ConfigMap by hand, Azure ML overwrites it`,
    ];
  }
  const what = ref.key ? `add key ${ref.key} to ${ref.kind} ${ref.name}` : `create ${ref.kind} ${ref.name}`;
  const how =
    ref.kind === 'Secret'
      ? `kubectl create secret generic ${ref.name} -n ${ns} --from-literal=<key>=<value>`
      : `kubectl create configmap ${ref.name} -n ${ns} --from-literal=<key>=<value>`;
  return [
    `${what[0]?.toUpperCase()}${what.slice(1)} in namespace ${ns} (${how}), or remove the reference from the container's ${p.volume ? `volumes (volume ${p.volume})` : 'env'}`,
    v1
      ? 'If Azure ML created the reference, redeploy the service so it recreates its objects'
      : 'If the Azure ML extension created the reference, update or recreate the online deployment so it recreates its objects',
  ];
}

export const containerConfigError: Rule = {
  id: 'containerConfigError',
  stage: 'configure',
  diagnose(ctx: RuleContext): RuleFinding[] {
    const p = findProblem(ctx);
    if (!p) return [];
    const { ref, container: c } = p;
    const ev: Evidence[] = [];
    const wm = p.waitingMessage?.trim();
    ev.push(
      evidence(
        podSource(p.pod, c.name, 'status'),
        p.volume ? 'waiting ContainerCreating' : `waiting CreateContainerConfigError${wm ? `: ${wm}` : ''}`,
      ),
    );
    if (p.event && !(wm && (p.event.message ?? '').includes(wm))) ev.push(eventEvidence(p.event));
    const env = referencingEnv(c, ref, p.volume);
    if (env) ev.push(evidence(podSource(p.pod, c.name, 'spec'), env));
    const what = ref.key
      ? `${ref.kind} ${ref.name} has no key ${ref.key}`
      : `${ref.kind} ${ref.name} does not exist`;
    const explanation = [
      `Container ${c.name} of pod ${p.pod.metadata?.name} (${serviceLabel(ctx.target)}) cannot be created: ${what} in namespace ${p.pod.metadata?.namespace ?? ctx.target.namespace}, and the container references it${env ? ` (${env})` : ''}.`,
      p.volume
        ? `The kubelet cannot set up volume ${p.volume} from it, so the container is never created (it waits in ContainerCreating, and the kubelet retries until the object appears); the model volume is not the problem.`
        : 'The image was pulled and volumes mounted; the kubelet stops at building the container configuration and retries until the object appears.',
    ];
    return [
      {
        code: 'ContainerConfigError',
        detail: ref.detail,
        severity: 'critical',
        title: ref.key
          ? `${ref.kind} ${ref.name} lacks key ${ref.key} needed by container ${c.name}`
          : `${ref.kind} ${ref.name} needed by container ${c.name} does not exist`,
        explanation: explanation.join(' '),
        evidence: ev,
        remedy: remedyOf(ctx, p),
        docs: [ctx.target.flavor === 'v1' ? DOCS.troubleshootV1 : DOCS.troubleshootOnline],
        stage: 'configure',
        specificity: SPECIFICITY.decisive,
      },
    ];
  },
};
