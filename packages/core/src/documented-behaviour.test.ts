// Behaviour the README and the TSDoc promise, each checked where it would break: a deadline across retries, close()
// stopping background renewals, a custom refresh policy, the back-off formula, the query allow-list, loopback http,
// 505 never retried, and who refused a rate-limited call.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAuthClient } from './create-auth-client.js';
import { ApiError } from './errors/api-error.js';
import { NetworkError } from './errors/network-error.js';
import { RateLimitError } from './errors/rate-limit-error.js';
import type { RefreshPolicy } from './refresh-policy.js';
import { backoffDelayMs, defaultRetryOptions, resolveRetryOptions, toKyRetry } from './retry-options.js';
import { captureLogger } from './test-support/capture-logger.js';
import { sendJson, startTestServer, type TestServer } from './test-support/start-test-server.js';
import { TokenManager } from './token-manager.js';

const servers: TestServer[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function testServer(...args: Parameters<typeof startTestServer>) {
  const server = await startTestServer(...args);
  servers.push(server);
  return server;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** A clock tests move by hand. */
function manualClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, set: (at: number) => (now = at) };
}

const hourMs = 3_600_000;
const minuteMs = 60_000;

/** A token source that issues 1 h tokens on the given clock and counts them. */
function countingSource(clock: { now(): number }) {
  const source = {
    issued: 0,
    obtain: async () => {
      source.issued += 1;
      return { accessToken: `token-${source.issued}`, expiresAt: clock.now() + hourMs };
    },
  };
  return source;
}

describe('totalTimeoutMs', () => {
  it('ends a call whose attempts keep timing out at the deadline, long before the retries run out', async () => {
    const server = await testServer(() => {
      /* never answers */
    });
    const api = createAuthClient({
      prefix: server.url,
      timeoutMs: 50,
      totalTimeoutMs: 400,
      retry: { limit: 100, initialDelayMs: 1, factor: 1 },
    });

    const error = await rejection(api.get('slow'));

    expect(NetworkError.isInstance(error)).toBe(true);
    expect((error as NetworkError).timedOut).toBe(true);
    // Retried after the first timeout, but each attempt lasts at least its 50 ms: within 400 ms there is room for 8,
    // never for the 101 the retry policy allows.
    expect(server.requests.length).toBeGreaterThanOrEqual(2);
    expect(server.requests.length).toBeLessThanOrEqual(9);
  });

  it('counts a Retry-After wait against the deadline: a wait past it ends the call instead of sleeping it out', async () => {
    const server = await testServer((_request, response) =>
      sendJson(response, 503, { error: 'busy' }, { 'retry-after': '30' }),
    );
    // 30 s is under maxRetryAfterMs (60 s), so only the 300 ms deadline can end this call early.
    const api = createAuthClient({ prefix: server.url, totalTimeoutMs: 300, retry: { limit: 3 } });

    const error = await rejection(api.get('busy'));

    expect(NetworkError.isInstance(error)).toBe(true);
    expect((error as NetworkError).timedOut).toBe(true);
    expect(server.requests).toHaveLength(1);
  });
});

describe('TokenManager.close()', () => {
  it('stops background renewals, waits for one in flight, and still renews a token that has expired', async () => {
    const clock = manualClock();
    const source = countingSource(clock);
    const manager = new TokenManager({ key: 'k', source, clock, random: () => 0 });
    const start = clock.now();
    await manager.getToken();

    // Before close(): 56 min into a 1 h token is inside the 5 min refresh window, so a renewal starts in the background.
    clock.set(start + 56 * minuteMs);
    expect((await manager.getToken()).accessToken).toBe('token-1');
    await expect.poll(() => manager.peek()?.accessToken).toBe('token-2');
    const renewedAt = clock.now();

    await manager.close();
    clock.set(renewedAt + 56 * minuteMs);
    expect((await manager.getToken()).accessToken).toBe('token-2');
    // close() waits for a renewal in flight: had getToken() started one, it would have finished by now.
    await manager.close();
    expect(source.issued).toBe(2);

    // Once expired there is no usable token: the caller waits for a new one even after close().
    clock.set(renewedAt + hourMs + 1);
    expect((await manager.getToken()).accessToken).toBe('token-3');
  });
});

describe('a custom refreshPolicy', () => {
  /** The token a manager serves at `atMs` into a 1 h token's life, and whether that started a renewal. */
  async function renewsAt(atMs: number, refreshPolicy?: RefreshPolicy): Promise<boolean> {
    const clock = manualClock();
    const source = countingSource(clock);
    const manager = new TokenManager({
      key: 'k',
      source,
      clock,
      random: () => 0,
      ...(refreshPolicy && { refreshPolicy }),
    });
    const start = clock.now();
    await manager.getToken();
    clock.set(start + atMs);
    expect((await manager.getToken()).accessToken).toBe('token-1');
    await manager.close(); // waits for the renewal getToken() may have started
    return source.issued === 2;
  }

  const halfLife: RefreshPolicy = { ratio: 0.5, minWindowMs: 0, maxWindowMs: hourMs, jitterRatio: 0 };
  const lastMinute: RefreshPolicy = { ratio: 0.01, minWindowMs: minuteMs, maxWindowMs: minuteMs, jitterRatio: 0 };

  it('renews earlier: half the lifetime ahead instead of the default 5 minutes', async () => {
    expect(await renewsAt(31 * minuteMs, halfLife)).toBe(true);
    expect(await renewsAt(31 * minuteMs)).toBe(false);
    expect(await renewsAt(29 * minuteMs, halfLife)).toBe(false);
  });

  it('renews later: only in the last minute instead of the default 5 minutes', async () => {
    expect(await renewsAt(56 * minuteMs)).toBe(true);
    expect(await renewsAt(56 * minuteMs, lastMinute)).toBe(false);
    expect(await renewsAt(59.5 * minuteMs, lastMinute)).toBe(true);
  });
});

describe('the back-off formula', () => {
  const options = resolveRetryOptions({ initialDelayMs: 100, factor: 3, maxDelayMs: 1_000 });

  it('grows by factor from initialDelayMs and stops growing at maxDelayMs', () => {
    expect([1, 2, 3, 4, 5].map((retry) => backoffDelayMs(options, retry))).toEqual([100, 300, 900, 1_000, 1_000]);
    expect([1, 2, 3, 4].map((retry) => backoffDelayMs(defaultRetryOptions, retry))).toEqual([300, 600, 1_200, 2_400]);
    expect(backoffDelayMs(defaultRetryOptions, 10)).toBe(10_000);
  });

  it('is what the client waits before each retry, scaled by a full jitter in [0, 1)', async () => {
    const server = await testServer((_request, response) =>
      sendJson(response, server.requests.length <= 3 ? 503 : 200, {}),
    );
    const api = createAuthClient({
      prefix: server.url,
      retry: { limit: 3, initialDelayMs: 40, factor: 3, maxDelayMs: 200 },
    });
    const kyRetry = toKyRetry(resolveRetryOptions({ limit: 3, initialDelayMs: 40, factor: 3, maxDelayMs: 200 }));
    expect(kyRetry.jitter).toBe(true);
    // The jitter draws from Math.random; a fixed draw makes the waits exact.
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const waits: number[] = [];
    const realSetTimeout = globalThis.setTimeout;
    vi.spyOn(globalThis, 'setTimeout').mockImplementation(((callback: () => void, ms?: number) => {
      waits.push(ms ?? 0);
      return realSetTimeout(callback, ms);
    }) as typeof setTimeout);

    expect((await api.get('flaky')).status).toBe(200);

    expect(server.requests).toHaveLength(4);
    // 40 × 0.5, then 120 × 0.5, then 360 capped at 200 × 0.5: in this order among the timers the call set.
    const backoffs = waits.filter((ms) => [20, 60, 100].includes(ms));
    expect(backoffs).toEqual([20, 60, 100]);
  });
});

describe('visibleQueryParameters', () => {
  it('shows an allow-listed value in log records and errors; every other unknown value stays hidden', async () => {
    const server = await testServer((_request, response) => sendJson(response, 404, { error: 'not found' }));
    const logger = captureLogger();
    const api = createAuthClient({ prefix: server.url, logger, visibleQueryParameters: ['museum_id'] });

    const error = await rejection(
      api.get('tickets', { searchParams: { museum_id: '42', session: 'hidden-value', page: 3 } }),
    );

    const shown = `${server.url}/tickets?museum_id=42&session=[REDACTED]&page=3`;
    expect(ApiError.isInstance(error) && error.url).toBe(shown);
    expect((error as Error).message).toContain(shown);
    expect(logger.records.map(({ record }) => (record as { endpoint?: string }).endpoint)).toEqual([shown]);
    // Without the option, the same value is hidden.
    const plain = createAuthClient({ prefix: server.url, retry: 0 });
    const hidden = await rejection(plain.get('tickets', { searchParams: { museum_id: '42' } }));
    expect((hidden as ApiError).url).toBe(`${server.url}/tickets?museum_id=[REDACTED]`);
  });
});

describe('plain http', () => {
  it('is allowed to localhost and [::1] as to 127.0.0.1, and to nothing that merely looks like them', () => {
    for (const prefix of ['http://localhost:8080', 'http://[::1]:8080', 'http://127.0.0.1:8080', 'http://127.8.9.10']) {
      expect(() => createAuthClient({ prefix }), prefix).not.toThrow();
    }
    for (const prefix of ['http://localhost.example.com', 'http://[::2]', 'http://127.0.0.1.example.com']) {
      expect(() => createAuthClient({ prefix }), prefix).toThrow(/http:\/\/ to a non-loopback host/);
    }
  });
});

describe('retry decisions', () => {
  it('never retries 505 HTTP Version Not Supported, unlike other 5xx', async () => {
    const server = await testServer((request, response) => sendJson(response, request.path === '/505' ? 505 : 500, {}));
    const api = createAuthClient({ prefix: server.url, retry: { limit: 2, initialDelayMs: 1 } });

    const error = await rejection(api.get('505'));

    expect(ApiError.isInstance(error) && error.status).toBe(505);
    expect(server.requests).toHaveLength(1);
    // The same client does retry a 500: the single request above is the 505 rule, not a missing retry.
    await rejection(api.get('500'));
    expect(server.requests).toHaveLength(4);
  });

  it('never retries 413 Content Too Large, even with a Retry-After (ky alone would)', async () => {
    const server = await testServer((_request, response) => sendJson(response, 413, {}, { 'retry-after': '0' }));
    const api = createAuthClient({ prefix: server.url, retry: { limit: 2, initialDelayMs: 1 } });

    const error = await rejection(api.get('upload'));

    expect(ApiError.isInstance(error) && error.status).toBe(413);
    expect(server.requests).toHaveLength(1);
  });

  it("marks a provider's 429 as source 'provider', with the wait it asked for", async () => {
    const server = await testServer((_request, response) =>
      sendJson(response, 429, { error: 'slow down' }, { 'retry-after': '3600' }),
    );
    const api = createAuthClient({ prefix: server.url });

    const error = await rejection(api.get('limited'));

    expect(RateLimitError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ source: 'provider', status: 429, retryAfterMs: 3_600_000 });
    expect(server.requests).toHaveLength(1);
  });
});
