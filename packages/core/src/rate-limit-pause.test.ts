import { afterEach, describe, expect, it } from 'vitest';
import { createAuthClient } from './create-auth-client.js';
import { createRateLimiter } from './create-rate-limiter.js';
import { RateLimitError } from './errors/rate-limit-error.js';
import { sendJson, startTestServer, type TestServer } from './test-support/start-test-server.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** Answers the first request with `status` and `Retry-After`, every other one with 200. */
async function limitedOnce(status: number, retryAfter: string) {
  let answered = 0;
  const server = await startTestServer((_request, response) => {
    answered += 1;
    if (answered === 1) sendJson(response, status, { error: 'slow down' }, { 'retry-after': retryAfter });
    else sendJson(response, 200, {});
  });
  servers.push(server);
  return server;
}

describe('a 429 or 503 with Retry-After pauses the rate limiter the client shares', () => {
  it.each([429, 503])('%i: no caller of the shared limiter sends before Retry-After has passed', async (status) => {
    const server = await limitedOnce(status, '1');
    // One budget for two clients, as a provider's token client and API client share one. 200 ms between slots: the
    // 429 is back and the pause set long before the next slot, even on a loaded machine; the others are still queued.
    const limiter = createRateLimiter({ requestsPerSecond: 5 });
    const first = createAuthClient({ prefix: server.url, rateLimit: limiter });
    const second = createAuthClient({ prefix: server.url, rateLimit: limiter });

    await Promise.all([first.get('limited'), ...Array.from({ length: 4 }, (_, index) => second.get(`other/${index}`))]);

    const [limited, ...rest] = server.requests;
    expect(limited!.path).toBe('/limited');
    // Without the pause the others would leave 200 ms apart, right after the first; they all wait out its Retry-After.
    expect(rest).toHaveLength(5);
    for (const request of rest) expect(request.receivedAt - limited!.receivedAt).toBeGreaterThanOrEqual(999);
  });

  it('pauses for at most retry.maxRetryAfterMs: a longer Retry-After does not hold the other callers past it', async () => {
    const server = await limitedOnce(429, '3600');
    const limiter = createRateLimiter({ requestsPerSecond: 50 });
    const retry = { maxRetryAfterMs: 500 };
    const first = createAuthClient({ prefix: server.url, rateLimit: limiter, retry });
    // Its turn must come within 2 s: an hour-long pause would refuse it at once (RateLimitError, source 'client').
    const second = createAuthClient({ prefix: server.url, rateLimit: limiter, retry, timeoutMs: 2_000 });

    const refused = await first.get('limited').catch((error: unknown) => error);
    expect(RateLimitError.isInstance(refused)).toBe(true);
    expect((refused as RateLimitError).source).toBe('provider');
    expect((refused as RateLimitError).retryAfterMs).toBe(3_600_000);

    expect((await second.get('other')).status).toBe(200);
    const [limited, other] = server.requests;
    expect(other!.receivedAt - limited!.receivedAt).toBeGreaterThanOrEqual(499);
  });

  it('refuses at once, as RateLimitError from the client, a call whose turn the pause moves past timeoutMs', async () => {
    const server = await limitedOnce(429, '5');
    const limiter = createRateLimiter({ requestsPerSecond: 50 });
    const first = createAuthClient({ prefix: server.url, rateLimit: limiter, retry: 0 });
    const second = createAuthClient({ prefix: server.url, rateLimit: limiter, timeoutMs: 1_000 });

    await first.get('limited').catch(() => undefined);
    const refused = await second.get('other').catch((error: unknown) => error);

    expect(RateLimitError.isInstance(refused)).toBe(true);
    expect((refused as RateLimitError).source).toBe('client');
    expect((refused as RateLimitError).retryAfterMs).toBeGreaterThan(4_000);
    expect(server.requests).toHaveLength(1);
  });
});
