// Customer sessions: the password typed once (loginCustomer), tokens kept in the store only, used and renewed by any
// client sharing the store (customer), ended by a rejected refresh token or a logout.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ConfigError, CredentialsError, MemoryTokenStore, type TokenSet } from '@auth/core';
import { createTokenKey } from '@auth/core/provider';
import {
  captureLogger,
  findLeakedSecrets,
  type MusementEmulatorHandle,
  musementTestCredentials,
  startMusementEmulator,
} from '@auth/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMusementClient } from './create-musement-client.js';
import type { MusementClientOptions } from './musement-client-options.js';
import { rejection } from './test-support/rejection.js';

const { clientId, clientSecret, application, username, password } = musementTestCredentials;
const second = { username: 'second@example.com', password: 'second-customer-password' };
const emulators: MusementEmulatorHandle[] = [];

beforeEach(() => {
  for (const name of ['MUSEMENT_CLIENT_ID', 'MUSEMENT_CLIENT_SECRET', 'MUSEMENT_APPLICATION']) vi.stubEnv(name, '');
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(emulators.splice(0).map((emulator) => emulator.close()));
});

async function startEmulator(options: Parameters<typeof startMusementEmulator>[0] = {}) {
  const emulator = await startMusementEmulator({ users: [{ username, password }, second], ...options });
  emulators.push(emulator);
  return emulator;
}

const connect = (emulator: MusementEmulatorHandle, options: MusementClientOptions = {}) =>
  createMusementClient({ baseUrl: emulator.url, clientId, clientSecret, application, ...options });

/** A store whose records the test can read back whole, as another process would. */
class InspectableStore extends MemoryTokenStore {
  readonly records = new Map<string, TokenSet>();
  override async set(key: string, value: TokenSet): Promise<void> {
    this.records.set(key, { ...value });
    await super.set(key, value);
  }
  override async delete(key: string): Promise<void> {
    this.records.delete(key);
    await super.delete(key);
  }
}

const grantsSent = (emulator: MusementEmulatorHandle) =>
  emulator.requests
    .filter((request) => request.path === '/api/v3/login')
    .map((request) => (request.body as { grant_type: string }).grant_type);

const customerKey = (emulator: MusementEmulatorHandle, user: string = username) =>
  createTokenKey({ provider: 'musement', baseUrl: emulator.url, clientId, user });

describe('loginCustomer', () => {
  it('logs in once with the password grant; the session acts for the customer; the store holds tokens, never the password', async () => {
    const emulator = await startEmulator();
    const store = new InspectableStore();
    const musement = connect(emulator, { store });
    const session = await musement.loginCustomer({ username, password });
    const me = await session.api.get('me').json<{ email: string }>();
    expect(me.email).toBe(username);
    expect(emulator.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'POST /api/v3/login',
      'GET /api/v3/me',
    ]);
    expect(emulator.requests[0]?.body).toEqual({
      client_id: clientId,
      client_secret: clientSecret,
      grant_type: 'password',
      username,
      password,
    });
    // Under the customer's key (the username hashed), the pair Musement issued, and nothing else.
    expect([...store.records.keys()]).toEqual([customerKey(emulator)]);
    expect(customerKey(emulator)).not.toContain(username);
    const record = store.records.get(customerKey(emulator));
    expect(record?.refreshToken).toBe(emulator.latestRefreshToken(username));
    expect(JSON.stringify(record)).not.toContain(password);
    expect(emulator.requests[1]?.headers.authorization).toBe(`Bearer ${record?.accessToken}`);
  });

  it('always sends the password, even when the customer has a stored session: a wrong one is refused', async () => {
    const emulator = await startEmulator();
    const store = new InspectableStore();
    const musement = connect(emulator, { store });
    await musement.loginCustomer({ username, password });
    const stored = store.records.get(customerKey(emulator));
    const error = await rejection(musement.loginCustomer({ username, password: 'not-the-password' }));
    expect(CredentialsError.isInstance(error) && error.reason).toBe('invalid_grant');
    expect(grantsSent(emulator)).toEqual(['password', 'password']);
    // The session that was there stays as it was.
    expect(store.records.get(customerKey(emulator))).toEqual(stored);
  });

  it('a wrong password: CredentialsError invalid_grant, nothing stored, the password in no error and no log record', async () => {
    const emulator = await startEmulator();
    const store = new InspectableStore();
    const logger = captureLogger();
    const wrong = 'wrong-password-typed-once';
    const error = await rejection(connect(emulator, { store, logger }).loginCustomer({ username, password: wrong }));
    expect(CredentialsError.isInstance(error) && error.reason).toBe('invalid_grant');
    expect(store.records.size).toBe(0);
    expect(findLeakedSecrets([wrong, clientSecret], logger.records, [error])).toEqual([]);
  });

  it("the caller's signal ends the wait for the login at once, with its reason; nothing is stored", async () => {
    const emulator = await startEmulator();
    const store = new InspectableStore();
    emulator.injectFault({ match: { path: '/api/v3/login' }, kind: 'hang' });
    const controller = new AbortController();
    const login = rejection(
      connect(emulator, { store }).loginCustomer({ username, password, signal: controller.signal }),
    );
    await vi.waitFor(() => expect(emulator.counters.inFlight).toBe(1));
    const reason = new Error('the customer went away');
    controller.abort(reason);
    expect(await login).toBe(reason);
    expect(store.records.size).toBe(0);
  });

  it('refuses a missing username or password with a ConfigError naming it, before any request', async () => {
    const emulator = await startEmulator();
    const musement = connect(emulator);
    for (const [credentials, option] of [
      [{ username: '', password }, 'username'],
      [{ username, password: '' }, 'password'],
      [{ username }, 'password'],
    ] as const) {
      const error = await rejection(musement.loginCustomer(credentials as { username: string; password: string }));
      expect(ConfigError.isInstance(error) && error.option).toBe(option);
    }
    expect(() => musement.customer('')).toThrow(ConfigError);
    expect(emulator.requests).toHaveLength(0);
  });
});

describe('customer(username)', () => {
  it('in another client sharing the store: uses the stored session, renews it by refresh with rotation, never logs in', async () => {
    const emulator = await startEmulator();
    const store = new InspectableStore();
    await connect(emulator, { store }).loginCustomer({ username, password });
    const elsewhere = connect(emulator, { store });
    const later = elsewhere.customer(username);
    expect((await later.api.get('me').json<{ email: string }>()).email).toBe(username);
    for (let expiry = 0; expiry < 3; expiry++) {
      const before = store.records.get(customerKey(emulator));
      emulator.expireAllTokens();
      expect((await elsewhere.customer(username).api.get('me').json<{ email: string }>()).email).toBe(username);
      const after = store.records.get(customerKey(emulator));
      expect(after?.refreshToken).not.toBe(before?.refreshToken);
      expect(after?.refreshToken).toBe(emulator.latestRefreshToken(username));
    }
    expect(grantsSent(emulator)).toEqual(['password', 'refresh_token', 'refresh_token', 'refresh_token']);
    expect(emulator.counters.refreshTokenReuse).toBe(0);
  });

  it('without a stored session: CredentialsError no_session, and nothing is sent to the API or the login endpoint', async () => {
    const emulator = await startEmulator();
    const musement = connect(emulator);
    const error = await rejection(musement.customer(username).api.get('me').json());
    expect(CredentialsError.isInstance(error) && error.reason).toBe('no_session');
    expect(emulator.requests).toHaveLength(0);
  });

  it('a rejected refresh token ends the session: invalid_grant, the stored session deleted, no password login', async () => {
    const emulator = await startEmulator();
    const store = new InspectableStore();
    const musement = connect(emulator, { store });
    await musement.loginCustomer({ username, password });
    emulator.revoke(emulator.latestRefreshToken(username)!);
    emulator.expireAllTokens();
    emulator.reset();
    const session = musement.customer(username);
    const error = await rejection(session.api.get('me').json());
    expect(CredentialsError.isInstance(error) && error.reason).toBe('invalid_grant');
    expect(grantsSent(emulator)).toEqual(['refresh_token']);
    expect(store.records.has(customerKey(emulator))).toBe(false);
    // Over for every handle: the next call is no_session, with nothing sent.
    emulator.reset();
    for (const handle of [session, musement.customer(username)]) {
      const next = await rejection(handle.api.get('me').json());
      expect(CredentialsError.isInstance(next) && next.reason).toBe('no_session');
    }
    expect(emulator.requests).toHaveLength(0);
  });

  it('logout() forgets the tokens here and in the store: this handle and every later one have no session', async () => {
    const emulator = await startEmulator();
    const store = new InspectableStore();
    const musement = connect(emulator, { store });
    const session = await musement.loginCustomer({ username, password });
    await musement.loginCustomer(second);
    await session.api.get('me').json();
    await session.logout();
    expect([...store.records.keys()]).toEqual([customerKey(emulator, second.username)]);
    emulator.reset();
    for (const handle of [session, musement.customer(username)]) {
      const error = await rejection(handle.api.get('me').json());
      expect(CredentialsError.isInstance(error) && error.reason).toBe('no_session');
    }
    expect(emulator.requests).toHaveLength(0);
    // The other customer is untouched.
    expect((await musement.customer(second.username).api.get('me').json<{ email: string }>()).email).toBe(
      second.username,
    );
  });
});

describe('one client, many customers', () => {
  it('serves every customer as itself; a 401 storm over 20 handles per customer: one refresh per customer', async () => {
    const customers = Array.from({ length: 25 }, (_, index) => ({
      username: `customer-${index + 1}@example.com`,
      password: `customer-${index + 1}-password`,
    }));
    const emulator = await startEmulator({ generatedUsers: customers.length, recordRequests: false });
    const musement = connect(emulator);
    await Promise.all(customers.map((credentials) => musement.loginCustomer(credentials)));
    emulator.expireAllTokens();
    emulator.reset();
    const calls = customers.flatMap(({ username: name }) =>
      Array.from({ length: 20 }, async () => ({
        name,
        email: (await musement.customer(name).api.get('me').json<{ email: string }>()).email,
      })),
    );
    const answers = await Promise.all(calls);
    expect(answers.every((answer) => answer.email === answer.name)).toBe(true);
    expect(emulator.counters.tokenRequestsByGrant).toEqual({ refresh_token: customers.length });
    expect(emulator.counters.refreshTokenReuse).toBe(0);
  });

  it('keeps nothing of a customer once its handle is dropped: the store holds the session', async () => {
    const emulator = await startEmulator();
    const musement = connect(emulator);
    const dropped = await (async () => {
      const session = await musement.loginCustomer({ username, password });
      await session.api.get('me').json();
      const later = musement.customer(username);
      await later.api.get('me').json();
      return [new WeakRef(session), new WeakRef(session.api), new WeakRef(later), new WeakRef(later.api)];
    })();
    await collectGarbage();
    expect(dropped.map((reference) => reference.deref())).toEqual([undefined, undefined, undefined, undefined]);
    // The session lives on in the store, for the next handle.
    expect((await musement.customer(username).api.get('me').json<{ email: string }>()).email).toBe(username);
  });
});

describe('secrets', () => {
  it('with loginMethod GET and a debug logger, no password, token or client secret in a log record, an error or the store', async () => {
    const emulator = await startEmulator();
    const store = new InspectableStore();
    const logger = captureLogger();
    const errors: unknown[] = [];
    const musement = connect(emulator, { store, logger, loginMethod: 'GET' });
    const session = await musement.loginCustomer({ username, password });
    const tokens = new Set<string>();
    const remember = () => {
      for (const record of store.records.values()) {
        tokens.add(record.accessToken);
        if (record.refreshToken) tokens.add(record.refreshToken);
      }
    };
    remember();
    await session.api.get('me').json();
    emulator.expireAllTokens();
    await musement.customer(username).api.get('me').json();
    remember();
    // A refresh answered with the refresh token as the error code, then with an error page that echoes what it was sent.
    emulator.expireAllTokens();
    const refreshToken = store.records.get(customerKey(emulator))?.refreshToken as string;
    emulator.injectFault({
      match: { path: '/api/v3/login' },
      kind: 'status',
      status: 400,
      body: { error: refreshToken, error_description: refreshToken },
    });
    const echoed = await rejection(musement.customer(username).api.get('me').json());
    expect(CredentialsError.isInstance(echoed) && echoed.reason).not.toBe(refreshToken);
    errors.push(echoed);
    emulator.injectFault({
      match: { path: '/api/v3/login' },
      kind: 'status',
      status: 400,
      body: { error: 'invalid_grant', error_description: `echo: ${[...tokens].join(' ')} ${password}` },
    });
    errors.push(await rejection(musement.customer(username).api.get('me').json()));
    errors.push(await rejection(musement.loginCustomer({ username, password: `${password}-wrong` })));
    expect(errors.every((error) => CredentialsError.isInstance(error))).toBe(true);
    expect(findLeakedSecrets([password, `${password}-wrong`, clientSecret, ...tokens], logger.records, errors)).toEqual(
      [],
    );
    expect(logger.records.length).toBeGreaterThan(0);
    for (const record of store.records.values()) expect(JSON.stringify(record)).not.toContain(password);
  });
});

const collectGarbage = async () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  // With turns of the event loop between: what a settled promise chain still held is gone after the first.
  for (let round = 0; round < 3; round++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
};
