/**
 * Errors become data: every way a request can fail is turned into a `RequestFailure` that names what happened
 * (`403 Forbidden`, `timeout after 10s`, `connection reset`), so one missing piece of evidence becomes a named gap in
 * the snapshot instead of an exception (the approach of Backstage's Kubernetes backend). Messages never carry tokens.
 */
import { ApiException } from '@kubernetes/client-node';
import type { ClusterError } from '../snapshot/types.js';
import { redact } from '../text/redact.js';

export type FailureKind =
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'BadRequest'
  | 'TooManyRequests'
  | 'ServerError'
  | 'Timeout'
  | 'ConnectionReset'
  | 'Unreachable'
  | 'SignInFailed'
  | 'Other';

const STATUS_REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  408: 'RequestTimeout',
  409: 'Conflict',
  410: 'Gone',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

export class RequestFailure extends Error {
  override readonly name = 'RequestFailure';

  constructor(
    readonly kind: FailureKind,
    /** Short, safe text for a gap: `403 Forbidden`, `timeout after 10s`, `connection reset`. */
    readonly summary: string,
    /** The API server's own message (a Status `message`), redacted; may be empty. */
    readonly detail: string,
    readonly status?: number,
    /** From `Retry-After`, when the server sent one. */
    readonly retryAfterMs?: number,
  ) {
    super(detail ? `${summary}: ${detail}` : summary);
  }

  get retryable(): boolean {
    return this.kind === 'TooManyRequests' || this.kind === 'ServerError' || this.kind === 'ConnectionReset';
  }
}

function kindOfStatus(status: number): FailureKind {
  if (status === 401) return 'Unauthorized';
  if (status === 403) return 'Forbidden';
  if (status === 404) return 'NotFound';
  if (status === 429) return 'TooManyRequests';
  if (status >= 500) return 'ServerError';
  if (status === 400) return 'BadRequest';
  return 'Other';
}

/** `Retry-After` is either seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function statusMessage(body: unknown): string {
  if (typeof body !== 'string' || body === '') return '';
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    return typeof parsed.message === 'string' ? parsed.message : '';
  } catch {
    return body.slice(0, 200);
  }
}

/** Walks `cause` chains (undici wraps socket errors as `TypeError: fetch failed` with a cause). */
function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const e = current as { code?: unknown; name?: unknown; cause?: unknown };
    if (typeof e.code === 'string') codes.push(e.code);
    if (typeof e.name === 'string') codes.push(e.name);
    current = e.cause;
  }
  return codes;
}

const RESET_CODES = ['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE', 'UND_ERR_CLOSED'];
const UNREACHABLE_CODES = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'];
const TIMEOUT_CODES = [
  'TimeoutError',
  'AbortError',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
];

/** Any thrown value from a client-node call → a RequestFailure. `timeoutMs` names the limit in timeout summaries. */
export function toRequestFailure(error: unknown, timeoutMs: number): RequestFailure {
  if (error instanceof RequestFailure) return error;
  if (error instanceof ApiException) {
    const status = error.code;
    const headers = (error.headers ?? {}) as Record<string, string>;
    const reason = STATUS_REASONS[status] ?? 'Error';
    return new RequestFailure(
      kindOfStatus(status),
      `${status} ${reason}`,
      redact(statusMessage(error.body)),
      status,
      parseRetryAfter(headers['retry-after']),
    );
  }
  const codes = errorCodes(error);
  if (codes.some((c) => TIMEOUT_CODES.includes(c))) {
    const limit = timeoutMs < 1000 ? `${timeoutMs}ms` : `${Math.round(timeoutMs / 1000)}s`;
    return new RequestFailure('Timeout', `timeout after ${limit}`, '');
  }
  if (codes.some((c) => RESET_CODES.includes(c)))
    return new RequestFailure('ConnectionReset', 'connection reset', '');
  const unreachable = codes.find((c) => UNREACHABLE_CODES.includes(c));
  if (unreachable) return new RequestFailure('Unreachable', `unreachable (${unreachable})`, '');
  const message = error instanceof Error ? error.message : String(error);
  return new RequestFailure('Other', 'request failed', redact(message).slice(0, 200));
}

/** What the gap says about a 403: the verb the identity lacks, which is what an operator has to grant. */
function forbiddenHint(label: string, verb: 'get' | 'list'): string {
  const resource = label.split(' ')[0] ?? label;
  return ` (the identity lacks ${verb} on ${resource})`;
}

/** `events: 403 Forbidden (the identity lacks list on events)` */
export function gapText(label: string, failure: RequestFailure, verb: 'get' | 'list'): string {
  const hint = failure.kind === 'Forbidden' ? forbiddenHint(label, verb) : '';
  return `${label}: ${failure.summary}${hint}`;
}

/**
 * Whether failures of the first wave mean the cluster as a whole is out of reach: any 401 (credentials are
 * per-cluster), every request forbidden, or every request timing out / unreachable / failing on the server.
 */
export function clusterErrorFrom(
  failures: readonly (RequestFailure | undefined)[],
): ClusterError | undefined {
  const failed = failures.filter((f): f is RequestFailure => f !== undefined);
  // No token at all is a sign-in failure (ClusterUnreachable/SignInFailed), told apart from a token refused.
  const signIn = failed.find((f) => f.kind === 'SignInFailed');
  if (signIn) return { kind: 'SignInFailed', message: signIn.message };
  const unauthorized = failed.find((f) => f.kind === 'Unauthorized');
  if (unauthorized) return { kind: 'Unauthorized', message: unauthorized.message };
  if (failed.length === 0 || failed.length < failures.length) return undefined;
  if (failed.every((f) => f.kind === 'Forbidden'))
    return { kind: 'Forbidden', message: failed[0]?.message ?? '' };
  const unreachable: FailureKind[] = [
    'Timeout',
    'ConnectionReset',
    'Unreachable',
    'ServerError',
    'TooManyRequests',
  ];
  if (failed.every((f) => unreachable.includes(f.kind))) {
    return { kind: 'Timeout', message: failed.map((f) => f.summary).join('; ') };
  }
  return undefined;
}
