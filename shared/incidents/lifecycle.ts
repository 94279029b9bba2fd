/**
 * The alert lifecycle, as pure decisions (Alertmanager-like): alert when an incident opens, again only when the root
 * cause changes or `repeatAfter` has passed (never once acknowledged), a resolved notice when it clears. No I/O here;
 * shared/monitor applies the decisions with ETags and re-decides after a conflict, then holds back what silences,
 * mutes and inhibition cover (shared/monitor/hold.ts) before anything is queued.
 */
import type { Code, Diagnosis, Finding } from '../diagnosis/types.js';
import type { Versioned } from '../state/table.js';
import { fingerprint, type DeploymentIdentity } from './fingerprint.js';
import type { IncidentRecord } from './types.js';

/** What the monitor now knows about one deployment. */
export type Observation =
  /** A definitive failure, a hang or a degradation; `finding` is the root cause. */
  | {
      kind: 'problem';
      diagnosis: Diagnosis;
      finding: Finding;
      observedAt: string;
      evidenceUrl?: string;
      imageId?: string;
    }
  /**
   * All replicas ready / deployed successfully; `resolution` says what changed, for the resolved notice. With
   * `only`, just the incidents of that code resolve (a rebuild that succeeded says nothing of the pods).
   */
  | { kind: 'healthy'; observedAt: string; resolution?: IncidentRecord['resolution']; only?: Code }
  /** The deployment no longer exists. */
  | { kind: 'gone'; observedAt: string; resolution?: IncidentRecord['resolution'] }
  /** Still inside the normal start-up window: nothing to decide. */
  | { kind: 'pending'; observedAt: string };

export type IncidentChange =
  /** A new incident, or a resolved one coming back (`etag` set: replace that row). */
  | { type: 'open'; record: IncidentRecord; etag?: string; notify: 'alert' }
  | { type: 'repeat'; record: IncidentRecord; etag: string; notify: 'alert' }
  | { type: 'resolve'; record: IncidentRecord; etag: string; notify?: 'resolved' };

export interface LifecycleOptions {
  now: Date;
  repeatAfterMs: number;
}

function isOpen(r: IncidentRecord): boolean {
  return r.resolvedAt === undefined;
}

/**
 * Decides the incident changes for one deployment.
 * `incidents` are all rows (open and resolved) of that deployment, with their ETags.
 */
export function decideIncidents(
  id: DeploymentIdentity,
  obs: Observation,
  incidents: Versioned<IncidentRecord>[],
  opts: LifecycleOptions,
): IncidentChange[] {
  const now = opts.now.toISOString();
  const open = incidents.filter((i) => isOpen(i.value));
  if (obs.kind === 'pending') return [];
  if (obs.kind === 'healthy' || obs.kind === 'gone') {
    const only = obs.kind === 'healthy' ? obs.only : undefined;
    return open
      .filter((i) => i.value.openedAt <= obs.observedAt && (only === undefined || i.value.code === only))
      .map((i) => ({
        type: 'resolve' as const,
        record: { ...i.value, resolvedAt: now, ...(obs.resolution ? { resolution: obs.resolution } : {}) },
        etag: i.etag,
        notify: 'resolved' as const,
      }));
  }

  const { finding, diagnosis } = obs;
  const fp = fingerprint(id, finding.code, finding.detail);
  const same = incidents.find((i) => i.value.fingerprint === fp);
  const changes: IncidentChange[] = [];
  const others = open.filter((i) => i.value.fingerprint !== fp);

  if (same && isOpen(same.value)) {
    const last = Date.parse(same.value.lastNotifiedAt ?? same.value.openedAt);
    // Acknowledged: someone is on it; no repeats until the root cause changes (a new fingerprint, a new incident).
    if (same.value.ack === undefined && opts.now.getTime() - last >= opts.repeatAfterMs) {
      const { released: _shown, ...rest } = same.value;
      changes.push({
        type: 'repeat',
        record: {
          ...rest,
          status: diagnosis.status,
          diagnosis,
          lastNotifiedAt: now,
          evidenceUrl: obs.evidenceUrl ?? same.value.evidenceUrl,
          alertCount: (same.value.alertCount ?? 1) + 1,
        },
        etag: same.etag,
        notify: 'alert',
      });
    }
  } else {
    // An observation older than the resolution (an event delivered late) never reopens the incident.
    if (same?.value.resolvedAt !== undefined && obs.observedAt < same.value.resolvedAt) return [];
    const previous = others[0]?.value;
    const record: IncidentRecord = {
      fingerprint: fp,
      cluster: id.cluster,
      workspace: id.workspace,
      namespace: id.namespace,
      service: id.service,
      ...(id.endpoint ? { endpoint: id.endpoint } : {}),
      ...(id.deployment ? { deployment: id.deployment } : {}),
      code: finding.code,
      detail: finding.detail,
      status: diagnosis.status,
      openedAt: now,
      lastNotifiedAt: now,
      diagnosis,
      evidenceUrl: obs.evidenceUrl,
      alertCount: 1,
      ...(previous ? { previous: { code: previous.code, detail: previous.detail } } : {}),
      ...(obs.imageId ? { imageId: obs.imageId } : {}),
    };
    changes.push({ type: 'open', record, etag: same?.etag, notify: 'alert' });
  }
  // The root cause changed: the old incidents are replaced by the new one, quietly (the new alert says so).
  if (changes.some((c) => c.type === 'open')) {
    for (const o of others) {
      changes.unshift({
        type: 'resolve',
        record: { ...o.value, resolvedAt: now, supersededBy: fp },
        etag: o.etag,
      });
    }
  }
  return changes;
}
