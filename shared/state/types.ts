/** Durable per-deployment state (Azure Table storage). Owned by the monitor; fields may be added, never removed. */
import type { Status } from '../diagnosis/types.js';

export interface DeploymentRecord {
  cluster: string;
  workspace?: string;
  namespace: string;
  service: string;
  flavor?: 'v1' | 'v2';
  /** RFC 3339: first time the monitor saw this deployment (or its deployment event). */
  firstSeen: string;
  /** RFC 3339: last time it made progress (new replica ready, generation observed, event received). */
  lastProgress: string;
  /** RFC 3339: when it first became Healthy after its latest start/update, for time-to-healthy. */
  healthyAt?: string;
  status: Status;
  /** RFC 3339: the latest start or update (ModelDeployed / ARM write / new generation). */
  startedAt?: string;
  deleted?: boolean;
}
