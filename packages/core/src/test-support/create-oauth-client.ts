import type { KyInstance } from 'ky';
import type { Clock } from '../clock.js';
import { createAuthClient } from '../create-auth-client.js';
import { createTokenClient } from '../create-token-client.js';
import type { HttpOptions } from '../http-options.js';
import type { Logger } from '../logger.js';
import { TokenManager } from '../token-manager.js';
import type { TokenSet } from '../token-set.js';
import type { TokenStore } from '../token-store.js';
import type { OAuthServer } from './start-oauth-server.js';

interface TokenResponse {
  access_token: string;
  expires_in: number;
  refresh_token?: string;
  token_type?: string;
}

/** Wires core the way a provider does: a token client, a TokenSource, a TokenManager, an auth client. */
export function createOAuthClient(
  server: OAuthServer,
  options: HttpOptions & {
    clock?: Clock;
    store?: TokenStore;
    logger?: Logger;
    clientSecret?: string;
    logFields?: Record<string, unknown>;
  } = {},
): { api: KyInstance; tokens: TokenManager } {
  const clock = options.clock ?? { now: () => Date.now() };
  const tokenClient = createTokenClient({ ...options, prefix: server.url, packageName: '@auth/test' });
  const toTokenSet = (body: TokenResponse): TokenSet => ({
    accessToken: body.access_token,
    expiresAt: clock.now() + body.expires_in * 1000,
    ...(body.refresh_token ? { refreshToken: body.refresh_token } : {}),
  });
  const credentials = { client_id: 'client-id', client_secret: options.clientSecret ?? server.options.clientSecret };
  const tokens = new TokenManager({
    key: 'test',
    clock,
    ...(options.store ? { store: options.store } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.telemetry ? { telemetry: options.telemetry } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    source: {
      obtain: async () =>
        toTokenSet(
          await tokenClient
            .post('token', { json: { ...credentials, grant_type: 'client_credentials' } })
            .json<TokenResponse>(),
        ),
      refresh: async (current) =>
        toTokenSet(
          await tokenClient
            .post('token', {
              json: { ...credentials, grant_type: 'refresh_token', refresh_token: current.refreshToken },
            })
            .json<TokenResponse>(),
        ),
    },
  });
  const api = createAuthClient({ ...options, prefix: `${server.url}/api`, tokens, packageName: '@auth/test' });
  return { api, tokens };
}
