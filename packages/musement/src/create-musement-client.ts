import { MemoryTokenStore, type TokenSet } from '@auth/core';
import { assertServerRuntime, createProviderClient, manageTokens, type ProviderKit } from '@auth/core/provider';
import type { KyInstance } from 'ky';
import { createCustomerSessions } from './create-customer-sessions.js';
import { createMusementTokenSource } from './create-musement-token-source.js';
import type { MusementClientOptions } from './musement-client-options.js';
import type { MusementCustomerCredentials, MusementCustomerSession } from './musement-customer-session.js';
import { packageVersion } from './package-version.js';
import { type MusementPaginateOptions, paginateMusement } from './paginate-musement.js';
import { packageName, resolveMusementSettings } from './resolve-musement-settings.js';

/** A Musement API v3 client. */
export interface MusementClient {
  /**
   * A ky instance on `<baseUrl>/api/v3/` that sends the token and the Musement headers on every request, renews an
   * expired token once on 401 and replays the request, and retries with backoff.
   * @example const cities = await client.api.get('cities').json();
   */
  api: KyInstance;
  /** The current token, logging in or renewing first when there is no usable one. */
  getToken(): Promise<TokenSet>;
  /** Forgets the cached token, here and in the store; the next call logs in again (e.g. after a password change). */
  clearToken(): Promise<void>;
  /** Stops background renewals and waits for one in flight, e.g. before closing a shared store's connection. */
  close(): Promise<void>;
  /**
   * Logs a customer in with the `password` grant, once: the password is sent to Musement and then forgotten. The
   * session's tokens go to the store under the customer's key, for `customer(username)` in any process sharing it.
   * Fails with `CredentialsError` reason `invalid_grant` for a wrong username or password.
   * @example const session = await musement.loginCustomer({ username, password }); await session.api.get('me').json();
   */
  loginCustomer(credentials: MusementCustomerCredentials): Promise<MusementCustomerSession>;
  /**
   * The stored session of a customer who logged in before, without a password. Makes no request itself; a call
   * without a stored session fails with `CredentialsError` reason `no_session`. Cheap: make one per request.
   * @example const me = await musement.customer(username).api.get('me').json();
   */
  customer(username: string): MusementCustomerSession;
  /**
   * Every item of a list endpoint (limit/offset, no total: a page shorter than `limit` is the last), page after page;
   * bounded by `maxPages`, ended by a page served twice, stopped by `signal`. See `MusementPaginateOptions`.
   * @example for await (const city of musement.paginate<City>('cities', { limit: 50 })) console.log(city.name);
   */
  paginate<T = unknown>(path: string, options?: MusementPaginateOptions): AsyncGenerator<T, void, undefined>;
}

/**
 * Creates a Musement API v3 client. Logs in at `/api/v3/login` with `client_credentials`, or with the `password`
 * grant when `username` and `password` are given; renews with the rotating refresh token (the new pair is stored
 * before use, the old refresh token is never sent again) and falls back to a fresh login when it is rejected.
 * Customer sessions (`loginCustomer`, `customer`) keep tokens only, never a password.
 * Every configuration problem is a `ConfigError` thrown here, before any request.
 *
 * @example
 * const musement = createMusementClient({ clientId, clientSecret, application: 'my-shop' });
 * const activities = await musement.api.get('activities', { searchParams: { limit: 10 } }).json();
 */
export function createMusementClient(options: MusementClientOptions = {}): MusementClient {
  assertServerRuntime(packageName, options.dangerouslyAllowBrowser ?? false);
  const settings = resolveMusementSettings(options);
  const { baseUrl, clientId, grant } = settings;
  // One store for the client's token and its customers' sessions, so that customer(username) finds a login.
  const store = options.store ?? new MemoryTokenStore();
  let kit: ProviderKit | undefined;
  const client = createProviderClient({
    packageName,
    version: packageVersion,
    provider: 'musement',
    options: { ...options, store },
    apiUrl: `${baseUrl}/api/v3/`,
    headers: settings.headers,
    secrets: [settings.clientSecret, grant.type === 'password' ? grant.password : undefined],
    tokens: (providerKit) => {
      kit = providerKit;
      return manageTokens({
        url: `${baseUrl}/api/v3`,
        key: { baseUrl, clientId, ...(grant.type === 'password' && { user: grant.username }) },
        source: (tools) => createMusementTokenSource(settings, tools),
      })(providerKit);
    },
  });
  const sessions = createCustomerSessions(settings, kit as ProviderKit);
  return {
    api: client.api,
    getToken: client.getToken as () => Promise<TokenSet>,
    clearToken: client.clearToken,
    close: client.close,
    loginCustomer: sessions.loginCustomer,
    customer: sessions.customer,
    paginate: <T>(path: string, options?: MusementPaginateOptions) => paginateMusement<T>(client.api, path, options),
  };
}
