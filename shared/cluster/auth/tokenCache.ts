/**
 * Caches an Entra ID access token until shortly before it expires (tokens last about an hour; client-node asks for
 * one on every request). One refresh at a time; if a refresh fails while the old token is still valid, the old one
 * is used (as Backstage's AzureIdentityStrategy does). The token itself is never logged or put in an error.
 */
import type { AccessToken, TokenCredential } from '@azure/identity';

export class TokenCache {
  private current: AccessToken | undefined;
  private refreshing: Promise<AccessToken> | undefined;

  constructor(
    private readonly credential: TokenCredential,
    private readonly scope: string,
    /** Refresh this long before expiry. */
    private readonly marginMs: number = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  async token(): Promise<string> {
    const t = this.current;
    if (t && t.expiresOnTimestamp - this.marginMs > this.now()) return t.token;
    try {
      this.refreshing ??= this.fetch();
      this.current = await this.refreshing;
      return this.current.token;
    } catch (error) {
      if (t && t.expiresOnTimestamp > this.now()) return t.token;
      throw error;
    } finally {
      this.refreshing = undefined;
    }
  }

  private async fetch(): Promise<AccessToken> {
    const token = await this.credential.getToken(this.scope);
    if (!token)
      throw Object.assign(new Error(`no token returned for ${this.scope}`), { name: 'AuthenticationError' });
    return token;
  }
}
