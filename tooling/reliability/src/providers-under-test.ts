import type { HttpOptions, TokenSet } from '@auth/core';
import { createGomusClient } from '@auth/gomus';
import { createMusementClient } from '@auth/musement';
import { createMusimapClient } from '@auth/musimap';
import {
  type EmulatorHandle,
  gomusTestTokens,
  type MusementEmulatorHandle,
  musementTestCredentials,
  musimapTestCredentials,
  startGomusEmulator,
  startMusementEmulator,
  startMusimapEmulator,
} from '@auth/testing';

export type ProviderName = 'gomus' | 'musement' | 'musimap';
export type MethodClass = 'GET' | 'POST';

/** A client reduced to what the suites need: one call per method class, and the token when there is one. */
export interface ClientUnderTest {
  call(method: MethodClass, signal?: AbortSignal): Promise<unknown>;
  getToken?(): Promise<TokenSet>;
}

export interface ProviderUnderTest {
  name: ProviderName;
  start(options?: { tokenLifetimeSeconds?: number; recordRequests?: boolean }): Promise<EmulatorHandle>;
  createClient(emulator: EmulatorHandle, http: HttpOptions): ClientUnderTest;
  /** The emulator path each method class calls (a fault `match.path`). */
  apiPath: Record<MethodClass, string>;
  /** The token endpoint's path; undefined for go~mus, which has none. */
  tokenPath?: string;
  /** Whether a token carries a refresh token (Musement's password grant). */
  hasRefreshToken: boolean;
  /**
   * What a POST that gets through answers. The Musimap emulator serves no POST route of the API (only the token
   * endpoint), so a POST that reaches it is answered 404: that is its "through" outcome.
   */
  postThroughStatus?: number;
  /** A token endpoint answer carrying `accessToken` as the provider shapes it (for hostile-token faults). */
  tokenAnswer?(accessToken: string): unknown;
}

export const gomus: ProviderUnderTest = {
  name: 'gomus',
  start: (options = {}) => startGomusEmulator({ resellerRateLimit: false, ...options }),
  createClient(emulator, http) {
    const client = createGomusClient({ ...http, baseUrl: emulator.url, token: gomusTestTokens.user });
    let customer = 0;
    return {
      call: (method, signal) =>
        method === 'GET'
          ? client.api.get('whoami', { signal }).json()
          : client.api
              .post('customers', { json: { name: 'Ada Lovelace', email: `ada${++customer}@example.com` }, signal })
              .json(),
    };
  },
  apiPath: { GET: '/api/v4/whoami', POST: '/api/v4/customers' },
  hasRefreshToken: false,
};

export const musement: ProviderUnderTest = {
  name: 'musement',
  start: (options = {}) => startMusementEmulator(options),
  createClient(emulator, http) {
    // The password grant: its tokens rotate a refresh token, the richest lifecycle of the three.
    const client = createMusementClient({
      ...http,
      baseUrl: emulator.url,
      clientId: musementTestCredentials.clientId,
      clientSecret: musementTestCredentials.clientSecret,
      application: musementTestCredentials.application,
      username: musementTestCredentials.username,
      password: musementTestCredentials.password,
    });
    return {
      call: (method, signal) =>
        method === 'GET'
          ? client.api.get('cities', { searchParams: { limit: 3 }, signal }).json()
          : client.api.post('carts', { json: {}, signal }).json(),
      getToken: () => client.getToken(),
    };
  },
  apiPath: { GET: '/api/v3/cities', POST: '/api/v3/carts' },
  tokenPath: '/api/v3/login',
  hasRefreshToken: true,
  tokenAnswer: (accessToken) => ({ access_token: accessToken, expires_in: 3600, token_type: 'bearer', scope: '' }),
};

export const musimap: ProviderUnderTest = {
  name: 'musimap',
  start: (options = {}) => startMusimapEmulator(options),
  createClient(emulator, http) {
    const client = createMusimapClient({
      ...http,
      baseUrl: emulator.url,
      clientId: musimapTestCredentials.clientId,
      clientSecret: musimapTestCredentials.clientSecret,
    });
    return {
      call: (method, signal) =>
        method === 'GET'
          ? client.api.get('lexicology/tags', { searchParams: { limit: 3 }, signal }).json()
          : client.api.post('tracks', { json: { title: 'probe' }, signal }).json(),
      getToken: () => client.getToken(),
    };
  },
  apiPath: { GET: '/lexicology/tags', POST: '/tracks' },
  tokenPath: '/oauth/access_tokens/client',
  hasRefreshToken: false,
  postThroughStatus: 404,
  tokenAnswer: (accessToken) => {
    const issuedAt = Date.now();
    return {
      status: 201,
      timestamp: issuedAt,
      data: { token: accessToken, issued_at: issuedAt, expires_at: issuedAt + 3_600_000 },
    };
  },
};

export const providersUnderTest: readonly ProviderUnderTest[] = [gomus, musement, musimap];

/** The Musement handle, for `latestRefreshToken`. */
export function asMusementHandle(emulator: EmulatorHandle): MusementEmulatorHandle {
  return emulator as MusementEmulatorHandle;
}
