/**
 * The scenario cluster: an HTTPS Kubernetes API server on 127.0.0.1 that serves snapshot bundles, for the tests, the
 * benchmarks and `amlmon simulate`. It checks a bearer token, presents a certificate signed by a CA it generates,
 * writes a kubeconfig for both, injects faults per path and counts every request.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { loadContent, type BundleSource } from './content.js';
import { FaultTable, RequestLog, type FaultRule, type RecordedRequest } from './faults.js';
import { handleApiRequest, statusResponse, type ApiResponse } from './handler.js';
import { writeKubeconfig } from './kubeconfig.js';
import { ClusterStore, type ClusterContent } from './store.js';
import { createServerCertificates } from './tls.js';

export type { BundleSource } from './content.js';
export type { FaultRule, RecordedRequest, RequestOutcome } from './faults.js';
export { RequestLog } from './faults.js';
export type { ClusterContent, ContainerLogEntry, KubeObject } from './store.js';

export interface ScenarioClusterOptions {
  /** Bundle directories or Snapshots; together they are the cluster's state. */
  bundles: readonly BundleSource[];
  /** Bearer tokens the server accepts. Default: one random token, written to the kubeconfig. */
  tokens?: readonly string[];
  /** Where to write `kubeconfig`. Default: a new temporary directory, removed on `close()`. */
  dir?: string;
  /** Context (and cluster) name in the kubeconfig. Default `scenario`. */
  contextName?: string;
  /** The server's clock for the `Date` header. Default: the newest bundle `capturedAt`, else the real time. */
  clock?: () => Date;
  faults?: readonly FaultRule[];
}

export interface ScenarioCluster {
  /** `https://127.0.0.1:<port>` */
  readonly url: string;
  readonly kubeconfigPath: string;
  readonly contextName: string;
  /** The token written to the kubeconfig. */
  readonly token: string;
  /** PEM of the CA that signed the server certificate. */
  readonly caCert: string;
  readonly requests: RequestLog;
  /** Replace the cluster's state (e.g. `simulate` moving to the next sweep). */
  setBundles(bundles: readonly BundleSource[]): Promise<void>;
  setFaults(rules: readonly FaultRule[]): void;
  addFault(rule: FaultRule): void;
  clearFaults(): void;
  setClock(clock: (() => Date) | undefined): void;
  /** Replace the accepted bearer tokens (the kubeconfig keeps the first original token). */
  setTokens(tokens: readonly string[]): void;
  close(): Promise<void>;
}

async function loadStore(bundles: readonly BundleSource[]): Promise<ClusterStore> {
  const contents: ClusterContent[] = [];
  for (const b of bundles) contents.push(await loadContent(b));
  return new ClusterStore(contents);
}

function send(
  res: ServerResponse,
  response: ApiResponse,
  date: Date,
  extraHeaders: Record<string, string> = {},
) {
  res.writeHead(response.status, {
    'Content-Type': response.contentType,
    'Content-Length': Buffer.byteLength(response.body),
    'Cache-Control': 'no-cache, private',
    Date: date.toUTCString(),
    ...extraHeaders,
  });
  res.end(response.body);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function startScenarioCluster(options: ScenarioClusterOptions): Promise<ScenarioCluster> {
  let store = await loadStore(options.bundles);
  const faults = new FaultTable();
  faults.set(options.faults ?? []);
  const requests = new RequestLog();
  const token = options.tokens?.[0] ?? randomBytes(24).toString('base64url');
  let accepted = new Set(options.tokens ?? [token]);
  let clock = options.clock;
  const now = (): Date => clock?.() ?? (store.capturedAt ? new Date(store.capturedAt) : new Date());
  const started = Date.now();
  const contextName = options.contextName ?? 'scenario';
  let serverAddress = '127.0.0.1:0';

  const certificates = await createServerCertificates();
  const server: Server = createServer({ cert: certificates.cert, key: certificates.key });
  // The TCP sockets under the TLS ones, by client port: a TLS socket cannot send an RST itself (its handle is the TLS
  // wrap, so `resetAndDestroy()` throws ERR_INVALID_HANDLE_TYPE, which used to turn a `reset` fault into a 500).
  const tcpSockets = new Map<string, Socket>();
  const socketKey = (s: Socket) => `${s.remoteAddress ?? ''}:${s.remotePort ?? ''}`;
  server.on('connection', (socket: Socket) => {
    const key = socketKey(socket);
    tcpSockets.set(key, socket);
    socket.once('close', () => tcpSockets.delete(key));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `https://${serverAddress}`);
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.search.slice(1),
      outcome: 200,
      at: Date.now() - started,
    };
    requests.entries.push(record);
    const fault = faults.take(url.pathname, record.query);
    if (fault?.latencyMs) await sleep(fault.latencyMs);
    if (fault?.hang) {
      record.outcome = 'hang';
      return;
    }
    if (fault?.reset) {
      record.outcome = 'reset';
      (tcpSockets.get(socketKey(req.socket)) ?? req.socket).resetAndDestroy();
      return;
    }
    let response: ApiResponse;
    const extra: Record<string, string> = {};
    if (fault?.status) {
      response = statusResponse(fault.status, `injected fault: ${fault.status}`);
      if (fault.retryAfterSeconds !== undefined) extra['Retry-After'] = String(fault.retryAfterSeconds);
    } else if (!accepted.has((req.headers.authorization ?? '').replace(/^Bearer /, ''))) {
      response = statusResponse(401, 'Unauthorized');
    } else if (req.method !== 'GET' && req.method !== 'HEAD') {
      response = statusResponse(405, `the scenario cluster is read-only: ${req.method ?? ''} not allowed`);
    } else {
      response = handleApiRequest(url, serverAddress, store);
    }
    record.outcome = response.status;
    send(res, response, now(), extra);
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      record500(res, error);
    });
  });
  function record500(res: ServerResponse, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    if (!res.headersSent) send(res, statusResponse(500, `scenario cluster error: ${message}`), now());
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  serverAddress = `127.0.0.1:${port}`;
  const url = `https://${serverAddress}`;

  const ownDir = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'amlmon-scenario-')));
  const kubeconfigPath = join(dir, 'kubeconfig');
  await writeKubeconfig(kubeconfigPath, { server: url, caCert: certificates.caCert, token, contextName });

  return {
    url,
    kubeconfigPath,
    contextName,
    token,
    caCert: certificates.caCert,
    requests,
    async setBundles(bundles) {
      store = await loadStore(bundles);
    },
    setFaults: (rules) => faults.set(rules),
    addFault: (rule) => faults.add(rule),
    clearFaults: () => faults.clear(),
    setClock(next) {
      clock = next;
    },
    setTokens(tokens) {
      accepted = new Set(tokens);
    },
    async close() {
      // Hanging requests keep their sockets open; drop them so close() finishes.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (ownDir) await rm(dir, { recursive: true, force: true });
    },
  };
}
