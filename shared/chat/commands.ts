/**
 * Chat commands of the Teams outgoing webhook: what the on-call person types after the mention, answered from the
 * monitor's own state (and, for `diagnose`, a live look at the cluster) within Teams' 5-second limit.
 */
import { performAction, createSilence, expireSilence, serviceMatchers } from '../actions/apply.js';
import { parseDuration } from '../config/duration.js';
import { digestSourceFromState } from '../digest/stateSource.js';
import { runDigest } from '../digest/run.js';
import { fingerprint } from '../incidents/fingerprint.js';
import type { IncidentRecord, Notification } from '../incidents/types.js';
import { listSilences } from '../monitor/hold.js';
import type { MonitorRuntime } from '../monitor/types.js';
import { renderTeamsCard } from '../report/teams.js';
import type { AdaptiveCard } from '../report/cardTypes.js';
import type { ReportContext } from '../report/context.js';
import { silenceState } from '../silences/match.js';
import { nameProblem } from '../silences/validate.js';
import type { DeploymentRecord } from '../state/types.js';

export interface ChatReply {
  type: 'message';
  text: string;
  attachments?: Array<{ contentType: 'application/vnd.microsoft.card.adaptive'; content: AdaptiveCard }>;
}

export interface ChatContext {
  rt: MonitorRuntime;
  /** Who typed it (Teams' display name). */
  by: string;
  /** Time left before Teams gives up (ms); `diagnose` answers "running" when the cluster is slower. */
  budgetMs: number;
}

/** Lines of a list in one chat reply (Teams messages are limited to about 28 KB). */
const MAX_LINES = 30;

export const HELP = [
  'Commands (after the mention, any case):',
  '- **status** [workspace]: failing deployments and what holds their alerts',
  '- **diagnose** <service> [workspace]: a live diagnosis, the same card as an alert',
  '- **incidents** [24h|7d]: incidents opened in that window (default 24h)',
  '- **ack** <service>: acknowledge its open incident (no repeats until the cause changes)',
  '- **mute** <service> <duration|resolved> [reason]: nothing about it until then (e.g. mute churn 2h deploying)',
  '- **unmute** <service>',
  '- **silences**: active and pending silences',
  '- **digest**: the daily digest, now',
  '- **help**',
].join('\n\n');

const text = (t: string): ChatReply => ({ type: 'message', text: t });
const card = (t: string, content: AdaptiveCard): ChatReply => ({
  type: 'message',
  text: t,
  attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content }],
});

/** Chat text is rendered as markdown by Teams: names from state are escaped. */
function md(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!<>|~]/g, (c) => `\\${c}`);
}

async function openIncidents(rt: MonitorRuntime): Promise<IncidentRecord[]> {
  return (await rt.state.incidents.list()).map((r) => r.value).filter((i) => i.resolvedAt === undefined);
}

function codeOf(i: IncidentRecord): string {
  return `${i.code}${i.detail ? `/${i.detail}` : ''}`;
}

function holdOf(i: IncidentRecord): string {
  const parts: string[] = [];
  if (i.ack) parts.push(`acknowledged by ${i.ack.by}`);
  if (i.held) parts.push(`held: ${i.held.text}`);
  return parts.length ? ` (${parts.join('; ')})` : '';
}

function badName(kind: 'service' | 'workspace', v: string | undefined): string | undefined {
  if (v === undefined)
    return kind === 'service' ? 'name the service, e.g. `diagnose churn-model`' : undefined;
  return nameProblem(kind, v);
}

async function incidentOfService(rt: MonitorRuntime, service: string): Promise<IncidentRecord | undefined> {
  const open = (await openIncidents(rt)).filter((i) => i.service === service);
  return open.sort((a, b) => b.openedAt.localeCompare(a.openedAt))[0];
}

function muteDuration(word: string | undefined): number | 'resolved' | undefined {
  if (!word) return undefined;
  const w = word.toLowerCase();
  if (w === 'resolved' || w === 'until-resolved') return 'resolved';
  const ms = parseDuration(w);
  return ms !== undefined && ms <= 30 * 86_400_000 ? ms : undefined;
}

export async function runChatCommand(words: string[], ctx: ChatContext): Promise<ChatReply> {
  const { rt } = ctx;
  const [first, ...args] = words;
  const command = (first ?? 'help').toLowerCase();
  const now = rt.clock.now();
  switch (command) {
    case 'help':
      return text(HELP);
    case 'status': {
      const ws = args[0];
      const p = badName('workspace', ws);
      if (p) return text(p);
      const deployments = (await rt.state.deployments.list())
        .map((r) => r.value)
        .filter((d) => !d.deleted && (!ws || d.workspace === ws));
      const open = (await openIncidents(rt)).filter((i) => !ws || i.workspace === ws);
      const counts = new Map<string, number>();
      for (const d of deployments) counts.set(d.status, (counts.get(d.status) ?? 0) + 1);
      const lines = [
        `**${deployments.length} deployments**${ws ? ` in ${md(ws)}` : ''}: ${[...counts].map(([s, n]) => `${n} ${s}`).join(', ') || 'none seen yet'}`,
        // A chat message has a size limit: the oldest incidents first, at most MAX_LINES of them.
        ...open
          .sort((a, b) => a.openedAt.localeCompare(b.openedAt))
          .slice(0, MAX_LINES)
          .map(
            (i) =>
              `- ${md(i.service)} (${md(i.cluster)}): ${md(codeOf(i))} since ${i.openedAt}${md(holdOf(i))}`,
          ),
      ];
      if (open.length > MAX_LINES)
        lines.push(`(${open.length - MAX_LINES} more: GET /api/incidents?state=open)`);
      if (open.length === 0) lines.push('No open incidents.');
      return text(lines.join('\n\n'));
    }
    case 'incidents': {
      const window = (args[0] ?? '24h').toLowerCase();
      if (window !== '24h' && window !== '7d') return text('incidents takes 24h or 7d');
      const since = new Date(now.getTime() - (window === '7d' ? 7 * 86_400_000 : 86_400_000)).toISOString();
      const all = (await rt.state.incidents.list()).map((r) => r.value).filter((i) => i.openedAt >= since);
      all.sort((a, b) => b.openedAt.localeCompare(a.openedAt));
      const lines = all
        .slice(0, MAX_LINES)
        .map(
          (i) =>
            `- ${i.openedAt} ${md(i.service)}: ${md(codeOf(i))}, ${i.resolvedAt ? `resolved ${i.resolvedAt}` : 'open'}${md(holdOf(i))}`,
        );
      return text(
        [
          `**${all.length} incidents** opened in the last ${window}`,
          ...lines,
          ...(all.length > MAX_LINES ? [`(${all.length - MAX_LINES} more)`] : []),
        ].join('\n\n'),
      );
    }
    case 'ack':
    case 'unmute': {
      const service = args[0];
      const p = badName('service', service);
      if (p || !service) return text(p ?? 'name the service');
      const incident = await incidentOfService(rt, service);
      if (command === 'unmute') {
        if (incident) {
          const r = await performAction(rt.state, {
            incident: incident.fingerprint,
            action: 'unmute',
            by: ctx.by,
            now,
          });
          return text(md(r.message));
        }
        const mutes = (await listSilences(rt.state)).filter(
          (s) =>
            s.kind === 'mute' &&
            s.matchers.service === service &&
            silenceState(s, now, new Set()) !== 'expired',
        );
        for (const s of mutes) await expireSilence(rt.state, s.id, ctx.by, now);
        return text(mutes.length ? `Unmuted ${md(service)}.` : `${md(service)} is not muted.`);
      }
      if (!incident) return text(`${md(service)} has no open incident to acknowledge.`);
      const r = await performAction(rt.state, {
        incident: incident.fingerprint,
        action: 'ack',
        by: ctx.by,
        now,
      });
      return text(md(r.message));
    }
    case 'mute': {
      const [service, durationWord, ...reasonWords] = args;
      const p = badName('service', service);
      if (p || !service) return text(p ?? 'name the service');
      const duration = muteDuration(durationWord);
      if (duration === undefined)
        return text(
          'mute needs a duration up to 30 days (e.g. 2h, 1d) or "resolved": mute <service> <duration> [reason]',
        );
      const reason = reasonWords.join(' ');
      const incident = await incidentOfService(rt, service);
      if (incident) {
        const r = await performAction(rt.state, {
          incident: incident.fingerprint,
          action: 'mute',
          duration,
          by: ctx.by,
          reason,
          now,
        });
        return text(md(r.message));
      }
      if (duration === 'resolved')
        return text(`${md(service)} has no open incident; give a duration instead.`);
      const deployment = (await rt.state.deployments.list())
        .map((r) => r.value)
        .find((d) => d.service === service);
      const s = await createSilence(rt.state, {
        kind: 'mute',
        matchers: deployment ? serviceMatchers(deployment) : { service },
        createdBy: ctx.by,
        reason,
        createdAt: now.toISOString(),
        startsAt: now.toISOString(),
        endsAt: new Date(now.getTime() + duration).toISOString(),
      });
      return text(`Muted ${md(service)} until ${s.endsAt ?? ''}.`);
    }
    case 'silences': {
      const open = new Set((await openIncidents(rt)).map((i) => i.fingerprint));
      const list = (await listSilences(rt.state)).filter((s) => silenceState(s, now, open) !== 'expired');
      if (list.length === 0) return text('No active or pending silences.');
      return text(
        list
          .map((s) => {
            const m = Object.entries(s.matchers)
              .map(([k, v]) => `${k}=${v}`)
              .join(', ');
            const end = s.endsAt ?? 'until resolved';
            return `- ${s.kind} ${md(m)} until ${md(end)} by ${md(s.createdBy)}${s.reason ? `: ${md(s.reason)}` : ''} (${silenceState(s, now, open)}, id ${s.id})`;
          })
          .join('\n\n'),
      );
    }
    case 'digest': {
      let notification: Notification | undefined;
      await runDigest({
        source: digestSourceFromState(rt.state),
        now,
        channels: ['chat'],
        deliver: (_c, n) => {
          notification = n;
          return Promise.resolve();
        },
      });
      if (!notification) return text('No digest could be made.');
      const message = renderTeamsCard(notification, reportContext(rt));
      const content = message.attachments[0]?.content;
      return content ? card('Daily digest, now', content) : text('No digest could be made.');
    }
    case 'diagnose':
      return diagnoseCommand(args, ctx);
    default:
      return text(`I don't know "${md(first ?? '')}".\n\n${HELP}`);
  }
}

function reportContext(rt: MonitorRuntime): ReportContext {
  return {
    now: rt.clock.now().toISOString(),
    ...(rt.interaction?.actions ? { actionLinks: rt.interaction.actions } : {}),
  };
}

/** A live diagnosis as an alert card; on the same fingerprint as an open incident, with that incident's links. */
export async function diagnoseNow(
  rt: MonitorRuntime,
  d: DeploymentRecord,
): Promise<{ reply: ChatReply; notification?: Notification }> {
  const cluster = rt.clusters.find((c) => c.name === d.cluster);
  if (!cluster)
    return { reply: text(`cluster ${md(d.cluster)} of ${md(d.service)} is not configured any more.`) };
  const watched = (await cluster.discover()).find(
    (w) => w.service === d.service && w.namespace === d.namespace,
  );
  if (!watched) return { reply: text(`${md(d.service)} is no longer on cluster ${md(d.cluster)}.`) };
  const snapshot = await cluster.collect(watched);
  const nowIso = rt.clock.now().toISOString();
  snapshot.meta = { ...snapshot.meta, capturedAt: nowIso, service: d.service, namespace: d.namespace };
  const diagnosis = rt.diagnose(snapshot, { service: d.service }).find((x) => x.service === d.service);
  const root = diagnosis?.findings[0];
  if (!diagnosis || !root)
    return { reply: text(`${md(d.service)}: ${diagnosis?.status ?? 'Unknown'}, nothing wrong found.`) };
  const id = {
    cluster: d.cluster,
    namespace: d.namespace,
    service: d.service,
    ...(d.workspace ? { workspace: d.workspace } : {}),
  };
  const fp = fingerprint(id, root.code, root.detail);
  const open = (await openIncidents(rt)).find((i) => i.fingerprint === fp);
  const incident: IncidentRecord = open
    ? { ...open, diagnosis, status: diagnosis.status }
    : {
        fingerprint: fp,
        ...id,
        code: root.code,
        detail: root.detail,
        status: diagnosis.status,
        openedAt: nowIso,
        diagnosis,
      };
  const n: Notification = {
    id: `chat:${fp}:${nowIso}`,
    kind: 'alert',
    at: nowIso,
    cluster: d.cluster,
    incidents: [incident],
  };
  const ctx = reportContext(rt);
  // Links act on a stored incident only; a fresh diagnosis with no incident gets none.
  if (!open) delete ctx.actionLinks;
  const content = renderTeamsCard(n, ctx).attachments[0]?.content;
  const reply = content
    ? card(`${d.service}: ${diagnosis.status}`, content)
    : text(`${md(d.service)}: ${diagnosis.status}`);
  return { reply, notification: n };
}

/** Posts a diagnosis that finished after the chat reply through the Teams (Workflows) channel. */
export async function postLate(
  rt: MonitorRuntime,
  service: string,
  notification: Notification | undefined,
): Promise<boolean> {
  if (!notification) return false;
  const teams = rt.senders.get('teams');
  if (!teams) {
    rt.log.warn(
      `chat: the diagnosis of ${service} finished late and no Teams channel is configured to post it`,
    );
    return false;
  }
  const sent = await teams.send(notification);
  rt.log.info(
    `chat: the diagnosis of ${service} finished after the reply; posted to Teams: ${sent.ok ? 'ok' : (sent.error ?? 'failed')}`,
  );
  return sent.ok;
}

async function diagnoseCommand(args: string[], ctx: ChatContext): Promise<ChatReply> {
  const { rt } = ctx;
  const [service, ws] = args;
  const p = badName('service', service) ?? badName('workspace', ws);
  if (p || !service) return text(p ?? 'name the service');
  const candidates = (await rt.state.deployments.list())
    .map((r) => r.value)
    .filter((d) => !d.deleted && d.service === service && (!ws || d.workspace === ws));
  if (candidates.length === 0)
    return text(`The monitor has not seen ${md(service)}${ws ? ` in ${md(ws)}` : ''}.`);
  if (candidates.length > 1)
    return text(
      `${md(service)} is in several workspaces (${candidates.map((c) => md(c.workspace ?? c.cluster)).join(', ')}); add the workspace.`,
    );
  const d = candidates[0] as DeploymentRecord;
  const work = diagnoseNow(rt, d).catch((err: unknown) => ({
    reply: text(`Diagnosis of ${md(service)} failed: ${md((err as Error).message)}`),
    notification: undefined,
  }));
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), Math.max(0, ctx.budgetMs));
  });
  const first = await Promise.race([work, late]);
  clearTimeout(timer);
  if (first !== 'late') return first.reply;
  // Slower than Teams waits: answer now; the chatDiagnose function diagnoses again and posts the card through the
  // Workflows channel. Without that queue (amlmon watch, tests), the diagnosis under way posts it when it finishes.
  if (rt.chatQueue) {
    await rt.chatQueue.enqueue({
      v: 1,
      cluster: d.cluster,
      namespace: d.namespace,
      service: d.service,
      requestedBy: ctx.by,
      requestedAt: rt.clock.now().toISOString(),
    });
  } else {
    void work.then(({ notification }) => postLate(rt, service, notification));
  }
  return text(
    `Diagnosing ${md(service)} takes longer than Teams waits; the card will be posted to the alert channel when it is ready.`,
  );
}
