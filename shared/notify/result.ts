/** Turning HTTP outcomes and errors into SendResults, the same way for every channel. */
import { redact } from '../text/redact.js';
import type { SendResult } from './types.js';
import { HttpTimeoutError, parseRetryAfter } from './http.js';
import { describeWindow, type Acquire } from './throttle.js';

export function fromStatus(
  channel: string,
  status: number,
  retryAfter: string | string[] | undefined,
  body: string,
): SendResult {
  if (status >= 200 && status < 300) return { ok: true, retryable: false, status };
  const retryAfterMs = parseRetryAfter(retryAfter);
  const retryable = status === 429 || status === 408 || status >= 500;
  const detail = redact(body.trim().slice(0, 200).replace(/\s+/g, ' '));
  return {
    ok: false,
    retryable,
    status,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    error: `${channel}: HTTP ${status}${retryable ? ' (will retry)' : ''}${detail ? `: ${detail}` : ''}`,
  };
}

export function fromError(channel: string, err: unknown, timeoutMs: number): SendResult {
  if (
    err instanceof HttpTimeoutError ||
    (err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError'))
  ) {
    return {
      ok: false,
      retryable: true,
      error: `${channel}: no response within ${timeoutMs} ms (will retry)`,
    };
  }
  const code = (err as { code?: string }).code;
  const message = redact(err instanceof Error ? err.message : String(err));
  return {
    ok: false,
    retryable: true,
    error: `${channel}: ${code ?? 'request failed'}: ${message} (will retry)`,
  };
}

export function throttled(channel: string, a: Exclude<Acquire, { ok: true }>): SendResult {
  return {
    ok: false,
    retryable: true,
    retryAfterMs: a.retryAfterMs,
    error: `${channel}: held back by the local limit of ${describeWindow(a.window)}; retry in ${Math.ceil(a.retryAfterMs / 1000)} s`,
  };
}

/** The channel could not render the notification: not retryable, the same notification would fail the same way. */
export function renderFailed(channel: string, notificationId: string, err: unknown): SendResult {
  return {
    ok: false,
    retryable: false,
    error: `${channel}: cannot render notification ${notificationId}: ${(err as Error).message}`,
  };
}
