import { afterEach, describe, expect, it } from 'vitest';
import { createAuthClient } from './create-auth-client.js';
import { ApiError } from './errors/api-error.js';
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

  it('fails a body over maxResponseBytes at once although the source’s cancel never settles', async () => {
    const server = await startTestServer((_request, response) => sendJson(response, 200, {}));
    servers.push(server);
    const client = createAuthClient({
      prefix: server.url,
      timeoutMs: 1_000,
      retry: { limit: 0 },
      maxResponseBytes: 1_024,
      // A chunked answer of 64 KiB, 1 KiB a chunk, whose cancel never settles.
      fetch: async (input, init) => {
        await globalThis.fetch(input, init).then((response) => response.arrayBuffer());
        let sent = 0;
        const body = new ReadableStream<Uint8Array>({
          pull: (controller) => {
            sent += 1;
            if (sent > 64) controller.close();
            else controller.enqueue(new Uint8Array(1_024).fill(32));
          },
          cancel: () => new Promise<void>(() => undefined),
        });
        return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
      },
    });

    const error = await client
      .get('big')
      .json()
      .catch((caught: unknown) => caught);
    expect(ApiError.isInstance(error)).toBe(true);
    expect((error as ApiError).message).toContain('over maxResponseBytes (1024 bytes)');
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
