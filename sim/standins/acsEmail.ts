/**
 * A loopback stand-in for the Azure Communication Services Email REST API, over HTTPS with a throwaway CA:
 * `POST /emails:send?api-version=…` → 202 + `operation-location`, then `GET /emails/operations/{id}` → Succeeded.
 * Requests must carry ACS HMAC auth exactly as @azure/communication-common signs them (checked here), so a broken
 * signature fails like it would against Azure. Used by tests and by `amlmon simulate`: no vitest imports.
 */
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import selfsigned from 'selfsigned';

/** What the stand-in should do with the next request(s) instead of answering normally. */
export type Fault =
  | { kind: 'status'; status: number; retryAfterSec?: number; body?: string }
  /** Hold the answer this long (a client with a shorter deadline times out). */
  | { kind: 'slow'; delayMs: number };

export class FaultQueue {
  private readonly queue: Fault[] = [];
  /** The next `times` matching requests get this fault, in order after those already queued. */
  push(fault: Fault, times = 1): void {
    for (let i = 0; i < times; i++) this.queue.push(fault);
  }
  take(): Fault | undefined {
    return this.queue.shift();
  }
  clear(): void {
    this.queue.length = 0;
  }
}

export interface LoopbackCert {
  cert: string;
  key: string;
}

/** A self-signed certificate for 127.0.0.1 / localhost; its PEM is also the CA clients add to trust it. */
export async function loopbackCert(): Promise<LoopbackCert> {
  const pems = await selfsigned.generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 7 * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { ...(text ? { 'content-type': 'application/json' } : {}), ...headers });
  res.end(text);
}

/** Applies a fault; true when the request was answered (or delayed and then should go on: returns false). */
export async function applyFault(fault: Fault | undefined, res: ServerResponse): Promise<boolean> {
  if (!fault) return false;
  if (fault.kind === 'slow') {
    await new Promise((r) => setTimeout(r, fault.delayMs));
    return res.destroyed || res.writableEnded;
  }
  const headers: Record<string, string> =
    fault.retryAfterSec !== undefined ? { 'retry-after': String(fault.retryAfterSec) } : {};
  sendJson(
    res,
    fault.status,
    fault.body !== undefined
      ? JSON.parse(fault.body)
      : { error: { code: `Status${fault.status}`, message: `stand-in answered ${fault.status}` } },
    headers,
  );
  return true;
}

export interface AcsEmailMessage {
  senderAddress: string;
  recipients: { to?: { address: string; displayName?: string }[]; cc?: unknown[]; bcc?: unknown[] };
  content: { subject: string; plainText?: string; html?: string };
  attachments?: { name: string; contentType: string; contentInBase64: string; contentId?: string }[];
  [key: string]: unknown;
}

export interface ReceivedEmail {
  operationId: string;
  /** The Operation-Id the client chose, when it did. */
  clientOperationId?: string;
  receivedAt: string;
  message: AcsEmailMessage;
  headers: IncomingHttpHeaders;
}

export interface AcsRequestLog {
  method: string;
  path: string;
  status: number;
}

export interface AcsStandIn {
  endpoint: string;
  /** `endpoint=…;accesskey=…`, as the ACS portal shows it. */
  connectionString: string;
  /** PEM to trust (EmailClient `tlsOptions.ca`, or NODE_EXTRA_CA_CERTS). */
  caCert: string;
  /** Accepted emails, one per distinct operation, in arrival order. */
  emails: ReceivedEmail[];
  /** Operation ids that arrived again after being accepted (a retry that must not send twice). */
  duplicates: string[];
  requests: AcsRequestLog[];
  statusPolls: number;
  /** Faults for `POST /emails:send`. */
  sendFaults: FaultQueue;
  /** How a repeated Operation-Id is answered: the original 202 (default) or 409 Conflict. */
  duplicateMode: 'replay' | 'conflict';
  /** How many status polls answer Running before Succeeded; default 0. */
  runningPolls: number;
  close(): Promise<void>;
}

export interface AcsStandInOptions {
  /** Base64 access key; default a random one. */
  accessKey?: string;
}

const MAX_CLOCK_SKEW_MS = 15 * 60_000;

/** Checks ACS HMAC-SHA256 auth; returns the reason it fails, or undefined when it is valid. */
export function checkAcsHmac(
  method: string,
  pathAndQuery: string,
  headers: IncomingHttpHeaders,
  body: string,
  accessKey: string,
  nowMs = Date.now(),
): string | undefined {
  const date = headers['x-ms-date'];
  const contentHash = headers['x-ms-content-sha256'];
  const host = headers.host;
  const auth = headers.authorization;
  if (
    typeof date !== 'string' ||
    typeof contentHash !== 'string' ||
    typeof host !== 'string' ||
    typeof auth !== 'string'
  ) {
    return 'missing x-ms-date, x-ms-content-sha256, host or authorization';
  }
  if (Math.abs(Date.parse(date) - nowMs) > MAX_CLOCK_SKEW_MS)
    return `x-ms-date ${date} is not within 15 minutes`;
  const expectedHash = createHash('sha256').update(body, 'utf8').digest('base64');
  if (contentHash !== expectedHash) return 'x-ms-content-sha256 does not match the body';
  const m = /^HMAC-SHA256 SignedHeaders=([^&]+)&Signature=(.+)$/.exec(auth);
  if (!m) return 'authorization is not HMAC-SHA256 SignedHeaders=...&Signature=...';
  if (m[1] !== 'x-ms-date;host;x-ms-content-sha256') return `unexpected SignedHeaders ${m[1]}`;
  const stringToSign = `${method}\n${pathAndQuery}\n${date};${host};${contentHash}`;
  const expected = createHmac('sha256', Buffer.from(accessKey, 'base64'))
    .update(stringToSign, 'utf8')
    .digest();
  const given = Buffer.from(m[2] as string, 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'signature mismatch';
  return undefined;
}

/** The path and query exactly as the client signs them (URLSearchParams re-serialisation). */
function signedPath(url: URL): string {
  const q = url.searchParams.toString();
  return q ? `${url.pathname}?${q}` : url.pathname;
}

function validateMessage(m: unknown): string | undefined {
  if (typeof m !== 'object' || m === null) return 'body is not a JSON object';
  const msg = m as Partial<AcsEmailMessage>;
  if (typeof msg.senderAddress !== 'string' || !msg.senderAddress.includes('@'))
    return 'senderAddress is required';
  if (!msg.recipients?.to?.length) return 'recipients.to must not be empty';
  if (typeof msg.content?.subject !== 'string') return 'content.subject is required';
  if (!msg.content.html && !msg.content.plainText) return 'content.html or content.plainText is required';
  for (const a of msg.attachments ?? []) {
    if (!a.name || !a.contentType || !a.contentInBase64)
      return 'attachments need name, contentType and contentInBase64';
  }
  return undefined;
}

export async function startAcsStandIn(opts: AcsStandInOptions = {}): Promise<AcsStandIn> {
  const accessKey = opts.accessKey ?? Buffer.from(randomUUID() + randomUUID()).toString('base64');
  const { cert, key } = await loopbackCert();
  const operations = new Map<string, { polls: number }>();
  let base = '';

  const state: AcsStandIn = {
    endpoint: '',
    connectionString: '',
    caCert: cert,
    emails: [],
    duplicates: [],
    requests: [],
    statusPolls: 0,
    sendFaults: new FaultQueue(),
    duplicateMode: 'replay',
    runningPolls: 0,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', base);
    const body = await readBody(req);
    const method = (req.method ?? 'GET').toUpperCase();
    const answer = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
      state.requests.push({ method, path: url.pathname, status });
      sendJson(res, status, payload, headers);
    };
    const apiVersion = url.searchParams.get('api-version');
    if (!apiVersion)
      return answer(400, {
        error: { code: 'MissingApiVersionParameter', message: 'api-version is required' },
      });
    const authProblem = checkAcsHmac(method, signedPath(url), req.headers, body, accessKey);
    if (authProblem)
      return answer(401, {
        error: { code: 'Denied', message: `Denied by the resource provider: ${authProblem}` },
      });

    if (method === 'POST' && url.pathname === '/emails:send') {
      const fault = state.sendFaults.take();
      if (fault) {
        const done = await applyFault(fault, res);
        if (done) {
          state.requests.push({
            method,
            path: url.pathname,
            status: fault.kind === 'status' ? fault.status : 0,
          });
          return;
        }
      }
      let message: unknown;
      try {
        message = JSON.parse(body);
      } catch {
        return answer(400, { error: { code: 'BadRequest', message: 'body is not JSON' } });
      }
      const invalid = validateMessage(message);
      if (invalid) return answer(400, { error: { code: 'BadRequest', message: invalid } });
      const clientOperationId =
        typeof req.headers['operation-id'] === 'string' ? req.headers['operation-id'] : undefined;
      const id = clientOperationId ?? randomUUID();
      const location = `${base}/emails/operations/${id}?api-version=${encodeURIComponent(apiVersion)}`;
      if (operations.has(id)) {
        state.duplicates.push(id);
        if (state.duplicateMode === 'conflict') {
          return answer(409, { error: { code: 'Conflict', message: `operation ${id} already exists` } });
        }
        return answer(202, { id, status: 'Running' }, { 'operation-location': location, 'retry-after': '0' });
      }
      operations.set(id, { polls: 0 });
      state.emails.push({
        operationId: id,
        ...(clientOperationId ? { clientOperationId } : {}),
        receivedAt: new Date().toISOString(),
        message: message as AcsEmailMessage,
        headers: req.headers,
      });
      return answer(202, { id, status: 'Running' }, { 'operation-location': location, 'retry-after': '0' });
    }

    const op = /^\/emails\/operations\/([^/]+)$/.exec(url.pathname);
    if (method === 'GET' && op) {
      state.statusPolls++;
      const id = decodeURIComponent(op[1] as string);
      const entry = operations.get(id);
      if (!entry) return answer(404, { error: { code: 'NotFound', message: `no operation ${id}` } });
      entry.polls++;
      const status = entry.polls <= state.runningPolls ? 'Running' : 'Succeeded';
      return answer(200, { id, status }, { 'retry-after': '0' });
    }
    return answer(404, { error: { code: 'NotFound', message: `${method} ${url.pathname}` } });
  };

  const server: Server = createServer({ cert, key }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { code: 'StandInError', message: String(err) } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  base = `https://127.0.0.1:${port}`;
  state.endpoint = `${base}/`;
  state.connectionString = `endpoint=${base}/;accesskey=${accessKey}`;
  return state;
}
