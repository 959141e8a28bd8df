import { afterEach, describe, expect, it } from 'vitest';
import { createAuthClient } from './create-auth-client.js';
import { sendJson, startTestServer, type TestServer } from './test-support/start-test-server.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** The real answers, except that an answer of `status` gets a body whose cancel never settles. */
const hangingCancelOn =
  (status: number): typeof fetch =>
  async (input, init) => {
    const response = await globalThis.fetch(input, init);
    if (response.status !== status) return response;
    const body = new ReadableStream({ cancel: () => new Promise<void>(() => undefined) });
    return new Response(body, { status, headers: response.headers });
  };

describe('an answer the engine does not read is let go without waiting for its body', () => {
  it('replays a 401 with the renewed token although the 401 body’s cancel never settles', async () => {
    const server = await startTestServer((request, response) => {
      if (request.headers.authorization === 'Bearer new') sendJson(response, 200, { ok: true });
      else sendJson(response, 401, { error: 'invalid_token' });
    });
    servers.push(server);
    let current = 'old';
    const client = createAuthClient({
      prefix: server.url,
      tokens: {
        getToken: async () => ({ accessToken: current }),
        invalidate: async () => {
          current = 'new';
          return { accessToken: current };
        },
      },
      // Without the fix the replay waits on the cancel until the attempt times out, and every retry does the same.
      timeoutMs: 1_000,
      retry: { limit: 0 },
      fetch: hangingCancelOn(401),
    });

    expect(await client.get('me').json()).toEqual({ ok: true });
    expect(server.requests.map((request) => request.headers.authorization)).toEqual(['Bearer old', 'Bearer new']);
  });

  it('follows a same-origin redirect although the redirect body’s cancel never settles', async () => {
    const server = await startTestServer((request, response) => {
      if (request.path === '/old') sendJson(response, 302, {}, { location: '/new' });
      else sendJson(response, 200, { moved: true });
    });
    servers.push(server);
    const client = createAuthClient({
      prefix: server.url,
      timeoutMs: 1_000,
      retry: { limit: 0 },
      fetch: hangingCancelOn(302),
    });

    expect(await client.get('old').json()).toEqual({ moved: true });
    expect(server.requests.map((request) => request.path)).toEqual(['/old', '/new']);
  });
});
