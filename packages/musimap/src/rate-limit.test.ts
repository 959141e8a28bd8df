import { RateLimitError } from '@auth/core';
import { captureLogger, type EmulatorHandle, musimapTestCredentials, startMusimapEmulator } from '@auth/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { rejection } from '../../testing/src/test-support/rejection.js';
import { runWithFakeTime } from '../../testing/src/test-support/run-with-fake-time.js';
import { createMusimapClient } from './create-musimap-client.js';
import { apiRequestsOf, tokenPath, tokenRequestsOf } from './test-support/emulator-helpers.js';

const { clientId, clientSecret } = musimapTestCredentials;
const emulators: EmulatorHandle[] = [];

async function start(options: Parameters<typeof startMusimapEmulator>[0] = {}) {
  const emulator = await startMusimapEmulator(options);
  emulators.push(emulator);
  return emulator;
}

afterEach(async () => {
  await Promise.all(emulators.splice(0).map((emulator) => emulator.close()));
});

// Every wait here (Retry-After, the emulator's windows, the client-side limit) runs on fake time that moves on by
// itself: the tests see each wait asked for and honoured, on the emulator's Date.now() timestamps, without sitting
// through seconds of it. The emulator's windows are counted on the same fake clock.
const fakeClock = { now: () => Date.now() };

describe('429 and Retry-After', () => {
  it('waits at least the Retry-After of a 429 from the API, then succeeds', async () => {
    const emulator = await start();
    const client = createMusimapClient({ baseUrl: emulator.url, clientId, clientSecret });
    await client.getToken();
    emulator.injectFault({
      match: { path: '/lexicology/tags' },
      kind: 'status',
      status: 429,
      headers: { 'retry-after': '1' },
      body: { status: 429, message: 'Too many requests' },
    });

    const { data } = await runWithFakeTime(() => client.getData<unknown[]>('lexicology/tags'));

    expect(data.length).toBeGreaterThan(0);
    const [limited, retried] = apiRequestsOf(emulator);
    expect(apiRequestsOf(emulator)).toHaveLength(2);
    expect(emulator.counters.rateLimited).toBe(1);
    expect(retried!.receivedAt - limited!.receivedAt).toBeGreaterThanOrEqual(1_000);
  });

  it('waits at least the Retry-After of a 429 from the token endpoint, then succeeds', async () => {
    const emulator = await start();
    emulator.injectFault({ match: { path: tokenPath }, kind: 'status', status: 429, headers: { 'retry-after': '1' } });
    const client = createMusimapClient({ baseUrl: emulator.url, clientId, clientSecret });

    await runWithFakeTime(() => client.getData('lexicology/tags'));

    const [limited, retried] = tokenRequestsOf(emulator);
    expect(tokenRequestsOf(emulator)).toHaveLength(2);
    expect(retried!.receivedAt - limited!.receivedAt).toBeGreaterThanOrEqual(1_000);
  });

  it("rides out the emulator's per-client rate limit: every call succeeds after its Retry-After", async () => {
    const emulator = await start({ rateLimit: { requests: 5, windowMs: 1_000 }, rateLimitClock: fakeClock });
    const logger = captureLogger();
    const client = createMusimapClient({ baseUrl: emulator.url, clientId, clientSecret, logger });

    const { started, ended } = await runWithFakeTime(async () => {
      const startedAt = Date.now();
      for (let call = 0; call < 10; call++) await client.getData('lexicology/tags', { searchParams: { limit: 1 } });
      return { started: startedAt, ended: Date.now() };
    });

    // 11 requests (1 token + 10 API) through a 5-per-second window cannot finish within two windows.
    expect(ended - started).toBeGreaterThanOrEqual(2_000);
    expect(emulator.counters.rateLimited).toBeGreaterThan(0);
    expect(emulator.counters.unauthorized).toBe(0);
    const limited = logger.records.filter(({ record }) => record.status === 429);
    expect(limited).toHaveLength(emulator.counters.rateLimited);
    expect(limited.every(({ record }) => record.environment === undefined && record.provider === 'musimap')).toBe(true);
  });

  it('stays under the limit with the client-side rateLimit option: no 429 at all', async () => {
    const emulator = await start({ rateLimit: { requests: 5, windowMs: 1_000 }, rateLimitClock: fakeClock });
    // 3 API requests per second leave room for the token request in the same window.
    const client = createMusimapClient({
      baseUrl: emulator.url,
      clientId,
      clientSecret,
      rateLimit: { requestsPerSecond: 3 },
    });

    // The client-side limit reads performance.now(): it runs on the same fake time.
    await runWithFakeTime(
      () =>
        Promise.all(Array.from({ length: 9 }, () => client.getData('lexicology/tags', { searchParams: { limit: 1 } }))),
      { performance: true },
    );

    expect(emulator.counters.rateLimited).toBe(0);
    const api = apiRequestsOf(emulator);
    expect(api).toHaveLength(9);
    // The 9th request's slot is 8 intervals after the first one's.
    expect(api[8]!.receivedAt - api[0]!.receivedAt).toBeGreaterThanOrEqual(8 * Math.floor(1_000 / 3));
  });

  it('fails at once with RateLimitError when Retry-After exceeds retry.maxRetryAfterMs', async () => {
    const emulator = await start();
    const client = createMusimapClient({ baseUrl: emulator.url, clientId, clientSecret });
    await client.getToken();
    emulator.injectFault({
      match: { path: '/lexicology' },
      kind: 'status',
      status: 429,
      headers: { 'retry-after': '3600' },
    });

    const error = await rejection(client.getData('lexicology/tags'));

    expect(RateLimitError.isInstance(error)).toBe(true);
    expect((error as RateLimitError).retryAfterMs).toBe(3_600_000);
    expect(apiRequestsOf(emulator)).toHaveLength(1);
  });
});
