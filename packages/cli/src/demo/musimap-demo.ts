import type { Logger } from '@auth/core';
import { createMusimapClient } from '@auth/musimap';
import { musimapTestCredentials, startMusimapEmulator } from '@auth/testing';
import { formatDuration } from '../format-duration.js';
import { badCredentialScenario, cachedReuseScenario, rateLimitScenario } from './common-scenarios.js';
import { check, countersSince, type ProviderDemo, requestsSince, sleep } from './scenario.js';

const wrongSecret = 'musimap-demo-wrong-client-secret-8c1e';
const tokenPath = '/oauth/access_tokens/client';
/** Short, so that renewal ahead of expiry happens during the demo (production tokens live 2 h). */
const lifetimeSeconds = 3;
const coldCalls = 10;
const cachedCalls = 20;
const pollMs = 100;

/** Musimap: client tokens without a refresh token, renewed in the background ahead of their expiry. */
export async function startMusimapDemo(logger: Logger | undefined): Promise<ProviderDemo> {
  const emulator = await startMusimapEmulator({ tokenLifetimeSeconds: lifetimeSeconds });
  const { clientId, clientSecret } = musimapTestCredentials;
  const options = { baseUrl: emulator.url, clientId, environment: 'demo', ...(logger && { logger }) };
  const client = createMusimapClient({ ...options, clientSecret });
  const tags = () => client.getData('lexicology/tags', { searchParams: { limit: 3 } });

  return {
    provider: 'musimap',
    title: `Musimap (client token, ${lifetimeSeconds} s lifetime in the demo)`,
    emulator,
    scenarios: [
      {
        name: 'first login',
        async run() {
          const counters = countersSince(emulator);
          await Promise.all(Array.from({ length: coldCalls }, tags));
          check(
            counters().tokenRequests === 1,
            `${coldCalls} calls on a cold cache made ${counters().tokenRequests} token requests, expected 1`,
          );
          const token = await client.getToken();
          const lifetimeMs = (token.expiresAt ?? 0) - (token.issuedAt ?? 0);
          check(
            Math.abs(lifetimeMs - lifetimeSeconds * 1000) < 1000,
            `the token's lifetime is ${lifetimeMs} ms, expected ${lifetimeSeconds} s`,
          );
          return `${coldCalls} parallel calls on a cold cache → 1 token request: ${token.tokenType}, lifetime ${formatDuration(lifetimeMs)}`;
        },
      },
      cachedReuseScenario(emulator, cachedCalls, tags),
      {
        name: 'renewal ahead',
        async run() {
          const first = await client.getToken();
          const expiresAt = first.expiresAt ?? 0;
          const counters = countersSince(emulator);
          const requests = requestsSince(emulator);
          let calls = 0;
          for (;;) {
            await tags();
            calls++;
            if ((await client.getToken()).accessToken !== first.accessToken) break;
            check(Date.now() < expiresAt + 1000, 'the token expired without being renewed');
            await sleep(pollMs);
          }
          const renewal = requests(tokenPath)[0];
          check(
            renewal !== undefined && counters().tokenRequests === 1,
            `expected 1 renewal, got ${counters().tokenRequests}`,
          );
          check(renewal.receivedAt < expiresAt, 'the token was renewed only after it had expired');
          check(counters().unauthorized === 0, `${counters().unauthorized} calls were rejected: renewal came too late`);
          const afterIssueMs = renewal.receivedAt - (first.issuedAt ?? 0);
          return `${lifetimeSeconds} s token renewed in the background ${formatDuration(afterIssueMs)} after issue, ${formatDuration(expiresAt - renewal.receivedAt)} before expiry; ${calls} calls meanwhile, none rejected; 1 token request`;
        },
      },
      {
        name: 'expiry → new token',
        async run() {
          const before = await client.getToken();
          emulator.expireAllTokens();
          const counters = countersSince(emulator);
          await tags();
          const after = await client.getToken();
          check(after.accessToken !== before.accessToken, 'the rejected token was not replaced');
          check(counters().unauthorized === 1, `expected 1 rejected call, got ${counters().unauthorized}`);
          check(counters().tokenRequests === 1, `expected 1 token request, got ${counters().tokenRequests}`);
          check(
            counters().apiRequests === 2,
            `expected the call replayed once, got ${counters().apiRequests} requests`,
          );
          return 'token expired server-side → 401 → new token (Musimap has no refresh token) → replayed → 200; 1 token request';
        },
      },
      rateLimitScenario(emulator, '/lexicology/tags', tags),
      badCredentialScenario({
        emulator,
        what: 'wrong client secret',
        secret: wrongSecret,
        sentTo: 'token endpoint',
        attempt: () => createMusimapClient({ ...options, clientSecret: wrongSecret }).getToken(),
      }),
    ],
  };
}
