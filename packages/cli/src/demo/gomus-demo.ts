import { CredentialsError, type Logger } from '@auth/core';
import { createGomusClient, hasAllMuseums } from '@auth/gomus';
import { gomusTestTokens, startGomusEmulator } from '@auth/testing';
import { describeError } from '../describe-error.js';
import { describeGomusScope } from '../describe-gomus-scope.js';
import { badCredentialScenario, rateLimitScenario } from './common-scenarios.js';
import { check, countersSince, type ProviderDemo, rejectionOf, requestsSince } from './scenario.js';

const rotatedToken = 'gomus-demo-rotated-user-token-5e2c8a41';
const wrongToken = 'gomus-demo-wrong-token-0d9f3b77';
const parallelCalls = 20;

/**
 * go~mus: a static token, sent as is with every call; nothing to obtain or refresh. Rotation means the application
 * swaps the token: the client asks its token function before every attempt.
 */
export async function startGomusDemo(logger: Logger | undefined): Promise<ProviderDemo> {
  const emulator = await startGomusEmulator({
    tokens: {
      [gomusTestTokens.user]: { access: 'user', museums: [] },
      [rotatedToken]: { access: 'user', museums: [] },
    },
    resellerRateLimit: false,
  });
  let currentToken: string = gomusTestTokens.user;
  const client = createGomusClient({ baseUrl: emulator.url, token: () => currentToken, ...(logger && { logger }) });
  const bearer = (token: string) => `Bearer ${token}`;

  return {
    provider: 'gomus',
    title: 'go~mus (static token)',
    emulator,
    scenarios: [
      {
        name: 'first call',
        async run() {
          const counters = countersSince(emulator);
          const whoami = await client.whoami();
          check(
            whoami.access === 'user' && hasAllMuseums(whoami),
            `whoami answered ${JSON.stringify(whoami)}, expected a user token for all museums`,
          );
          check(counters().apiRequests === 1, `whoami took ${counters().apiRequests} requests, expected 1`);
          return `whoami → ${describeGomusScope(whoami)}; no token request (static token)`;
        },
      },
      {
        name: 'cached reuse',
        async run() {
          const counters = countersSince(emulator);
          const requests = requestsSince(emulator);
          await Promise.all(Array.from({ length: parallelCalls }, () => client.api.get('museums').json()));
          check(
            counters().apiRequests === parallelCalls,
            `expected ${parallelCalls} requests, got ${counters().apiRequests}`,
          );
          const headers = new Set(requests().map((request) => request.headers.authorization));
          check(
            headers.size === 1 && headers.has(bearer(currentToken)),
            'the calls did not all carry the configured token',
          );
          return `${parallelCalls} parallel calls → ${parallelCalls} requests, each with the same static token; 0 token requests`;
        },
      },
      {
        name: 'revoked → token swap',
        async run() {
          emulator.revoke(currentToken);
          const counters = countersSince(emulator);
          const error = await rejectionOf(client.whoami());
          check(
            CredentialsError.isInstance(error) && error.status === 401,
            `expected CredentialsError 401 for the revoked token, got ${error === undefined ? 'success' : describeError(error).name}`,
          );
          check(
            counters().apiRequests === 1,
            `the revoked token was sent ${counters().apiRequests} times; a go~mus 401 must not be retried`,
          );
          currentToken = rotatedToken;
          const requests = requestsSince(emulator);
          const whoami = await client.whoami();
          check(whoami.access === 'user', `whoami with the new token answered ${JSON.stringify(whoami)}`);
          check(
            requests()[0]?.headers.authorization === bearer(rotatedToken),
            'the next call did not carry the swapped token',
          );
          return 'token revoked server-side → CredentialsError 401 after 1 request (not retried); token function swapped → 200 on the same client';
        },
      },
      rateLimitScenario(emulator, '/api/v4/museums', () => client.api.get('museums').json()),
      badCredentialScenario({
        emulator,
        what: 'unknown token',
        secret: wrongToken,
        sentTo: 'api',
        attempt: () =>
          createGomusClient({ baseUrl: emulator.url, token: wrongToken, ...(logger && { logger }) }).whoami(),
      }),
    ],
  };
}
