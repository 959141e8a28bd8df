import { ApiError, ConfigError, CredentialsError } from '@auth/core';
import {
  captureLogger,
  type EmulatorHandle,
  findLeakedSecrets,
  gomusTestTokens,
  startGomusEmulator,
} from '@auth/testing';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createGomusClient } from './create-gomus-client.js';
import { describeAccess } from './describe-access.js';
import type { GomusClientOptions } from './gomus-client-options.js';
import { hasAllMuseums } from './has-all-museums.js';
import { failureCollector } from './test-support/failure-collector.js';

const badToken = 'gomus-bad-token-0d9e8f7a6b5c';
const cashpointToken = 'gomus-cashpoint-token-1a2b3c4d5e';
const customerToken = 'gomus-customer-token-9z8y7x6w5v';
const secrets = [gomusTestTokens.user, gomusTestTokens.reseller, badToken, cashpointToken, customerToken];

const logger = captureLogger();
const errors: unknown[] = [];
const emulators: EmulatorHandle[] = [];

afterEach(async () => {
  await Promise.all(emulators.splice(0).map((emulator) => emulator.close()));
});

afterAll(() => {
  // Every record and error of this file, at every level, against every token used.
  expect(logger.records.length).toBeGreaterThan(20);
  expect(errors.length).toBeGreaterThan(5);
  expect(findLeakedSecrets(secrets, logger.records, errors)).toEqual([]);
});

async function emulator(options: Parameters<typeof startGomusEmulator>[0] = {}) {
  const handle = await startGomusEmulator(options);
  emulators.push(handle);
  return handle;
}

function client(handle: EmulatorHandle, options: GomusClientOptions = {}) {
  return createGomusClient({ baseUrl: handle.url, logger, ...options });
}

const failure = failureCollector(errors);

const unknownFieldRecords = (endpoint: string) =>
  logger.records.filter(({ record }) => record.event === 'response.unknown_field' && record.endpoint === endpoint);

describe('context awareness: one endpoint, three tokens, three answers', () => {
  it('parses the public, user and reseller answers and logs each unknown field once per endpoint', async () => {
    const gomus = await emulator();
    let current: string | undefined;
    // One client, the token swapped underneath it between calls, as a rotated token would be.
    const gomusClient = client(gomus, { token: () => current });
    const start = logger.records.length;

    type Answer = Awaited<ReturnType<typeof gomusClient.tickets.list>>;
    const answers = new Map<string, Answer>();
    for (const [name, token] of [
      ['public', undefined],
      ['user', gomusTestTokens.user],
      ['reseller', gomusTestTokens.reseller],
    ] as const) {
      current = token;
      for (let call = 0; call < 3; call++) answers.set(name, await gomusClient.tickets.list({ perPage: 25 }));
    }
    const [publicAnswer, user, reseller] = ['public', 'user', 'reseller'].map((name) => answers.get(name)!) as [
      Answer,
      Answer,
      Answer,
    ];

    // What the server saw: no Authorization header for public, the token for the others.
    const authorizations = gomus.requests.map((request) => request.headers.authorization);
    expect(authorizations).toEqual([
      ...Array(3).fill(undefined),
      ...Array(3).fill(`Bearer ${gomusTestTokens.user}`),
      ...Array(3).fill(`Bearer ${gomusTestTokens.reseller}`),
    ]);

    // Three different answers from the same endpoint.
    expect(user.meta.total_count).toBe(230);
    expect(publicAnswer.meta.total_count).toBeLessThan(230);
    expect(reseller.meta.total_count).toBeLessThan(230);
    expect(publicAnswer.meta.total_count).not.toBe(reseller.meta.total_count);
    for (const answer of [publicAnswer, user, reseller]) {
      expect(answer.items).toHaveLength(25);
      expect(answer.items.every((ticket) => Number.isInteger(ticket.id) && typeof ticket.title === 'string')).toBe(
        true,
      );
    }
    expect(reseller.items[0]).toHaveProperty('reseller_price_cents');
    expect(user.items[0]).not.toHaveProperty('reseller_price_cents');
    expect(publicAnswer.items[0]).not.toHaveProperty('vat_pct');
    expect(user.items[0]).toHaveProperty('internal_note'); // unknown fields are passed through, not dropped

    // Each unknown field logged exactly once for the endpoint, over 9 calls and 3 tokens; known fields never.
    const logged = unknownFieldRecords('GET /api/v4/tickets').map(({ record }) => record.field);
    expect(logged.sort()).toEqual(['capacity_hint', 'cost_center', 'internal_note', 'is_public', 'reseller_ids']);
    expect(new Set(logged).size).toBe(logged.length);
    const levels = logger.records.slice(start).filter(({ record }) => record.event === 'response.unknown_field');
    expect(levels.every(({ level }) => level === 'debug')).toBe(true);
    // No warnings: nothing was malformed, only unknown.
    expect(logger.records.slice(start).filter(({ level }) => level === 'warn')).toEqual([]);
  });

  it('logs per endpoint: the same field on another endpoint is logged again, once', async () => {
    const gomus = await emulator();
    const gomusClient = client(gomus, { token: gomusTestTokens.user, unknownFieldLogLevel: 'warn' });
    const start = logger.records.length;
    await gomusClient.tickets.get(3);
    await gomusClient.tickets.get(4);
    await gomusClient.museums.list();
    await gomusClient.museums.list();
    const records = logger.records.slice(start).filter(({ record }) => record.event === 'response.unknown_field');
    const pairs = records.map(({ record }) => `${record.endpoint} ${record.field}`);
    expect(pairs.filter((pair) => pair.endsWith(' capacity_hint')).sort()).toEqual([
      'GET /api/v4/museums capacity_hint',
      'GET /api/v4/tickets/:id capacity_hint',
    ]);
    expect(new Set(pairs).size).toBe(pairs.length);
    expect(records.every(({ level }) => level === 'warn')).toBe(true);
  });
});

describe('whoami', () => {
  it('answers for each token kind, with helpers that read museums: [] as "all museums"', async () => {
    const gomus = await emulator({
      tokens: {
        [gomusTestTokens.user]: { access: 'user', museums: [] },
        [gomusTestTokens.reseller]: { access: 'reseller', museums: [1, 2] },
        [cashpointToken]: { access: 'cashpoint', museums: [3] },
        [customerToken]: { access: 'customer' },
      },
    });
    const whoami = (token?: string) => client(gomus, token === undefined ? {} : { token }).whoami();

    const publicAccess = await whoami();
    expect(publicAccess).toEqual({ access: 'public' });
    expect(hasAllMuseums(publicAccess)).toBe(false);
    expect(describeAccess(publicAccess)).toBe('public access (no token): public data only');

    const user = await whoami(gomusTestTokens.user);
    expect(user).toEqual({ access: 'user', museums: [] });
    expect(hasAllMuseums(user)).toBe(true);
    expect(describeAccess(user)).toBe('user token with access to all museums of the instance');

    const reseller = await whoami(gomusTestTokens.reseller);
    expect(reseller).toEqual({ access: 'reseller', museums: [1, 2] });
    expect(hasAllMuseums(reseller)).toBe(false);
    expect(describeAccess(reseller)).toBe('reseller token limited to museums 1, 2');

    const cashpoint = await whoami(cashpointToken);
    expect(cashpoint).toEqual({ access: 'cashpoint', museums: [3] });
    expect(describeAccess(cashpoint)).toBe('cashpoint token limited to museum 3');

    const customer = await whoami(customerToken);
    expect(customer).toEqual({ access: 'customer' });
    expect(describeAccess(customer)).toBe('customer token (acts for one customer)');

    expect(gomus.requests.map((request) => request.path)).toEqual(Array(5).fill('/api/v4/whoami'));
  });

  it('passes an access kind it does not know through, logged at warn, and fails without access at all', async () => {
    const gomus = await emulator();
    const gomusClient = client(gomus);
    const start = logger.records.length;
    gomus.injectFault({ kind: 'status', status: 200, body: { access: 'partner', museums: [4], beta: true } });
    expect(await gomusClient.whoami()).toEqual({ access: 'partner', museums: [4], beta: true });
    const events = logger.records.slice(start).map(({ level, record }) => `${level} ${record.event} ${record.field}`);
    expect(events).toContain('warn response.unknown_value access');
    expect(events).toContain('debug response.unknown_field beta');

    gomus.injectFault({ kind: 'status', status: 200, body: { museums: [] } });
    const error = await failure(gomusClient.whoami());
    expect(ApiError.isInstance(error)).toBe(true);
    expect(error.message).toBe('@auth/gomus: GET /api/v4/whoami answered 200 without an access field.');
  });
});

describe('verify and 401', () => {
  it('verify: true rejects a bad token with CredentialsError after exactly one request, and blocks later calls', async () => {
    const gomus = await emulator();
    const gomusClient = client(gomus, { token: badToken, verify: true });
    const error = await failure(gomusClient.ready);
    expect(CredentialsError.isInstance(error)).toBe(true);
    expect((error as CredentialsError).status).toBe(401);
    expect(error.message).toMatch(
      /^@auth\/gomus: GET http:\/\/127\.0\.0\.1:\d+\/api\/v4\/whoami was rejected with 401\./,
    );
    expect(error.message).toContain('must be swapped');
    expect(gomus.requests).toHaveLength(1);
    expect(gomus.counters.unauthorized).toBe(1);

    // The client is gated: calls fail with the same error and send nothing.
    const later = await failure(gomusClient.tickets.list());
    expect(later).toBe(error);
    expect(gomus.requests).toHaveLength(1);
  });

  it('verify: true: a caller that aborts while the token test is pending is released at once with its reason', async () => {
    const gomus = await emulator();
    gomus.injectFault({ kind: 'hang', match: { path: '/api/v4/whoami' } });
    const gomusClient = client(gomus, { token: gomusTestTokens.user, verify: true, timeoutMs: 60_000 });
    const controller = new AbortController();
    const waiting = gomusClient.api.get('museums', { signal: controller.signal }).json();
    while (gomus.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const reason = new Error('the caller gave up');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(gomus.requests.map((request) => request.path)).toEqual(['/api/v4/whoami']);
  });

  it('verify: true makes the first calls wait for the token test', async () => {
    const gomus = await emulator();
    const gomusClient = client(gomus, { token: gomusTestTokens.user, verify: true });
    // Called at once, before the test has had a chance to answer.
    const [first, second] = await Promise.all([gomusClient.tickets.list(), gomusClient.museums.list()]);
    expect(first.items.length).toBeGreaterThan(0);
    expect(second.items.length).toBeGreaterThan(0);
    expect(await gomusClient.ready).toEqual({ access: 'user', museums: [] });
    expect(gomus.requests[0]?.path).toBe('/api/v4/whoami');
    expect(gomus.requests).toHaveLength(3);
  });

  it('client.verify() tests the token on demand and reopens the gate once a rotated token passes', async () => {
    const gomus = await emulator();
    let token = badToken;
    const gomusClient = client(gomus, { token: () => token, verify: true });
    await failure(gomusClient.ready);
    token = gomusTestTokens.reseller;
    expect(await gomusClient.verify()).toEqual({ access: 'reseller', museums: [1, 2] });
    expect(await gomusClient.ready).toEqual({ access: 'reseller', museums: [1, 2] });
    await gomusClient.museums.list();
    expect(gomus.requests.map((request) => request.headers.authorization)).toEqual([
      `Bearer ${badToken}`,
      `Bearer ${gomusTestTokens.reseller}`,
      `Bearer ${gomusTestTokens.reseller}`,
    ]);

    // Without verify: true, verify() is a plain test that rejects and gates nothing.
    const plain = client(gomus, { token: badToken });
    expect(CredentialsError.isInstance(await failure(plain.verify()))).toBe(true);
    expect(await plain.museums.list({ perPage: 1 }).catch((caught: unknown) => caught)).toSatisfy(
      CredentialsError.isInstance,
    );
  });

  it('a 401 on any call is final: one request, no retry, a CredentialsError that says to swap the token', async () => {
    const gomus = await emulator();
    gomus.expireAllTokens();
    const gomusClient = client(gomus, { token: gomusTestTokens.user, retry: { limit: 5, initialDelayMs: 1 } });
    const error = await failure(gomusClient.api.get('tickets'));
    expect(CredentialsError.isInstance(error)).toBe(true);
    expect((error as CredentialsError).reason).toBe('authentication error; no customer or no user present');
    expect(gomus.requests).toHaveLength(1);
  });

  it('without a token, a 401 says that a token is needed; a 403 stays an ApiError', async () => {
    const gomus = await emulator({ tokens: { [customerToken]: { access: 'customer' } } });
    const publicError = await failure(client(gomus).customers.get(1));
    expect(CredentialsError.isInstance(publicError)).toBe(true);
    expect(publicError.message).toContain('No token was sent (public access) and this endpoint needs one');

    const forbidden = await failure(client(gomus, { token: customerToken }).customers.get(1));
    expect(CredentialsError.isInstance(forbidden)).toBe(false);
    expect(ApiError.isInstance(forbidden)).toBe(true);
    expect((forbidden as ApiError).status).toBe(403);
    expect(gomus.requests).toHaveLength(2);
  });
});

describe('logging', () => {
  it('writes one record per HTTP call with timestamp, endpoint, status and duration', async () => {
    const gomus = await emulator();
    const gomusClient = client(gomus, { token: gomusTestTokens.user, retry: { limit: 2, initialDelayMs: 1 } });
    gomus.injectFault({ kind: 'status', status: 503, match: { path: '/api/v4/museums' } });
    const start = logger.records.length;
    await gomusClient.whoami();
    await gomusClient.tickets.list({ perPage: 5, searchParams: { museum_id: 2 } });
    await gomusClient.museums.list();
    const calls = logger.records.slice(start).filter(({ message }) => message === 'http request');
    expect(calls).toHaveLength(gomus.requests.length);
    expect(calls.map(({ record }) => [record.method, record.status, record.attempt])).toEqual([
      ['GET', 200, 1],
      ['GET', 200, 1],
      ['GET', 503, 1],
      ['GET', 200, 2],
    ]);
    for (const { record } of calls) {
      expect(Date.parse(record.timestamp as string)).not.toBeNaN();
      expect(record.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v4\//);
      expect(record.durationMs).toBeTypeOf('number');
      expect(record.provider).toBe('gomus');
    }
    // Query values outside the allow-list are hidden; page and per_page are shown.
    expect(calls[1]?.record.endpoint).toBe(`${gomus.url}/api/v4/tickets?museum_id=[REDACTED]&page=1&per_page=5`);
    expect(calls[2]?.level).toBe('warn');
  });
});

describe('configuration', () => {
  const saved = { baseUrl: process.env.GOMUS_BASE_URL, token: process.env.GOMUS_TOKEN };
  afterEach(() => {
    for (const [name, value] of [
      ['GOMUS_BASE_URL', saved.baseUrl],
      ['GOMUS_TOKEN', saved.token],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('falls back to GOMUS_BASE_URL and GOMUS_TOKEN', async () => {
    const gomus = await emulator();
    process.env.GOMUS_BASE_URL = `${gomus.url}/api/v4/`;
    process.env.GOMUS_TOKEN = `${gomusTestTokens.reseller}\n`; // a trailing newline, as from a secrets file
    const whoami = await createGomusClient({ logger }).whoami();
    expect(whoami.access).toBe('reseller');
    expect(gomus.requests[0]?.path).toBe('/api/v4/whoami');
  });

  it('gives public access with token: null even when GOMUS_TOKEN is set', async () => {
    const gomus = await emulator();
    process.env.GOMUS_TOKEN = gomusTestTokens.user;
    const whoami = await createGomusClient({ baseUrl: gomus.url, token: null, logger }).whoami();
    expect(whoami.access).toBe('public');
    expect(gomus.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('names the option and the variable when baseUrl is missing, and refuses unsafe settings', () => {
    delete process.env.GOMUS_BASE_URL;
    const missing = (() => {
      try {
        createGomusClient();
      } catch (error) {
        errors.push(error);
        return error as ConfigError;
      }
    })();
    expect(ConfigError.isInstance(missing)).toBe(true);
    expect(missing?.message).toBe(
      '@auth/gomus: baseUrl is missing. Pass the baseUrl option or set the GOMUS_BASE_URL environment variable.',
    );

    const refused = (options: GomusClientOptions) => {
      try {
        createGomusClient(options);
      } catch (error) {
        errors.push(error);
        return ConfigError.isInstance(error) ? error.message : 'not a ConfigError';
      }
      return 'accepted';
    };
    expect(refused({ baseUrl: 'http://demo.gomus.de', token: gomusTestTokens.user })).toMatch(
      /http:\/\/ to a non-loopback host/,
    );
    expect(refused({ baseUrl: 'https://demo.gomus.de', token: `${gomusTestTokens.user} x` })).toMatch(
      /^@auth\/gomus: the token \(token option or GOMUS_TOKEN\) contains whitespace/,
    );
    expect(refused({ baseUrl: 'https://demo.gomus.de', token: '  ' })).toMatch(/is empty/);
    expect(refused({ baseUrl: 'https://demo.gomus.de', unknownFieldLogLevel: 'trace' as 'debug' })).toMatch(
      /unknownFieldLogLevel/,
    );
    expect(refused({ baseUrl: 'https://demo.gomus.de' })).toBe('accepted');
  });

  it('refuses a token function answer that fetch could not send, without quoting it', async () => {
    const gomus = await emulator();
    const gomusClient = client(gomus, { token: () => `${badToken}\r\nx-injected: 1` });
    const error = await failure(gomusClient.whoami());
    expect(ConfigError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/token returned by the token function contains whitespace/);
    expect(gomus.requests).toHaveLength(0);
  });
});
