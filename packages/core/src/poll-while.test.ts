import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAuthClient } from './create-auth-client.js';
import { pollWhile } from './poll-while.js';
import type { RateLimiter } from './rate-limiter.js';
import { captureLogger } from './test-support/capture-logger.js';
import { sendJson, startTestServer, type TestServer } from './test-support/start-test-server.js';

const servers: TestServer[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** Answers 202 (`headers` on it) `times` times, then 200. */
async function stillRunning(times: number, headers: Record<string, string> = {}) {
  const server = await startTestServer((request, response) => {
    if (server.requests.filter((seen) => seen.path === request.path).length <= times) {
      sendJson(response, 202, { status: 'processing' }, headers);
    } else sendJson(response, 200, { status: 'done' });
  });
  servers.push(server);
  return server;
}

/** A limiter that counts its slots and holds each for `holdMs` (0: none). */
function countingLimiter(holdMs = 0): RateLimiter & { slots: number } {
  const limiter = {
    slots: 0,
    async acquire() {
      limiter.slots += 1;
      if (holdMs > 0) await new Promise((resolve) => setTimeout(resolve, holdMs));
    },
  };
  return limiter;
}

describe('pollWhile: an answer that says "not ready" is asked again by the engine', () => {
  it('sends each poll the engine’s way: a rate-limit slot, the token and a log record of its own', async () => {
    const server = await stillRunning(2);
    const rateLimit = countingLimiter();
    const logger = captureLogger();
    const client = createAuthClient({
      prefix: server.url,
      tokens: { getToken: async () => ({ accessToken: 'polled-token' }), immediate: true },
      rateLimit,
      logger,
      retry: { limit: 3, initialDelayMs: 5 },
      poll: pollWhile(202),
    });

    const response = await client.get('export');

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'done' });
    expect(server.requests).toHaveLength(3);
    expect(server.requests.every((request) => request.headers.authorization === 'Bearer polled-token')).toBe(true);
    // A fleet sharing one limiter counts the polls too; an operator sees each 202 in the log.
    expect(rateLimit.slots).toBe(3);
    expect(logger.records.map(({ record }) => (record as { status?: number }).status)).toEqual([202, 202, 200]);
  });

  it('counts the wait for a rate-limit slot against the attempt: no poll whose wait would end past timeoutMs', async () => {
    const server = await stillRunning(5);
    // The slot takes 300 of the attempt's 400 ms; the first wait (150 ms at the top of the jitter draw) would end
    // past it, ky would time the attempt out and its retry would start the polls over.
    vi.spyOn(Math, 'random').mockReturnValue(0.999);
    const client = createAuthClient({
      prefix: server.url,
      rateLimit: countingLimiter(300),
      timeoutMs: 400,
      retry: { limit: 3, initialDelayMs: 150 },
      poll: pollWhile(202),
    });

    const response = await client.get('export');

    expect(response.status).toBe(202);
    expect(server.requests).toHaveLength(1);
  });

  it('never asks a POST again, and gives up at once on a Retry-After past retry.maxRetryAfterMs', async () => {
    const server = await stillRunning(5, { 'retry-after': '120' });
    const client = createAuthClient({
      prefix: server.url,
      retry: { limit: 3, initialDelayMs: 5, maxRetryAfterMs: 60_000, retryNonIdempotent: true },
      poll: pollWhile(202),
    });

    expect((await client.post('export', { json: {} })).status).toBe(202);
    expect((await client.get('export')).status).toBe(202);
    expect(server.requests.map((request) => request.method)).toEqual(['POST', 'GET']);
  });

  it('does not wait for a polled answer’s body to be let go: a cancel that never settles holds nothing up', async () => {
    const server = await stillRunning(2);
    let bodies = 0;
    const client = createAuthClient({
      prefix: server.url,
      retry: { limit: 3, initialDelayMs: 5 },
      poll: pollWhile(202),
      // The real answers, except that each 202 body is a stream whose cancel never settles.
      fetch: async (input, init) => {
        const response = await globalThis.fetch(input, init);
        if (response.status !== 202) return response;
        bodies += 1;
        const body = new ReadableStream({ cancel: () => new Promise<void>(() => undefined) });
        return new Response(body, { status: 202, headers: response.headers });
      },
    });

    expect((await client.get('export')).status).toBe(200);
    expect(bodies).toBe(2);
  });
});
