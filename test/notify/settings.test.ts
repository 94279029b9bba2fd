import { describe, expect, test } from 'vitest';
import type { Notification } from '../../shared/incidents/types.js';
import { parseRecipientSetting, resolveRecipients } from '../../shared/notify/index.js';
import { SlidingWindowLimiter } from '../../shared/notify/throttle.js';
import { parseRetryAfter } from '../../shared/notify/http.js';
import { alertSingle, digestNotification, gpuIncident } from '../../sim/samples.js';

describe('EMAIL_RECIPIENTS', () => {
  test('a plain list means everyone gets everything', () => {
    expect(parseRecipientSetting(' a@x.com; b@y.org ,')).toEqual([{ to: ['a@x.com', 'b@y.org'] }]);
  });

  test('JSON rules route by workspace, severity and kind', () => {
    const rules = parseRecipientSetting(
      JSON.stringify([
        { to: ['oncall@x.com'], minSeverity: 'critical' },
        { to: ['vision@x.com'], workspaces: ['vision'] },
        { to: ['platform@x.com'], kinds: ['digest'] },
      ]),
    );
    expect(resolveRecipients(rules, alertSingle)).toEqual(['oncall@x.com']);
    const gpu: Notification = { ...alertSingle, incidents: [gpuIncident] };
    expect(resolveRecipients(rules, gpu)).toEqual(['oncall@x.com', 'vision@x.com']);
    expect(resolveRecipients(rules, digestNotification)).toEqual([
      'oncall@x.com',
      'platform@x.com',
      'vision@x.com',
    ]);
  });

  test('bad input names the bad entry', () => {
    expect(() => parseRecipientSetting('ops, not-an-address')).toThrow(
      'EMAIL_RECIPIENTS: "ops" is not an email address',
    );
    expect(() => parseRecipientSetting('[{"to":[]}]')).toThrow(
      'EMAIL_RECIPIENTS[0].to must be a non-empty array',
    );
    expect(() => parseRecipientSetting('[{"to":["a@x.com"],"minSeverity":"high"}]')).toThrow(
      /minSeverity must be critical, warning or info/,
    );
    expect(() => parseRecipientSetting('[{"to":')).toThrow(/EMAIL_RECIPIENTS is not valid JSON/);
  });
});

describe('limiter and Retry-After', () => {
  test('sliding windows: the slot frees when the oldest send leaves the window', () => {
    const l = new SlidingWindowLimiter([
      { limit: 2, windowMs: 1000 },
      { limit: 3, windowMs: 10_000 },
    ]);
    expect(l.tryAcquire(0).ok).toBe(true);
    expect(l.tryAcquire(100).ok).toBe(true);
    expect(l.tryAcquire(200)).toMatchObject({ ok: false, retryAfterMs: 800 });
    expect(l.tryAcquire(1000).ok).toBe(true);
    expect(l.tryAcquire(2500)).toMatchObject({ ok: false, retryAfterMs: 7500 });
    expect(() => new SlidingWindowLimiter([{ limit: 0, windowMs: 1 }])).toThrow(/invalid rate window/);
  });

  test('Retry-After in seconds or as an HTTP date', () => {
    expect(parseRetryAfter('7')).toBe(7000);
    expect(parseRetryAfter('Thu, 26 Nov 2026 10:00:30 GMT', Date.parse('2026-11-26T10:00:00Z'))).toBe(30_000);
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
