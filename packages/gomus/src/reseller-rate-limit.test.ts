import {
  captureLogger,
  type EmulatorHandle,
  findLeakedSecrets,
  gomusTestTokens,
  startGomusEmulator,
} from '@auth/testing';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runWithFakeTime } from '../../testing/src/test-support/run-with-fake-time.js';
import { createGomusClient } from './create-gomus-client.js';

// The emulator's reseller limit: 50 requests per 1000 ms fixed window, 429 with Retry-After (whole seconds, >= 1).
const resellerRateLimit = { requests: 50, windowMs: 1000 };
// Every wait (Retry-After, the client-side limit, the emulator's windows) runs on one fake clock that moves on by
// itself: the tests see each wait asked for and honoured without sitting through seconds of them, and a busy machine
// cannot crowd a window.
const fakeClock = { now: () => Date.now() };
const calls = 200;
const logger = captureLogger();
let gomus: EmulatorHandle | undefined;

afterEach(() => gomus?.close());
afterAll(() => {
  expect(findLeakedSecrets([gomusTestTokens.reseller], logger.records, [])).toEqual([]);
});

/** 200 concurrent calls, each marked with its number so its attempts can be told apart on the server. */
async function burst(options: Parameters<typeof createGomusClient>[0]) {
  gomus = await startGomusEmulator({ resellerRateLimit, rateLimitClock: fakeClock });
  const client = createGomusClient({ baseUrl: gomus.url, token: gomusTestTokens.reseller, logger, ...options });
  const answers = await runWithFakeTime(
    () =>
      Promise.all(
        Array.from({ length: calls }, (_, call) =>
          client.api.get('whoami', { searchParams: { call } }).json<{ access: string }>(),
        ),
      ),
    { performance: true },
  );
  return { emulator: gomus, answers };
}

describe('a reseller token over its rate limit', () => {
  it('with the client-side limit under the server limit: 200 calls, zero 429s', async () => {
    // 40/s under the 50/s window: room for requests that take a few (fake) milliseconds more to arrive than others.
    const { emulator, answers } = await burst({ rateLimit: { requestsPerSecond: 40, burst: 1 } });
    expect(answers.every((answer) => answer.access === 'reseller')).toBe(true);
    expect(emulator.counters.rateLimited).toBe(0);
    expect(emulator.counters.apiRequests).toBe(calls);
    expect(logger.records.filter(({ record }) => record.status === 429)).toEqual([]);
  });

  it('without it: 429s are retried no sooner than Retry-After, and the burst completes', async () => {
    const { emulator, answers } = await burst({ retry: { limit: 8 } });
    expect(answers.every((answer) => answer.access === 'reseller')).toBe(true);
    expect(emulator.counters.rateLimited).toBeGreaterThanOrEqual(calls - resellerRateLimit.requests);

    const attemptsByCall = new Map<string, number[]>();
    for (const request of emulator.requests) {
      const call = request.query.call ?? '';
      attemptsByCall.set(call, [...(attemptsByCall.get(call) ?? []), request.receivedAt]);
    }
    expect(attemptsByCall.size).toBe(calls);
    // Only 429s are retried here, and each carried Retry-After >= 1 s: no retry may arrive sooner.
    const gaps = [...attemptsByCall.values()].flatMap((times) =>
      times.slice(1).map((time, index) => time - times[index]!),
    );
    expect(gaps.length).toBe(emulator.counters.rateLimited);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1000);

    const rejected = logger.records.filter(({ record }) => record.status === 429);
    expect(rejected.length).toBe(emulator.counters.rateLimited);
  });
});
