import { ApiError, ConfigError, CredentialsError, MemoryTokenStore, type TokenStore } from '@auth/core';
import { type MusementEmulatorHandle, musementTestCredentials, startMusementEmulator } from '@auth/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMusementClient } from './create-musement-client.js';
import type { MusementClientOptions } from './musement-client-options.js';
import { rejection } from './test-support/rejection.js';

const { clientId, clientSecret, application, username, password } = musementTestCredentials;
const customer = { username, password };
const quickRetry = { initialDelayMs: 1, maxDelayMs: 5 };
const emulators: MusementEmulatorHandle[] = [];

async function startEmulator(options: Parameters<typeof startMusementEmulator>[0] = {}) {
  const emulator = await startMusementEmulator(options);
  emulators.push(emulator);
  return emulator;
}

function connect(emulator: MusementEmulatorHandle, options: MusementClientOptions = {}) {
  return createMusementClient({ baseUrl: emulator.url, clientId, clientSecret, application, ...options });
}

const logins = (emulator: MusementEmulatorHandle) =>
  emulator.requests.filter((request) => request.path === '/api/v3/login');

beforeEach(() => {
  for (const name of ['MUSEMENT_CLIENT_ID', 'MUSEMENT_CLIENT_SECRET', 'MUSEMENT_APPLICATION']) vi.stubEnv(name, '');
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(emulators.splice(0).map((emulator) => emulator.close()));
});

describe('grants and login methods', () => {
  it('client_credentials by POST: JSON body, no customer context, no refresh token', async () => {
    const emulator = await startEmulator({ tokenLifetimeSeconds: 120 });
    const musement = connect(emulator);
    const cities = await musement.api.get('cities', { searchParams: { limit: 3 } }).json<Array<{ name: string }>>();
    expect(cities.map((city) => city.name)).toEqual(['Rome', 'Milan', 'Venice']);

    const [login] = logins(emulator);
    expect(login?.method).toBe('POST');
    expect(login?.headers['content-type']).toMatch(/^application\/json/);
    expect(login?.query).toEqual({});
    expect(login?.body).toEqual({ client_id: clientId, client_secret: clientSecret, grant_type: 'client_credentials' });
    expect(emulator.counters.tokenRequestsByGrant).toEqual({ client_credentials: 1 });

    const token = await musement.getToken();
    expect(token.refreshToken).toBeUndefined();
    expect(emulator.requests.at(-1)?.headers.authorization).toBe(`Bearer ${token.accessToken}`);
    // A customer-only resource says so: the token carries no customer.
    const error = await rejection(musement.api.get('me').json());
    expect(ApiError.isInstance(error) && error.status).toBe(403);
  });

  it('password by POST: acts for the customer and keeps the refresh token', async () => {
    const emulator = await startEmulator();
    const musement = connect(emulator, customer);
    const me = await musement.api.get('me').json<{ email: string }>();
    expect(me.email).toBe(username);
    expect(logins(emulator)[0]?.body).toEqual({
      client_id: clientId,
      client_secret: clientSecret,
      grant_type: 'password',
      username,
      password,
    });
    const token = await musement.getToken();
    expect(token).toMatchObject({ tokenType: 'bearer', scope: 'user, password' });
    expect(token.refreshToken).toBe(emulator.latestRefreshToken(username));
  });

  it('GET sends the grant in the query string exactly as the documentation shows, for every grant', async () => {
    const emulator = await startEmulator();
    await connect(emulator, { loginMethod: 'GET' }).api.get('cities').json();
    const musement = connect(emulator, { loginMethod: 'GET', ...customer });
    await musement.api.get('me').json();
    emulator.expireAllTokens();
    await musement.api.get('me').json();

    const [clientLogin, passwordLogin, refresh] = logins(emulator);
    for (const login of [clientLogin, passwordLogin, refresh]) {
      expect(login?.method).toBe('GET');
      expect(login?.body).toBeUndefined();
    }
    expect(Object.entries(clientLogin?.query ?? {})).toEqual([
      ['client_id', clientId],
      ['client_secret', clientSecret],
      ['grant_type', 'client_credentials'],
    ]);
    expect(Object.entries(passwordLogin?.query ?? {})).toEqual([
      ['client_id', clientId],
      ['client_secret', clientSecret],
      ['grant_type', 'password'],
      ['username', username],
      ['password', password],
    ]);
    expect(Object.keys(refresh?.query ?? {})).toEqual(['client_id', 'client_secret', 'refresh_token', 'grant_type']);
    expect(refresh?.query.grant_type).toBe('refresh_token');
    expect(emulator.counters.tokenRequestsByGrant).toEqual({ client_credentials: 1, password: 1, refresh_token: 1 });
  });

  it('logs in again after clearToken(), with a new token', async () => {
    const emulator = await startEmulator();
    const musement = connect(emulator);
    const first = await musement.getToken();
    await musement.clearToken();
    await musement.api.get('cities').json();
    expect(logins(emulator)).toHaveLength(2);
    expect((await musement.getToken()).accessToken).not.toBe(first.accessToken);
  });

  it('takes clientId, clientSecret and application from the environment', async () => {
    const emulator = await startEmulator();
    vi.stubEnv('MUSEMENT_CLIENT_ID', clientId);
    vi.stubEnv('MUSEMENT_CLIENT_SECRET', clientSecret);
    vi.stubEnv('MUSEMENT_APPLICATION', 'from-environment');
    await createMusementClient({ baseUrl: emulator.url }).api.get('cities').json();
    expect(emulator.counters.tokenRequests).toBe(1);
    expect(emulator.requests.every((request) => request.headers['x-musement-application'] === 'from-environment')).toBe(
      true,
    );
  });
});

describe('headers', () => {
  it('sends application, pinned version, language, currency and market on login and on every API call', async () => {
    const emulator = await startEmulator();
    const musement = connect(emulator, { ...customer, language: 'it-IT', currency: 'GBP', market: 'it' });
    await musement.api.get('cities').json();
    const cart = await musement.api.post('carts', { json: {} }).json<{ total_price: { currency: string } }>();
    emulator.expireAllTokens();
    await musement.api.get('me').json();

    expect(emulator.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'POST /api/v3/login',
      'GET /api/v3/cities',
      'POST /api/v3/carts',
      'GET /api/v3/me',
      'POST /api/v3/login',
      'GET /api/v3/me',
    ]);
    for (const request of emulator.requests) {
      expect(request.headers).toMatchObject({
        'x-musement-application': application,
        'x-musement-version': '3.4.0',
        'accept-language': 'it-IT',
        'x-musement-currency': 'GBP',
        'x-musement-market': 'it',
      });
    }
    expect(cart.total_price.currency).toBe('GBP');
  });

  it('sends only the configured ones, with the version a user pins', async () => {
    const emulator = await startEmulator();
    await connect(emulator, { version: '3.5.0' }).api.get('cities').json();
    for (const request of emulator.requests) {
      expect(request.headers['x-musement-version']).toBe('3.5.0');
      expect(request.headers).not.toHaveProperty('x-musement-currency');
      expect(request.headers).not.toHaveProperty('x-musement-market');
    }
  });
});

describe('token lifecycle', () => {
  it('200 concurrent calls on a cold cache log in exactly once', async () => {
    const emulator = await startEmulator();
    const musement = connect(emulator);
    const results = await Promise.all(
      Array.from({ length: 200 }, () => musement.api.get('cities', { searchParams: { limit: 1 } }).json<unknown[]>()),
    );
    expect(results.every((cities) => cities.length === 1)).toBe(true);
    expect(emulator.counters.tokenRequests).toBe(1);
    expect(emulator.counters.apiRequests).toBe(200);
    expect(emulator.counters.unauthorized).toBe(0);
  });

  it('stores expiresAt as our receive time plus expires_in', async () => {
    const emulator = await startEmulator({ tokenLifetimeSeconds: 120 });
    const now = Date.now();
    const token = await connect(emulator, { clock: { now: () => now } }).getToken();
    expect(token.expiresAt).toBe(now + 120_000);
    expect(token.issuedAt).toBe(now);
  });

  it('renews ahead of expiry in the background while the current token keeps serving', async () => {
    const emulator = await startEmulator({ tokenLifetimeSeconds: 3600 });
    let offsetMs = 0;
    const musement = connect(emulator, { ...customer, clock: { now: () => Date.now() + offsetMs } });
    const first = await musement.getToken();
    offsetMs = 3_600_000 - 20_000; // inside the 5-minute refresh window, still valid
    expect((await musement.getToken()).accessToken).toBe(first.accessToken);
    await vi.waitFor(() => expect(emulator.counters.tokenRequestsByGrant.refresh_token).toBe(1));
    const renewed = await musement.getToken();
    expect(renewed.accessToken).not.toBe(first.accessToken);
    expect(renewed.refreshToken).not.toBe(first.refreshToken);
    expect(emulator.counters.tokenRequestsByGrant).toEqual({ password: 1, refresh_token: 1 });
  });

  it('server-side expiry: 401, one refresh_token grant, replay; 50 rotations without reusing a refresh token', async () => {
    const emulator = await startEmulator();
    const events: string[] = [];
    const inner = new MemoryTokenStore();
    const store: TokenStore = {
      get: (key) => inner.get(key),
      set: async (key, value) => {
        events.push(`stored ${value.accessToken}`);
        await inner.set(key, value);
      },
      delete: (key) => inner.delete(key),
    };
    // A pass-through that notes which token each request carries, to order it against the store writes.
    const observingFetch: typeof fetch = (input, init) => {
      const authorization = input instanceof Request ? input.headers.get('authorization') : null;
      if (authorization) events.push(`sent ${authorization.slice('Bearer '.length)}`);
      return fetch(input, init);
    };
    const musement = connect(emulator, { ...customer, store, fetch: observingFetch });
    await musement.api.get('me').json();

    for (let rotation = 1; rotation <= 50; rotation++) {
      const before = await musement.getToken();
      emulator.expireAllTokens();
      const me = await musement.api.get('me').json<{ email: string }>();
      expect(me.email).toBe(username);
      const after = await musement.getToken();
      expect(after.accessToken).not.toBe(before.accessToken);
      expect(after.refreshToken).not.toBe(before.refreshToken);
      expect(after.refreshToken).toBe(emulator.latestRefreshToken(username));
    }

    expect(emulator.counters.tokenRequestsByGrant).toEqual({ password: 1, refresh_token: 50 });
    expect(emulator.counters.unauthorized).toBe(50);
    expect(emulator.counters.refreshTokenReuse).toBe(0);
    const presented = logins(emulator)
      .filter((login) => (login.body as { grant_type?: string }).grant_type === 'refresh_token')
      .map((login) => (login.body as { refresh_token: string }).refresh_token);
    expect(new Set(presented).size).toBe(50);
    // Each new pair reached the store before any request used it.
    const stored = events.filter((event) => event.startsWith('stored '));
    expect(stored).toHaveLength(51);
    for (const event of stored) {
      const token = event.slice('stored '.length);
      expect(events.indexOf(event)).toBeLessThan(events.indexOf(`sent ${token}`));
    }
  });

  it('a POST rejected with 401 is replayed with its body after the refresh', async () => {
    const emulator = await startEmulator();
    const musement = connect(emulator, customer);
    await musement.api.get('me').json();
    emulator.expireAllTokens();
    const cart = await musement.api
      .post('carts', { json: { discount_code: 'SUMMER' } })
      .json<{ discount_code: string; customer: { email: string } }>();
    expect(cart).toMatchObject({ discount_code: 'SUMMER', customer: { email: username } });
    const posts = emulator.requests.filter((request) => request.path === '/api/v3/carts');
    expect(posts.map((request) => request.body)).toEqual([{ discount_code: 'SUMMER' }, { discount_code: 'SUMMER' }]);
    expect(emulator.counters.tokenRequestsByGrant).toEqual({ password: 1, refresh_token: 1 });
  });

  it('many calls hitting the same expired token share one refresh', async () => {
    const emulator = await startEmulator();
    const musement = connect(emulator, customer);
    await musement.api.get('me').json();
    emulator.expireAllTokens();
    emulator.reset();
    const results = await Promise.all(Array.from({ length: 50 }, () => musement.api.get('me').json()));
    expect(results).toHaveLength(50);
    expect(emulator.counters.tokenRequestsByGrant).toEqual({ refresh_token: 1 });
    expect(emulator.counters.refreshTokenReuse).toBe(0);
  });

  it('client_credentials has no refresh token: server-side expiry logs in again', async () => {
    const emulator = await startEmulator();
    const musement = connect(emulator);
    await musement.api.get('cities').json();
    emulator.expireAllTokens();
    await musement.api.get('cities').json();
    expect(emulator.counters.tokenRequestsByGrant).toEqual({ client_credentials: 2 });
  });

  it('a revoked refresh token: one refresh attempt, one fresh login, then success', async () => {
    const emulator = await startEmulator();
    const musement = connect(emulator, customer);
    await musement.api.get('me').json();
    const revoked = emulator.latestRefreshToken(username)!;
    emulator.revoke(revoked);
    emulator.expireAllTokens();
    emulator.reset();

    const me = await musement.api.get('me').json<{ email: string }>();
    expect(me.email).toBe(username);
    expect(logins(emulator).map((login) => (login.body as { grant_type: string }).grant_type)).toEqual([
      'refresh_token',
      'password',
    ]);
    expect(logins(emulator)[0]?.body).toMatchObject({ refresh_token: revoked });
    expect((await musement.getToken()).refreshToken).toBe(emulator.latestRefreshToken(username));
    expect(emulator.counters.refreshTokenReuse).toBe(0);
  });

  it('a refresh answer without a refresh token: the old one is not sent again, the next renewal logs in', async () => {
    const emulator = await startEmulator();
    const musement = connect(emulator, customer);
    await musement.api.get('me').json();
    const original = emulator.latestRefreshToken(username);
    emulator.expireAllTokens();
    emulator.reset();
    // The refresh is answered with an access token the API does not know, and no refresh token.
    emulator.injectFault({
      match: { path: '/api/v3/login' },
      kind: 'status',
      status: 200,
      body: { access_token: 'unknown-to-the-api', expires_in: 3600, token_type: 'bearer' },
    });
    const error = await rejection(musement.api.get('me').json());
    expect(ApiError.isInstance(error) && error.status).toBe(401);
    expect((await musement.getToken()).refreshToken).toBeUndefined();

    const me = await musement.api.get('me').json<{ email: string }>();
    expect(me.email).toBe(username);
    expect(logins(emulator).map((login) => (login.body as { grant_type: string }).grant_type)).toEqual([
      'refresh_token',
      'password',
    ]);
    expect(logins(emulator)[0]?.body).toMatchObject({ refresh_token: original });
    expect(emulator.counters.refreshTokenReuse).toBe(0);
  });

  it('when the fresh login after a rejected refresh is rejected too, the call fails with CredentialsError', async () => {
    const emulator = await startEmulator();
    const musement = connect(emulator, customer);
    await musement.api.get('me').json();
    emulator.expireAllTokens();
    emulator.reset();
    emulator.injectFault({
      match: { path: '/api/v3/login' },
      kind: 'status',
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Invalid username and password combination' },
      times: 2,
    });
    const error = await rejection(musement.api.get('me').json());
    expect(CredentialsError.isInstance(error)).toBe(true);
    expect((error as CredentialsError).reason).toBe('invalid_grant');
    expect(emulator.counters.tokenRequests).toBe(2);
    expect(emulator.counters.apiRequests).toBe(1);
  });

  it('a second 401 after the replay surfaces as ApiError 401, never a loop', async () => {
    const emulator = await startEmulator();
    const musement = connect(emulator, customer);
    await musement.api.get('me').json();
    emulator.reset();
    emulator.injectFault({ match: { path: '/api/v3/me' }, kind: 'status', status: 401, times: 2 });
    const error = await rejection(musement.api.get('me').json());
    expect(ApiError.isInstance(error) && error.status).toBe(401);
    expect(emulator.counters.apiRequests).toBe(2);
    expect(emulator.counters.tokenRequestsByGrant).toEqual({ refresh_token: 1 });
  });

  it('a login answered 503 is retried; bad credentials never are', async () => {
    const emulator = await startEmulator();
    emulator.injectFault({ match: { path: '/api/v3/login' }, kind: 'status', status: 503 });
    await connect(emulator, { retry: quickRetry }).api.get('cities').json();
    expect(emulator.counters.tokenRequests).toBe(2);
  });
});

describe('one store, many clients', () => {
  it('separates clients, hosts and users, and shares a token between clients of the same identity', async () => {
    const users = [customer, { username: 'second@example.com', password: 'second-password' }];
    const production = await startEmulator({ users });
    const staging = await startEmulator({ users });
    const store = new MemoryTokenStore();
    const tokens = await Promise.all([
      connect(production, { store }).getToken(),
      connect(production, { store, ...customer }).getToken(),
      connect(production, { store, ...users[1]! }).getToken(),
      connect(staging, { store }).getToken(),
    ]);
    expect(new Set(tokens.map((token) => token.accessToken)).size).toBe(4);
    expect(production.counters.tokenRequests).toBe(3);
    expect(staging.counters.tokenRequests).toBe(1);

    // A second process of the same client finds the token in the shared store.
    const again = connect(production, { store, ...customer });
    await again.api.get('me').json();
    expect((await again.getToken()).accessToken).toBe(tokens[1]?.accessToken);
    expect(production.counters.tokenRequests).toBe(3);
  });
});

describe('errors', () => {
  it('a wrong client secret is a CredentialsError after exactly one login attempt, even under load', async () => {
    const emulator = await startEmulator();
    const musement = connect(emulator, { clientSecret: 'not-the-secret', retry: quickRetry });
    const errors = await Promise.all(Array.from({ length: 20 }, () => rejection(musement.api.get('cities').json())));
    for (const error of errors) {
      expect(CredentialsError.isInstance(error)).toBe(true);
      expect((error as CredentialsError).reason).toBe('invalid_client');
      expect((error as Error).message).toMatch(/^@auth\/musement: /);
    }
    expect(emulator.counters.tokenRequests).toBe(1);
    expect(emulator.counters.apiRequests).toBe(0);
  });

  it('a wrong password is a CredentialsError (invalid_grant) after one attempt', async () => {
    const emulator = await startEmulator();
    const error = await rejection(connect(emulator, { username, password: 'wrong-password' }).getToken());
    expect(CredentialsError.isInstance(error) && error.reason).toBe('invalid_grant');
    expect(emulator.counters.tokenRequests).toBe(1);
  });

  it('a missing application is a ConfigError before any request', async () => {
    const emulator = await startEmulator();
    let error: unknown;
    try {
      createMusementClient({ baseUrl: emulator.url, clientId, clientSecret });
    } catch (thrown) {
      error = thrown;
    }
    expect(ConfigError.isInstance(error) && error.option).toBe('application');
    expect((error as Error).message).toContain('MUSEMENT_APPLICATION');
    expect(emulator.requests).toHaveLength(0);
  });

  it("Musement's 400 code 2271 at login is a ConfigError naming application, not a CredentialsError", async () => {
    const emulator = await startEmulator();
    emulator.injectFault({
      match: { path: '/api/v3/login' },
      kind: 'status',
      status: 400,
      body: { code: '2271', message: "The header 'x-musement-application' is mandatory and cannot be empty" },
    });
    const error = await rejection(connect(emulator).api.get('cities').json());
    expect(ConfigError.isInstance(error) && error.option).toBe('application');
    expect(CredentialsError.isInstance(error)).toBe(false);
    expect(emulator.counters.tokenRequests).toBe(1);
  });

  it('an application or market Musement does not accept (code -1) is a ConfigError', async () => {
    const emulator = await startEmulator({ applications: ['another-application'] });
    const error = await rejection(connect(emulator).getToken());
    expect(ConfigError.isInstance(error) && error.option).toBe('application');

    const markets = await startEmulator();
    const marketError = await rejection(connect(markets, { market: 'atlantis' }).getToken());
    expect(ConfigError.isInstance(marketError)).toBe(true);
    expect((marketError as Error).message).toContain('market');
    expect(emulator.counters.tokenRequests + markets.counters.tokenRequests).toBe(2);
  });

  it.each([
    ['without access_token', { expires_in: 3600, token_type: 'bearer' }, /without an access_token/],
    ['with expires_in 0', { access_token: 'looks-fine', expires_in: 0 }, /expires_in/],
    ['with expires_in "soon"', { access_token: 'looks-fine', expires_in: 'soon' }, /expires_in/],
  ])('a login answered 200 %s is an ApiError, not a crash', async (_name, body, message) => {
    const emulator = await startEmulator();
    emulator.injectFault({ match: { path: '/api/v3/login' }, kind: 'status', status: 200, body });
    const error = await rejection(connect(emulator).api.get('cities').json());
    expect(ApiError.isInstance(error)).toBe(true);
    expect((error as ApiError).message).toMatch(message);
    expect(emulator.counters.apiRequests).toBe(0);
  });

  it('a login answered with broken JSON is an ApiError', async () => {
    const emulator = await startEmulator();
    emulator.injectFault({ match: { path: '/api/v3/login' }, kind: 'malformed-json' });
    const error = await rejection(connect(emulator).getToken());
    expect(ApiError.isInstance(error) && error.message).toMatch(/not valid JSON/);
  });

  it('a login without expires_in gives a token with no known expiry', async () => {
    const emulator = await startEmulator();
    emulator.injectFault({
      match: { path: '/api/v3/login' },
      kind: 'status',
      status: 200,
      body: { access_token: 'token-without-expiry', token_type: 'bearer' },
    });
    const token = await connect(emulator).getToken();
    expect(token.accessToken).toBe('token-without-expiry');
    expect(token.expiresAt).toBeUndefined();
  });
});
