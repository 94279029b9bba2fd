/**
 * ModelMountFailure: the volume carrying the model and code (v1 `staging` → PVC → blobfuse FlexVolume / Blob CSI
 * PV) does not get mounted, so the pod never starts its containers.
 * - ClaimPending: the claim cannot bind (PVC Pending/Lost, its PV missing, the PVC itself missing) — the pod is
 *   Pending and the scheduler says `pod has unbound immediate PersistentVolumeClaims` / `persistentvolumeclaim "x"
 *   not found`. This is the root cause; PodUnschedulable leaves volume-only waits to this rule.
 * - VolumeDriverError: `FailedMount` with a driver's own error (flexvolume JSON garbage, blobfuse/CSI rpc errors,
 *   fuse.conf, missing plugin after a cluster upgrade, storage key secret or key rejected).
 * - MountTimeout: only the kubelet's `timed out waiting for the condition` for a model volume, no driver error.
 * A pod whose containers have started got its volumes: earlier FailedMount events were transient and are ignored.
 */
import { SPECIFICITY } from '../types.js';
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import {
  eventEvidence,
  eventsFor,
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
import {
  describeVolume,
  findingPerDetail,
  mentionsVolume,
  modelVolumes,
  type ModelVolume,
} from '../signals/modelVolumes.js';
import { podStartedContainers } from '../signals/podProgress.js';
import { newestEvent, serviceLabel } from '../signals/podSignals.js';
import { parseSchedulerMessage } from '../signals/schedulerMessage.js';
import { redact } from '../../text/redact.js';

/** A claim may be Pending for a moment while Azure ML creates the PV and PVC next to the Deployment. */
export const CLAIM_GRACE_SECONDS = 30;

type Detail = DetailOf<'ModelMountFailure'>;

type DriverProblem =
  'flexJson' | 'fuseConf' | 'noPlugin' | 'keySecret' | 'keyRejected' | 'storageNetwork' | 'driver';

const DRIVER_SIGNALS: readonly { re: RegExp; problem: DriverProblem }[] = [
  { re: /no volume plugin matched/i, problem: 'noPlugin' },
  { re: /allow_other only allowed if 'user_allow_other' is set in \/etc\/fuse\.conf/i, problem: 'fuseConf' },
  { re: /invalid character '.' looking for beginning of value/i, problem: 'flexJson' },
  {
    re: /failed to get account key|could not get account key|could not get secret|secrets? "[^"]+" not found|could not find accountkey/i,
    problem: 'keySecret',
  },
  {
    re: /failed to authenticate credentials|lack of credentials|AuthenticationFailed|Server failed to authenticate|InvalidAuthenticationInfo|\b403\b/i,
    problem: 'keyRejected',
  },
  {
    re: /no such host|i\/o timeout|connection refused|AuthorizationFailure|network is unreachable/i,
    problem: 'storageNetwork',
  },
  {
    re: /rpc error: code = \w+ desc =|blobfuse|blob\.csi\.azure\.com|azure\/blobfuse|MountVolume\.(?:SetUp|MountDevice|NewMounter) failed|failed to get Plugin/i,
    problem: 'driver',
  },
];

const TIMEOUT =
  /timed out waiting for the condition|timeout expired waiting for volumes to attach or mount|context deadline exceeded/i;

/**
 * Evidence from a long kubelet message: FlexVolume errors put the decisive text (the driver's own error) after a
 * few hundred characters of command line, past the evidence clip. Keep the head and the part around the match.
 */
function focusedEvidence(e: CoreV1Event, problem: DriverProblem | undefined): Evidence {
  const full = eventEvidence(e);
  // Redact the whole message before taking a window of it: the window could start inside a secret.
  const message = redact(e.message ?? '');
  const re = DRIVER_SIGNALS.find((s) => s.problem === problem)?.re;
  const idx = re ? message.search(re) : -1;
  if (message.length <= 380 || idx < 300) return full;
  const count = e.series?.count ?? e.count;
  const suffix = count && count > 1 ? ` (x${count})` : '';
  return evidence(
    full.source,
    `${e.reason ?? ''}: ${wordsBefore(message, 110)} … ${wordsFrom(message, idx - 60, idx + 190)}${suffix}`,
  );
}

/** The text before `end`, cut back to a space when one is near, so no word is shown half. */
function wordsBefore(text: string, end: number): string {
  const at = text.lastIndexOf(' ', end);
  return text.slice(0, at > end - 40 ? at : end).trimEnd();
}

/** The window [start, end), both edges moved to spaces when one is near. */
function wordsFrom(text: string, start: number, end: number): string {
  const from = text.indexOf(' ', start);
  const begin = from >= 0 && from < start + 30 ? from + 1 : start;
  if (end >= text.length) return text.slice(begin);
  return wordsBefore(text.slice(0, end), end).slice(begin);
}

function driverProblem(message: string): DriverProblem | undefined {
  // A bare "Unable to attach or mount volumes ... timed out" is the kubelet's wait, not a driver's error.
  if (TIMEOUT.test(message) && !/failed to get Plugin|no volume plugin matched|MountVolume\./i.test(message))
    return undefined;
  return DRIVER_SIGNALS.find((s) => s.re.test(message))?.problem;
}

interface MountTrouble {
  pod: V1Pod;
  vol: ModelVolume;
  detail: Detail;
  events: CoreV1Event[];
  decisive?: CoreV1Event;
  problem?: DriverProblem;
  claimText?: string;
  since?: Date;
}

function schedulerVolumeText(ctx: RuleContext, pod: V1Pod): { text?: string; event?: CoreV1Event } {
  const cond = podCondition(pod, 'PodScheduled');
  const events = podEvents(ctx.snapshot, pod);
  const failed = newestEvent(events, 'FailedScheduling');
  const scheduled = newestEvent(events, 'Scheduled');
  if (
    cond?.status === 'True' ||
    (scheduled && failed && (eventTime(scheduled)?.getTime() ?? 0) > (eventTime(failed)?.getTime() ?? 0))
  )
    return {};
  for (const text of [cond?.status === 'False' ? cond.message : undefined, failed?.message]) {
    const parsed = parseSchedulerMessage(text);
    const reason = parsed?.reasons.find(
      (r) =>
        r.kind === 'volume' &&
        /unbound|persistentvolumeclaim "[^"]+" not found|being deleted|PersistentVolumeClaim/i.test(r.text),
    );
    if (reason) return { text: reason.text, event: failed && failed.message === text ? failed : undefined };
    if (
      text &&
      /pod has unbound immediate PersistentVolumeClaims|persistentvolumeclaim "[^"]+" not found/i.test(text)
    )
      return { text, event: failed?.message === text ? failed : undefined };
  }
  return {};
}

function claimTrouble(ctx: RuleContext, pod: V1Pod, vol: ModelVolume): MountTrouble | undefined {
  if (!vol.claimName) return undefined;
  const age = secondsBetween(pod.metadata?.creationTimestamp, ctx.now) ?? Infinity;
  if (age < CLAIM_GRACE_SECONDS) return undefined;
  const sched = schedulerVolumeText(ctx, pod);
  const phase = vol.pvc?.status?.phase;
  const pvcBad = vol.pvc ? phase === 'Pending' || phase === 'Lost' : false;
  const missingClaim = !vol.pvc && !!sched.text && /not found/i.test(sched.text);
  if (!pvcBad && !missingClaim && !sched.text) return undefined;
  if (!pvcBad && !missingClaim && vol.pvc && phase === 'Bound') return undefined;
  // The claim's own event says why it is not bound (`storageclass.storage.k8s.io "x" not found`, no matching PV):
  // more decisive than the scheduler's generic "unbound PersistentVolumeClaims".
  const own = [
    ...eventsFor(ctx.snapshot, {
      kind: 'PersistentVolumeClaim',
      name: vol.claimName,
      namespace: pod.metadata?.namespace,
      uid: vol.pvc?.metadata?.uid,
    }),
  ]
    .reverse()
    .find((e) => e.type === 'Warning' || /ProvisioningFailed|FailedBinding/.test(e.reason ?? ''));
  const events = [own, sched.event].filter((e): e is CoreV1Event => e !== undefined);
  return {
    pod,
    vol,
    detail: 'ClaimPending',
    events,
    decisive: own ?? sched.event,
    claimText: sched.text,
    since: vol.pvc?.metadata?.creationTimestamp ?? pod.metadata?.creationTimestamp,
  };
}

function mountTrouble(ctx: RuleContext, pod: V1Pod, vol: ModelVolume): MountTrouble | undefined {
  const failed = podEvents(ctx.snapshot, pod).filter(
    (e) => e.reason === 'FailedMount' && mentionsVolume(e.message ?? '', vol),
  );
  if (!failed.length) return undefined;
  const withDriver = failed.filter((e) => driverProblem(e.message ?? ''));
  const decisive = withDriver[withDriver.length - 1];
  // The pod has waited for its volumes since it was placed on the node, not since the first event was kept.
  const first = failed[0];
  const since =
    podCondition(pod, 'PodScheduled')?.lastTransitionTime ??
    pod.metadata?.creationTimestamp ??
    first?.firstTimestamp ??
    (first ? eventTime(first) : undefined);
  if (decisive) {
    return {
      pod,
      vol,
      detail: 'VolumeDriverError',
      events: failed,
      decisive,
      problem: driverProblem(decisive.message ?? ''),
      since,
    };
  }
  const timeout = [...failed].reverse().find((e) => TIMEOUT.test(e.message ?? ''));
  if (!timeout) return undefined;
  return { pod, vol, detail: 'MountTimeout', events: failed, decisive: timeout, since };
}

function troubleFor(ctx: RuleContext, pod: V1Pod): MountTrouble | undefined {
  if (pod.metadata?.deletionTimestamp || podStartedContainers(pod)) return undefined;
  const vols = modelVolumes(ctx.snapshot, pod);
  for (const vol of vols) {
    const t = claimTrouble(ctx, pod, vol);
    if (t) return t;
  }
  for (const vol of vols) {
    const t = mountTrouble(ctx, pod, vol);
    if (t) return t;
  }
  return undefined;
}

function pvLabel(vol: ModelVolume): string {
  return vol.pv?.metadata?.name ?? vol.pvc?.spec?.volumeName ?? 'its PersistentVolume';
}

function secretLabel(vol: ModelVolume, ns: string): string {
  return vol.secret ? `${vol.secret.namespace ?? ns}/${vol.secret.name}` : 'the storage key secret';
}

function redeployStep(ctx: RuleContext): string {
  return ctx.target.flavor === 'v1'
    ? `Redeploy the service so Azure ML recreates its volume objects: \`az ml service update -n ${serviceLabel(ctx.target)}\` (or Model.deploy(..., overwrite=True) with the same AksWebservice.deploy_configuration)`
    : `Update the deployment so it is rolled out again: \`az ml online-deployment update -e ${ctx.target.endpoint ?? '<endpoint>'} -n ${ctx.target.deploymentName ?? '<deployment>'}\``;
}

function claimText(t: MountTrouble, ctx: RuleContext): { title: string; cause: string; remedy: string[] } {
  const ns = t.pod.metadata?.namespace ?? ctx.target.namespace;
  const claim = t.vol.claimName ?? '?';
  if (!t.vol.pvc) {
    return {
      title: `PersistentVolumeClaim "${claim}" for the model volume "${t.vol.name}" does not exist`,
      cause: `the pod's volume "${t.vol.name}" refers to claim ${claim}, which is not in namespace ${ns}`,
      remedy: [
        `Check whether the claim was deleted: \`kubectl get pvc ${claim} -n ${ns}\`; Azure ML creates it with the service and does not recreate it on its own`,
        redeployStep(ctx),
      ],
    };
  }
  const pvName = t.vol.pvc.spec?.volumeName;
  const phase = t.vol.pvc.status?.phase ?? 'Pending';
  if (pvName && !t.vol.pv && ctx.snapshot.persistentVolumes.length > 0) {
    return {
      title: `PersistentVolumeClaim "${claim}" is ${phase}: its PersistentVolume "${pvName}" does not exist`,
      cause: `claim ${claim} is pre-bound to PV ${pvName}, which is not in the cluster`,
      remedy: [
        `Check the PV: \`kubectl get pv ${pvName}\`; it holds the blob container (storage account and key secret) the model is read from and was probably deleted`,
        redeployStep(ctx),
      ],
    };
  }
  if (pvName && t.vol.pv && t.vol.pv.spec?.claimRef && t.vol.pv.spec.claimRef.name !== claim) {
    return {
      title: `PersistentVolumeClaim "${claim}" is ${phase}: PV "${pvName}" is bound to another claim`,
      cause: `PV ${pvName} is claimed by ${t.vol.pv.spec.claimRef.namespace ?? ''}/${t.vol.pv.spec.claimRef.name}`,
      remedy: [`Release or recreate PV ${pvName} for claim ${claim}`, redeployStep(ctx)],
    };
  }
  return {
    title: `PersistentVolumeClaim "${claim}" is ${phase}: the model volume cannot bind`,
    cause: `claim ${claim} is ${phase}${pvName ? ` (requested PV ${pvName})` : ' with no PersistentVolume matching it'}`,
    remedy: [
      `Look at the claim's events: \`kubectl describe pvc ${claim} -n ${ns}\` (storage class, requested PV, access mode ReadOnlyMany)`,
      redeployStep(ctx),
    ],
  };
}

function driverRemedy(t: MountTrouble, ctx: RuleContext): string[] {
  const ns = t.pod.metadata?.namespace ?? ctx.target.namespace;
  const node = t.pod.spec?.nodeName ?? 'the node';
  const account = t.vol.storageAccount ?? 'the workspace storage account';
  const ws = ctx.target.workspace ?? '<workspace>';
  switch (t.problem) {
    case 'noPlugin':
      return [
        `PV ${pvLabel(t.vol)} uses the ${t.vol.driver ?? 'azure/blobfuse'} FlexVolume driver, which this cluster no longer has (AKS ≥1.17 mounts Azure ML volumes with Blob CSI)`,
        `${redeployStep(ctx)} — after a cluster upgrade from ≤1.16 a redeploy switches the service to Blob CSI`,
      ];
    case 'fuseConf':
      return [
        `blobfuse on ${node} mounts with allow_other but /etc/fuse.conf lacks user_allow_other: add the line \`user_allow_other\` to /etc/fuse.conf on the node (the blobfuse FlexVolume installer DaemonSet does this) or reimage the node`,
        `Better: upgrade the cluster to Kubernetes ≥1.17 and redeploy so the service mounts through Blob CSI instead of the FlexVolume driver`,
      ];
    case 'flexJson':
      return [
        `The blobfuse FlexVolume driver on ${node} printed an error instead of its JSON reply: read /var/log/blobfuse-driver.log on the node and check that blobfuse and jq are installed (the driver needs both)`,
        `Upgrade the cluster to Kubernetes ≥1.17 and redeploy so the service mounts through Blob CSI, which Azure ML uses on current clusters`,
      ];
    case 'keySecret':
      return [
        `The storage key secret ${secretLabel(t.vol, ns)} of ${pvLabel(t.vol)} is missing or lacks azurestorageaccountname/azurestorageaccountkey: \`kubectl get secret ${t.vol.secret?.name ?? '<secret>'} -n ${t.vol.secret?.namespace ?? ns}\``,
        `Resynchronise the workspace keys (\`az ml workspace sync-keys -w ${ws} -g <resource-group>\`) and ${redeployStep(ctx).charAt(0).toLowerCase()}${redeployStep(ctx).slice(1)}`,
      ];
    case 'keyRejected':
      return [
        `Storage account ${account} rejected the key in ${secretLabel(t.vol, ns)} — usually the account key was rotated: run \`az ml workspace sync-keys -w ${ws} -g <resource-group>\``,
        `${redeployStep(ctx)} so the volume secret gets the new key`,
      ];
    case 'storageNetwork':
      return [
        `${node} cannot reach ${account}.blob.core.windows.net: check the storage account's firewall/virtual-network rules, private endpoint DNS and the cluster's egress`,
        `Then delete the pod so it is mounted again: \`kubectl delete pod ${t.pod.metadata?.name ?? ''} -n ${ns}\``,
      ];
    default:
      return [
        `Read the volume driver's log on ${node}: \`kubectl logs -n kube-system -l app=csi-blob-node -c blob --tail=200\` (Blob CSI) or /var/log/blobfuse-driver.log (FlexVolume), and see https://aka.ms/blobmounterror`,
        `Check that storage account ${account} and container ${t.vol.container ?? 'azureml'} exist and that ${secretLabel(t.vol, ns)} holds a valid key (\`az ml workspace sync-keys\` after a key rotation), then ${redeployStep(ctx).charAt(0).toLowerCase()}${redeployStep(ctx).slice(1)}`,
      ];
  }
}

const PROBLEM_WORDS: Record<DriverProblem, string> = {
  noPlugin: 'its FlexVolume plugin is not installed on the node',
  fuseConf: "blobfuse needs user_allow_other in the node's /etc/fuse.conf",
  flexJson: 'the blobfuse FlexVolume driver failed',
  keySecret: 'the storage key secret is missing',
  keyRejected: 'the storage account rejected its key',
  storageNetwork: 'the node cannot reach the storage account',
  driver: 'the volume driver failed',
};

function finding(t: MountTrouble, ctx: RuleContext): RuleFinding {
  const pod = t.pod.metadata?.name ?? '?';
  const waited = t.since ? humanDuration(secondsBetween(t.since, ctx.now) ?? 0) : undefined;
  const ev: Evidence[] = [];
  if (t.decisive)
    ev.push(
      t.detail === 'VolumeDriverError' ? focusedEvidence(t.decisive, t.problem) : eventEvidence(t.decisive),
    );
  else if (t.claimText)
    ev.push(evidence(podSource(t.pod, undefined, 'status'), `PodScheduled=False: ${t.claimText}`));
  if (t.detail === 'ClaimPending') {
    const pvc = t.vol.pvc;
    // The claim's own event leads; the scheduler's message on the pod follows it.
    for (const e of t.events) if (e !== t.decisive) ev.push(eventEvidence(e));
    ev.push(
      evidence(
        `persistentvolumeclaim/${t.vol.claimName ?? '?'}`,
        pvc
          ? `phase ${pvc.status?.phase ?? 'unknown'}${pvc.spec?.volumeName ? `, volumeName ${pvc.spec.volumeName}` : ''}${pvc.spec?.volumeName && !t.vol.pv && ctx.snapshot.persistentVolumes.length > 0 ? ' (no such PersistentVolume)' : ''}`
          : 'not found in the snapshot',
      ),
    );
  } else {
    const other = t.events.filter((e) => e !== t.decisive).slice(-1)[0];
    if (other && other.message !== t.decisive?.message) ev.push(eventEvidence(other));
  }
  ev.push(evidence(podSource(t.pod, undefined, 'spec'), describeVolume(t.vol)));

  let title: string;
  let explanation: string;
  let remedy: string[];
  if (t.detail === 'ClaimPending') {
    const c = claimText(t, ctx);
    title = c.title;
    remedy = c.remedy;
    explanation =
      `Pod ${pod} cannot be scheduled because ${c.cause}${waited ? ` (for ${waited})` : ''}. ` +
      `The model and code volume is mounted from a PersistentVolumeClaim, so the pod stays Pending until the claim is bound; ` +
      `the scheduler's "unbound PersistentVolumeClaim" message is this volume problem, not a lack of node capacity.`;
  } else if (t.detail === 'VolumeDriverError') {
    const words = PROBLEM_WORDS[t.problem ?? 'driver'];
    title = `Model volume "${t.vol.name}" cannot be mounted: ${words}`;
    remedy = driverRemedy(t, ctx);
    explanation =
      `The kubelet on ${t.pod.spec?.nodeName ?? 'the node'} failed to mount the model volume "${t.vol.name}" of pod ${pod}` +
      `${waited ? ` for ${waited}` : ''} (FailedMount events), so no container was started. ` +
      `The driver's own error is in the event: ${words}. Mount stage: the model and code never reach the container.`;
  } else {
    title = `Model volume "${t.vol.name}" not mounted after ${waited ?? 'the kubelet timeout'}: the mount timed out`;
    remedy = [
      `Look at the volume driver on ${t.pod.spec?.nodeName ?? 'the node'}: \`kubectl get pods -n kube-system -o wide | grep csi-blob-node\` and its logs (\`-c blob\`); a stuck blobfuse mount usually means the node cannot reach ${t.vol.storageAccount ?? 'the storage account'}.blob.core.windows.net (firewall, private endpoint DNS, egress)`,
      `Check that the key secret ${secretLabel(t.vol, t.pod.metadata?.namespace ?? ctx.target.namespace)} is current (\`az ml workspace sync-keys\` after a key rotation), then delete the pod to retry the mount`,
    ];
    explanation =
      `Pod ${pod} has waited ${waited ?? 'past the kubelet timeout'} for its model volume "${t.vol.name}": the kubelet reports that the volume is still unmounted ` +
      `("timed out waiting for the condition") and no driver error explains it, so the mount hangs rather than fails. No container has been created.`;
  }
  return {
    code: 'ModelMountFailure',
    detail: t.detail,
    severity: 'critical',
    title,
    explanation,
    evidence: ev,
    remedy,
    docs: [
      ctx.target.flavor === 'v1' ? DOCS.troubleshootV1 : DOCS.troubleshootOnline,
      DOCS.blobCsi,
      ...(t.vol.flexVolume || t.problem === 'noPlugin' ? [DOCS.attachAksV1] : []),
      ...(t.detail !== 'ClaimPending' ? [DOCS.blobMountError] : []),
    ],
    stage: 'mount',
    specificity:
      t.detail === 'VolumeDriverError'
        ? SPECIFICITY.decisive
        : t.detail === 'ClaimPending'
          ? SPECIFICITY.decisive
          : SPECIFICITY.classified,
  };
}

export const modelMountFailure: Rule = {
  id: 'modelMountFailure',
  stage: 'mount',
  diagnose(ctx: RuleContext): RuleFinding[] {
    return findingPerDetail(ctx, troubleFor, finding);
  },
};
