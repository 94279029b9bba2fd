/**
 * HTTP trigger: the Teams outgoing webhook (`@amlmon status`). Anonymous at the Functions level: every request must
 * carry Teams' HMAC signature made with TEAMS_OUTGOING_WEBHOOK_TOKEN.
 */
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { handleChatRequest } from '../shared/chat/endpoint.js';
import { MAX_CHAT_BODY_BYTES } from '../shared/chat/verify.js';
import { runtimeFor } from './runtime.js';

export async function chat(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const started = Date.now();
  const rt = await runtimeFor(context);
  // An oversized body is refused before it is read.
  const tooLarge = Number(request.headers.get('content-length') ?? '0') > MAX_CHAT_BODY_BYTES;
  const raw = tooLarge ? Buffer.alloc(0) : Buffer.from(await request.arrayBuffer());
  const res = await handleChatRequest(
    rt,
    rt.interaction?.outgoingWebhookKey,
    { raw, authorization: request.headers.get('authorization'), tooLarge },
    started,
  );
  return { status: res.status, jsonBody: res.body };
}

app.http('chat', { route: 'chat', methods: ['POST'], authLevel: 'anonymous', handler: chat });
