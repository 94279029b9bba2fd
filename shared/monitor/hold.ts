/**
 * Silences, mutes and inhibition, applied after the lifecycle decided and before anything is queued. A covered
 * alert is held (the incident row says why and since when) and sent once when nothing covers it any more while the
 * incident is still open; a covered resolved notice is dropped. A platform incident that explains others lists them.
 */
import { fingerprintKey } from '../incidents/fingerprint.js';
import type { HoldReason, IncidentRecord } from '../incidents/types.js';
import { coveringSilence, inhibitorOf } from '../silences/match.js';
import { SILENCE_PARTITION, type SilenceRecord } from '../silences/types.js';
import type { MonitorState } from '../state/store.js';
import type { CommittedChanges } from './commit.js';
import type { MonitorRuntime } from './types.js';

const MAX_ATTEMPTS = 4;

export async function listSilences(state: MonitorState): Promise<SilenceRecord[]> {
  if (!state.silences) return [];
  return (await state.silences.list(SILENCE_PARTITION)).map((r) => r.value);
}

/** Changes one incident row with optimistic concurrency; `edit` returns undefined to leave the row alone. */
export async function updateIncident(
  state: MonitorState,
  fingerprint: string,
  edit: (current: IncidentRecord) => IncidentRecord | undefined,
): Promise<{ value: IncidentRecord; changed: boolean } | undefined> {
  const { partition, row } = fingerprintKey(fingerprint);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const current = await state.incidents.get(partition, row);
    if (!current) return undefined;
    const next = edit(current.value);
    if (!next) return { value: current.value, changed: false };
    if ((await state.incidents.replace(partition, row, next, current.etag)).ok)
      return { value: next, changed: true };
  }
  return undefined;
}

function until(s: SilenceRecord): string {
  if (s.endsAt) return ` until ${s.endsAt}`;
  return s.untilResolved ? ' until the incident resolves' : '';
}

export function silenceHoldText(s: SilenceRecord): string {
  const why = s.reason ? ` (${s.reason})` : '';
  return `${s.kind === 'mute' ? 'muted' : `silenced (${s.id})`} by ${s.createdBy}${until(s)}${why}`;
}

function inhibitionText(parent: IncidentRecord): string {
  const what = `${parent.code}${parent.detail ? `/${parent.detail}` : ''}`;
  const whose = parent.service === '(cluster)' ? '' : ` (seen on ${parent.service})`;
  return `explained by ${what} on cluster ${parent.cluster}${whose}`;
}

interface Cover {
  hold: HoldReason;
  parent?: IncidentRecord;
}

function coverOf(
  i: IncidentRecord,
  silences: readonly SilenceRecord[],
  open: readonly IncidentRecord[],
  now: Date,
): Cover | undefined {
  const openFps = new Set(open.map((o) => o.fingerprint));
  const since = now.toISOString();
  const s = coveringSilence(i, silences, now, openFps);
  if (s) return { hold: { since, silenceId: s.id, text: silenceHoldText(s) } };
  const parent = inhibitorOf(i, open);
  if (parent)
    return { hold: { since, inhibitedBy: parent.fingerprint, text: inhibitionText(parent) }, parent };
  return undefined;
}

async function openOf(rt: MonitorRuntime, clusters: Iterable<string>): Promise<IncidentRecord[]> {
  const out: IncidentRecord[] = [];
  for (const c of new Set(clusters)) {
    for (const r of await rt.state.incidents.list(c)) if (r.value.resolvedAt === undefined) out.push(r.value);
  }
  return out;
}

/** Holds back what silences, mutes and inhibition cover; returns what may be queued. */
export async function holdCovered(rt: MonitorRuntime, changes: CommittedChanges): Promise<CommittedChanges> {
  if (changes.alerts.length === 0 && changes.resolved.length === 0) return changes;
  const now = rt.clock.now();
  const silences = await listSilences(rt.state);
  const open = await openOf(
    rt,
    [...changes.alerts, ...changes.resolved].map((i) => i.cluster),
  );
  const out: CommittedChanges = { alerts: [], resolved: [] };
  const covers = new Map<string, Set<string>>();

  for (const a of changes.alerts) {
    const cover = coverOf(a, silences, open, now);
    if (!cover) {
      out.alerts.push(a);
      continue;
    }
    const hold = a.held ?? cover.hold;
    await updateIncident(rt.state, a.fingerprint, (cur) => {
      const { outboxPending: _queued, ...rest } = cur;
      return { ...rest, held: { ...cover.hold, since: hold.since } };
    });
    rt.log.info(`alert of ${a.service} ${a.code} held back: ${cover.hold.text}`);
    if (cover.parent) {
      const set = covers.get(cover.parent.fingerprint) ?? new Set<string>();
      set.add(a.service);
      covers.set(cover.parent.fingerprint, set);
    }
  }
  for (const r of changes.resolved) {
    const s = coveringSilence(r, silences, now, new Set(open.map((o) => o.fingerprint)));
    // Nobody heard of an incident whose alert was held: its recovery is no news either.
    if (!s && r.held === undefined) {
      out.resolved.push(r);
      continue;
    }
    await updateIncident(rt.state, r.fingerprint, (cur) => {
      const { outboxPending: _queued, ...rest } = cur;
      return cur.outboxPending === undefined ? undefined : rest;
    });
    rt.log.info(
      `resolved notice of ${r.service} ${r.code} dropped: ${s ? silenceHoldText(s) : (r.held?.text ?? '')}`,
    );
  }
  for (const [fp, services] of covers) {
    const merged = await updateIncident(rt.state, fp, (cur) => {
      const all = [...new Set([...(cur.covers ?? []), ...services])].sort();
      return all.length === (cur.covers ?? []).length ? undefined : { ...cur, covers: all };
    });
    // The parent's own alert in this batch lists what it covers.
    const inBatch = out.alerts.find((x) => x.fingerprint === fp);
    if (inBatch && merged?.value.covers) inBatch.covers = merged.value.covers;
  }
  return out;
}

/**
 * Sends, once, the alerts of open incidents whose hold ended (the silence or mute expired or was lifted, or the
 * platform incident that explained them resolved) while they still fail.
 */
export async function releaseHeld(rt: MonitorRuntime, cluster: string): Promise<CommittedChanges> {
  const out: CommittedChanges = { alerts: [], resolved: [] };
  const rows = await rt.state.incidents.list(cluster);
  const open = rows.map((r) => r.value).filter((v) => v.resolvedAt === undefined);
  const held = open.filter((v) => v.held !== undefined);
  if (held.length === 0) return out;
  const silences = await listSilences(rt.state);
  const now = rt.clock.now();
  for (const h of held) {
    if (coverOf(h, silences, open, now)) continue;
    const nowIso = now.toISOString();
    const released = await updateIncident(rt.state, h.fingerprint, (cur) => {
      if (cur.held === undefined || cur.resolvedAt !== undefined) return undefined;
      const { held: was, ...rest } = cur;
      return {
        ...rest,
        released: was,
        lastNotifiedAt: nowIso,
        alertCount: (cur.alertCount ?? 1) + 1,
        outboxPending: nowIso,
      };
    });
    if (released?.changed) {
      rt.log.info(`alert of ${h.service} ${h.code} released: no longer ${h.held?.text ?? 'held'}`);
      out.alerts.push(released.value);
    }
  }
  return out;
}
