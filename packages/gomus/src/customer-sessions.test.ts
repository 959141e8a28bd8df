// Shop customer sessions (POST /api/v4/auth/sign_in, devise_token_auth headers) against the go~mus emulator.
import { ApiError, ConfigError, CredentialsError, MemoryTokenStore, type TokenSet, type TokenStore } from '@auth/core';
import { createTokenKey } from '@auth/core/provider';
import { captureLogger, findLeakedSecrets, gomusTestTokens, startGomusEmulator } from '@auth/testing';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createGomusClient } from './create-gomus-client.js';
import type { GomusClientOptions } from './gomus-client-options.js';
import { failureCollector } from './test-support/failure-collector.js';

type Emulator = Awaited<ReturnType<typeof startGomusEmulator>>;

const email = 'max.mustermann@example.com';
const password = 'customer-password-4f9a2c7e';
const shopUrl = 'shop.museum.example';
const shopCustomers = [{ email, password, shopUrl }];
// The repository's leak audit (vitest setup) then looks for it in every record and error of this file too.
(globalThis as { registerSecret?: (value: string) => void }).registerSecret?.(password);

const logger = captureLogger();
const errors: unknown[] = [];
const secrets = new Set<string>([password]);
const emulators: Emulator[] = [];
const failure = failureCollector(errors);

afterEach(async () => {
  await Promise.all(emulators.splice(0).map((emulator) => emulator.close()));
});
afterAll(() => {
  // Every record and error of this file, against the password and every token and client value the server issued.
  expect(errors.length).toBeGreaterThan(5);
  expect(findLeakedSecrets(secrets, logger.records, errors)).toEqual([]);
});

async function start(options: Parameters<typeof startGomusEmulator>[0] = {}) {
  const emulator = await startGomusEmulator({ shopCustomers, ...options });
  emulators.push(emulator);
  return emulator;
}

function clientFor(emulator: Emulator, options: GomusClientOptions = {}) {
  return createGomusClient({ baseUrl: emulator.url, logger, retry: { initialDelayMs: 5 }, ...options });
}

/** Keeps every session value the server issues for the leak scan of this file. */
function noteIssued(emulator: Emulator) {
  for (const request of emulator.requests) {
    for (const name of ['access-token', 'client'] as const) {
      const value = request.headers[name];
      if (value) secrets.add(value);
    }
  }
  const latest = emulator.latestCustomerToken(email);
  if (latest) secrets.add(latest);
}

const sessionKey = (emulator: Emulator, customer = email) =>
  createTokenKey({ provider: 'gomus', baseUrl: emulator.url, clientId: 'shop-customer', user: customer });

const whoami = async (api: { get(path: string): { json<T>(): Promise<T> } }) =>
  (await api.get('whoami').json<{ access: string }>()).access;

/** A store that counts writes, to see what reaches it. */
function countingStore() {
  const inner = new MemoryTokenStore();
  const writes: TokenSet[] = [];
  const store: TokenStore = {
    get: (key) => inner.get(key),
    set: async (key, value) => {
      writes.push(value);
      await inner.set(key, value);
    },
    delete: (key) => inner.delete(key),
  };
  return { store, writes, inner };
}

describe('loginCustomer and customer(email)', () => {
  it('signs in once with X-Shop-Url, then sends the four headers (never the API token); whoami says customer', async () => {
    const emulator = await start();
    const store = new MemoryTokenStore();
    const gomus = clientFor(emulator, { token: gomusTestTokens.user, store });

    const session = await gomus.loginCustomer({ email, password, shopUrl });
    expect(await whoami(session.api)).toBe('customer');
    const updated = await session.api.put('auth', { json: { newsletter_groups: '1,8' } }).json();
    expect(updated).toMatchObject({ status: 'success', data: { newsletter_groups: '1,8' } });
    noteIssued(emulator);

    const [signIn, ...calls] = emulator.requests;
    expect(signIn).toMatchObject({
      method: 'POST',
      path: '/api/v4/auth/sign_in',
      body: { email, password },
      headers: { 'x-shop-url': shopUrl },
    });
    expect(signIn?.headers.authorization).toBeUndefined();
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      expect(call.headers).toMatchObject({
        'access-token': emulator.latestCustomerToken(email),
        'token-type': 'Bearer',
        client: expect.any(String),
        uid: email,
        'x-shop-url': shopUrl,
      });
      expect(call.headers.authorization).toBeUndefined();
      expect(call.headers['x-auth-gomus-session']).toBeUndefined();
    }
    // The password was sent once and is kept nowhere: not in the stored session.
    expect(emulator.requests.filter((request) => JSON.stringify(request.body ?? '').includes(password))).toHaveLength(
      1,
    );
    const stored = await store.get(sessionKey(emulator));
    expect(stored?.accessToken).toBe(emulator.latestCustomerToken(email));
    expect(JSON.stringify(stored)).not.toContain(password);
    // The static token's client is untouched: whoami there is still the user's.
    expect((await gomus.whoami()).access).toBe('user');
  });

  it('serves a stored session to another client sharing the store, by e-mail whatever its case', async () => {
    const emulator = await start();
    const store = new MemoryTokenStore();
    await clientFor(emulator, { store }).loginCustomer({ email, password, shopUrl });
    const elsewhere = clientFor(emulator, { store });

    expect(await whoami(elsewhere.customer(email.toUpperCase()).api)).toBe('customer');
    noteIssued(emulator);
    expect(emulator.requests.at(-1)?.headers['access-token']).toBe(emulator.latestCustomerToken(email));
  });

  it('fails with CredentialsError no_session when nothing is stored, sending nothing', async () => {
    const emulator = await start();
    const logged = logger.records.length;
    const error = await failure(clientFor(emulator).customer('nobody@example.com').api.get('whoami'));
    expect(logger.records.slice(logged).filter(({ message }) => message?.startsWith('http request'))).toEqual([]);
    expect(CredentialsError.isInstance(error)).toBe(true);
    expect((error as CredentialsError).reason).toBe('no_session');
    expect(error.message).toMatch(/^@auth\/gomus: no customer session is stored/);
    expect(emulator.requests).toHaveLength(0);
  });

  it('refuses a wrong password with CredentialsError invalid_credentials, after one request, storing nothing', async () => {
    const emulator = await start();
    const store = new MemoryTokenStore();
    const wrong = 'wrong-password-81b2c3d4';
    secrets.add(wrong);
    const error = await failure(clientFor(emulator, { store }).loginCustomer({ email, password: wrong, shopUrl }));
    expect(CredentialsError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status: 401, reason: 'invalid_credentials' });
    expect(emulator.requests).toHaveLength(1);
    expect(await store.get(sessionKey(emulator))).toBeUndefined();
  });

  it('refuses bad login input with a ConfigError before any request', async () => {
    const emulator = await start();
    const gomus = clientFor(emulator);
    const refused = async (login: unknown, option: string) => {
      const error = await failure(gomus.loginCustomer(login as Parameters<typeof gomus.loginCustomer>[0]));
      expect(ConfigError.isInstance(error), option).toBe(true);
      expect((error as ConfigError).option).toBe(option);
    };
    await refused({ email: ' ', password, shopUrl }, 'email');
    await refused({ email, password: '', shopUrl }, 'password');
    await refused({ email, password }, 'shopUrl');
    await refused({ email, password, shopUrl: 'shop.example\r\nx-injected: 1' }, 'shopUrl');
    expect(() => gomus.customer('')).toThrow(/email/);
    expect(emulator.requests).toHaveLength(0);
  });

  it('starts no session when sign-in answers without usable headers', async () => {
    const emulator = await start();
    const store = new MemoryTokenStore();
    emulator.injectFault({
      match: { path: '/api/v4/auth/sign_in' },
      kind: 'status',
      status: 200,
      headers: { 'access-token': 'not a token {}', client: 'client-1234', uid: email },
      body: { data: { id: 1 } },
    });
    const error = await failure(clientFor(emulator, { store }).loginCustomer({ email, password, shopUrl }));
    expect(ApiError.isInstance(error)).toBe(true);
    expect(error.message).toContain('without usable access-token, client and uid headers');
    expect(await store.get(sessionKey(emulator))).toBeUndefined();
  });
});

describe('rotating access tokens', () => {
  it('uses the newest access-token of every answer, one call after the other, and stores it', async () => {
    const emulator = await start({ customerSessions: { rotate: true, batchWindowMs: 0 } });
    const { store, writes } = countingStore();
    const session = await clientFor(emulator, { store }).loginCustomer({ email, password, shopUrl });
    const issued = [emulator.latestCustomerToken(email)];

    for (let call = 0; call < 8; call += 1) {
      expect(await whoami(session.api)).toBe('customer');
      issued.push(emulator.latestCustomerToken(email));
    }
    noteIssued(emulator);
    // Each request carried the token the answer before it brought; none was refused.
    const sent = emulator.requests.slice(1).map((request) => request.headers['access-token']);
    expect(sent).toEqual(issued.slice(0, -1));
    expect(new Set(issued).size).toBe(9);
    expect(emulator.counters.unauthorized).toBe(0);
    await expect.poll(async () => (await store.get(sessionKey(emulator)))?.accessToken).toBe(issued.at(-1));
    expect(writes.length).toBeGreaterThanOrEqual(2);
  });

  it('never loses the newest token under concurrency: batch answers (blank headers) do not overwrite it', async () => {
    let nowMs = 0;
    const emulator = await start({
      customerSessions: { rotate: true, batchWindowMs: 1_000, clock: { now: () => nowMs } },
    });
    const store = new MemoryTokenStore();
    const session = await clientFor(emulator, { store }).loginCustomer({ email, password, shopUrl });

    for (let round = 0; round < 5; round += 1) {
      // Past the batch window: the first answer of the round rotates, the others are a batch with blank headers.
      nowMs += 2_000;
      const answers = await Promise.all(Array.from({ length: 12 }, () => whoami(session.api)));
      expect(answers).toEqual(Array(12).fill('customer'));
    }
    // Outside any window only the newest token is accepted: a lost one would be a 401 here.
    nowMs += 2_000;
    expect(await whoami(session.api)).toBe('customer');
    noteIssued(emulator);
    expect(emulator.counters.unauthorized).toBe(0);
    await expect
      .poll(async () => (await store.get(sessionKey(emulator)))?.accessToken)
      .toBe(emulator.latestCustomerToken(email));
  });

  it('keeps working, and writes nothing more, when the server never rotates', async () => {
    const emulator = await start();
    const { store, writes } = countingStore();
    const session = await clientFor(emulator, { store }).loginCustomer({ email, password, shopUrl });
    await Promise.all(Array.from({ length: 10 }, () => whoami(session.api)));
    for (let call = 0; call < 5; call += 1) expect(await whoami(session.api)).toBe('customer');
    noteIssued(emulator);
    expect(new Set(emulator.requests.slice(1).map((request) => request.headers['access-token'])).size).toBe(1);
    expect(writes).toHaveLength(1);
  });

  it('ignores a replaced token, an older expiry, an unusable value and a blank header in later answers', async () => {
    const emulator = await start({ customerSessions: { rotate: true, batchWindowMs: 0 } });
    const store = new MemoryTokenStore();
    const session = await clientFor(emulator, { store }).loginCustomer({ email, password, shopUrl });
    const replaced = emulator.latestCustomerToken(email) as string;
    await whoami(session.api);
    const current = emulator.latestCustomerToken(email) as string;
    noteIssued(emulator);

    const answer = (headers: Record<string, string>) =>
      emulator.injectFault({ match: { path: '/api/v4/whoami' }, kind: 'status', status: 200, headers, body: {} });
    answer({ 'access-token': replaced }); // a late answer carrying a token already replaced
    answer({ 'access-token': 'older-token-with-an-earlier-expiry', expiry: '1000' });
    answer({ 'access-token': 'bad token {with} spaces' });
    answer({ 'access-token': ' ', expiry: ' ' });
    for (let call = 0; call < 4; call += 1) await session.api.get('whoami');

    // Every one of those requests, and the next real one, carried the token the server last issued.
    expect(emulator.requests.slice(-4).map((request) => request.headers['access-token'])).toEqual(
      Array(4).fill(current),
    );
    expect(await whoami(session.api)).toBe('customer');
    expect(emulator.counters.unauthorized).toBe(0);
    const rejected = logger.records.filter(({ record }) => record.event === 'customer_session.invalid_header');
    expect(rejected.map(({ record }) => record)).toContainEqual({
      provider: 'gomus',
      event: 'customer_session.invalid_header',
      header: 'access-token',
    });
  });

  it('replays a 401 once with the newer token another client stored (a second process sharing the store)', async () => {
    const emulator = await start({ customerSessions: { rotate: true, batchWindowMs: 0 } });
    const store = new MemoryTokenStore();
    await clientFor(emulator, { store }).loginCustomer({ email, password, shopUrl });
    const first = clientFor(emulator, { store }).customer(email);
    const second = clientFor(emulator, { store }).customer(email);

    expect(await whoami(first.api)).toBe('customer'); // reads the stored token, rotates it, stores the new one
    await expect
      .poll(async () => (await store.get(sessionKey(emulator)))?.accessToken)
      .toBe(emulator.latestCustomerToken(email));
    expect(await whoami(second.api)).toBe('customer'); // first its own read of the store: already the newest
    expect(await whoami(first.api)).toBe('customer'); // holds a replaced token: 401, then the stored one
    noteIssued(emulator);
    expect(emulator.counters.unauthorized).toBe(1);
    // first, second, first (the token second had already replaced: 401), first again with the stored one.
    const sent = emulator.requests.slice(1).map((request) => request.headers['access-token']);
    expect(sent).toHaveLength(4);
    expect(sent[2]).toBe(sent[1]);
    expect(new Set(sent).size).toBe(3);
    await expect
      .poll(async () => (await store.get(sessionKey(emulator)))?.accessToken)
      .toBe(emulator.latestCustomerToken(email));
  });
});

describe('the end of a session', () => {
  it('a session the server rejects is a CredentialsError session_rejected, then forgotten (no_session, nothing sent)', async () => {
    const emulator = await start();
    const store = new MemoryTokenStore();
    const session = await clientFor(emulator, { store }).loginCustomer({ email, password, shopUrl });
    noteIssued(emulator);
    emulator.revoke(emulator.latestCustomerToken(email) as string);

    const rejected = await failure(session.api.get('whoami'));
    expect(CredentialsError.isInstance(rejected)).toBe(true);
    expect(rejected).toMatchObject({ status: 401, reason: 'session_rejected' });
    expect(rejected.message).toContain('Log the customer in again');
    expect(await store.get(sessionKey(emulator))).toBeUndefined();

    const sent = emulator.requests.length;
    const gone = await failure(session.api.get('whoami'));
    expect((gone as CredentialsError).reason).toBe('no_session');
    expect(emulator.requests).toHaveLength(sent);
  });

  it('logout signs out on the server and forgets the session here and in the store', async () => {
    const emulator = await start();
    const store = new MemoryTokenStore();
    const session = await clientFor(emulator, { store }).loginCustomer({ email, password, shopUrl });
    await whoami(session.api);
    noteIssued(emulator);
    const headers = emulator.requests.at(-1)?.headers as Record<string, string>;

    await session.logout();
    expect(emulator.requests.at(-1)).toMatchObject({
      method: 'DELETE',
      path: '/api/v4/auth/sign_out',
      headers: { 'access-token': headers['access-token'], client: headers.client, uid: email },
    });
    expect(await store.get(sessionKey(emulator))).toBeUndefined();
    expect(((await failure(session.api.get('whoami'))) as CredentialsError).reason).toBe('no_session');
    // The server no longer accepts the old headers either.
    const replay = await fetch(`${emulator.url}/api/v4/whoami`, {
      headers: { ...headers, 'x-shop-url': shopUrl },
    });
    expect(replay.status).toBe(401);
    await session.logout(); // nothing left: resolves, sends nothing
  });

  it('a store that fails to delete makes logout reject with its error, after signing out on the server', async () => {
    const emulator = await start();
    const { store } = countingStore();
    const failing: TokenStore = { ...store, delete: async () => Promise.reject(new Error('store is down')) };
    const session = await clientFor(emulator, { store: failing }).loginCustomer({ email, password, shopUrl });
    noteIssued(emulator);
    const error = await failure(session.logout());
    expect(error.message).toBe('store is down');
    expect(emulator.requests.at(-1)).toMatchObject({ method: 'DELETE', path: '/api/v4/auth/sign_out' });
  });

  it('treats a damaged stored record as no session, with a warning that quotes nothing', async () => {
    const emulator = await start();
    const store = new MemoryTokenStore();
    await store.set(sessionKey(emulator), {
      accessToken: 'token\r\nx-evil: 1',
      scope: 'gomus-customer-session?client=c',
    });
    const error = await failure(clientFor(emulator, { store }).customer(email).api.get('whoami'));
    expect((error as CredentialsError).reason).toBe('no_session');
    expect(emulator.requests).toHaveLength(0);
    expect(logger.records.some(({ record }) => record.event === 'customer_session.invalid_record')).toBe(true);
  });
});
