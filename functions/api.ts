/**
 * HTTP triggers of the API (function key required: `x-functions-key` header or `code` query parameter). Thin: the
 * endpoints live in shared/api/handler.ts. The OpenAPI document is docs/openapi.yaml.
 */
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { apiError, handleApiRequest, MAX_API_BODY_BYTES, type ApiRequest } from '../shared/api/handler.js';
import { runtimeFor } from './runtime.js';

function handlerFor(route: ApiRequest['route']) {
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    const rt = await runtimeFor(context);
    const declared = Number(request.headers.get('content-length') ?? '0');
    if (declared > MAX_API_BODY_BYTES) {
      const e = apiError(413, 'PayloadTooLarge', `request body over ${MAX_API_BODY_BYTES} bytes`);
      return { status: e.status, jsonBody: e.body };
    }
    const body = request.method === 'POST' ? await request.text() : undefined;
    if (body !== undefined && Buffer.byteLength(body) > MAX_API_BODY_BYTES) {
      const e = apiError(413, 'PayloadTooLarge', `request body over ${MAX_API_BODY_BYTES} bytes`);
      return { status: e.status, jsonBody: e.body };
    }
    try {
      const res = await handleApiRequest(rt, {
        method: request.method,
        route,
        params: request.params,
        query: request.query,
        ...(body !== undefined ? { body } : {}),
      });
      return { status: res.status, jsonBody: res.body };
    } catch (err) {
      context.error(`api ${route}: ${(err as Error).message}`);
      const e = apiError(503, 'ServiceUnavailable', 'the monitor could not answer; try again');
      return { status: e.status, jsonBody: e.body };
    }
  };
}

export const apiDeployments = handlerFor('deployments');
export const apiDeployment = handlerFor('deployment');
export const apiDiagnose = handlerFor('diagnose');
export const apiIncidents = handlerFor('incidents');
export const apiSilences = handlerFor('silences');
export const apiSilence = handlerFor('silence');

const key = { authLevel: 'function' } as const;
app.http('apiDeployments', { ...key, route: 'deployments', methods: ['GET'], handler: apiDeployments });
app.http('apiDeployment', {
  ...key,
  route: 'deployments/{workspace}/{service}',
  methods: ['GET'],
  handler: apiDeployment,
});
app.http('apiDiagnose', {
  ...key,
  route: 'deployments/{workspace}/{service}/diagnose',
  methods: ['POST'],
  handler: apiDiagnose,
});
app.http('apiIncidents', { ...key, route: 'incidents', methods: ['GET'], handler: apiIncidents });
app.http('apiSilences', { ...key, route: 'silences', methods: ['GET', 'POST'], handler: apiSilences });
app.http('apiSilence', { ...key, route: 'silences/{id}', methods: ['GET', 'DELETE'], handler: apiSilence });
