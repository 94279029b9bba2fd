/**
 * What an action does to the state, whoever asked (an alert's link, a chat command, the API): acknowledge an
 * incident, mute its service (a silence of the whole service), or lift the service's mutes.
 */
import { randomUUID } from 'node:crypto';
import { fingerprintKey } from '../incidents/fingerprint.js';
import type { IncidentRecord } from '../incidents/types.js';
import { silenceHoldText, updateIncident } from '../monitor/hold.js';
import { silenceState } from '../silences/match.js';
import { SILENCE_PARTITION, type Matchers, type SilenceRecord } from '../silences/types.js';
import type { MonitorState } from '../state/store.js';
import type { ActionKind, MuteDuration } from './token.js';

export interface ActionRequest {
  /** The incident's fingerprint. */
  incident: string;
  action: ActionKind;
  duration?: MuteDuration;
  by: string;
  reason?: string;
  now: Date;
}

export type ActionOutcome =
  | { ok: true; message: string; incident: IncidentRecord; silence?: SilenceRecord }
  | { ok: false; status: 404 | 409 | 503; message: string };

export const MAX_REASON_CHARS = 500;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]+/g;

/** People's words (a reason, a name from a header): one line, no control characters, bounded. */
export function oneLineText(text: string, max: number): string {
  return text.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim().slice(0, max);
}

export function cleanReason(reason: string | undefined): string | undefined {
  if (reason === undefined) return undefined;
  const t = oneLineText(reason, MAX_REASON_CHARS);
  return t.length > 0 ? t : undefined;
}

export function serviceMatchers(i: Pick<IncidentRecord, 'cluster' | 'namespace' | 'service'>): Matchers {
  return { cluster: i.cluster, namespace: i.namespace, service: i.service };
}

function sameService(a: IncidentRecord, b: IncidentRecord): boolean {
  return a.cluster === b.cluster && a.namespace === b.namespace && a.service === b.service;
}

function describeDuration(d: MuteDuration, now: Date): string {
  return d === 'resolved'
    ? 'until the incident resolves'
    : `until ${new Date(now.getTime() + d).toISOString()}`;
}

export async function createSilence(
  state: MonitorState,
  s: Omit<SilenceRecord, 'id'> & { id?: string },
): Promise<SilenceRecord> {
  if (!state.silences) throw new Error('this state has no silences table');
  const record: SilenceRecord = { ...s, id: s.id ?? randomUUID() };
  const r = await state.silences.create(SILENCE_PARTITION, record.id, record);
  if (!r.ok) throw new Error(`silence ${record.id} already exists`);
  return record;
}

/** Expires a silence now (idempotent: an already expired silence is left as it is). */
export async function expireSilence(
  state: MonitorState,
  id: string,
  by: string,
  now: Date,
): Promise<SilenceRecord | undefined> {
  if (!state.silences) return undefined;
  for (let attempt = 0; attempt < 4; attempt += 1) {
    const cur = await state.silences.get(SILENCE_PARTITION, id);
    if (!cur) return undefined;
    if (cur.value.expiredAt !== undefined) return cur.value;
    const next: SilenceRecord = { ...cur.value, expiredAt: now.toISOString(), expiredBy: by };
    if ((await state.silences.replace(SILENCE_PARTITION, id, next, cur.etag)).ok) return next;
  }
  throw new Error(`silence ${id} kept changing; not expired`);
}

export async function performAction(state: MonitorState, req: ActionRequest): Promise<ActionOutcome> {
  const { partition, row } = fingerprintKey(req.incident);
  const found = await state.incidents.get(partition, row);
  if (!found) return { ok: false, status: 404, message: 'This incident is no longer known to the monitor.' };
  const incident = found.value;
  const at = req.now.toISOString();
  const reason = cleanReason(req.reason);
  const note = { by: req.by, at, ...(reason ? { reason } : {}) };

  if (req.action === 'ack') {
    if (incident.resolvedAt !== undefined)
      return {
        ok: false,
        status: 409,
        message: `This incident resolved at ${incident.resolvedAt}; nothing to acknowledge.`,
      };
    if (incident.ack) {
      return {
        ok: false,
        status: 409,
        message: `Already acknowledged by ${incident.ack.by} at ${incident.ack.at}.`,
      };
    }
    const r = await updateIncident(state, req.incident, (cur) =>
      cur.resolvedAt === undefined ? { ...cur, ack: note } : undefined,
    );
    if (!r?.changed) return { ok: false, status: 409, message: 'The incident changed meanwhile; try again.' };
    return { ok: true, message: `Acknowledged: no repeats until the root cause changes.`, incident: r.value };
  }

  if (req.action === 'mute') {
    const d = req.duration ?? 3_600_000;
    if (d === 'resolved' && incident.resolvedAt !== undefined)
      return {
        ok: false,
        status: 409,
        message: `This incident resolved at ${incident.resolvedAt}; nothing to mute.`,
      };
    const silence = await createSilence(state, {
      kind: 'mute',
      matchers: serviceMatchers(incident),
      createdBy: req.by,
      reason: reason ?? '',
      createdAt: at,
      startsAt: at,
      ...(d === 'resolved'
        ? { untilResolved: incident.fingerprint }
        : { endsAt: new Date(req.now.getTime() + d).toISOString() }),
    });
    const hold = { since: at, silenceId: silence.id, text: silenceHoldText(silence) };
    const mute = {
      ...note,
      silenceId: silence.id,
      ...(silence.endsAt ? { until: silence.endsAt } : {}),
      ...(silence.untilResolved ? { untilResolved: true } : {}),
    };
    // Every open incident of the service is held from now, so the mute's end sends it once if it still fails.
    let updated = incident;
    for (const r of await state.incidents.list(incident.cluster)) {
      if (!sameService(r.value, incident) || r.value.resolvedAt !== undefined) continue;
      const u = await updateIncident(state, r.value.fingerprint, (cur) =>
        cur.resolvedAt === undefined ? { ...cur, mute, held: cur.held ?? hold } : undefined,
      );
      if (u && r.value.fingerprint === incident.fingerprint) updated = u.value;
    }
    return {
      ok: true,
      message: `Muted ${incident.service} ${describeDuration(d, req.now)}: no alerts and no resolved notices meanwhile.`,
      incident: updated,
      silence,
    };
  }

  // unmute: lift every mute of the service that is in force.
  const silences = state.silences ? (await state.silences.list(SILENCE_PARTITION)).map((r) => r.value) : [];
  const cluster = await state.incidents.list(incident.cluster);
  const open = new Set(
    cluster.filter((r) => r.value.resolvedAt === undefined).map((r) => r.value.fingerprint),
  );
  const mutes = silences.filter(
    (s) =>
      s.kind === 'mute' &&
      s.matchers.service === incident.service &&
      (s.matchers.cluster === undefined || s.matchers.cluster === incident.cluster) &&
      (s.matchers.namespace === undefined || s.matchers.namespace === incident.namespace) &&
      silenceState(s, req.now, open) !== 'expired',
  );
  if (mutes.length === 0) return { ok: false, status: 409, message: `${incident.service} is not muted.` };
  for (const s of mutes) await expireSilence(state, s.id, req.by, req.now);
  let updated = incident;
  for (const r of cluster) {
    if (!sameService(r.value, incident) || r.value.mute === undefined) continue;
    const u = await updateIncident(state, r.value.fingerprint, (cur) => {
      const { mute: _lifted, ...rest } = cur;
      return rest;
    });
    if (u && r.value.fingerprint === incident.fingerprint) updated = u.value;
  }
  return {
    ok: true,
    message: `Unmuted ${incident.service}: if it still fails, the next check alerts once.`,
    incident: updated,
  };
}
