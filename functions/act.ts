/** HTTP trigger: the target of every alert's Acknowledge / Mute / Unmute link (anonymous: the signed token is the key). */
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { handleActionRequest, MAX_FORM_BYTES } from '../shared/actions/endpoint.js';
import { ACT_ROUTE } from '../shared/actions/token.js';
import { runtimeFor } from './runtime.js';

export async function act(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const rt = await runtimeFor(context);
  // An oversized form is refused before it is read.
  const tooLarge = Number(request.headers.get('content-length') ?? '0') > MAX_FORM_BYTES;
  const body = request.method === 'POST' && !tooLarge ? await request.text() : undefined;
  const res = await handleActionRequest(rt, rt.interaction?.actions, rt.interaction?.trustEasyAuth ?? false, {
    method: request.method,
    url: request.url,
    header: (name) => request.headers.get(name),
    ...(body !== undefined ? { body } : {}),
    tooLarge,
  });
  return { status: res.status, headers: res.headers, body: res.body };
}

app.http('act', { route: ACT_ROUTE, methods: ['GET', 'POST'], authLevel: 'anonymous', handler: act });
