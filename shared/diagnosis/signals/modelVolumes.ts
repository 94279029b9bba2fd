/**
 * The volumes that carry a deployment's model and code: v1's `staging` volume (PVC → PV backed by the blobfuse
 * FlexVolume driver on AKS ≤1.16, by Blob CSI on ≥1.17, container `azureml`) and any other PVC, blobfuse or
 * Blob CSI volume of the pod. Secret, ConfigMap and emptyDir volumes are not model volumes (a missing Secret is
 * ContainerConfigError's business). Also the pod walk the two model rules (mount, download) share.
 */
import type { V1PersistentVolume, V1PersistentVolumeClaim, V1Pod, V1Volume } from '@kubernetes/client-node';
import type { Snapshot } from '../../snapshot/types.js';
import { volumeChain } from '../context.js';
import type { RuleContext } from '../rule.js';
import type { RuleFinding } from '../types.js';

export interface ModelVolume {
  /** The pod's volume name (`staging`). */
  name: string;
  claimName?: string;
  pvc?: V1PersistentVolumeClaim;
  pv?: V1PersistentVolume;
  /** `azure/blobfuse` (FlexVolume), `blob.csi.azure.com` (CSI), or undefined when unknown. */
  driver?: string;
  flexVolume: boolean;
  storageAccount?: string;
  container?: string;
  /** The Secret holding the storage account key (FlexVolume `secretRef`, CSI `nodeStageSecretRef`). */
  secret?: { name: string; namespace?: string };
}

function isBlobDriver(driver: string | undefined): boolean {
  return !!driver && /blob/i.test(driver);
}

function fromVolume(snapshot: Snapshot, pod: V1Pod, v: V1Volume): ModelVolume | undefined {
  if (v.persistentVolumeClaim) {
    const { claimName, pvc, pv } = volumeChain(snapshot, pod, v.name);
    const flex = pv?.spec?.flexVolume;
    const csi = pv?.spec?.csi;
    const attrs = csi?.volumeAttributes ?? {};
    const secretRef = csi?.nodeStageSecretRef ?? flex?.secretRef;
    return {
      name: v.name,
      claimName,
      pvc,
      pv,
      driver: flex?.driver ?? csi?.driver,
      flexVolume: !!flex,
      storageAccount: attrs.storageAccount ?? attrs.storageAccountName ?? flex?.options?.accountname,
      container: attrs.containerName ?? flex?.options?.container,
      secret: secretRef?.name
        ? { name: secretRef.name, namespace: 'namespace' in secretRef ? secretRef.namespace : undefined }
        : undefined,
    };
  }
  if (v.flexVolume && isBlobDriver(v.flexVolume.driver)) {
    return {
      name: v.name,
      driver: v.flexVolume.driver,
      flexVolume: true,
      container: v.flexVolume.options?.container,
      secret: v.flexVolume.secretRef?.name ? { name: v.flexVolume.secretRef.name } : undefined,
    };
  }
  if (v.csi && isBlobDriver(v.csi.driver)) {
    const attrs = v.csi.volumeAttributes ?? {};
    return {
      name: v.name,
      driver: v.csi.driver,
      flexVolume: false,
      storageAccount: attrs.storageAccountName ?? attrs.storageAccount,
      container: attrs.containerName,
      secret: attrs.secretName ? { name: attrs.secretName } : undefined,
    };
  }
  return undefined;
}

export function modelVolumes(snapshot: Snapshot, pod: V1Pod): ModelVolume[] {
  return (pod.spec?.volumes ?? []).flatMap((v) => fromVolume(snapshot, pod, v) ?? []);
}

/** Whether a kubelet mount message is about this volume (by pod volume name, PV name or claim name). */
export function mentionsVolume(message: string, vol: ModelVolume): boolean {
  const names = [vol.name, vol.pv?.metadata?.name, vol.pvc?.spec?.volumeName, vol.claimName].filter(
    (n): n is string => !!n,
  );
  return names.some(
    (n) =>
      message.includes(`volume "${n}"`) ||
      new RegExp(
        `(?:unmounted|unattached) volumes=\\[[^\\]]*\\b${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`,
      ).test(message) ||
      message.includes(`"${n}"`),
  );
}

/** One line describing where the volume's data comes from, for evidence. */
export function describeVolume(vol: ModelVolume): string {
  const parts = [`volume "${vol.name}"`];
  if (vol.claimName) parts.push(`claim ${vol.claimName}`);
  if (vol.pv?.metadata?.name) parts.push(`PV ${vol.pv.metadata.name}`);
  if (vol.driver) parts.push(`${vol.flexVolume ? 'FlexVolume' : 'CSI'} driver ${vol.driver}`);
  if (vol.storageAccount) parts.push(`storage account ${vol.storageAccount}`);
  if (vol.container) parts.push(`container ${vol.container}`);
  if (vol.secret)
    parts.push(`key secret ${vol.secret.namespace ? `${vol.secret.namespace}/` : ''}${vol.secret.name}`);
  return parts.join(', ');
}

/**
 * One finding per detail over the target's pods, newest pod first: replicas fail the same way, so the first pod
 * showing a detail speaks for the others. The walk of ModelMountFailure and ModelDownloadFailure.
 */
export function findingPerDetail<T extends { detail: string }>(
  ctx: RuleContext,
  troubleFor: (ctx: RuleContext, pod: V1Pod) => T | undefined,
  finding: (trouble: T, ctx: RuleContext) => RuleFinding,
): RuleFinding[] {
  const seen = new Set<string>();
  const out: RuleFinding[] = [];
  for (const pod of ctx.target.pods) {
    const t = troubleFor(ctx, pod);
    if (!t || seen.has(t.detail)) continue;
    seen.add(t.detail);
    out.push(finding(t, ctx));
  }
  return out;
}
