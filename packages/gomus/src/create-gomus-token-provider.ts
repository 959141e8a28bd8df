import { type AccessTokenProvider, ConfigError, type TokenSet } from '@auth/core';
import type { GomusToken } from './gomus-client-options.js';
import { checkToken, packageName } from './resolve-gomus-settings.js';

/**
 * go~mus tokens are static: there is nothing to obtain, refresh or revoke, so the provider only answers `getToken()`.
 * Without `invalidate`, core never replays a 401: a rejected token surfaces at once and must be swapped. A function
 * token is asked exactly once per attempt, so a rotated token is used from the next attempt on.
 */
export function createGomusTokenProvider(token: GomusToken | undefined): AccessTokenProvider {
  if (typeof token === 'function') {
    return {
      async getToken() {
        const value: unknown = await token();
        if (value === undefined || value === null) return undefined;
        if (typeof value !== 'string') {
          throw new ConfigError(`${packageName}: the token function must return a string or undefined.`, {
            option: 'token',
          });
        }
        const checked = checkToken(value, 'the token returned by the token function');
        return checked === undefined ? undefined : { accessToken: checked };
      },
      // Asked once per attempt, by the request itself: without this the client would also ask it before the
      // attempt's timer starts, calling a rotating function twice per attempt.
      immediate: true,
    };
  }
  const tokenSet: TokenSet | undefined = token === undefined ? undefined : Object.freeze({ accessToken: token });
  return { getToken: async () => tokenSet, immediate: true };
}
