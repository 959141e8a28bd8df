import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuthClient } from './create-auth-client.js';
import { createSecretScrubber } from './create-secret-scrubber.js';
import { createTokenClient } from './create-token-client.js';
import { ApiError } from './errors/api-error.js';
import { AuthError } from './errors/auth-error.js';
import { CredentialsError } from './errors/credentials-error.js';
import { RedirectError } from './errors/redirect-error.js';
import { FileTokenStore } from './file-token-store.js';
import { MemoryTokenStore } from './memory-token-store.js';
import { captureLogger } from './test-support/capture-logger.js';
import { sendJson, startTestServer, type TestServer } from './test-support/start-test-server.js';
import { TokenManager } from './token-manager.js';
import type { TokenStore } from './token-store.js';

const clientSecret = 'SECRET-client-secret-7f3a';
const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function server(handler: Parameters<typeof startTestServer>[0]): Promise<TestServer> {
  const started = await startTestServer(handler);
  servers.push(started);
  return started;
}

/** A provider wired as ours are: one scrubber knowing the client secret, a token client, a manager, an API client. */
function client(tokenUrl: string, apiUrl = tokenUrl, extra: { store?: TokenStore; signalLogin?: () => void } = {}) {
  const logger = captureLogger();
  const secrets = createSecretScrubber([clientSecret]);
  const tokenClient = createTokenClient({ prefix: tokenUrl, packageName: '@auth/test', secrets, logger, retry: 0 });
  const tokens = new TokenManager({
    key: 'hostile',
    logger,
    secrets,
    ...(extra.store ? { store: extra.store } : {}),
    source: {
      async obtain() {
        extra.signalLogin?.();
        const body = await tokenClient
          .post('token', { json: { client_id: 'id', client_secret: clientSecret, grant_type: 'client_credentials' } })
          .json<{ access_token: string; expires_in?: number }>();
        return {
          accessToken: body.access_token,
          ...(body.expires_in === undefined ? {} : { expiresAt: Date.now() + body.expires_in * 1000 }),
        };
      },
    },
  });
  const api = createAuthClient({ prefix: apiUrl, tokens, packageName: '@auth/test', secrets, logger, retry: 0 });
  return { api, tokens, logger };
}

const goodToken = (response: Parameters<Parameters<typeof startTestServer>[0]>[1], token = 'SECRET-access-good') =>
  sendJson(response, 200, { access_token: token, expires_in: 3600 });

describe('secrets never leave for another origin', () => {
  for (const status of [307, 308, 301, 302, 303]) {
    it(`a token endpoint answering ${status} to another origin: RedirectError naming the origin, nothing sent there`, async () => {
      const other = await server((_request, response) => goodToken(response, 'SECRET-stolen-token'));
      const provider = await server((request, response) => {
        if (request.path === '/token') return void response.writeHead(status, { location: `${other.url}/token` }).end();
        return sendJson(response, 200, { ok: true });
      });
      const { api } = client(provider.url);
      const error = await api.get('data').catch((caught: unknown) => caught);
      expect(RedirectError.isInstance(error)).toBe(true);
      expect((error as RedirectError).locationOrigin).toBe(other.url);
      expect((error as Error).message).not.toContain('/token?');
      expect(other.requests).toHaveLength(0);
      expect(provider.requests.filter((request) => request.path !== '/token')).toHaveLength(0);
    });
  }

  it('a token endpoint redirecting to its own origin is refused too: a token request never follows', async () => {
    const provider = await server((request, response) => {
      if (request.path === '/token') return void response.writeHead(307, { location: '/token2' }).end();
      return goodToken(response);
    });
    const { api } = client(provider.url);
    await expect(api.get('data')).rejects.toSatisfy(RedirectError.isInstance);
    expect(provider.requests.map((request) => request.path)).toEqual(['/token']);
  });

  it('an API POST answered 302 to another origin: RedirectError, the other origin sees nothing', async () => {
    const other = await server((_request, response) => sendJson(response, 200, { stolen: true }));
    const provider = await server((request, response) => {
      if (request.path === '/token') return goodToken(response);
      return void response.writeHead(302, { location: `${other.url}/landing` }).end();
    });
    const { api } = client(provider.url);
    const error = await api.post('orders', { json: { card: 'SECRET-card' } }).catch((caught: unknown) => caught);
    expect(RedirectError.isInstance(error)).toBe(true);
    expect((error as RedirectError).status).toBe(302);
    expect(other.requests).toHaveLength(0);
  });

  it('follows a same-origin redirect with the token, with fetch method rules (303 turns a POST into a GET)', async () => {
    const provider = await server((request, response) => {
      if (request.path === '/token') return goodToken(response);
      if (request.path === '/moved') return void response.writeHead(301, { location: '/here' }).end();
      if (request.path === '/created') return void response.writeHead(303, { location: '/order/1' }).end();
      if (request.path === '/temporary') return void response.writeHead(307, { location: '/kept' }).end();
      return sendJson(response, 200, { path: request.path, method: request.method, body: request.body });
    });
    const { api } = client(provider.url);
    expect(await api.get('moved').json()).toEqual({ path: '/here', method: 'GET', body: '' });
    expect(await api.post('created', { json: { a: 1 } }).json()).toEqual({ path: '/order/1', method: 'GET', body: '' });
    expect(await api.post('temporary', { json: { a: 1 } }).json()).toEqual({
      path: '/kept',
      method: 'POST',
      body: '{"a":1}',
    });
    const followed = provider.requests.filter((request) => request.path !== '/token');
    expect(followed.every((request) => request.headers.authorization === 'Bearer SECRET-access-good')).toBe(true);
  });

  it('a bodied POST redirected (307) and then refused (401) is replayed whole: the body reaches every hop', async () => {
    let logins = 0;
    let refused = false;
    const provider = await server((request, response) => {
      if (request.path === '/token') return goodToken(response, `SECRET-access-${++logins}`);
      if (request.path === '/temporary') return void response.writeHead(307, { location: '/kept' }).end();
      if (!refused) {
        refused = true;
        return sendJson(response, 401, { error: 'invalid_token' });
      }
      return sendJson(response, 200, { body: request.body, authorization: request.headers.authorization });
    });
    const { api } = client(provider.url);

    const answer = await api.post('temporary', { json: { order: 1 } }).json();

    expect(answer).toEqual({ body: '{"order":1}', authorization: 'Bearer SECRET-access-2' });
    const sent = provider.requests.filter((request) => request.path !== '/token');
    expect(sent.map((request) => [request.path, request.body])).toEqual([
      ['/temporary', '{"order":1}'],
      ['/kept', '{"order":1}'],
      ['/temporary', '{"order":1}'],
      ['/kept', '{"order":1}'],
    ]);
  });

  it('never follows https to http, even to the same host', async () => {
    const plain = await server((_request, response) => sendJson(response, 200, { downgraded: true }));
    const tls = createHttpsServer(
      {
        key: readFileSync(new URL('./test-support/fixtures/loopback-key.pem', import.meta.url)),
        cert: readFileSync(new URL('./test-support/fixtures/loopback-cert.pem', import.meta.url)),
      },
      (request, response) => {
        if (request.url === '/token') return goodToken(response as never);
        response.writeHead(302, { location: `${plain.url}/landing` }).end();
      },
    );
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    const previous = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'; // the fixture certificate is self-signed
    try {
      const { port } = tls.address() as AddressInfo;
      const { api } = client(`https://127.0.0.1:${port}`);
      const error = await api.get('data').catch((caught: unknown) => caught);
      expect(RedirectError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain('https never downgrades to http');
      expect(plain.requests).toHaveLength(0);
    } finally {
      if (previous === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      else process.env.NODE_TLS_REJECT_UNAUTHORIZED = previous;
      tls.closeAllConnections();
      await new Promise((resolve) => tls.close(resolve));
    }
  });
});

describe('a bad token is refused before it is used, stored or printed', () => {
  for (const [label, token] of [
    ['CR/LF', 'SECRET-bad\r\nX-Injected: 1'],
    ['NUL', 'SECRET-bad\u0000tail'],
    ['a space', 'SECRET bad'],
    ['a non-ASCII character', 'SECRET-bäd'],
  ] as const) {
    it(`an access token with ${label}: a typed error that does not quote it, nothing cached, the next call logs in again`, async () => {
      let logins = 0;
      const provider = await server((request, response) => {
        if (request.path === '/token') return goodToken(response, ++logins === 1 ? token : 'SECRET-access-good');
        return sendJson(response, 200, { authorization: request.headers.authorization });
      });
      const store = new MemoryTokenStore();
      const { api } = client(provider.url, provider.url, { store });
      const error = await api.get('data').catch((caught: unknown) => caught);
      expect(AuthError.isInstance(error)).toBe(true);
      expect(inspect(error)).not.toContain('SECRET-bad');
      expect(await store.get('hostile')).toBeUndefined();
      expect(await api.get('data').json()).toEqual({ authorization: 'Bearer SECRET-access-good' });
      expect(logins).toBe(2);
    });
  }

  it('a refresh token with CR/LF is refused the same way', async () => {
    const manager = new TokenManager({
      key: 'k',
      source: { obtain: async () => ({ accessToken: 'SECRET-ok', refreshToken: 'SECRET-r\r\nefresh' }) },
    });
    const error = await manager.getToken().catch((caught: unknown) => caught);
    expect((error as Error).message).toMatch(/refresh token/);
    expect(inspect(error)).not.toContain('SECRET-r');
    expect(manager.peek()).toBeUndefined();
  });

  it('a stored record that is not a valid token set is absent, logged at warn, and replaced by the next renewal', async () => {
    const records = new Map<string, unknown>([
      ['k', { accessToken: 'SECRET-stored\r\nX: 1', expiresAt: Date.now() + 1e6 }],
    ]);
    const store: TokenStore = {
      get: async (key) => records.get(key) as never,
      set: async (key, value) => void records.set(key, value),
      delete: async (key) => void records.delete(key),
    };
    const logger = captureLogger();
    const manager = new TokenManager({
      key: 'k',
      store,
      logger,
      source: { obtain: async () => ({ accessToken: 'SECRET-new' }) },
    });
    expect((await manager.getToken()).accessToken).toBe('SECRET-new');
    expect(records.get('k')).toMatchObject({ accessToken: 'SECRET-new' });
    const warning = logger.records.find(
      (entry) => (entry.record as { event?: string }).event === 'store.invalid_record',
    );
    expect(warning?.level).toBe('warn');
    expect(JSON.stringify(logger.records)).not.toContain('SECRET-stored');
  });
});

describe('errors carry no secret, even when the server echoes one', () => {
  it('a token endpoint answering {"error": <client secret>}: neither the message nor reason quotes it', async () => {
    const provider = await server((_request, response) => sendJson(response, 400, { error: clientSecret }));
    const { api } = client(provider.url);
    const error = await api.get('data').catch((caught: unknown) => caught);
    expect(CredentialsError.isInstance(error)).toBe(true);
    expect((error as CredentialsError).reason).toBeUndefined();
    expect(inspect(error)).not.toContain(clientSecret);
  });

  it('an API error body echoing the Authorization header and a secret query value: scrubbed from data and inspect', async () => {
    const provider = await server((request, response) => {
      if (request.path === '/token') return goodToken(response);
      return sendJson(response, 500, {
        echo: { authorization: request.headers.authorization, url: request.path },
        note: `token was ${request.headers.authorization?.slice(7)} and secret ${clientSecret}`,
      });
    });
    const { api, logger } = client(provider.url);
    const error = await api.get('data', { searchParams: { api_key: 'SECRET-query-value' } }).catch((caught) => caught);
    expect(ApiError.isInstance(error)).toBe(true);
    const shown = inspect(error, { depth: 10 });
    expect(shown).toContain('[REDACTED]');
    for (const secret of ['SECRET-access-good', clientSecret]) {
      expect(shown).not.toContain(secret);
      expect(JSON.stringify(logger.records)).not.toContain(secret);
    }
  });
});

describe('the provider says why', () => {
  it('an API error quotes the provider message, on one line and with every known secret scrubbed', async () => {
    const provider = await server((request, response) => {
      if (request.path === '/token') return goodToken(response);
      return sendJson(response, 409, { message: `Cart\nlocked by SECRET-access-good for ${clientSecret}` });
    });
    const { api } = client(provider.url);
    const error = await api.post('carts', { json: {} }).catch((caught: unknown) => caught);
    expect(ApiError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      `@auth/test: POST ${provider.url}/carts failed with 409 Conflict: Cart locked by [REDACTED] for [REDACTED].`,
    );
  });
});

describe('bounded memory', () => {
  it('an oversized token answer (chunked, 50 MB) fails with an ApiError and is not read much past 64 KiB', async () => {
    let written = 0;
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const provider = await server((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      const pump = () => {
        while (written < 50 * 1024 * 1024) {
          written += chunk.length;
          if (!response.write(chunk)) return void response.once('drain', pump);
        }
        response.end();
      };
      response.on('close', () => (written = Math.min(written, written)));
      pump();
    });
    const { api } = client(provider.url);
    const error = await api.get('data').catch((caught: unknown) => caught);
    expect(ApiError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/maxResponseBytes \(65536 bytes\)/);
    // Kernel socket buffers hold a few MB; the client stopped reading long before the 50 MB were sent.
    expect(written).toBeLessThan(25 * 1024 * 1024);
  });

  it('an oversized API answer with a Content-Length over maxResponseBytes fails at once', async () => {
    const provider = await server((request, response) => {
      if (request.path === '/token') return goodToken(response);
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(2_000_000) });
      response.write('{"a":"');
    });
    const { api } = client(provider.url);
    const small = createAuthClient({ prefix: provider.url, maxResponseBytes: 1_000_000, retry: 0 });
    await expect(small.get('data')).rejects.toThrow(/maxResponseBytes \(1000000 bytes\)/);
    expect(api).toBeDefined();
  });

  it('an oversized chunked API answer fails as the body crosses maxResponseBytes', async () => {
    const provider = await server((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ data: 'x'.repeat(5000) }));
    });
    const chunked = await server((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      response.write('{"data":"');
      response.write('x'.repeat(5000));
      response.end('"}');
    });
    const within = createAuthClient({ prefix: provider.url, maxResponseBytes: 10_000, retry: 0 });
    expect(await within.get('x').json()).toEqual({ data: 'x'.repeat(5000) });
    const over = createAuthClient({ prefix: chunked.url, maxResponseBytes: 1000, retry: 0 });
    await expect(over.get('x').json()).rejects.toSatisfy(ApiError.isInstance);
  });

  it('refuses a maxResponseBytes that is not a positive integer', () => {
    expect(() => createAuthClient({ prefix: 'https://a.example', maxResponseBytes: 0 })).toThrow(/maxResponseBytes/);
  });
});

describe('bounded waits', () => {
  it('an abort while a call waits for a slow login rejects at once with the reason; the login goes on for others', async () => {
    let release: () => void = () => {};
    const loginHeld = new Promise<void>((resolve) => (release = resolve));
    let loginStarted: () => void = () => {};
    const started = new Promise<void>((resolve) => (loginStarted = resolve));
    const provider = await server(async (request, response) => {
      if (request.path === '/token') {
        await loginHeld;
        return goodToken(response);
      }
      return sendJson(response, 200, { ok: true });
    });
    const { api, tokens } = client(provider.url, provider.url, { signalLogin: loginStarted });
    const controller = new AbortController();
    const aborted = api.get('data', { signal: controller.signal }).catch((caught: unknown) => caught);
    const patient = api.get('data').json();
    await started;
    const reason = new Error('caller gave up');
    const abortedAt = performance.now();
    controller.abort(reason);
    expect(await aborted).toBe(reason);
    const abortToRejectionMs = performance.now() - abortedAt;
    release();
    expect(await patient).toEqual({ ok: true });
    expect(provider.requests.filter((request) => request.path === '/token')).toHaveLength(1);
    expect(tokens.peek()?.accessToken).toBe('SECRET-access-good');
    // Reported, never asserted against a clock: this machine is shared.
    console.info(`abort to rejection while waiting for a login: ${abortToRejectionMs.toFixed(1)} ms`);
  });

  it('TokenManager.getToken({ signal }) ends the caller wait only', async () => {
    let finish: (value: { accessToken: string }) => void = () => {};
    const manager = new TokenManager({
      key: 'k',
      source: { obtain: () => new Promise((resolve) => (finish = resolve)) },
    });
    const controller = new AbortController();
    const first = manager.getToken({ signal: controller.signal });
    const second = manager.getToken();
    controller.abort(new Error('stop'));
    await expect(first).rejects.toThrow('stop');
    finish({ accessToken: 'SECRET-late' });
    expect((await second).accessToken).toBe('SECRET-late');
  });

  it('a store that never answers counts as down after storeTimeoutMs: the call gets a per-process token', async () => {
    const never = new Promise<never>(() => {});
    const store: TokenStore = { get: () => never, set: () => never, delete: () => never };
    const logger = captureLogger();
    const manager = new TokenManager({
      key: 'k',
      store,
      logger,
      storeTimeoutMs: 50,
      source: { obtain: async () => ({ accessToken: 'SECRET-local' }) },
    });
    expect((await manager.getToken()).accessToken).toBe('SECRET-local');
    expect(logger.records.some((entry) => (entry.record as { event?: string }).event === 'store.unavailable')).toBe(
      true,
    );
  });
});

describe('a renewal that makes no progress does not storm', () => {
  it('a token endpoint handing back the same token with a shrinking expires_in: a bounded number of token requests', async () => {
    let now = 1_000_000;
    const clock = { now: () => now };
    const lifetimeMs = 600_000;
    const expiresAt = now + lifetimeMs;
    let requests = 0;
    const logger = captureLogger();
    const manager = new TokenManager({
      key: 'k',
      clock,
      logger,
      random: () => 0.5,
      source: {
        obtain: async () => {
          requests += 1;
          return { accessToken: 'SECRET-same', expiresAt };
        },
      },
    });
    // One call per simulated second across the whole lifetime.
    for (; now < expiresAt - 1000; now += 1000) {
      await manager.getToken();
      await new Promise((resolve) => setImmediate(resolve));
    }
    console.info(`token requests over one lifetime against a no-progress server: ${requests}`);
    expect(requests).toBeLessThanOrEqual(2);
    const warnings = logger.records.filter(
      (entry) => (entry.record as { event?: string }).event === 'token.renewal_no_progress',
    );
    expect(warnings).toHaveLength(1);
  });
});

describe('stores fail safe', () => {
  it('a FileTokenStore record of the wrong shape or with CR/LF is absent, logged at warn, and replaced', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'auth-hostile-'));
    try {
      const path = join(directory, 'tokens.json');
      for (const bad of [{ accessToken: 'SECRET-file\r\nX: 1' }, { accessToken: {} }, null, 'text']) {
        await writeFile(path, JSON.stringify({ k: bad }));
        const logger = captureLogger();
        const manager = new TokenManager({
          key: 'k',
          store: new FileTokenStore(path),
          logger,
          source: { obtain: async () => ({ accessToken: 'SECRET-fresh' }) },
        });
        expect((await manager.getToken()).accessToken).toBe('SECRET-fresh');
        expect(JSON.parse(await readFile(path, 'utf8')).k.accessToken).toBe('SECRET-fresh');
        const events = logger.records.map((entry) => (entry.record as { event?: string }).event);
        expect(events).toContain(bad === null ? 'token.renewed' : 'store.invalid_record');
        expect(events).not.toContain('store.unavailable');
      }
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('a FileTokenStore path under /proc fails at once instead of spinning in mkdir: the call gets a token', async () => {
    const store = new FileTokenStore('/proc/self/auth-hostile/tokens.json');
    await expect(store.set('k', { accessToken: 'SECRET-x' })).rejects.toThrow();
    const manager = new TokenManager({
      key: 'k',
      store,
      source: { obtain: async () => ({ accessToken: 'SECRET-p' }) },
    });
    expect((await manager.getToken()).accessToken).toBe('SECRET-p');
  });
});
