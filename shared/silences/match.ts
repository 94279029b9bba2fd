/** Pure decisions about silences and inhibition: which silence or platform incident holds an incident's alerts. */
import type { IncidentRecord } from '../incidents/types.js';
import { MATCHER_LABELS, type Matchers, type SilenceRecord } from './types.js';

export type SilenceState = 'pending' | 'active' | 'expired';

/**
 * `open` is the set of fingerprints of open incidents (a mute "until resolved" is active while its incident is open).
 */
export function silenceState(s: SilenceRecord, now: Date, open: ReadonlySet<string>): SilenceState {
  const t = now.getTime();
  // Times are compared as instants: `10:00:00Z` and `10:00:00.000Z` are the same moment.
  const reached = (iso: string | undefined): boolean => iso !== undefined && Date.parse(iso) <= t;
  if (reached(s.expiredAt) || reached(s.endsAt)) return 'expired';
  if (s.untilResolved !== undefined && !open.has(s.untilResolved)) return 'expired';
  if (!reached(s.startsAt)) return 'pending';
  return 'active';
}

export function labelsOf(i: IncidentRecord): Record<keyof Matchers, string | undefined> {
  return {
    workspace: i.workspace,
    cluster: i.cluster,
    namespace: i.namespace,
    service: i.service,
    code: i.code,
  };
}

export function silenceMatches(s: SilenceRecord, i: IncidentRecord): boolean {
  const labels = labelsOf(i);
  let any = false;
  for (const label of MATCHER_LABELS) {
    const want = s.matchers[label];
    if (want === undefined) continue;
    any = true;
    if (labels[label] !== want) return false;
  }
  // A silence without matchers would silence everything; such silences are refused when created, and ignored here.
  return any;
}

/** The active silence that holds this incident, if any (the one ending last, so the hold says the real end). */
export function coveringSilence(
  i: IncidentRecord,
  silences: readonly SilenceRecord[],
  now: Date,
  open: ReadonlySet<string>,
): SilenceRecord | undefined {
  const covering = silences.filter(
    (s) =>
      // The mute "until resolved" of this very incident still covers its resolution (no resolved notice).
      (silenceState(s, now, open) === 'active' ||
        (s.untilResolved === i.fingerprint &&
          s.expiredAt === undefined &&
          Date.parse(s.startsAt) <= now.getTime())) &&
      silenceMatches(s, i),
  );
  return covering.sort((a, b) => endOf(b).localeCompare(endOf(a)))[0];
}

function endOf(s: SilenceRecord): string {
  return s.endsAt ?? '9999';
}

/**
 * Inhibition: which per-service codes a platform incident of the same cluster explains. A platform problem makes
 * every deployment on the cluster fail in its own way; one alert about the cause beats ten about the symptoms.
 */
export const INHIBITS: Readonly<Record<string, readonly string[]>> = {
  ClusterUnreachable: ['*'],
  NodeFailure: [
    'NodeFailure',
    'PodUnschedulable',
    'ModelMountFailure',
    'CrashLoopBackOff',
    'SlowInitProbeFailure',
    'ScoringRuntimeFailure',
    'DeploymentHung',
  ],
  FrontendUnhealthy: ['FrontendUnhealthy', 'ScoringRuntimeFailure', 'DeploymentHung'],
  ExtensionFailure: [
    'ExtensionFailure',
    'ImagePullFailure',
    'ModelDownloadFailure',
    'ContainerConfigError',
    'PodCreateRejected',
    'DeploymentHung',
  ],
};

export function isInhibitor(i: IncidentRecord): boolean {
  return INHIBITS[i.code] !== undefined;
}

/**
 * The open platform incident of the same cluster that explains `i`, if any. Among several, the earliest opened
 * (ties: lowest fingerprint), so that of two services with the same node problem, one alerts and lists the other.
 */
export function inhibitorOf(i: IncidentRecord, open: readonly IncidentRecord[]): IncidentRecord | undefined {
  const rank = (x: IncidentRecord): string => `${x.openedAt}|${x.fingerprint}`;
  const candidates = open
    .filter(
      (p) =>
        p.fingerprint !== i.fingerprint &&
        p.cluster === i.cluster &&
        p.resolvedAt === undefined &&
        // An image build runs in the workspace's registry, not on the cluster: no cluster problem explains it.
        i.imageId === undefined &&
        (INHIBITS[p.code]?.includes('*') === true || INHIBITS[p.code]?.includes(i.code) === true),
    )
    // An incident of the same code only yields to an earlier one, so one of them always alerts.
    .filter((p) => p.code !== i.code || rank(p) < rank(i))
    .sort((a, b) => rank(a).localeCompare(rank(b)));
  return candidates[0];
}
