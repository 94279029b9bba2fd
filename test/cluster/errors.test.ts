// Errors as data: status → failure kind and gap text, Retry-After parsing, cluster-level verdicts, no secrets leak.
import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import {
  RequestFailure,
  clusterErrorFrom,
  gapText,
  parseRetryAfter,
  toRequestFailure,
} from '../../shared/cluster/errors.js';
import {
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
} from '../../sim/standins/kubernetes/selectors.js';

function apiError(code: number, message: string, headers: Record<string, string> = {}): ApiException<string> {
  const body = JSON.stringify({ kind: 'Status', status: 'Failure', message, code });
  return new ApiException(code, `HTTP-Code: ${code}`, body, headers);
}

describe('toRequestFailure', () => {
  it('names the status and keeps the API server message', () => {
    const f = toRequestFailure(
      apiError(403, 'events is forbidden: User "x" cannot list resource "events"'),
      10_000,
    );
    expect(f.kind).toBe('Forbidden');
    expect(f.summary).toBe('403 Forbidden');
    expect(f.detail).toContain('cannot list resource "events"');
    expect(gapText('events', f, 'list')).toBe('events: 403 Forbidden (the identity lacks list on events)');
  });

  it('classifies 429 and 5xx as retryable, 4xx as final', () => {
    expect(toRequestFailure(apiError(429, 'slow down', { 'retry-after': '3' }), 1).retryAfterMs).toBe(3000);
    expect(toRequestFailure(apiError(429, ''), 1).retryable).toBe(true);
    expect(toRequestFailure(apiError(502, ''), 1).retryable).toBe(true);
    expect(toRequestFailure(apiError(404, ''), 1).retryable).toBe(false);
    expect(toRequestFailure(apiError(401, ''), 1).kind).toBe('Unauthorized');
  });

  it('recognises transport failures through undici cause chains', () => {
    const reset = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } });
    expect(toRequestFailure(reset, 1).summary).toBe('connection reset');
    const refused = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    expect(toRequestFailure(refused, 1).summary).toBe('unreachable (ECONNREFUSED)');
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    expect(toRequestFailure(timeout, 2_000).summary).toBe('timeout after 2s');
  });

  it('redacts tokens an error message might carry', () => {
    const f = toRequestFailure(new Error('upstream said: Authorization: Bearer eyJabc.def.ghi'), 1);
    expect(f.message).not.toContain('eyJabc');
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    const now = Date.parse('2026-11-26T10:00:00Z');
    expect(parseRetryAfter('Thu, 26 Nov 2026 10:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

describe('clusterErrorFrom', () => {
  const forbidden = new RequestFailure('Forbidden', '403 Forbidden', '', 403);
  const timeout = new RequestFailure('Timeout', 'timeout after 10s', '');
  it('says Unauthorized on any 401, Forbidden or Timeout only when every request failed so', () => {
    expect(
      clusterErrorFrom([new RequestFailure('Unauthorized', '401 Unauthorized', '', 401), undefined])?.kind,
    ).toBe('Unauthorized');
    expect(clusterErrorFrom([forbidden, forbidden])?.kind).toBe('Forbidden');
    expect(clusterErrorFrom([forbidden, undefined])).toBeUndefined();
    expect(
      clusterErrorFrom([timeout, new RequestFailure('ServerError', '503 ServiceUnavailable', '', 503)])?.kind,
    ).toBe('Timeout');
    expect(clusterErrorFrom([timeout, forbidden])).toBeUndefined();
  });
});

describe('scenario cluster selectors', () => {
  it('matches label selectors like the API server', () => {
    const m = parseLabelSelector('app in (a,b),tier!=db,!legacy,team');
    expect(m({ app: 'a', tier: 'web', team: 'x' })).toBe(true);
    expect(m({ app: 'c', team: 'x' })).toBe(false);
    expect(m({ app: 'a', team: 'x', legacy: '1' })).toBe(false);
    expect(m({ app: 'b', tier: 'db', team: 'x' })).toBe(false);
    expect(() => parseLabelSelector('a===b')).toThrow(SelectorError);
  });

  it('reads event source as its component and refuses unknown fields', () => {
    const match = parseFieldSelector('source=kubelet,involvedObject.kind=Pod', 'events');
    expect(match({ source: { component: 'kubelet' }, involvedObject: { kind: 'Pod' } })).toBe(true);
    expect(() => parseFieldSelector('spec.foo=1', 'pods')).toThrow(/field label not supported: spec.foo/);
  });
});
