/** Incident identity: cluster + namespace + service + code + detail. */
import type { Code, Detail } from '../diagnosis/types.js';

export interface DeploymentIdentity {
  cluster: string;
  namespace: string;
  service: string;
  workspace?: string;
  /** v2: the online endpoint and deployment the Kubernetes Deployment serves (not part of the fingerprint). */
  endpoint?: string;
  deployment?: string;
}

/** The row key inside the cluster's partition. */
export function incidentRow(namespace: string, service: string, code: Code, detail: Detail | null): string {
  return `${namespace}/${service}/${code}/${detail ?? '-'}`;
}

export function fingerprint(id: DeploymentIdentity, code: Code, detail: Detail | null): string {
  return `${id.cluster}|${incidentRow(id.namespace, id.service, code, detail)}`;
}

/** Splits a fingerprint back into the table partition (cluster) and row. */
export function fingerprintKey(fp: string): { partition: string; row: string } {
  const bar = fp.indexOf('|');
  return { partition: fp.slice(0, bar), row: fp.slice(bar + 1) };
}
