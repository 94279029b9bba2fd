/**
 * ModelDownloadFailure: the init container that copies the model from blob storage into the pod
 * (v2 `storageinitializer-modeldata`, reading `STORAGE_MANIFEST_URL`) exits non-zero, so the scoring container
 * never starts (`Init:Error`, `Init:CrashLoopBackOff`). Its log (current and previous instance) says why:
 * - StorageAccessDenied: `AuthorizationPermissionMismatch` / `AuthorizationFailure` / HTTP 403 / "This request is
 *   not authorized…" — the endpoint identity lacks a data role, or the account's firewall refuses the cluster.
 * - BlobNotFound: `BlobNotFound` / "The specified blob does not exist" / HTTP 404 — the model or its manifest is gone.
 * - InitContainerFailed: any other non-zero exit; the evidence carries the log tail.
 * What the monitor found when it checked the blobs itself (`blobs.json`) is decisive: a 404 for a blob the
 * deployment reads makes it BlobNotFound even when the log says nothing we classify (or was not captured); a 200
 * is quoted so the reader knows the model is there and the failure lies elsewhere.
 * An init container that failed and then completed (exit 0) downloaded the model: nothing to report. A v1
 * `FileNotFoundError` for a model path is ScoringInitFailure/ModelFileNotFound (init stage), not this rule.
 */
import { SPECIFICITY } from '../types.js';
import type { V1Container, V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import type { Snapshot } from '../../snapshot/types.js';
import { initContainerConfigRefs } from '../../snapshot/initContainerConfig.js';
import { evidence, humanDuration, logsOf, podSource, secondsBetween } from '../context.js';
import { DOCS } from '../docs.js';
import type { Rule, RuleContext } from '../rule.js';
import type { DetailOf, Evidence, RuleFinding } from '../types.js';
import { findingPerDetail } from '../signals/modelVolumes.js';
import { serviceLabel } from '../signals/podSignals.js';
import { clip } from '../../text/redact.js';
import type { BlobCheck } from '../../snapshot/types.js';
import {
  blobUrls,
  findStorageFailure,
  parseBlobUrl,
  withoutQuery,
  type StorageFailure,
} from '../signals/storageErrors.js';

/** Init containers that download the model. v2's is `storageinitializer-modeldata`; the others are defensive. */
const DOWNLOADER = /^storageinitializer|storage-?initializer|model-?(?:init|download)|amlappinit/i;

/** An init container that is running again after failures is still failing once it has restarted this often. */
export const RETRYING_RESTARTS = 2;

type Detail = DetailOf<'ModelDownloadFailure'>;

interface FailedRun {
  exitCode: number;
  reason?: string;
  message?: string;
  finishedAt?: Date;
  /** `CrashLoopBackOff` when the kubelet is backing off before the next attempt. */
  waiting?: string;
  restarts: number;
}

function failedRun(s: V1ContainerStatus): FailedRun | undefined {
  const restarts = s.restartCount ?? 0;
  const t = s.state?.terminated;
  if (t) return t.exitCode === 0 ? undefined : { ...t, restarts };
  const last = s.lastState?.terminated;
  if (!last || last.exitCode === 0) return undefined;
  if (s.state?.waiting) return { ...last, waiting: s.state.waiting.reason, restarts };
  if (s.state?.running && restarts >= RETRYING_RESTARTS) return { ...last, restarts };
  return undefined;
}

interface LogText {
  part: 'log' | 'previous-log' | 'status';
  text: string;
}

/** The texts that may say why the run failed, most relevant first. */
function failureTexts(
  snapshot: Snapshot,
  pod: V1Pod,
  name: string,
  run: FailedRun,
  terminatedNow: boolean,
): LogText[] {
  const logs = logsOf(snapshot, pod, name);
  const out: LogText[] = [];
  const current = logs?.current ? { part: 'log' as const, text: logs.current } : undefined;
  const previous = logs?.previous ? { part: 'previous-log' as const, text: logs.previous } : undefined;
  // A terminated container's current log is the failed run; after a restart the failed run is the previous one.
  for (const t of terminatedNow ? [current, previous] : [previous, current]) if (t) out.push(t);
  if (run.message) out.push({ part: 'status', text: run.message });
  return out;
}

/** Lines worth quoting from a log tail: the last error-looking line, else the last line. */
function tailLines(text: string, n = 3): string[] {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.slice(-n);
}

function decisiveTailLine(text: string): string | undefined {
  const lines = tailLines(text, 15);
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i] ?? '';
    if (/error|exception|fail|fatal|denied|refused|no space|timed? ?out|unable|cannot/i.test(l)) return l;
  }
  return lines[lines.length - 1];
}

function envValue(c: V1Container | undefined, name: string): string | undefined {
  return c?.env?.find((e) => e.name === name)?.value;
}

/** v1: blob paths of the models listed in the `InitContainerConfig` ConfigMap the pod's env refers to. */
function v1ModelPaths(snapshot: Snapshot, pod: V1Pod): string[] {
  for (const { raw } of initContainerConfigRefs(
    snapshot,
    pod.metadata?.namespace ?? '',
    pod.spec?.containers ?? [],
  )) {
    if (!raw) continue;
    try {
      const cfg = JSON.parse(raw) as { Models?: Record<string, { Path?: string }[]> };
      return Object.values(cfg.Models ?? {}).flatMap((files) =>
        files.flatMap((f) => (f.Path ? [f.Path] : [])),
      );
    } catch {
      return [];
    }
  }
  return [];
}

interface DownloadTrouble {
  pod: V1Pod;
  container: string;
  spec?: V1Container;
  run: FailedRun;
  detail: Detail;
  failure?: StorageFailure;
  source?: LogText;
  tail: string[];
  /** The blob the failure is about (query stripped), or the manifest the container was reading. */
  blob?: string;
  account?: string;
  /** The `blobs.json` entry about the model: a 404 that decided BlobNotFound, or the 200 of a present model. */
  checked?: BlobCheck;
}

/**
 * The `blobs.json` entry that speaks about this deployment's model: a 404 first (decisive), else a 200. v1 entries
 * must be one of the `InitContainerConfig` paths; a v2 bundle's blobs.json holds only its model's path.
 */
function checkedBlob(
  snapshot: Snapshot,
  v1Paths: string[],
  flavor: string | undefined,
): BlobCheck | undefined {
  const ours = (snapshot.blobs ?? []).filter((b) =>
    flavor === 'v1' && v1Paths.length > 0 ? v1Paths.includes(b.path) : true,
  );
  return ours.find((b) => b.status === 404) ?? ours.find((b) => b.status === 200);
}

function checkedLine(b: BlobCheck): string {
  const size = b.status === 200 && b.size !== null ? ` (${b.size} bytes)` : '';
  return `blobs.json: ${b.container}/${b.path} ${b.status ?? 'not checked'}${size}`;
}

function troubleFor(ctx: RuleContext, pod: V1Pod): DownloadTrouble | undefined {
  for (const s of pod.status?.initContainerStatuses ?? []) {
    if (!DOWNLOADER.test(s.name)) continue;
    const run = failedRun(s);
    if (!run) continue;
    const spec = pod.spec?.initContainers?.find((c) => c.name === s.name);
    const texts = failureTexts(ctx.snapshot, pod, s.name, run, !!s.state?.terminated);
    let failure: StorageFailure | undefined;
    let source: LogText | undefined;
    for (const t of texts) {
      failure = findStorageFailure(t.text);
      if (failure) {
        source = t;
        break;
      }
    }
    source ??= texts[0];
    const manifest = envValue(spec, 'STORAGE_MANIFEST_URL');
    const named = source ? blobUrls(source.text) : [];
    const v1Paths = ctx.target.flavor === 'v1' ? v1ModelPaths(ctx.snapshot, pod) : [];
    const failingUrl = failure
      ? (named.find((u) => failure?.line.includes(u)) ?? named[named.length - 1])
      : undefined;
    const blob =
      failingUrl ??
      (failure && v1Paths.find((p) => failure?.line.includes(p))) ??
      (manifest ? withoutQuery(manifest) : v1Paths[0]);
    const account =
      parseBlobUrl(failingUrl ?? manifest ?? '')?.account ?? (blob ? parseBlobUrl(blob)?.account : undefined);
    const checked = checkedBlob(ctx.snapshot, v1Paths, ctx.target.flavor);
    const missing = checked?.status === 404 && failure?.kind !== 'AccessDenied';
    const detail: Detail =
      failure?.kind === 'AccessDenied'
        ? 'StorageAccessDenied'
        : failure?.kind === 'NotFound' || missing
          ? 'BlobNotFound'
          : 'InitContainerFailed';
    return {
      pod,
      container: s.name,
      spec,
      run,
      detail,
      failure,
      source,
      tail: source ? tailLines(source.text) : [],
      blob: missing && checked ? `${checked.container}/${checked.path}` : blob,
      account,
      checked,
    };
  }
  return undefined;
}

function stateLine(t: DownloadTrouble, now: Date): string {
  const r = t.run;
  const ago = r.finishedAt ? ` ${humanDuration(secondsBetween(r.finishedAt, now) ?? 0)} ago` : '';
  const state = r.waiting ? `Init:${r.waiting}` : 'Init:Error';
  return `${state}; last run exited with code ${r.exitCode}${r.reason ? ` (${r.reason})` : ''}${ago}; ${r.restarts} restart(s)`;
}

function identityStep(ctx: RuleContext, account: string): string {
  const scope = `$(az storage account show -n ${account} --query id -o tsv)`;
  if (ctx.target.flavor === 'v2') {
    const ep = ctx.target.endpoint ?? '<endpoint>';
    return `Grant the endpoint identity Storage Blob Data Reader on storage account ${account}: \`az role assignment create --role "Storage Blob Data Reader" --assignee $(az ml online-endpoint show -n ${ep} --query identity.principal_id -o tsv) --scope ${scope}\` (for a user-assigned identity use its principal id)`;
  }
  return `Grant the identity the service downloads with Storage Blob Data Reader on storage account ${account}: \`az role assignment create --role "Storage Blob Data Reader" --assignee <principal-id> --scope ${scope}\``;
}

function restartStep(ctx: RuleContext, pod: V1Pod): string {
  return ctx.target.flavor === 'v2'
    ? `The init container retries on its own once access works; to retry at once delete the pod (\`kubectl delete pod ${pod.metadata?.name ?? ''} -n ${pod.metadata?.namespace ?? ''}\`) or run \`az ml online-deployment update -e ${ctx.target.endpoint ?? '<endpoint>'} -n ${ctx.target.deploymentName ?? '<deployment>'}\``
    : `Then redeploy the service (\`az ml service update -n ${serviceLabel(ctx.target)}\`)`;
}

function texts(
  t: DownloadTrouble,
  ctx: RuleContext,
): { title: string; why: string; remedy: string[]; docs: string[] } {
  const account = t.account ?? 'the workspace storage account';
  const blob = t.blob ?? 'the model files';
  if (t.detail === 'StorageAccessDenied') {
    const code = t.failure?.code ?? 'HTTP 403';
    if (t.failure?.network) {
      return {
        title: `Model download refused by storage account ${account}: ${code} (network rules)`,
        why: `storage account ${account} answered ${code}, which it returns when its firewall or virtual-network rules do not admit the caller, before any role is checked`,
        remedy: [
          `Allow the cluster to reach ${account}: add the AKS node subnet (or its outbound IP) to the account's networking rules, or give the workspace storage a private endpoint the cluster resolves (\`az storage account network-rule add -n ${account} --subnet <aks-subnet-id>\`)`,
          restartStep(ctx, t.pod),
        ],
        docs: [DOCS.storageNetworkRules, DOCS.troubleshootOnline],
      };
    }
    return {
      title: `Model download denied by storage account ${account}: ${code}`,
      why: `storage account ${account} refused to let the deployment's identity read ${blob} (${code}): the identity has no data-plane role on the account`,
      remedy: [
        identityStep(ctx, account),
        `Role assignments take up to ~10 minutes to propagate. ${restartStep(ctx, t.pod)}`,
      ],
      docs: [DOCS.endpointIdentityAccess, DOCS.troubleshootOnline],
    };
  }
  if (t.detail === 'BlobNotFound') {
    const manifest = /model_config_map|manifest/i.test(blob);
    return {
      title: `${manifest ? 'Model manifest' : 'Model blob'} not found: ${blob}`,
      why: `the storage initializer asked for ${blob} and storage answered ${t.failure?.code ?? '404'}${t.checked?.status === 404 ? ' (the monitor checked it too: 404)' : ''}: the registered model's files (or the deployment's model manifest) are no longer in ${account}`,
      remedy: [
        `Check the blob: \`az storage blob show --account-name ${account} --auth-mode login ${t.checked?.status === 404 ? `--container-name ${t.checked.container} --name ${t.checked.path}` : blobArgs(t.blob)}\`; it was deleted, or the model was registered from a datastore path that moved`,
        ctx.target.flavor === 'v2'
          ? `Register the model again (\`az ml model create\`) or point the deployment at an existing model version, then \`az ml online-deployment update -e ${ctx.target.endpoint ?? '<endpoint>'} -n ${ctx.target.deploymentName ?? '<deployment>'}\``
          : `Register the model again and redeploy the service`,
      ],
      docs: [DOCS.troubleshootOnline],
    };
  }
  const tail = decisiveTailLine(t.source?.text ?? '');
  const last = tail ?? `exit code ${t.run.exitCode}`;
  const remedy: string[] = [];
  if (t.run.reason === 'OOMKilled' || t.run.exitCode === 137) {
    remedy.push(
      `${t.container} was killed at its memory limit (${t.spec?.resources?.limits?.memory ?? 'unknown'}) while unpacking the model: split or compress the model differently, or raise the limit through the Azure ML extension's storage initializer settings`,
    );
  } else if (/no space left on device/i.test(last)) {
    remedy.push(
      `The model does not fit on the node's disk (the init container writes it to an emptyDir on ${t.pod.spec?.nodeName ?? 'the node'}): use nodes with a larger OS disk (\`--node-osdisk-size\`) or an instance type on such nodes, or a smaller model`,
    );
  } else if (/token|identity|sidecar|amlarc-identity/i.test(last)) {
    remedy.push(
      `The storage initializer could not get a token from the Azure ML extension's identity proxy: check \`kubectl get pods -n azureml | grep amlarc-identity\` and the extension's health (\`kubectl get cm arcml-healthcheck -n azureml -o yaml\`); update or reinstall the extension if they are failing`,
    );
  } else {
    remedy.push(
      `Read the whole storage initializer log: \`az ml online-deployment get-logs -e ${ctx.target.endpoint ?? '<endpoint>'} -n ${ctx.target.deploymentName ?? '<deployment>'} --container storage-initializer\` (or \`kubectl logs ${t.pod.metadata?.name ?? ''} -c ${t.container} -n ${t.pod.metadata?.namespace ?? ''} --previous\`)`,
    );
  }
  remedy.push(
    `Check that the cluster can reach ${account}.blob.core.windows.net and that the model files exist, then update the deployment`,
  );
  return {
    // Without a captured log, say so instead of quoting the exit code back as if it were a log line.
    title: clip(
      `Model download failed: ${t.container} exited with code ${t.run.exitCode}${tail ? `: ${tail}` : ' (no log captured)'}`,
      200,
    ),
    why: tail
      ? `the init container ${t.container} exited with code ${t.run.exitCode}; its log ends with "${tail}" and names no storage error we classify`
      : `the init container ${t.container} exited with code ${t.run.exitCode}; no log of it was captured, so which storage step failed is not known`,
    remedy,
    docs: [DOCS.troubleshootOnline, DOCS.troubleshootKubernetesCompute],
  };
}

function blobArgs(blob: string | undefined): string {
  const p = blob ? parseBlobUrl(blob) : undefined;
  return p?.container
    ? `--container-name ${p.container} --name ${p.path ?? '<path>'}`
    : `--container-name azureml --name ${blob ?? '<path>'}`;
}

function finding(t: DownloadTrouble, ctx: RuleContext): RuleFinding {
  const pod = t.pod.metadata?.name ?? '?';
  const tx = texts(t, ctx);
  const ev: Evidence[] = [evidence(podSource(t.pod, t.container, 'status'), stateLine(t, ctx.now))];
  if (t.failure && t.source) {
    const code =
      t.failure.code && !t.failure.line.includes(t.failure.code) ? ` (ErrorCode: ${t.failure.code})` : '';
    ev.push(evidence(podSource(t.pod, t.container, t.source.part), `${t.failure.line}${code}`));
  } else if (t.source)
    for (const l of t.tail) ev.push(evidence(podSource(t.pod, t.container, t.source.part), l));
  if (t.checked) ev.push(evidence('blobs.json', checkedLine(t.checked)));
  if (t.blob && !ev.some((e) => e.text.includes(t.blob ?? ''))) {
    ev.push(evidence(podSource(t.pod, t.container, 'spec'), `model source: ${t.blob}`));
  }
  return {
    code: 'ModelDownloadFailure',
    detail: t.detail,
    severity: 'critical',
    title: tx.title,
    explanation:
      `Pod ${pod} of ${serviceLabel(ctx.target)} is stuck before its scoring container starts: ${tx.why}. ` +
      `Mount/download stage: the model never reaches /var/azureml-app, so init() is never called.`,
    evidence: ev,
    remedy: tx.remedy,
    docs: tx.docs,
    stage: 'mount',
    specificity: t.detail === 'InitContainerFailed' ? SPECIFICITY.classified : SPECIFICITY.decisive,
  };
}

export const modelDownloadFailure: Rule = {
  id: 'modelDownloadFailure',
  stage: 'mount',
  diagnose(ctx: RuleContext): RuleFinding[] {
    return findingPerDetail(ctx, troubleFor, finding);
  },
};
