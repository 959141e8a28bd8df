// Bugs the reliability suite found, all fixed since: each stays as the smallest test of the behaviour that was wrong,
// named for what it proves, so that the bug cannot come back unnoticed.
import { ApiError, NetworkError } from '@auth/core';
import { createMusementClient } from '@auth/musement';
import { createMusimapClient } from '@auth/musimap';
import { musementTestCredentials, startMusementEmulator } from '@auth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejection } from '../../../packages/testing/src/test-support/rejection.js';
import { failOnUnhandledRejections } from './fail-on-unhandled-rejections.js';
import { type ScriptedServer, startScriptedServer } from './start-scripted-server.js';

failOnUnhandledRejections('the findings');
let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(() => server.close());

const musementAt = (baseUrl: string) =>
  createMusementClient({
    baseUrl,
    clientId: 'findings-client',
    clientSecret: 'findings-client-secret',
    application: 'findings',
    retry: 0,
  });

describe('findings of the reliability suite, fixed', () => {
  it('a POST whose token never comes times out naming the token endpoint, not the API URL it never sent', async () => {
    const emulator = await startMusementEmulator();
    try {
      emulator.injectFault({ kind: 'hang', times: Number.POSITIVE_INFINITY, match: { path: '/api/v3/login' } });
      const client = createMusementClient({
        baseUrl: emulator.url,
        clientId: musementTestCredentials.clientId,
        clientSecret: musementTestCredentials.clientSecret,
        application: musementTestCredentials.application,
        retry: { initialDelayMs: 1 },
        timeoutMs: 300,
      });
      const error = await rejection(client.api.post('carts', { json: {} }));
      expect(NetworkError.isInstance(error)).toBe(true);
      expect(emulator.counters.apiRequests).toBe(0); // /carts was never contacted…
      expect((error as NetworkError).url).toMatch(/\/api\/v3\/login$/); // …yet the error names it
    } finally {
      await emulator.close();
    }
  });

  it('an unreadable login answer names the login URL, not "[REDACTED]"', async () => {
    server.respondWith({ status: 200, body: '{"access_token": "abc' });
    const error = await rejection(musementAt(server.url).getToken());
    expect(ApiError.isInstance(error)).toBe(true);
    expect((error as ApiError).url).toBe(`${server.url}/api/v3/login`);
  });

  it('Musement: an expires_in so large that its milliseconds overflow is refused as too large, not as "already expired"', async () => {
    server.respondWith({ status: 200, body: '{"access_token":"abcdefgh12","expires_in":1e306}' });
    const error = await rejection(musementAt(server.url).getToken());
    expect(ApiError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/answered 200 with an expires_in too large to be a time\.$/);
    expect((error as ApiError).url).toBe(`${server.url}/api/v3/login`);
  });

  it('Musimap: issued_at/expires_at whose difference overflows are refused as a lifetime too large, not as "already expired"', async () => {
    server.respondWith({
      status: 201,
      body: '{"data":{"token":"abcdefgh12","issued_at":-1.7976931348623157e308,"expires_at":1.7976931348623157e308}}',
    });
    const error = await rejection(
      createMusimapClient({
        baseUrl: server.url,
        clientId: 'findings-client',
        clientSecret: 'findings-client-secret',
        retry: 0,
      }).getToken(),
    );
    expect(ApiError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/unusable token response: the lifetime is too large to be a time\.$/);
  });
});
