/**
 * What people can do about an alert, and what they already did: the signed Acknowledge / Mute / Unmute links
 * (shared/actions/token.ts) and the acknowledgement, mute and hold notes. Renderers call one hook per channel;
 * nothing is added when the context has no signing settings and the incident carries no notes.
 */
import { alertActionLinks } from '../actions/token.js';
import type { IncidentRecord, Notification } from '../incidents/types.js';
import type { CardElement } from './cardTypes.js';
import type { ReportContext } from './context.js';
import { compile } from './handlebars.js';
import { escapeCardMarkdown } from './markdown.js';
import { clean } from './view.js';

export interface IncidentAction {
  title: string;
  url: string;
}

/**
 * Whether the incident's service is muted at `now`: a mute until it resolves holds while the incident is open, a
 * timed one until its end. (A row keeps the note of a mute that ran out, so the next alert can say who muted it.)
 */
export function muteInForce(incident: IncidentRecord, now: string): boolean {
  const m = incident.mute;
  if (!m || incident.resolvedAt !== undefined) return false;
  if (m.untilResolved || m.until === undefined) return true;
  const end = Date.parse(m.until);
  return !Number.isFinite(end) || end > Date.parse(now);
}

/**
 * The signed links of one incident of an alert (none on resolved notices, digests, or without settings): Unmute
 * only while the service is muted, the Mute links only while it is not.
 */
export function incidentActions(
  n: Notification,
  incident: IncidentRecord,
  ctx: ReportContext,
): IncidentAction[] {
  if (!ctx.actionLinks || n.kind !== 'alert' || incident.resolvedAt !== undefined) return [];
  const muted = muteInForce(incident, ctx.now);
  return alertActionLinks(ctx.actionLinks, incident.fingerprint, ctx.now)
    .filter((a) => (a.action === 'unmute' ? muted : a.action === 'mute' ? !muted : true))
    .map(({ title, url }) => ({ title, url }));
}

/** Lines for people: who acknowledged or muted, what held the alert back, what this incident explains. */
export function incidentNotes(incident: IncidentRecord): string[] {
  const notes: string[] = [];
  const why = (r?: string): string => (r ? `: "${clean(r, 200)}"` : '');
  if (incident.ack)
    notes.push(
      `Acknowledged by ${clean(incident.ack.by, 120)} at ${incident.ack.at}${why(incident.ack.reason)}`,
    );
  if (incident.mute) {
    const until = incident.mute.untilResolved ? 'until it resolves' : `until ${incident.mute.until ?? '?'}`;
    notes.push(
      `Muted by ${clean(incident.mute.by, 120)} at ${incident.mute.at}, ${until}${why(incident.mute.reason)}`,
    );
  }
  if (incident.released)
    notes.push(
      `Held back since ${incident.released.since} (${clean(incident.released.text, 300)}); that has ended and it still fails`,
    );
  if (incident.covers && incident.covers.length > 0)
    notes.push(
      `Also explains (their alerts are held back): ${incident.covers.map((s) => clean(s, 120)).join(', ')}`,
    );
  return notes;
}

/** Card elements for one incident: its notes and an ActionSet of its links. */
export function actionCardElements(
  n: Notification,
  incident: IncidentRecord,
  ctx: ReportContext,
): CardElement[] {
  const out: CardElement[] = [];
  for (const note of incidentNotes(incident))
    out.push({
      type: 'TextBlock',
      text: escapeCardMarkdown(note),
      wrap: true,
      isSubtle: true,
      spacing: 'Small',
    });
  const actions = incidentActions(n, incident, ctx);
  if (actions.length > 0)
    out.push({
      type: 'ActionSet',
      spacing: 'Medium',
      actions: actions.map((a) => ({ type: 'Action.OpenUrl', title: a.title, url: a.url })),
    });
  return out;
}

const EMAIL_ROW = compile(
  `{{#if notes.length}}<div style="margin:12px 0 4px 0;font-size:13px;color:#424242;">{{#each notes}}<div>{{this}}</div>{{/each}}</div>{{/if}}` +
    `{{#if actions.length}}<div style="margin:12px 0 4px 0;font-size:14px;">{{#each actions}}<a href="{{url}}" style="display:inline-block;margin:0 8px 6px 0;padding:6px 12px;border:1px solid #0f6cbd;border-radius:4px;color:#0f6cbd;text-decoration:none;">{{title}}</a>{{/each}}</div>{{/if}}`,
);

/** HTML for the email of one incident (escaped by Handlebars). */
export function actionEmailHtml(n: Notification, incident: IncidentRecord, ctx: ReportContext): string {
  const notes = incidentNotes(incident);
  const actions = incidentActions(n, incident, ctx);
  if (notes.length === 0 && actions.length === 0) return '';
  return EMAIL_ROW({ notes, actions });
}

/** Plain-text lines for the email of one incident. */
export function actionText(n: Notification, incident: IncidentRecord, ctx: ReportContext): string {
  const lines = [
    ...incidentNotes(incident),
    ...incidentActions(n, incident, ctx).map((a) => `${a.title}: ${a.url}`),
  ];
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/** The one-line hooks the renderers call, by the fingerprint of the view they render. */
export const actionHooks = {
  card: (n: Notification, fingerprint: string, ctx: ReportContext): CardElement[] =>
    withIncident(n, fingerprint, (i) => actionCardElements(n, i, ctx), []),
  html: (n: Notification, fingerprint: string, ctx: ReportContext): string =>
    withIncident(n, fingerprint, (i) => actionEmailHtml(n, i, ctx), ''),
  text: (n: Notification, fingerprint: string, ctx: ReportContext): string =>
    withIncident(n, fingerprint, (i) => actionText(n, i, ctx), ''),
};

/** Every signed link a message about `n` carries: the send boundary keeps exactly these whole while it redacts. */
export function notificationActionUrls(n: Notification, ctx: ReportContext): string[] {
  return n.incidents.flatMap((i) => incidentActions(n, i, ctx).map((a) => a.url));
}

function withIncident<T>(n: Notification, fingerprint: string, f: (i: IncidentRecord) => T, none: T): T {
  const i = n.incidents.find((x) => x.fingerprint === fingerprint);
  return i ? f(i) : none;
}
