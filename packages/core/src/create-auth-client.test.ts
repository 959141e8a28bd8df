import { inspect } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAuthClient } from './create-auth-client.js';
import { createRateLimiter } from './create-rate-limiter.js';
import { ApiError } from './errors/api-error.js';
import { AuthError } from './errors/auth-error.js';
import { ConfigError } from './errors/config-error.js';
import { NetworkError } from './errors/network-error.js';
import { RateLimitError } from './errors/rate-limit-error.js';
import { RedirectError } from './errors/redirect-error.js';
import { captureLogger } from './test-support/capture-logger.js';
import { createOAuthClient } from './test-support/create-oauth-client.js';
import { useRetryAfterClock } from './test-support/retry-after-clock.js';
import { type OAuthServer, startOAuthServer } from './test-support/start-oauth-server.js';
import { sendJson, startTestServer, type TestServer } from './test-support/start-test-server.js';

const servers: Array<TestServer | OAuthServer> = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function oauthServer(...args: Parameters<typeof startOAuthServer>) {
  const server = await startOAuthServer(...args);
  servers.push(server);
  return server;
}

async function testServer(...args: Parameters<typeof startTestServer>) {
  const server = await startTestServer(...args);
  servers.push(server);
  return server;
}

describe('401 handling', () => {
  it('renews once and replays once after a 401', async () => {
    const server = await oauthServer();
    const { api } = createOAuthClient(server);
    await api.get('data');
    server.expireAll();
    const body = await api.get('data').json<{ token: string }>();
    expect(body.token).toBe('SECRET-access-2');
    expect(server.tokenRequests).toHaveLength(2);
    expect(server.apiRequests).toHaveLength(3);
  });

  it('replays a POST with its body after a 401', async () => {
    const server = await oauthServer();
    const { api } = createOAuthClient(server);
    await api.get('data');
    server.expireAll();
    const response = await api.post('orders', { json: { item: 42 } });
    expect(response.status).toBe(201);
    const posts = server.apiRequests.filter((request) => request.method === 'POST');
    expect(posts.map((request) => request.body)).toEqual(['{"item":42}', '{"item":42}']);
  });

  it('makes exactly 2 API calls on a persistent 401, then throws ApiError', async () => {
    const server = await oauthServer();
    const { api } = createOAuthClient(server);
    server.rejectAll = true;
    const error = await api.get('data').catch((caught: unknown) => caught);
    expect(ApiError.isInstance(error)).toBe(true);
    expect((error as ApiError).status).toBe(401);
    expect(server.apiRequests).toHaveLength(2);
    expect(server.tokenRequests).toHaveLength(2);
  });

  it('renews only once when many in-flight requests see the same 401', async () => {
    const server = await oauthServer();
    const { api } = createOAuthClient(server);
    await api.get('data');
    server.expireAll();
    await Promise.all(Array.from({ length: 50 }, () => api.get('data')));
    expect(server.tokenRequests).toHaveLength(2);
  });
});

describe('retry', () => {
  it('does not retry POST by default', async () => {
    const server = await oauthServer();
    const { api } = createOAuthClient(server);
    server.apiFaults.push({ status: 503 });
    const error = await api.post('orders', { json: {} }).catch((caught: unknown) => caught);
    expect(ApiError.isInstance(error)).toBe(true);
    expect((error as ApiError).status).toBe(503);
    expect(server.apiRequests).toHaveLength(1);
  });

  it('retries POST when the caller opts in', async () => {
    const server = await oauthServer();
    const { api } = createOAuthClient(server, { retry: { retryNonIdempotent: true, initialDelayMs: 1 } });
    server.apiFaults.push({ status: 503 });
    expect((await api.post('orders', { json: {} })).status).toBe(201);
    expect(server.apiRequests).toHaveLength(2);
  });

  it('retries GET on 5xx and 408 but not on 501 or 400', async () => {
    const server = await oauthServer();
    const { api } = createOAuthClient(server, { retry: { initialDelayMs: 1 } });
    server.apiFaults.push({ status: 500 }, { status: 502 }, { status: 408 });
    expect((await api.get('data')).status).toBe(200);
    expect(server.apiRequests).toHaveLength(4);
    server.apiFaults.push({ status: 507 }, { status: 520 });
    expect((await api.get('data')).status).toBe(200);
    expect(server.apiRequests).toHaveLength(7);
    server.apiFaults.push({ status: 501 });
    await expect(api.get('data')).rejects.toMatchObject({ status: 501 });
    server.apiFaults.push({ status: 400 });
    await expect(api.get('data')).rejects.toMatchObject({ status: 400 });
    expect(server.apiRequests).toHaveLength(9);
  });

  it('never retries sooner than Retry-After: 2', async () => {
    const server = await oauthServer();
    const clock = useRetryAfterClock();
    const { api } = createOAuthClient(server, { retry: { initialDelayMs: 1 }, telemetry: clock.telemetry });
    await api.get('data');
    server.apiFaults.push({ status: 429, headers: { 'retry-after': '2' } });
    const call = api.get('data');
    await clock.elapseRetryAfter();
    await call;
    expect(clock.asked).toEqual([2000]);
    const [, limited, retried] = server.apiRequests;
    expect(retried!.receivedAt - limited!.receivedAt).toBeGreaterThanOrEqual(2000);
  });

  it('honours Retry-After given as an HTTP date on 503', async () => {
    const server = await oauthServer();
    // On a whole second, so that the date (whole seconds) is exactly 2 s ahead.
    const clock = useRetryAfterClock({ now: Math.ceil(Date.now() / 1000) * 1000 });
    const { api } = createOAuthClient(server, { retry: { initialDelayMs: 1 }, telemetry: clock.telemetry });
    await api.get('data');
    const inTwoSeconds = new Date(Date.now() + 2000).toUTCString();
    server.apiFaults.push({ status: 503, headers: { 'retry-after': inTwoSeconds } });
    const call = api.get('data');
    await clock.elapseRetryAfter();
    await call;
    expect(clock.asked).toEqual([2000]);
    const [, limited, retried] = server.apiRequests;
    expect(retried!.receivedAt - limited!.receivedAt).toBeGreaterThanOrEqual(2000);
  });

  it('throws RateLimitError at once for a Retry-After past the cap', async () => {
    const server = await oauthServer();
    const { api } = createOAuthClient(server);
    await api.get('data');
    server.apiFaults.push({ status: 429, headers: { 'retry-after': '3600' } });
    const error = await api.get('data').catch((caught: unknown) => caught);
    expect(RateLimitError.isInstance(error)).toBe(true);
    expect((error as RateLimitError).retryAfterMs).toBe(3_600_000);
    expect(ApiError.isInstance(error)).toBe(true);
    expect(server.apiRequests).toHaveLength(2);
  });

  it('retries a POST after a 429 (not processed) no sooner than Retry-After', async () => {
    const server = await oauthServer();
    const clock = useRetryAfterClock();
    const { api } = createOAuthClient(server, { telemetry: clock.telemetry });
    await api.get('data');
    server.apiFaults.push({ status: 429, headers: { 'retry-after': '1' } });
    const call = api.post('orders', { json: { item: 1 } });
    await clock.elapseRetryAfter();
    expect((await call).status).toBe(201);
    expect(clock.asked).toEqual([1000]);
    const posts = server.apiRequests.filter((request) => request.method === 'POST');
    expect(posts.map((request) => request.body)).toEqual(['{"item":1}', '{"item":1}']);
    expect(posts[1]!.receivedAt - posts[0]!.receivedAt).toBeGreaterThanOrEqual(1000);
  });

  it('surfaces a 429 as RateLimitError with the wait once retries are exhausted', async () => {
    const server = await oauthServer();
    const { api } = createOAuthClient(server, { retry: 0 });
    server.apiFaults.push({ status: 429, headers: { 'retry-after': '5' } });
    const error = await api.post('orders', { json: {} }).catch((caught: unknown) => caught);
    expect(RateLimitError.isInstance(error)).toBe(true);
    expect((error as RateLimitError).retryAfterMs).toBe(5000);
  });

  it('shares one rate limiter between clients when given an instance', async () => {
    const server = await testServer((_request, response) => sendJson(response, 200, {}));
    const limiter = createRateLimiter({ requestsPerSecond: 20 });
    const first = createAuthClient({ prefix: server.url, rateLimit: limiter });
    const second = createAuthClient({ prefix: server.url, rateLimit: limiter });
    await Promise.all([
      ...Array.from({ length: 3 }, () => first.get('a')),
      ...Array.from({ length: 3 }, () => second.get('b')),
    ]);
    const times = server.requests.map((request) => request.receivedAt);
    // Six requests through one 20/s budget: the last leaves at least 5 × 50 ms after the first.
    expect(times[5]! - times[0]!).toBeGreaterThanOrEqual(240);
  });

  it('fails at once with a client-side RateLimitError when the rateLimit has no slot within timeoutMs', async () => {
    const server = await testServer((_request, response) => sendJson(response, 200, {}));
    // One request per 100 s: the second call's turn is far past its 1 s attempt timeout.
    const api = createAuthClient({ prefix: server.url, timeoutMs: 1_000, rateLimit: { requestsPerSecond: 0.01 } });
    await api.get('first?token=secret-value');
    const error = await api.get('second?token=secret-value').catch((caught: unknown) => caught);

    expect(RateLimitError.isInstance(error)).toBe(true);
    const limited = error as RateLimitError;
    expect(limited.source).toBe('client');
    expect(limited.retryAfterMs).toBeGreaterThan(90_000);
    expect(limited.message).toMatch(/not sent: the client-side rateLimit has no slot within timeoutMs/);
    expect(limited.message).not.toContain('secret-value');
    // Refused up front: not a timeout (NetworkError) after a useless wait, and no retry.
    expect(server.requests).toHaveLength(1);
  });

  it('times out a hanging attempt, retries it, and ends with NetworkError at the deadline', async () => {
    const server = await testServer(() => {
      /* never answers */
    });
    const api = createAuthClient({ prefix: server.url, timeoutMs: 100, retry: { limit: 2, initialDelayMs: 1 } });
    const error = await api.get('slow').catch((caught: unknown) => caught);
    expect(NetworkError.isInstance(error)).toBe(true);
    expect((error as NetworkError).timedOut).toBe(true);
    expect(server.requests).toHaveLength(3);
  });

  it('maps a refused connection to NetworkError', async () => {
    const server = await testServer(() => {});
    const url = server.url;
    await server.close();
    const api = createAuthClient({ prefix: url, retry: 0 });
    const error = await api.get('x').catch((caught: unknown) => caught);
    expect(NetworkError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('ECONNREFUSED');
  });

  it('maps malformed JSON and an empty body to ApiError', async () => {
    const server = await testServer((request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(request.path === '/empty' ? '' : '{"a":');
    });
    const api = createAuthClient({ prefix: server.url });
    await expect(api.get('broken').json()).rejects.toSatisfy((error) => ApiError.isInstance(error));
    await expect(api.get('empty').json()).rejects.toThrow(/empty body/);
  });
});

describe('client headers and error mapping', () => {
  it("sends the client headers on every attempt, under the call's own headers of the same name", async () => {
    let calls = 0;
    const server = await testServer((_request, response) => {
      calls += 1;
      sendJson(response, calls === 1 ? 503 : 200, {});
    });
    const api = createAuthClient({
      prefix: server.url,
      retry: { limit: 1, maxDelayMs: 1 },
      headers: { 'x-app': 'shop', 'accept-language': 'en' },
    });
    await api.get('first');
    await api.get('second', { headers: { 'Accept-Language': 'de' } });
    await api.get('third', {
      hooks: { beforeRequest: [({ request }) => void request.headers.set('x-app', 'from-a-hook')] },
    });
    const seen = server.requests.map((request) => [
      request.path,
      request.headers['x-app'],
      request.headers['accept-language'],
    ]);
    expect(seen).toEqual([
      // The retried attempt of a call carries them too.
      ['/first', 'shop', 'en'],
      ['/first', 'shop', 'en'],
      ['/second', 'shop', 'de'],
      ['/third', 'from-a-hook', 'en'],
    ]);
  });

  it('keeps a client accept or content-type over the ones ky fills in for .json() and a json body', async () => {
    const server = await testServer((_request, response) => sendJson(response, 200, {}));
    const api = createAuthClient({
      prefix: server.url,
      headers: { accept: 'application/vnd.shop+json', 'content-type': 'application/vnd.shop+json' },
    });
    await api.get('read').json();
    await api.post('write', { json: { a: 1 } }).json();
    await api.get('own', { headers: { accept: 'text/plain' } }).text();
    const seen = server.requests.map((request) => [
      request.path,
      request.headers.accept,
      request.headers['content-type'],
    ]);
    expect(seen).toEqual([
      ['/read', 'application/vnd.shop+json', 'application/vnd.shop+json'],
      ['/write', 'application/vnd.shop+json', 'application/vnd.shop+json'],
      ['/own', 'text/plain', 'application/vnd.shop+json'],
    ]);
  });

  it('scrubs what mapError quotes from an answer that echoes the token', async () => {
    const token = 'SECRET-token-echoed-in-the-envelope';
    const server = await testServer((request, response) => {
      sendJson(response, 400, { message: `bad request for ${request.headers.authorization}` });
    });
    const api = createAuthClient({
      prefix: server.url,
      tokens: { getToken: async () => ({ accessToken: token }) },
      mapError: (error) =>
        ApiError.isInstance(error) ? new Error(`mapped: ${(error.data as { message: string }).message}`) : error,
    });
    const error = (await api.get('x').catch((caught: unknown) => caught)) as Error;
    expect(error.message).toMatch(/^mapped: bad request for Bearer /);
    expect(`${error.message} ${inspect(error, { depth: 5 })}`).not.toContain(token);
  });
});

describe('safety', () => {
  it('refuses http:// to a non-loopback host unless allowed', () => {
    expect(() => createAuthClient({ prefix: 'http://api.example.com' })).toThrow(ConfigError);
    expect(() => createAuthClient({ prefix: 'http://api.example.com', allowInsecureHttp: true })).not.toThrow();
    expect(() => createAuthClient({ prefix: 'http://127.0.0.1:1' })).not.toThrow();
    expect(() => createAuthClient({ prefix: 'not a url' })).toThrow(/baseUrl is not a valid/);
  });

  it('does not follow a redirect to another origin: RedirectError, nothing sent there', async () => {
    const other = await testServer((_request, response) => sendJson(response, 200, { ok: true }));
    const server = await oauthServer();
    const redirecting = await testServer((_request, response) => {
      response.writeHead(302, { location: `${other.url}/landing` }).end();
    });
    const { tokens } = createOAuthClient(server);
    const api = createAuthClient({ prefix: redirecting.url, tokens });
    await expect(api.get('go')).rejects.toSatisfy(RedirectError.isInstance);
    expect(redirecting.requests[0]!.headers.authorization).toMatch(/^Bearer /);
    expect(other.requests).toHaveLength(0);
  });

  it('rejects invalid retry and timeout options with ConfigError naming them', () => {
    expect(() => createAuthClient({ prefix: 'https://a.example', retry: { limit: -1 } })).toThrow(/retry\.limit/);
    expect(() => createAuthClient({ prefix: 'https://a.example', timeoutMs: 0 })).toThrow(/timeoutMs/);
  });
});

describe('logging', () => {
  it('logs one record per HTTP exchange with timestamp, method, endpoint, status, duration and attempt', async () => {
    const server = await oauthServer();
    const logger = captureLogger();
    const { api } = createOAuthClient(server, { logger, retry: { initialDelayMs: 1 } });
    server.apiFaults.push({ status: 503 });
    await api.get('data', { searchParams: { page: 2, api_key: 'SECRET-query' } });
    const http = logger.records.filter((entry) => entry.message === 'http request');
    // token request, 503, retried success
    expect(http).toHaveLength(3);
    const [token, failed, retried] = http.map((entry) => entry.record as Record<string, unknown>);
    expect(token).toMatchObject({ method: 'POST', kind: 'token', status: 200, attempt: 1 });
    expect(failed).toMatchObject({ method: 'GET', status: 503, attempt: 1 });
    expect(retried).toMatchObject({ method: 'GET', status: 200, attempt: 2 });
    expect(retried!.endpoint).toBe(`${server.url}/api/data?page=2&api_key=[REDACTED]`);
    expect(typeof retried!.durationMs).toBe('number');
    expect(Number.isNaN(Date.parse(String(retried!.timestamp)))).toBe(false);
    expect(logger.records.some((entry) => (entry.record as { event?: string }).event === 'token.renewed')).toBe(true);
  });
});

describe('secret scan', () => {
  it('finds no secret in any log record, error message, error field or inspect output', async () => {
    const server = await oauthServer({ lifetimeSeconds: 3600 });
    const logger = captureLogger();
    const { api } = createOAuthClient(server, { logger, retry: { initialDelayMs: 1 } });
    const errors: unknown[] = [];
    const attempt = (promise: Promise<unknown>) => promise.catch((error: unknown) => errors.push(error));
    await api.get('data', { searchParams: { token: 'SECRET-query-token' } });
    server.expireAll();
    await api.get('data');
    server.apiFaults.push({ status: 429, headers: { 'retry-after': '9999' } });
    await attempt(api.get('data'));
    server.apiFaults.push({ status: 400, body: { error: 'bad' } });
    await attempt(api.post('orders', { json: { password: 'SECRET-body' } }));
    server.rejectAll = true;
    await attempt(api.get('data'));
    server.rejectAll = false;
    const wrong = createOAuthClient(server, { logger, clientSecret: 'SECRET-wrong-secret' });
    await attempt(wrong.api.get('data'));
    const hanging = await testServer(() => {});
    await attempt(createAuthClient({ prefix: hanging.url, timeoutMs: 50, retry: 0, logger }).get('x?secret=SECRET-q'));

    expect(errors).toHaveLength(5);
    expect(errors.every((error) => AuthError.isInstance(error))).toBe(true);
    const haystack = [
      JSON.stringify(logger.records),
      ...errors.flatMap((error) => [
        String((error as Error).message),
        JSON.stringify(error),
        inspect(error, { depth: 5 }),
      ]),
    ].join('\n');
    expect(haystack).not.toMatch(/SECRET-/);
  });
});

describe('token endpoint errors', () => {
  it('never keep the body of an error page that echoes the credentials', async () => {
    const server = await testServer((request, response) => {
      response.writeHead(502, { 'content-type': 'text/html' }).end(`<h1>Bad gateway</h1><p>${request.path}</p>`);
    });
    const { createTokenClient } = await import('./create-token-client.js');
    const client = createTokenClient({ prefix: server.url, packageName: '@auth/t', retry: 0 });
    const error = await client
      .get('login', { searchParams: { client_secret: 'SECRET-in-query' } })
      .catch((caught: unknown) => caught);
    expect(ApiError.isInstance(error)).toBe(true);
    expect((error as ApiError).data).toBeUndefined();
    expect(inspect(error, { depth: 5 })).not.toContain('SECRET-');
  });

  it('turn a connection dropped mid-body into a NetworkError and retry it', async () => {
    const server = await testServer((request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      if (server.requests.length === 1) {
        response.write('{"access_token":');
        response.socket?.destroy();
      } else {
        response.end(JSON.stringify({ ok: true }).padEnd(100, ' '));
      }
      void request;
    });
    const { createTokenClient } = await import('./create-token-client.js');
    const client = createTokenClient({ prefix: server.url, packageName: '@auth/t', retry: { initialDelayMs: 1 } });
    expect(await client.post('token', { json: {} }).json()).toEqual({ ok: true });
    expect(server.requests).toHaveLength(2);
  });
});

describe('network error reasons', () => {
  it('names a port fetch refuses to use', async () => {
    const api = createAuthClient({ prefix: 'http://127.0.0.1:6000', retry: 0 });
    const error = await api.get('x').catch((caught: unknown) => caught);
    expect(NetworkError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('bad port');
  });
});
