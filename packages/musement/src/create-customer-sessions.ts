import { ConfigError, createAuthClient, systemClock, TokenManager, type TokenSet } from '@auth/core';
import {
  createSessionTokenSource,
  createTokenClient,
  createTokenKey,
  extendSecretScrubber,
  type ProviderKit,
  pickTokenLifecycleOptions,
} from '@auth/core/provider';
import { createMusementGrants } from './create-musement-grants.js';
import type { MusementCustomerCredentials, MusementCustomerSession } from './musement-customer-session.js';
import { type MusementSettings, packageName } from './resolve-musement-settings.js';

export interface CustomerSessions {
  loginCustomer(credentials: MusementCustomerCredentials): Promise<MusementCustomerSession>;
  customer(username: string): MusementCustomerSession;
}

/**
 * Customer sessions on one client's kit: its rate limit, log fields, headers, store and secrets. A session is its
 * store record under the customer's key; a handle holds a token manager and an API client while it is alive, and the
 * client holds nothing per customer.
 */
export function createCustomerSessions(settings: MusementSettings, kit: ProviderKit): CustomerSessions {
  const { baseUrl, clientId } = settings;
  const tokenUrl = `${baseUrl}/api/v3`;
  const clock = kit.options.clock ?? systemClock;
  const lifecycle = pickTokenLifecycleOptions(kit.options);
  const { tokenHttp } = kit;
  // One token client renews every customer's session (a refresh token is sent in the body, or redacted from the URL);
  // what reaches a customer's callers is scrubbed once more by the session's own scrubber.
  const refreshClient = createTokenClient({ ...tokenHttp, prefix: tokenUrl });
  const source = createSessionTokenSource({
    packageName,
    refresh: createMusementGrants(settings, { tokenClient: refreshClient, clock }).refresh,
  });

  const open = (username: string): { session: MusementCustomerSession; manager: TokenManager } => {
    // The client's secrets, plus this customer's tokens, which the client never learns.
    const secrets = extendSecretScrubber(kit.secrets);
    const manager = new TokenManager({
      ...lifecycle,
      key: createTokenKey({ provider: kit.provider, baseUrl, clientId, user: username }),
      packageName,
      logFields: kit.logFields,
      secrets,
      clock,
      ...(kit.options.logger && { logger: kit.options.logger }),
      source,
    });
    const api = createAuthClient({ ...kit.http, secrets, prefix: `${tokenUrl}/`, tokens: manager });
    return { session: { api, logout: () => manager.clear() }, manager };
  };

  return {
    customer: (username) => open(checkCredential(username, 'username')).session,
    async loginCustomer(credentials) {
      const username = checkCredential(credentials?.username, 'username');
      const password = checkCredential(credentials.password, 'password');
      // A token client of its own for this one login, whose scrubber knows the password: nothing outlives the call.
      const secrets = extendSecretScrubber(kit.secrets, [password]);
      const tokenClient = createTokenClient({ ...tokenHttp, secrets, prefix: tokenUrl });
      let token: TokenSet;
      try {
        token = await createMusementGrants(settings, { tokenClient, clock }).password(
          username,
          password,
          credentials.signal,
        );
      } catch (error) {
        throw secrets.scrubError(error);
      }
      const { session, manager } = open(username);
      await manager.replace(token);
      return session;
    },
  };
}

function checkCredential(value: unknown, option: 'username' | 'password'): string {
  if (typeof value === 'string' && value !== '') return value;
  throw new ConfigError(`${packageName}: a customer's ${option} must be a non-empty string.`, { option });
}
