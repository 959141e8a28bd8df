import type { Logger } from '@auth/core';
import { createMusementClient } from '@auth/musement';
import { musementTestCredentials, startMusementEmulator } from '@auth/testing';
import { formatExpiry } from '../format-duration.js';
import { badCredentialScenario, cachedReuseScenario, rateLimitScenario } from './common-scenarios.js';
import { check, countersSince, type ProviderDemo } from './scenario.js';
import { sharedTokenScenario } from './shared-token-scenario.js';

const wrongSecret = 'musement-demo-wrong-client-secret-3f7a';
const coldCalls = 10;
const cachedCalls = 20;
const expiries = 2;

/**
 * Musement with the password grant: a login, the cached token for every call, and on expiry the refresh_token grant,
 * whose answer rotates the refresh token (the old one must never be sent again). Then client_credentials, alone and
 * shared by two processes through Redis.
 */
export async function startMusementDemo(logger: Logger | undefined): Promise<ProviderDemo> {
  const emulator = await startMusementEmulator();
  const { clientId, clientSecret, application, username, password } = musementTestCredentials;
  const options = { baseUrl: emulator.url, clientId, application, ...(logger && { logger }) };
  const client = createMusementClient({ ...options, clientSecret, username, password });
  const cities = () => client.api.get('cities', { searchParams: { limit: 3 } }).json();

  return {
    provider: 'musement',
    title: 'Musement (password grant with rotating refresh tokens; client_credentials)',
    emulator,
    scenarios: [
      {
        name: 'first login',
        async run() {
          const counters = countersSince(emulator);
          await Promise.all(Array.from({ length: coldCalls }, cities));
          const logins = counters().byGrant.password ?? 0;
          check(
            counters().tokenRequests === 1 && logins === 1,
            `${coldCalls} calls on a cold cache made ${counters().tokenRequests} token requests, expected 1 login`,
          );
          const token = await client.getToken();
          check(token.refreshToken !== undefined, 'the password grant answer carried no refresh token');
          const scope = token.scope === undefined ? 'no scope' : `scope "${token.scope}"`;
          return `${coldCalls} parallel calls on a cold cache → 1 login (password grant): ${token.tokenType}, ${scope}, ${formatExpiry(token.expiresAt, Date.now())}`;
        },
      },
      cachedReuseScenario(emulator, cachedCalls, cities),
      {
        name: 'expiry → refresh',
        async run() {
          const counters = countersSince(emulator);
          for (let round = 1; round <= expiries; round++) {
            const before = await client.getToken();
            emulator.expireAllTokens();
            await cities();
            const after = await client.getToken();
            check(after.accessToken !== before.accessToken, `expiry ${round}: the access token was not renewed`);
            check(
              after.refreshToken !== undefined && after.refreshToken !== before.refreshToken,
              `expiry ${round}: the refresh token did not rotate`,
            );
            check(
              after.refreshToken === emulator.latestRefreshToken(username),
              `expiry ${round}: the client does not hold the newest refresh token`,
            );
          }
          const delta = counters();
          check(delta.unauthorized === expiries, `expected ${expiries} rejected calls, got ${delta.unauthorized}`);
          check(
            (delta.byGrant.refresh_token ?? 0) === expiries && delta.tokenRequests === expiries,
            `expected ${expiries} refresh_token grants and nothing else, got ${JSON.stringify(delta.byGrant)}`,
          );
          check(
            delta.refreshTokenReuse === 0,
            `a rotated refresh token was sent again ${delta.refreshTokenReuse} times`,
          );
          check(
            delta.apiRequests === expiries * 2,
            `expected each rejected call replayed once, got ${delta.apiRequests} requests`,
          );
          return `access token expired server-side ${expiries}× → 401, refresh_token grant, replayed → 200; refresh token rotated each time, old one never reused (${expiries} refreshes, 0 logins, 0 reuse)`;
        },
      },
      {
        // The grant most integrations use: no customer, no refresh token; a new login ahead of expiry instead.
        name: 'client_credentials',
        async run() {
          const counters = countersSince(emulator);
          const partner = createMusementClient({ ...options, clientSecret });
          const partnerCities = () => partner.api.get('cities', { searchParams: { limit: 3 } }).json();
          await Promise.all(Array.from({ length: coldCalls }, partnerCities));
          const token = await partner.getToken();
          const delta = counters();
          check(
            delta.tokenRequests === 1 && (delta.byGrant.client_credentials ?? 0) === 1,
            `${coldCalls} calls without a customer made ${JSON.stringify(delta.byGrant)} token requests, expected 1 client_credentials login`,
          );
          check(token.refreshToken === undefined, 'the client_credentials answer carried a refresh token');
          return `a client without username/password: ${coldCalls} parallel calls → 1 login (client_credentials grant), no refresh token, ${formatExpiry(token.expiresAt, Date.now())}`;
        },
      },
      // Two separate processes on one Redis: one login between them (skipped without redis-server).
      sharedTokenScenario({ emulator, credentials: { clientId, clientSecret, application } }),
      rateLimitScenario(emulator, '/api/v3/cities', cities),
      badCredentialScenario({
        emulator,
        what: 'wrong client secret',
        secret: wrongSecret,
        sentTo: 'token endpoint',
        attempt: () => createMusementClient({ ...options, clientSecret: wrongSecret }).getToken(),
      }),
    ],
  };
}
