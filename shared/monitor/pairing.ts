/**
 * Which configured cluster (and namespace) runs each deployment Azure ML knows, through the workspace's attached
 * Kubernetes computes: record → compute (v1 `computeName`, v2 the endpoint's `compute`) → the AKS / Arc cluster's ARM
 * id → the cluster configured by that id (or, for a cluster configured by kubeconfig, named like the compute or the
 * AKS cluster). A record that names no compute could run on any of its workspace's computes: each cluster they map
 * to is a candidate, and the one that shows the Deployment in the compute's namespace owns it.
 */
import type { AmlDeploymentRecord } from '../azureml/reader.js';
import type { AzureMlWorkspaceView, ClusterSource } from './types.js';
import { v1Namespace } from '../snapshot/objects.js';

/** One configured cluster a record may run on, and the namespace its compute deploys into there. */
export interface Candidate {
  cluster: string;
  namespace: string;
}

/** One record of Azure ML, with its workspace and the clusters it may run on (in configuration order). */
export interface PlacedRecord {
  workspace: string;
  aml: AmlDeploymentRecord;
  candidates: Candidate[];
}

type Compute = AzureMlWorkspaceView['computes'][number];

const lower = (s: string | undefined): string => (s ?? '').toLowerCase();

/** The last segment of an ARM id (`.../managedClusters/<name>` → `<name>`). */
function lastSegment(id: string | undefined): string {
  return lower(id?.split('/').filter(Boolean).pop());
}

/** The configured cluster an attached compute runs on: by ARM id, else (kubeconfig clusters) by name. */
export function clusterOfCompute(
  clusters: readonly ClusterSource[],
  compute: Compute,
): ClusterSource | undefined {
  if (compute.resourceId) {
    const byId = clusters.find((c) => c.resourceId && lower(c.resourceId) === lower(compute.resourceId));
    if (byId) return byId;
  }
  const names = new Set([lower(compute.name), lastSegment(compute.resourceId)].filter(Boolean));
  // A cluster configured by its ARM id is another cluster when the ids differ, whatever the names.
  return clusters.find((c) => !c.resourceId && names.has(lower(c.name)));
}

/**
 * The namespace a deployment runs in: a v1 AksWebservice always in `azureml-<workspace>` (v1 deploys only to AKS
 * computes, which name no namespace); a v2 deployment in its Kubernetes compute's namespace.
 */
function namespaceOf(workspace: string, aml: AmlDeploymentRecord, compute: Compute | undefined): string {
  return aml.flavor === 'v1' ? v1Namespace(workspace) : (compute?.namespace ?? 'azureml-workloads');
}

/**
 * Every record of every view, with the clusters it may run on. With one configured cluster, a record whose compute
 * maps to no cluster still pairs with it (a cluster configured under another name than its compute's).
 */
export function placeRecords(
  clusters: readonly ClusterSource[],
  views: readonly AzureMlWorkspaceView[],
): PlacedRecord[] {
  const out: PlacedRecord[] = [];
  for (const v of views) {
    for (const aml of v.records) {
      const computeName = aml.compute ?? aml.record.computeName;
      const named = computeName ? v.computes.find((c) => lower(c.name) === lower(computeName)) : undefined;
      const computes = computeName ? (named ? [named] : []) : v.computes;
      const candidates: Candidate[] = [];
      for (const c of computes) {
        const cluster = clusterOfCompute(clusters, c);
        if (cluster && !candidates.some((x) => x.cluster === cluster.name))
          candidates.push({
            cluster: cluster.name,
            namespace: namespaceOf(v.workspace, aml, c),
          });
      }
      candidates.sort(
        (a, b) =>
          clusters.findIndex((c) => c.name === a.cluster) - clusters.findIndex((c) => c.name === b.cluster),
      );
      if (candidates.length === 0 && clusters.length === 1)
        candidates.push({
          cluster: clusters[0]!.name,
          namespace: namespaceOf(v.workspace, aml, named),
        });
      out.push({ workspace: v.workspace, aml, candidates });
    }
  }
  return out;
}

/** The candidate of `cluster` for this record, if it may run there. */
export function candidateOn(p: PlacedRecord, cluster: string): Candidate | undefined {
  return p.candidates.find((c) => c.cluster === cluster);
}

/**
 * The record a discovered Deployment on `cluster` is: same name, on a candidate cluster, preferably in the
 * compute's namespace; else one of the same workspace (the namespace says it) or, when neither says, any.
 */
export function recordOf(
  placed: readonly PlacedRecord[],
  cluster: string,
  d: { namespace: string; service: string; workspace?: string },
): PlacedRecord | undefined {
  const here = placed.filter((p) => p.aml.service === d.service && candidateOn(p, cluster));
  return (
    here.find((p) => candidateOn(p, cluster)?.namespace === d.namespace) ??
    here.find((p) => d.workspace !== undefined && d.workspace === p.workspace) ??
    (d.workspace === undefined ? here[0] : undefined)
  );
}
