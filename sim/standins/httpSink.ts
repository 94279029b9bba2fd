/**
 * A loopback HTTP sink that records what was posted to it, and a plain JSON sender for it: the receiving end of
 * notifications in tests, and a stand-in channel whenever no real channel stand-in is wired.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Notification } from '../../shared/incidents/types.js';
import type { ChannelKind, SendResult, Sender } from '../../shared/notify/types.js';

export interface SinkRequest {
  path: string;
  body: unknown;
  at: number;
}

export interface HttpSink {
  readonly url: string;
  readonly requests: SinkRequest[];
  /** Answer the next `n` requests with `status` (e.g. 503 to exercise retries). */
  failNext(n: number, status: number): void;
  close(): Promise<void>;
}

export async function startHttpSink(): Promise<HttpSink> {
  const requests: SinkRequest[] = [];
  let failures: { left: number; status: number } = { left: 0, status: 503 };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (failures.left > 0) {
        failures = { ...failures, left: failures.left - 1 };
        res.writeHead(failures.status, { 'Content-Type': 'text/plain' }).end('injected failure');
        return;
      }
      let body: unknown = Buffer.concat(chunks).toString('utf8');
      try {
        body = JSON.parse(body as string) as unknown;
      } catch {
        // keep the text
      }
      requests.push({ path: req.url ?? '/', body, at: Date.now() });
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext: (n, status) => {
      failures = { left: n, status };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** POSTs the notification as JSON; 2xx is success, 429/5xx/connection errors are retryable. */
export function jsonPostSender(kind: ChannelKind, name: string, url: string): Sender {
  return {
    kind,
    name,
    async send(notification: Notification): Promise<SendResult> {
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(notification),
          signal: AbortSignal.timeout(10_000),
        });
        if (res.ok) return { ok: true, retryable: false, status: res.status };
        const retryable = res.status === 429 || res.status >= 500;
        return { ok: false, retryable, status: res.status, error: `${name}: HTTP ${res.status}` };
      } catch (err) {
        return { ok: false, retryable: true, error: `${name}: ${(err as Error).message}` };
      }
    },
  };
}
