/** The monitor's collaborators, as narrow interfaces: the Functions app, `amlmon simulate` and `amlmon watch` wire them differently. */
import type { AmlDeploymentRecord } from '../azureml/reader.js';
import type { DeploymentHints } from '../azureml/deploymentCache.js';
import type { InteractionSettings } from '../config/actions.js';
import type { Diagnosis } from '../diagnosis/types.js';
import type { ImageLogBlobEvent } from '../events/types.js';
import type { Notification } from '../incidents/types.js';
import type { Sender } from '../notify/types.js';
import type { Clock } from '../time/clock.js';
import type { Snapshot } from '../snapshot/types.js';
import type { MonitorState } from '../state/store.js';

/** One Azure ML deployment as discovery sees it, enough to decide whether it needs a diagnosis. */
export interface WatchedDeployment {
  namespace: string;
  /** The Kubernetes Deployment's name (docs/CONTRACT.md §1). */
  service: string;
  workspace?: string;
  flavor?: 'v1' | 'v2';
  endpoint?: string;
  deployment?: string;
  /** All desired replicas updated, ready and available, and the latest generation observed. */
  ready: boolean;
  /** Changes whenever the rollout makes progress (generation, updated/ready/available replicas). */
  progress: string;
  /** RFC 3339: when the cluster last saw progress (Progressing condition's lastUpdateTime), when known. */
  progressedAt?: string;
}

export interface ClusterSource {
  /** The cluster's name in settings, state and notifications. */
  readonly name: string;
  /** The AKS / Arc cluster's ARM id, when configured by it: pairs it with a workspace's attached compute. */
  readonly resourceId?: string;
  discover(): Promise<WatchedDeployment[]>;
  collect(deployment: WatchedDeployment): Promise<Snapshot>;
}

/** One outbox queue message: one notification for one channel (so a channel that fails never re-sends another). */
export interface OutboxMessage {
  v: 1;
  channel: string;
  notification: Notification;
  /** Tries made before this message was re-queued to honour a channel's Retry-After (absent on the first). */
  tries?: number;
}

export interface Outbox {
  /** Queues a message; with `delayMs`, it becomes visible only then (a channel's Retry-After). */
  enqueue(message: OutboxMessage, delayMs?: number): Promise<void>;
  /** Moves a message that can never be delivered straight to the poison queue, full payload kept. */
  poison(message: OutboxMessage, reason: string): Promise<void>;
}

/** A later re-read of an image log that was empty or still being written. */
export interface ImageLogRecheck {
  v: 1;
  event: ImageLogBlobEvent;
  attempt: number;
}

export interface RecheckQueue {
  enqueue(message: ImageLogRecheck, delayMs: number): Promise<void>;
}

/** The tail of an image build log, read with a ranged download. */
export interface BlobTail {
  /** Size of the whole blob. */
  totalLength: number;
  blobType?: string;
  /** Text from the first whole line of the tail to the end. */
  text: string;
  bytesRead: number;
}

export interface ImageLogReader {
  readTail(event: ImageLogBlobEvent, maxBytes: number): Promise<BlobTail>;
}

export interface EvidenceArchive {
  /** Writes the snapshot as a bundle and returns where it lives (blob URL prefix or directory). */
  archive(key: string, snapshot: Snapshot, extraFiles?: Record<string, string>): Promise<string>;
}

export interface MonitorLog {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export type Diagnose = (snapshot: Snapshot, opts?: { service?: string; hangAfterMs?: number }) => Diagnosis[];

export interface MonitorOptions {
  hangAfterMs: number;
  repeatAfterMs: number;
  groupOver: number;
  imageLogRecheckDelayMs: number;
  imageLogMaxRechecks: number;
  /** Bytes of an image log's tail that are read (4 MiB). */
  imageLogTailBytes: number;
  /** Workspaces whose events count; empty = all. */
  workspaces: string[];
  /** Portal link per workspace name, when known. */
  portalUrl?: (workspace: string, service: string) => string | undefined;
  /** The daily digest's zone and quiet-day choice (shared/config/settings.ts); default UTC, sent when quiet. */
  digest?: { timeZone: string; sendWhenQuiet: boolean };
}

export interface MonitorRuntime {
  clock: Clock;
  state: MonitorState;
  clusters: ClusterSource[];
  outbox: Outbox;
  recheck: RecheckQueue;
  imageLogs: ImageLogReader;
  evidence: EvidenceArchive;
  /** Channel name → sender; every notification is enqueued once per channel. */
  senders: Map<string, Sender>;
  diagnose: Diagnose;
  options: MonitorOptions;
  log: MonitorLog;
  /** Azure ML's records of the configured workspaces; absent when no workspace is configured. */
  azureMl?: AzureMlSource;
  /** Where a chat `diagnose` slower than Teams waits goes to finish (absent: it finishes in the background). */
  chatQueue?: ChatQueue;
  /** Action links, chat commands and Easy Auth trust; absent = those endpoints refuse everything. */
  interaction?: InteractionSettings;
}

export const IMAGE_LOG_TAIL_BYTES = 4 * 1024 * 1024;

/** The queue of chat diagnoses that outlast Teams' 5 seconds; the `chatDiagnose` function posts their cards. */
export const CHAT_QUEUE = 'amlmon-chat';

/** One such diagnosis: which deployment, asked by whom. */
export interface ChatDiagnoseRequest {
  v: 1;
  cluster: string;
  namespace: string;
  service: string;
  requestedBy: string;
  requestedAt: string;
}

export interface ChatQueue {
  enqueue(message: ChatDiagnoseRequest): Promise<void>;
}

/** What Azure ML knows about one workspace's Kubernetes deployments, read once per sweep. */
export interface AzureMlWorkspaceView {
  workspace: string;
  records: AmlDeploymentRecord[];
  /**
   * Attached Kubernetes computes: name → the AKS / Arc cluster's ARM id and the namespace it deploys into (pairs
   * records with a configured cluster and namespace).
   */
  computes: { name: string; resourceId?: string; namespace?: string }[];
  /** ARM id of the workspace storage account (where `ImageLogs/<id>/build.log` is written). */
  storageAccount?: string;
  /** What could not be read (a call that failed); the sweep goes on with the cluster's half. */
  gaps: string[];
}

/**
 * Azure ML's half of the sweep: two list calls per workspace per sweep (never one call per service); `hints` (what
 * the clusters show, the ARM writes the event path recorded) say which cached v2 deployment lists to read again.
 */
export interface AzureMlSource {
  list(now: Date, hints?: DeploymentHints): Promise<AzureMlWorkspaceView[]>;
  /**
   * Checks the model and code blobs `found` reads in the storage account of `workspace` (as read by this sweep's
   * `list`), records them in `snapshot.blobs` and returns what could not be checked. Absent: blobs are not checked.
   */
  checkBlobs?(workspace: string, found: AmlDeploymentRecord, snapshot: Snapshot): Promise<string[]>;
}
