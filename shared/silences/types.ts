/**
 * Silences (the Alertmanager model): matchers on a deployment's labels, a creator, a reason and a time window.
 * While a silence matches an incident, no alert and no resolved notice about it is queued; when the silence ends
 * with the incident still open, the incident alerts once. A mute is a silence of one whole service.
 */

/** Labels a silence can match; every matcher given must equal the incident's label (exact, case-sensitive). */
export const MATCHER_LABELS = ['workspace', 'cluster', 'namespace', 'service', 'code'] as const;
export type MatcherLabel = (typeof MATCHER_LABELS)[number];
export type Matchers = Partial<Record<MatcherLabel, string>>;

export interface SilenceRecord {
  id: string;
  /** `mute` when made from an alert's action, chat `mute` or the API's mute; otherwise `silence`. */
  kind: 'silence' | 'mute';
  matchers: Matchers;
  createdBy: string;
  reason: string;
  /** RFC 3339. */
  createdAt: string;
  startsAt: string;
  /** RFC 3339; absent for a mute "until resolved" (then `untilResolved` names the incident). */
  endsAt?: string;
  /** Fingerprint of the incident whose resolution ends this silence. */
  untilResolved?: string;
  /** RFC 3339 time it was expired by hand (`amlmon silence expire`, Unmute), if it was. */
  expiredAt?: string;
  expiredBy?: string;
}

/** A used action link (its nonce), so a link that acts is good for one use only. */
export interface ActionUseRecord {
  usedAt: string;
  by: string;
  action: string;
  incident: string;
}

export const SILENCE_PARTITION = 'silence';
export const NONCE_PARTITION = 'nonce';
