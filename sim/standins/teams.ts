/**
 * A loopback stand-in for a Teams Workflows "when a webhook request is received" trigger: POST JSON, 202 with an
 * empty body. It checks the envelope Workflows iterates (`type: message`, adaptive-card attachments) and records
 * what it received; it can answer 429 (Retry-After), 5xx or slowly. Also usable as a generic webhook receiver.
 * Used by tests and by `amlmon simulate`: no vitest imports.
 */
import {
  createServer as createHttpServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { applyFault, FaultQueue, loopbackCert, readBody, sendJson } from './acsEmail.js';

export interface ReceivedPost {
  receivedAt: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body, byte for byte (signatures are computed over it). */
  raw: string;
  body: unknown;
}

export interface TeamsStandIn {
  /** A URL shaped like a Workflows trigger URL, including a `sig` that must never show up in errors or logs. */
  url: string;
  /** The fake signature inside `url`, for tests asserting it does not leak. */
  secretSig: string;
  /** PEM to trust when started with `tls: true`. */
  caCert?: string;
  received: ReceivedPost[];
  /** Answers per request, in order (202 ok, or the fault's status). */
  statuses: number[];
  faults: FaultQueue;
  close(): Promise<void>;
}

export interface TeamsStandInOptions {
  tls?: boolean;
  /** Check the Workflows envelope (default true); off to use it as a generic webhook receiver. */
  requireCardEnvelope?: boolean;
}

function envelopeProblem(body: unknown): string | undefined {
  const b = body as {
    type?: unknown;
    attachments?: { contentType?: unknown; content?: { type?: unknown } }[];
  };
  if (b?.type !== 'message') return 'type must be "message"';
  if (!Array.isArray(b.attachments) || b.attachments.length === 0)
    return 'attachments must be a non-empty array';
  for (const a of b.attachments) {
    if (a.contentType !== 'application/vnd.microsoft.card.adaptive')
      return 'attachment contentType must be application/vnd.microsoft.card.adaptive';
    if (a.content?.type !== 'AdaptiveCard') return 'attachment content must be an AdaptiveCard';
  }
  return undefined;
}

export async function startTeamsStandIn(opts: TeamsStandInOptions = {}): Promise<TeamsStandIn> {
  const secretSig = `standin${Math.random().toString(36).slice(2)}SIG`;
  const state: TeamsStandIn = {
    url: '',
    secretSig,
    received: [],
    statuses: [],
    faults: new FaultQueue(),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const raw = await readBody(req);
    const fault = state.faults.take();
    if (fault) {
      const done = await applyFault(fault, res);
      if (done) {
        state.statuses.push(fault.kind === 'status' ? fault.status : 0);
        return;
      }
    }
    if (req.method !== 'POST') {
      state.statuses.push(405);
      return sendJson(res, 405, { error: { code: 'MethodNotAllowed', message: 'POST only' } });
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      state.statuses.push(400);
      return sendJson(res, 400, {
        error: { code: 'InvalidRequestContent', message: 'The request content is not valid JSON.' },
      });
    }
    const problem = opts.requireCardEnvelope === false ? undefined : envelopeProblem(body);
    if (problem) {
      state.statuses.push(400);
      return sendJson(res, 400, { error: { code: 'InvalidTemplate', message: problem } });
    }
    state.received.push({
      receivedAt: new Date().toISOString(),
      path: req.url ?? '/',
      headers: req.headers,
      raw,
      body,
    });
    state.statuses.push(202);
    res.writeHead(202);
    res.end();
  };
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { code: 'StandInError', message: String(err) } });
    });
  };
  let server: ReturnType<typeof createHttpServer>;
  if (opts.tls) {
    const { cert, key } = await loopbackCert();
    state.caCert = cert;
    server = createHttpsServer({ cert, key }, listener);
  } else {
    server = createHttpServer(listener);
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const scheme = opts.tls ? 'https' : 'http';
  state.url =
    `${scheme}://127.0.0.1:${port}/workflows/4f1c0d2e/triggers/manual/paths/invoke` +
    `?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${secretSig}`;
  return state;
}
