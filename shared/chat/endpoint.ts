/**
 * The Teams outgoing webhook endpoint: verify the signature over the raw bytes first, then the message, then that
 * it is fresh and new (an activity id is answered once), then run the command inside Teams' 5-second limit.
 */
import type { MonitorRuntime } from '../monitor/types.js';
import { runChatCommand, type ChatReply } from './commands.js';
import {
  commandWords,
  MAX_CHAT_BODY_BYTES,
  MAX_CHAT_SKEW_MS,
  parseActivity,
  verifyTeamsSignature,
} from './verify.js';

export interface ChatHttpRequest {
  raw: Buffer;
  authorization: string | null;
  /** The declared length was over the limit: refused unread. */
  tooLarge?: boolean;
}

export interface ChatHttpResponse {
  status: number;
  body: ChatReply | { error: { code: string; message: string } };
}

/** Teams waits 5 s; this leaves time for the reply to travel. */
export const CHAT_BUDGET_MS = 4_000;
export const SEEN_ACTIVITY = 'teams-outgoing-activity';

const refuse = (status: number, code: string, message: string): ChatHttpResponse => ({
  status,
  body: { error: { code, message } },
});

export async function handleChatRequest(
  rt: MonitorRuntime,
  key: Buffer | undefined,
  req: ChatHttpRequest,
  started = Date.now(),
): Promise<ChatHttpResponse> {
  if (!key) {
    rt.log.warn('chat request refused: TEAMS_OUTGOING_WEBHOOK_TOKEN is not set');
    return refuse(401, 'NotConfigured', 'chat commands are not configured');
  }
  if (req.tooLarge === true || req.raw.length > MAX_CHAT_BODY_BYTES) {
    rt.log.warn(`chat request refused: body over ${MAX_CHAT_BODY_BYTES} bytes`);
    return refuse(400, 'TooLarge', `request body over ${MAX_CHAT_BODY_BYTES} bytes`);
  }
  if (!verifyTeamsSignature(req.raw, req.authorization, key)) {
    rt.log.warn(`chat request refused: ${req.authorization ? 'wrong signature' : 'no Authorization header'}`);
    return refuse(401, 'Unauthorized', 'the request is not signed with this webhook’s security token');
  }
  const activity = parseActivity(req.raw.toString('utf8'));
  if (typeof activity === 'string') {
    rt.log.warn(`chat request refused: ${activity}`);
    return refuse(400, 'BadRequest', activity);
  }
  const now = rt.clock.now().getTime();
  if (Math.abs(now - Date.parse(activity.timestamp)) > MAX_CHAT_SKEW_MS) {
    rt.log.warn(`chat request refused: activity ${activity.id} is stale (${activity.timestamp})`);
    return refuse(401, 'Stale', 'the message is too old (or the clock is off): replays are refused');
  }
  const first = await rt.state.seenEvents.create(SEEN_ACTIVITY, activity.id, {
    eventType: SEEN_ACTIVITY,
    seenAt: new Date(now).toISOString(),
  });
  if (!first.ok) {
    rt.log.warn(`chat request refused: activity ${activity.id} was already answered (replay)`);
    return refuse(401, 'Replayed', 'this message was already answered');
  }
  const words = commandWords(activity.text);
  const by = activity.from.name?.trim().slice(0, 120) || 'a Teams user';
  rt.log.info(`chat: "${words[0] ?? 'help'}" from ${by}`);
  const reply = await runChatCommand(words, {
    rt,
    by: `${by} (Teams)`,
    budgetMs: CHAT_BUDGET_MS - (Date.now() - started),
  });
  return { status: 200, body: reply };
}
