/**
 * Incidents and the notifications made of them: the hand-over between the monitor (state, lifecycle, outbox)
 * and delivery (rendering, channels). Owned by the monitor; fields may be added, never renamed or removed.
 */
import type { Code, Detail, Diagnosis, Status } from '../diagnosis/types.js';

/** One open or resolved problem of one deployment: fingerprint = cluster + namespace + service + code + detail. */
export interface IncidentRecord {
  fingerprint: string;
  cluster: string;
  workspace?: string;
  namespace: string;
  service: string;
  code: Code;
  detail: Detail | null;
  status: Status;
  /** RFC 3339 times. */
  openedAt: string;
  lastNotifiedAt?: string;
  resolvedAt?: string;
  /** The diagnosis that opened (or last changed) the incident. */
  diagnosis: Diagnosis;
  /** Where the archived evidence bundle lives (blob URL or path), for `amlmon diagnose` replay and report links. */
  evidenceUrl?: string;
  /** Azure portal page of the endpoint, when the workspace is known. */
  portalUrl?: string;
  /** Extension: the fingerprint of the incident that replaced this one when the root cause changed. */
  supersededBy?: string;
  /** Extension: the root cause this incident replaced (code/detail), so an alert can say "was: ...". */
  previous?: { code: Code; detail: Detail | null };
  /** Extension: v2 online endpoint and deployment names, when known. */
  endpoint?: string;
  deployment?: string;
  /** Extension: how the incident ended (set on resolve): what changed and when it was seen ready. */
  resolution?: { what: string; readyAt?: string };
  /** Extension: the image id of an image build failure raised from `azureml/ImageLogs/<id>/`. */
  imageId?: string;
  /** Extension: how many alerts were decided for this incident (1 on open, +1 per repeat). */
  alertCount?: number;
  /**
   * Extension: RFC 3339 time a notification about this incident was decided and not yet confirmed queued. Cleared
   * once the outbox has it; a sweep re-queues incidents left pending (a crash between the write and the queue).
   */
  outboxPending?: string;
  /** Extension: someone acknowledged the incident (from an alert's action link, chat or the API); no repeats. */
  ack?: ActorNote;
  /** Extension: the service is muted (a mute is a silence of the whole service); shown in the messages. */
  mute?: ActorNote & { silenceId: string; until?: string; untilResolved?: boolean };
  /** Extension: an alert (or repeat) of this open incident was held back; it is sent once when nothing holds it. */
  held?: HoldReason;
  /** Extension: the hold that ended just before this alert (so the alert can say why it comes now). */
  released?: HoldReason;
  /** Extension: services whose alerts this platform incident held back because it explains them (inhibition). */
  covers?: string[];
}

/** Who did something, when and why. */
export interface ActorNote {
  by: string;
  at: string;
  reason?: string;
}

/** Why an alert was held back: a silence/mute, or an open platform incident of the cluster (inhibition). */
export interface HoldReason {
  since: string;
  silenceId?: string;
  /** The fingerprint of the inhibiting incident. */
  inhibitedBy?: string;
  /** One line for people, e.g. "muted by ana@contoso.com until 12:00 UTC". */
  text: string;
}

export type NotificationKind = 'alert' | 'resolved' | 'digest';

/** One message to send: an alert (one incident, or several of one sweep grouped), a resolved notice, a digest. */
export interface Notification {
  /** Deterministic id (idempotency key for senders, e.g. the ACS operation id). */
  id: string;
  kind: NotificationKind;
  /** RFC 3339 time the notification was decided. */
  at: string;
  cluster?: string;
  incidents: IncidentRecord[];
  /** For `digest`: the computed digest, see shared/digest. */
  digest?: unknown;
}
