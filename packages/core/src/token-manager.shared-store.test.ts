// Many clients in one process sharing a store object: one renewal per key, whatever their number; and sessions whose
// credentials are not kept (createSessionTokenSource). Real token endpoint on 127.0.0.1 (startOAuthServer).
import { afterEach, describe, expect, it } from 'vitest';
import { createSessionTokenSource } from './create-session-token-source.js';
import { createTokenClient } from './create-token-client.js';
import { CredentialsError } from './errors/credentials-error.js';
import { MemoryTokenStore } from './memory-token-store.js';
import { captureLogger } from './test-support/capture-logger.js';
import { createOAuthClient } from './test-support/create-oauth-client.js';
import { type OAuthServer, startOAuthServer } from './test-support/start-oauth-server.js';
import { TokenManager } from './token-manager.js';
import type { TokenSet } from './token-set.js';
import type { TokenSource } from './token-source.js';
import type { TokenStore } from './token-store.js';

let server: OAuthServer;
afterEach(async () => {
  await server?.close();
});

const manualClock = (start = Date.now()) => {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
};

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

/** The server's grants as a token source (client_credentials, refresh_token), on `clock`. */
function oauthSource(clock = { now: () => Date.now() }) {
  const tokenClient = createTokenClient({ prefix: server.url, packageName: '@auth/test', retry: 0 });
  const credentials = { client_id: server.options.clientId, client_secret: server.options.clientSecret };
  const request = async (grant: Record<string, string | undefined>): Promise<TokenSet> => {
    const body = await tokenClient
      .post('token', { json: { ...credentials, ...grant } })
      .json<{ access_token: string; expires_in: number; refresh_token?: string }>();
    return {
      accessToken: body.access_token,
      expiresAt: clock.now() + body.expires_in * 1000,
      ...(body.refresh_token && { refreshToken: body.refresh_token }),
    };
  };
  return {
    obtain: () => request({ grant_type: 'client_credentials' }),
    refresh: (current: TokenSet) => request({ grant_type: 'refresh_token', refresh_token: current.refreshToken }),
  } satisfies TokenSource;
}

const grants = () =>
  server.tokenRequests.map((request) => (JSON.parse(request.body) as { grant_type: string }).grant_type);

describe('one renewal per key in a process, whatever the number of clients sharing a store', () => {
  it('2,000 clients sharing a store, called 200 at a time on a cold cache: one token request', async () => {
    server = await startOAuthServer();
    const store = new MemoryTokenStore();
    const clients = Array.from({ length: 2_000 }, () => createOAuthClient(server, { store }));
    for (let from = 0; from < clients.length; from += 200) {
      await Promise.all(clients.slice(from, from + 200).map(({ api }) => api.get('data').json()));
    }
    expect(server.tokenRequests).toHaveLength(1);
    expect(server.apiRequests).toHaveLength(2_000);
  });

  it('a 401 storm across 100 clients sharing a store: one refresh, no refresh token sent twice', async () => {
    server = await startOAuthServer();
    const store = new MemoryTokenStore();
    const clients = Array.from({ length: 100 }, () => createOAuthClient(server, { store }));
    await Promise.all(clients.map(({ api }) => api.get('data').json()));
    server.expireAll();
    server.tokenRequests.length = 0;
    const answers = await Promise.all(clients.map(({ api }) => api.get('data').json<{ token: string }>()));
    expect(grants()).toEqual(['refresh_token']);
    expect(server.refreshTokenReuse).toBe(0);
    expect(new Set(answers.map((answer) => answer.token)).size).toBe(1);
    expect((await store.get('test'))?.accessToken).toBe(answers[0]?.token);
  });

  it('clients of different keys in one store never share a renewal: 50 clients on each of two keys, two logins', async () => {
    server = await startOAuthServer();
    const store = new MemoryTokenStore();
    const managers = ['tenant-a', 'tenant-b'].flatMap((key) =>
      Array.from({ length: 50 }, () => new TokenManager({ key, store, source: oauthSource() })),
    );
    const tokens = await Promise.all(managers.map((manager) => manager.getToken()));
    expect(server.tokenRequests).toHaveLength(2);
    expect(new Set(tokens.slice(0, 50).map((token) => token.accessToken)).size).toBe(1);
    expect(new Set(tokens.slice(50).map((token) => token.accessToken)).size).toBe(1);
    expect(tokens[0]?.accessToken).not.toBe(tokens[50]?.accessToken);
  });

  it('clients made per call that find a stored token inside its refresh window renew it once, in the background', async () => {
    server = await startOAuthServer({ lifetimeSeconds: 3600, tokenDelayMs: 100 });
    const clock = manualClock();
    const store = new MemoryTokenStore();
    const first = await createOAuthClient(server, { store, clock }).tokens.getToken();
    clock.advance(3600_000 - 60_000); // inside the 5-minute window, still valid
    const served = await Promise.all(
      Array.from({ length: 20 }, () =>
        createOAuthClient(server, { store, clock }).api.get('data').json<{ token: string }>(),
      ),
    );
    // Nobody waited: every call went out with the stored token while one renewal ran for them all.
    expect(served.every((answer) => answer.token === first.accessToken)).toBe(true);
    await expect.poll(async () => (await store.get('test'))?.accessToken).not.toBe(first.accessToken);
    expect(grants()).toEqual(['client_credentials', 'refresh_token']);
  });

  it('clear() lets a renewal in flight end first, so that its result does not bring a logged-out token back', async () => {
    server = await startOAuthServer({ tokenDelayMs: 200 });
    const store = new MemoryTokenStore();
    const renewing = new TokenManager({ key: 'customer', store, source: oauthSource() });
    const loggingOut = new TokenManager({ key: 'customer', store, source: oauthSource() });
    const renewal = renewing.getToken();
    await loggingOut.clear();
    await renewal;
    expect(await store.get('customer')).toBeUndefined();
  });
});

describe('sessions whose credentials are not kept (createSessionTokenSource)', () => {
  const sessionManager = (store: TokenStore, clock = manualClock(), logger = captureLogger()) =>
    new TokenManager({
      key: 'customer',
      store,
      clock,
      logger,
      source: createSessionTokenSource({ packageName: '@auth/test', refresh: oauthSource(clock).refresh }),
    });

  it('nothing stored: CredentialsError no_session, and nothing is sent', async () => {
    server = await startOAuthServer();
    const error = await rejection(sessionManager(new MemoryTokenStore()).getToken());
    expect(CredentialsError.isInstance(error) && error.reason).toBe('no_session');
    expect(server.requests).toHaveLength(0);
  });

  it('replace() stores the token of a login; another client of the key uses it and renews it by refresh', async () => {
    server = await startOAuthServer({ lifetimeSeconds: 60 });
    const clock = manualClock();
    const store = new MemoryTokenStore();
    const login = await oauthSource(clock).obtain();
    const started = await sessionManager(store, clock).replace(login);
    expect((await store.get('customer'))?.refreshToken).toBe(login.refreshToken);
    const later = sessionManager(store, clock);
    expect((await later.getToken()).accessToken).toBe(started.accessToken);
    clock.advance(61_000);
    const renewed = await later.getToken();
    expect(renewed.accessToken).not.toBe(login.accessToken);
    expect((await store.get('customer'))?.refreshToken).toBe(renewed.refreshToken);
    expect(grants()).toEqual(['client_credentials', 'refresh_token']);
  });

  it('a refresh token rejected with invalid_grant ends the session: the error says so, the record is gone, no login', async () => {
    server = await startOAuthServer({ lifetimeSeconds: 60 });
    const clock = manualClock();
    const store = new MemoryTokenStore();
    const logger = captureLogger();
    const manager = sessionManager(store, clock, logger);
    await manager.replace(await oauthSource(clock).obtain());
    server.tokenRequests.length = 0;
    server.tokenFaults.push({ status: 400, body: { error: 'invalid_grant' } });
    clock.advance(61_000);
    const error = await rejection(manager.getToken());
    expect(CredentialsError.isInstance(error) && error.reason).toBe('invalid_grant');
    expect(grants()).toEqual(['refresh_token']);
    expect(await store.get('customer')).toBeUndefined();
    expect(logger.records.map((entry) => (entry.record as { event?: string }).event)).toContain('session.ended');
    // Over: the next call is no_session, without a request.
    const next = await rejection(manager.getToken());
    expect(CredentialsError.isInstance(next) && next.reason).toBe('no_session');
    expect(server.tokenRequests).toHaveLength(1);
  });

  it("a rejection of the client's own credentials (invalid_client) surfaces and leaves the session stored", async () => {
    server = await startOAuthServer({ lifetimeSeconds: 60 });
    const clock = manualClock();
    const store = new MemoryTokenStore();
    const manager = sessionManager(store, clock);
    const login = await manager.replace(await oauthSource(clock).obtain());
    server.tokenFaults.push({ status: 400, body: { error: 'invalid_client' } });
    clock.advance(61_000);
    const error = await rejection(manager.getToken());
    expect(CredentialsError.isInstance(error) && error.reason).toBe('invalid_client');
    expect((await store.get('customer'))?.refreshToken).toBe(login.refreshToken);
    expect(grants()).toEqual(['client_credentials', 'refresh_token']);
  });

  it('a session logged out elsewhere (its record deleted) ends here at its next renewal, with nothing sent', async () => {
    server = await startOAuthServer({ lifetimeSeconds: 60 });
    const clock = manualClock();
    const store = new MemoryTokenStore();
    const here = sessionManager(store, clock);
    await here.replace(await oauthSource(clock).obtain());
    await sessionManager(store, clock).clear();
    clock.advance(61_000);
    const error = await rejection(here.getToken());
    expect(CredentialsError.isInstance(error) && error.reason).toBe('no_session');
    expect(grants()).toEqual(['client_credentials']);
  });
});
