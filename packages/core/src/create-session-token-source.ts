import { CredentialsError } from './errors/credentials-error.js';
import type { TokenSet } from './token-set.js';
import type { TokenSource } from './token-source.js';

const sessionMarker = Symbol.for('auth.token-source.session');

export interface SessionTokenSourceOptions {
  /** Starts every message, e.g. `@auth/musement`. */
  packageName: string;
  /** Renews `current` with its refresh token; a rejection is a `CredentialsError` carrying the provider's code. */
  refresh(current: TokenSet): Promise<TokenSet>;
}

/**
 * A token source for a session whose credentials are not kept (a customer who typed a password once): it can only
 * renew what the store holds. `TokenManager` treats it as a session:
 * - nothing stored (never logged in, logged out): a call fails with `CredentialsError` reason `no_session`, and
 *   nothing is sent anywhere;
 * - a refresh rejected with `invalid_grant` (the refresh token expired or was revoked) ends it: the stored record is
 *   deleted and the call fails with `CredentialsError` reason `invalid_grant`. There is no login to fall back to.
 * Start a session with `TokenManager.replace(token)` after the login.
 */
export function createSessionTokenSource(options: SessionTokenSourceOptions): TokenSource {
  const source: TokenSource = {
    obtain: async () => {
      throw new CredentialsError(`${options.packageName}: there is no session to use; log in first.`, {
        reason: 'no_session',
      });
    },
    refresh: (current) => options.refresh(current),
  };
  Object.defineProperty(source, sessionMarker, { value: true });
  return source;
}

/** True for a source made by `createSessionTokenSource`. */
export function isSessionTokenSource(source: TokenSource): boolean {
  return sessionMarker in source;
}
