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
  /** Extension: the last observed progress signature (generation, updated/ready/available replicas). */
  progress?: string;
  /** Extension: v2 endpoint and deployment names, when known. */
  endpoint?: string;
  deployment?: string;
}

/**
 * What the workspace's events said about one deployment (keyed by workspace + service), before or without the
 * sweep having seen it in a cluster. Events carry no cluster or namespace, so they live apart from DeploymentRecord.
 */
export interface DeploymentEventRecord {
  workspace: string;
  /** v1 service name, or `<endpoint>/<deployment>` for v2. */
  service: string;
  /** RFC 3339 time of the latest start/update (ARM write accepted). */
  startedAt?: string;
  /** RFC 3339 time of the latest ModelDeployed / successful write. */
  deployedAt?: string;
  /** RFC 3339 time of the latest ARM write failure or cancel. */
  failedAt?: string;
  /** RFC 3339 `eventTime` of the newest event applied; older events arriving later change nothing. */
  lastEventAt: string;
  status: 'started' | 'deployed' | 'failed';
}

/** A remembered Event Grid event id (at-least-once delivery made harmless). */
export interface SeenEventRecord {
  eventType: string;
  seenAt: string;
}

/** One notification sent (or given up) on one channel: the deliver function's idempotency record. */
export interface SentRecord {
  notificationId: string;
  channel: string;
  sentAt: string;
  outcome: 'sent' | 'failed';
  error?: string;
}

/** The outcome of the latest sweep of one cluster (for "is the monitor alive" in the digest). */
export interface SweepRecord {
  cluster: string;
  /** RFC 3339 time the sweep finished. */
  at: string;
  /** False when the cluster could not be discovered. */
  reachable: boolean;
  deployments: number;
  error?: string;
}
