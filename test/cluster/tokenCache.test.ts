// The Entra ID token cache: one token until shortly before expiry, one refresh at a time, the old token while valid.
import type { AccessToken, TokenCredential } from '@azure/identity';
import { describe, expect, it } from 'vitest';
import { TokenCache } from '../../shared/cluster/auth/tokenCache.js';

/** Hands out `t1`, `t2`, … valid for `lifetimeMs` of the fake clock; fails from call `failFrom` on. */
class ScriptedCredential implements TokenCredential {
  calls = 0;
  constructor(
    private readonly clock: { now: number },
    private readonly lifetimeMs: number,
    private readonly failFrom = Infinity,
  ) {}
  async getToken(): Promise<AccessToken | null> {
    this.calls++;
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (this.calls >= this.failFrom)
      throw Object.assign(new Error('IMDS unavailable'), { name: 'AuthenticationError' });
    return { token: `t${this.calls}`, expiresOnTimestamp: this.clock.now + this.lifetimeMs };
  }
}

const HOUR = 3_600_000;
const MARGIN = 300_000;

describe('TokenCache', () => {
  it('reuses a token until the refresh margin, then fetches a new one', async () => {
    const clock = { now: 0 };
    const credential = new ScriptedCredential(clock, HOUR);
    const cache = new TokenCache(credential, 'scope', MARGIN, () => clock.now);
    expect(await cache.token()).toBe('t1');
    clock.now = HOUR - MARGIN - 1;
    expect(await cache.token()).toBe('t1');
    clock.now = HOUR - MARGIN + 1;
    expect(await cache.token()).toBe('t2');
    expect(credential.calls).toBe(2);
  });

  it('shares one refresh between concurrent requests', async () => {
    const clock = { now: 0 };
    const credential = new ScriptedCredential(clock, HOUR);
    const cache = new TokenCache(credential, 'scope', MARGIN, () => clock.now);
    const tokens = await Promise.all([cache.token(), cache.token(), cache.token()]);
    expect(tokens).toEqual(['t1', 't1', 't1']);
    expect(credential.calls).toBe(1);
  });

  it('keeps using a still-valid token when a refresh fails, and fails once it has expired', async () => {
    const clock = { now: 0 };
    const credential = new ScriptedCredential(clock, HOUR, 2);
    const cache = new TokenCache(credential, 'scope', MARGIN, () => clock.now);
    expect(await cache.token()).toBe('t1');
    clock.now = HOUR - 1000;
    expect(await cache.token()).toBe('t1');
    clock.now = HOUR + 1;
    await expect(cache.token()).rejects.toThrow('IMDS unavailable');
  });
});
