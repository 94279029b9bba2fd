/**
 * One HTTP(S) POST with a deadline, over node:http(s) so a test stand-in's CA can be trusted per request
 * (never by turning verification off). Errors become data: the senders decide what is retryable.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface PostResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface PostOptions {
  headers?: Record<string, string>;
  timeoutMs: number;
  /** Extra trusted CA certificates (PEM), e.g. a loopback stand-in's. Added to the system's, not replacing them. */
  ca?: string;
}

export class HttpTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`no response within ${timeoutMs} ms`);
    this.name = 'HttpTimeoutError';
  }
}

export async function postBody(url: string, body: string, opts: PostOptions): Promise<PostResult> {
  const target = new URL(url);
  const isHttps = target.protocol === 'https:';
  if (!isHttps && target.protocol !== 'http:') throw new Error(`unsupported protocol ${target.protocol}`);
  const { rootCertificates } = await import('node:tls');
  return new Promise<PostResult>((resolve, reject) => {
    const options = {
      method: 'POST',
      headers: { 'content-length': String(Buffer.byteLength(body)), ...opts.headers },
      ...(isHttps && opts.ca ? { ca: [...rootCertificates, opts.ca] } : {}),
    };
    const req = (isHttps ? httpsRequest : httpRequest)(target, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
      res.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    const timer = setTimeout(() => req.destroy(new HttpTimeoutError(opts.timeoutMs)), opts.timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(body);
  });
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(
  value: string | string[] | null | undefined,
  nowMs = Date.now(),
): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v === null || v.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** Parses a channel URL, failing early (at start-up, not at the first alert) without echoing the secret URL. */
export function parseUrl(url: string, channel: string): URL {
  try {
    return new URL(url);
  } catch {
    throw new Error(`${channel}: the configured URL is not a valid absolute URL`);
  }
}
