/**
 * Where the digest reads state from. The monitor's Table store implements this; tests implement it over a seeded
 * Azurite Table. Kept narrow so the digest never depends on how state is stored.
 */
import type { IncidentRecord } from '../incidents/types.js';
import type { DeploymentRecord } from '../state/types.js';

export interface SweepInfo {
  /** RFC 3339 time of the last completed sweep; absent when there has never been one. */
  at?: string;
  clustersReachable: string[];
  clustersUnreachable: string[];
}

export interface DigestSource {
  /** Deployments started, updated or first seen at or after `sinceIso` (RFC 3339). */
  listDeployments(sinceIso: string): Promise<DeploymentRecord[]>;
  /** Incidents opened at or after `sinceIso`, plus every incident still open, whenever it opened. */
  listIncidents(sinceIso: string): Promise<IncidentRecord[]>;
  lastSweep(): Promise<SweepInfo>;
}
