import type { TokenSet } from './token-set.js';

/** What a provider supplies: how to get a token and, optionally, how to renew one. Core does the rest. */
export interface TokenSource {
  /** Obtains a new token with the configured grant (a login). */
  obtain(): Promise<TokenSet>;
  /**
   * Renews `current` with its refresh token. Throw a `CredentialsError` when the refresh token is rejected: the
   * manager then falls back to `obtain()`.
   */
  refresh?(current: TokenSet): Promise<TokenSet>;
}

/** Per call: the caller's signal ends its wait at once; the shared renewal goes on for the other callers. */
export interface TokenRequestOptions {
  signal?: AbortSignal | undefined;
}

/** Provides the current token to the HTTP client; the client reports a rejected one. */
export interface AccessTokenProvider {
  /** The token for the next attempt; undefined sends the request without `Authorization` (public access). */
  getToken(options?: TokenRequestOptions): Promise<TokenSet | undefined>;
  /**
   * Called with a token the API rejected (401). Resolves to a replacement to replay the request with, or undefined
   * when there is none (the 401 then surfaces).
   */
  invalidate?(rejected: TokenSet, options?: TokenRequestOptions): Promise<TokenSet | undefined>;
  /**
   * `getToken()` never waits on I/O (a static token): the client then skips the hook that waits for the token before
   * the attempt's timer starts. @default false
   */
  immediate?: boolean;
}
