import { inspect } from 'node:util';
import { ApiError, ConfigError, CredentialsError, MemoryTokenStore } from '@auth/core';
import { createTokenKey } from '@auth/core/provider';
import { captureLogger, type EmulatorHandle, musimapTestCredentials, startMusimapEmulator } from '@auth/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { rejection } from '../../testing/src/test-support/rejection.js';
import { createMusimapClient } from './create-musimap-client.js';
import type { MusimapClientOptions } from './musimap-client-options.js';
import { apiRequestsOf, bearerOf, tokenPath, tokenRequestsOf } from './test-support/emulator-helpers.js';
import { seedTokenResponse } from './test-support/seed-token-response.js';
import { unwrapEnvelope } from './unwrap-envelope.js';

const { clientId, clientSecret } = musimapTestCredentials;
const emulators: EmulatorHandle[] = [];

async function start(options: Parameters<typeof startMusimapEmulator>[0] = {}) {
  const emulator = await startMusimapEmulator(options);
  emulators.push(emulator);
  return emulator;
}

function clientFor(emulator: EmulatorHandle, options: MusimapClientOptions = {}) {
  return createMusimapClient({
    baseUrl: emulator.url,
    clientId,
    clientSecret,
    retry: { initialDelayMs: 10 },
    ...options,
  });
}

afterEach(async () => {
  await Promise.all(emulators.splice(0).map((emulator) => emulator.close()));
});

describe('createMusimapClient: tokens', () => {
  it("parses the seed's exact token response into a TokenSet whose 7,200 s lifetime starts at our receive time", async () => {
    const emulator = await start();
    emulator.injectFault({ match: { path: tokenPath }, kind: 'status', status: 201, body: seedTokenResponse });
    const client = clientFor(emulator);

    const before = Date.now();
    const token = await client.getToken();
    const after = Date.now();

    // The server's times are from 2020: read on our clock, the token would be long expired.
    expect(token.accessToken).toBe(seedTokenResponse.data.token);
    expect(token.tokenType).toBe('Bearer');
    expect(token.issuedAt).toBeGreaterThanOrEqual(before);
    expect(token.issuedAt).toBeLessThanOrEqual(after);
    expect(token.expiresAt! - token.issuedAt!).toBe(7_200_000);
    expect(token.refreshToken).toBeUndefined();

    const [request] = tokenRequestsOf(emulator);
    expect(request?.method).toBe('POST');
    expect(request?.headers['content-type']).toMatch(/^application\/json/);
    expect(request?.body).toEqual({ client_id: clientId, client_secret: clientSecret });
  });

  it('sends the token as a bearer token, and 100 concurrent cold calls share one token request', async () => {
    const emulator = await start();
    const client = clientFor(emulator);

    const results = await Promise.all(Array.from({ length: 100 }, () => client.getData('lexicology/tags')));

    expect(results.every((result) => Array.isArray(result.data))).toBe(true);
    expect(emulator.counters.tokenRequests).toBe(1);
    expect(emulator.counters.apiRequests).toBe(100);
    const token = await client.getToken();
    expect(new Set(apiRequestsOf(emulator).map(bearerOf))).toEqual(new Set([token.accessToken]));
  });

  it('renews a token the API rejects (401) and replays the call once', async () => {
    const emulator = await start();
    const client = clientFor(emulator);
    const first = await client.getToken();
    emulator.expireAllTokens();

    const { data } = await client.getData<unknown[]>('lexicology/tags');

    expect(data.length).toBeGreaterThan(0);
    expect(emulator.counters.unauthorized).toBe(1);
    expect(emulator.counters.tokenRequests).toBe(2);
    expect((await client.getToken()).accessToken).not.toBe(first.accessToken);
  });

  it('keeps a token without times (documented: no known expiry) until the API rejects it, then renews', async () => {
    const emulator = await start();
    const logger = captureLogger();
    emulator.injectFault({
      match: { path: tokenPath },
      kind: 'status',
      status: 201,
      body: { status: 201, data: { token: 'token-without-times', surprise: true } },
    });
    const client = clientFor(emulator, { logger, environment: 'dev' });

    const token = await client.getToken();
    expect(token.accessToken).toBe('token-without-times');
    expect(token.expiresAt).toBeUndefined();
    expect(logger.records.find(({ record }) => record.event === 'token.no_expiry')?.record).toMatchObject({
      provider: 'musimap',
      environment: 'dev',
    });
    // The emulator does not know that token: 401, a new token from the real endpoint, one replay.
    await client.getData('lexicology/tags');

    expect(emulator.counters.unauthorized).toBe(1);
    expect(emulator.counters.tokenRequests).toBe(2);
    expect((await client.getToken()).expiresAt).toBeGreaterThan(Date.now());
  });

  it.each([
    ['no token', { status: 201, data: { issued_at: 1, expires_at: 2 } }, 'data.token is missing'],
    ['a text expiry', { data: { token: 'x-token', issued_at: 1, expires_at: 'soon' } }, 'expires_at is not a number'],
    ['a negative lifetime', { data: { token: 'x-token', issued_at: 5_000, expires_at: 1_000 } }, 'not after'],
  ])('fails with a typed ApiError on a token response with %s, without retrying it', async (_, body, problem) => {
    const emulator = await start();
    emulator.injectFault({ match: { path: tokenPath }, kind: 'status', status: 201, body });
    const client = clientFor(emulator);

    const error = await rejection(client.getData('lexicology/tags'));

    expect(ApiError.isInstance(error)).toBe(true);
    expect((error as ApiError).message).toMatch(/^@auth\/musimap: POST http:\/\/127\.0\.0\.1:\d+\/oauth/);
    expect((error as ApiError).message).toContain(problem);
    expect(emulator.counters.tokenRequests).toBe(1);
    expect(emulator.counters.apiRequests).toBe(0);
  });

  it('fails with CredentialsError on a wrong secret, asking the token endpoint once', async () => {
    const emulator = await start();
    const client = clientFor(emulator, { clientSecret: 'wrong-secret' });

    const error = await rejection(client.getToken());

    expect(CredentialsError.isInstance(error)).toBe(true);
    expect((error as CredentialsError).status).toBe(401);
    expect((error as CredentialsError).reason).toBe('invalid_client');
    expect((error as CredentialsError).message).toMatch(/^@auth\/musimap: /);
    expect(emulator.counters.tokenRequests).toBe(1);
  });

  it('retries the token endpoint on 503 and succeeds', async () => {
    const emulator = await start();
    emulator.injectFault({ match: { path: tokenPath }, kind: 'status', status: 503, times: 2 });
    const client = clientFor(emulator);

    expect((await client.getToken()).accessToken).toBeTruthy();
    expect(emulator.counters.tokenRequests).toBe(3);
  });

  it('obtains a new token after clearToken()', async () => {
    const emulator = await start();
    const client = clientFor(emulator);
    const first = await client.getToken();
    await client.clearToken();
    expect((await client.getToken()).accessToken).not.toBe(first.accessToken);
    expect(emulator.counters.tokenRequests).toBe(2);
  });

  it('uses the injected clock: a 2 h token is renewed in the background 5 min before it expires', async () => {
    const emulator = await start();
    let now = Date.now();
    const client = clientFor(emulator, { clock: { now: () => now } });
    const first = await client.getToken();
    expect(first.expiresAt! - first.issuedAt!).toBe(7_200_000);

    now = first.expiresAt! - 301_000; // outside the 5 min window
    expect(await client.getToken()).toEqual(first);
    await client.getData('lexicology/tags');
    expect(emulator.counters.tokenRequests).toBe(1);

    now = first.expiresAt! - 269_000; // inside the window, whatever the jitter (at most 30 s)
    // The caller gets the current token at once; the renewal runs in the background.
    expect(await client.getToken()).toEqual(first);
    await expect.poll(() => emulator.counters.tokenRequests).toBe(2);
    await expect.poll(async () => (await client.getToken()).accessToken).not.toBe(first.accessToken);
    expect(emulator.counters.unauthorized).toBe(0);
  });
});

describe('createMusimapClient: API helpers', () => {
  it('getData unwraps the envelope with its paging fields, keeping fields it does not know', async () => {
    const emulator = await start();
    const client = clientFor(emulator);

    const page = await client.getData<Array<{ id: string; weight: number }>>('lexicology/tags', {
      searchParams: { offset: 10, limit: 5 },
    });

    expect(page.data).toHaveLength(5);
    expect(page).toMatchObject({ size: 5, offset: 10, status: 200 });
    expect(page.totalSize).toBeGreaterThan(15);
    expect(typeof page.data[0]?.weight).toBe('number');
    expect(emulator.requests.at(-1)?.query).toEqual({ offset: '10', limit: '5' });
  });

  it('unwrapEnvelope works on the ky instance, and a 404 is an ApiError with the envelope as data', async () => {
    const emulator = await start();
    const client = clientFor(emulator);
    const { data: tags } = unwrapEnvelope<Array<{ id: string }>>(await client.api.get('lexicology/tags').json());
    expect(tags.length).toBeGreaterThan(0);

    const error = await rejection(client.api.get('tracks/nope'));
    expect(ApiError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status: 404, method: 'GET', data: { status: 404 } });
  });
});

describe('createMusimapClient: environments', () => {
  it('two clients (staging, production) sharing one MemoryTokenStore keep separate tokens', async () => {
    const production = { clientId: 'production-client', clientSecret: 'production-secret' };
    const staging = { clientId: 'staging-client', clientSecret: 'staging-secret' };
    const emulator = await start({ clients: [production, staging] });
    const store = new MemoryTokenStore();
    const logger = captureLogger();
    const stagingClient = clientFor(emulator, { ...staging, environment: 'staging', store, logger });
    const productionClient = clientFor(emulator, { ...production, environment: 'production', store, logger });

    await stagingClient.getData('lexicology/tags');
    await productionClient.getData('lexicology/tags');
    await stagingClient.getData('lexicology/tags');
    await productionClient.getData('lexicology/tags');

    const stagingToken = await stagingClient.getToken();
    const productionToken = await productionClient.getToken();
    expect(stagingToken.accessToken).not.toBe(productionToken.accessToken);
    expect(emulator.counters.tokenRequests).toBe(2);
    expect(apiRequestsOf(emulator).map(bearerOf)).toEqual([
      stagingToken.accessToken,
      productionToken.accessToken,
      stagingToken.accessToken,
      productionToken.accessToken,
    ]);
    const keyOf = (environment: string, id: string) =>
      createTokenKey({ provider: 'musimap', environment, baseUrl: emulator.url, clientId: id });
    expect((await store.get(keyOf('staging', staging.clientId)))?.accessToken).toBe(stagingToken.accessToken);
    expect((await store.get(keyOf('production', production.clientId)))?.accessToken).toBe(productionToken.accessToken);

    // Every record, HTTP exchanges and token events alike, says which environment it comes from.
    const environments = new Set(logger.records.map(({ record }) => record.environment));
    expect(environments).toEqual(new Set(['staging', 'production']));
    expect(logger.records.some(({ record }) => record.event === 'token.renewed')).toBe(true);
    expect(logger.records.every(({ record }) => record.provider === 'musimap')).toBe(true);
  });

  it('the same credentials under two environment labels do not share a token', async () => {
    const emulator = await start();
    const store = new MemoryTokenStore();
    const dev = clientFor(emulator, { environment: 'dev', store });
    const staging = clientFor(emulator, { environment: 'staging', store });

    const devToken = await dev.getToken();
    const stagingToken = await staging.getToken();

    expect(devToken.accessToken).not.toBe(stagingToken.accessToken);
    expect(emulator.counters.tokenRequests).toBe(2);
  });

  it('two clients of one environment sharing a store reuse its token', async () => {
    const emulator = await start();
    const store = new MemoryTokenStore();
    const first = clientFor(emulator, { environment: 'production', store });
    const second = clientFor(emulator, { environment: 'production', store });

    const token = await first.getToken();
    expect(await second.getToken()).toMatchObject({ accessToken: token.accessToken });
    expect(emulator.counters.tokenRequests).toBe(1);
  });
});

describe('createMusimapClient: configuration', () => {
  const variables = ['MUSIMAP_CLIENT_ID', 'MUSIMAP_CLIENT_SECRET'] as const;

  afterEach(() => {
    for (const name of variables) delete process.env[name];
  });

  function configError(options: MusimapClientOptions): ConfigError {
    try {
      createMusimapClient(options);
    } catch (error) {
      if (ConfigError.isInstance(error)) return error;
      throw error;
    }
    throw new Error('expected a ConfigError');
  }

  it('names the option and the environment variable of a missing credential', () => {
    expect(configError({ clientSecret })).toMatchObject({
      option: 'clientId',
      message: expect.stringMatching(/^@auth\/musimap: clientId is missing.*MUSIMAP_CLIENT_ID/),
    });
    expect(configError({ clientId })).toMatchObject({
      option: 'clientSecret',
      message: expect.stringContaining('MUSIMAP_CLIENT_SECRET'),
    });
  });

  it('falls back to MUSIMAP_CLIENT_ID and MUSIMAP_CLIENT_SECRET', async () => {
    const emulator = await start();
    process.env.MUSIMAP_CLIENT_ID = clientId;
    process.env.MUSIMAP_CLIENT_SECRET = clientSecret;

    const client = createMusimapClient({ baseUrl: emulator.url });

    expect((await client.getToken()).accessToken).toBeTruthy();
    expect(tokenRequestsOf(emulator)[0]?.body).toEqual({ client_id: clientId, client_secret: clientSecret });
  });

  it('refuses http:// to a remote host, an empty environment and a browser-like runtime', () => {
    expect(configError({ clientId, clientSecret, baseUrl: 'http://api-v2.musimap.io' }).option).toBe('baseUrl');
    expect(configError({ clientId, clientSecret, environment: ' ' }).option).toBe('environment');

    const scope = globalThis as { window?: unknown; document?: unknown };
    scope.window = {};
    scope.document = {};
    try {
      expect(configError({ clientId, clientSecret }).option).toBe('dangerouslyAllowBrowser');
      expect(() => createMusimapClient({ clientId, clientSecret, dangerouslyAllowBrowser: true })).not.toThrow();
    } finally {
      delete scope.window;
      delete scope.document;
    }
  });

  it('does not touch the network when created', async () => {
    const emulator = await start();
    clientFor(emulator);
    expect(emulator.requests).toHaveLength(0);
  });
});

describe('createMusimapClient: secrets', () => {
  it('never puts the client secret or a token into a log record or an error', async () => {
    const emulator = await start({ tokenLifetimeSeconds: 60 });
    const logger = captureLogger();
    const client = clientFor(emulator, { logger, environment: 'production', retry: { limit: 1, initialDelayMs: 10 } });
    const wrongSecret = 'wrong-secret-that-must-not-leak';
    const errors: unknown[] = [];
    const tokens: string[] = [seedTokenResponse.data.token, 'leaky-token-with-bad-expiry'];
    const keep = (promise: Promise<unknown>) =>
      promise.then(
        () => undefined,
        (error: unknown) => void errors.push(error),
      );

    // Success, a 401 replay, API errors, a token endpoint failing, bad credentials, an unusable token response.
    tokens.push((await client.getToken()).accessToken);
    await client.getData('lexicology/tags', { searchParams: { limit: 2, client_secret: clientSecret } });
    emulator.expireAllTokens();
    await client.getData('lexicology/tags');
    tokens.push((await client.getToken()).accessToken);
    await keep(client.getData('tracks/missing'));
    emulator.injectFault({ match: { path: '/lexicology' }, kind: 'status', status: 500, times: 2 });
    await keep(client.getData('lexicology/tags'));
    await client.clearToken();
    emulator.injectFault({ match: { path: tokenPath }, kind: 'status', status: 500, times: 2 });
    await keep(client.getToken());
    emulator.injectFault({
      match: { path: tokenPath },
      kind: 'status',
      status: 201,
      body: { data: { token: tokens[1], issued_at: 1, expires_at: 'later' } },
    });
    await keep(client.getToken());
    await keep(clientFor(emulator, { logger, clientSecret: wrongSecret }).getToken());
    emulator.injectFault({ match: { path: tokenPath }, kind: 'status', status: 201, body: seedTokenResponse });
    tokens.push((await client.getToken()).accessToken);

    expect(errors).toHaveLength(5);
    expect(logger.records.length).toBeGreaterThan(10);
    for (const request of apiRequestsOf(emulator)) tokens.push(bearerOf(request) ?? '');
    const secrets = [clientSecret, wrongSecret, ...new Set(tokens.filter(Boolean))];
    const haystack = [
      JSON.stringify(logger.records),
      ...errors.map(
        (error) => `${inspect(error, { depth: 10, showHidden: true })} ${JSON.stringify(error)} ${String(error)}`,
      ),
    ].join('\n');
    for (const secret of secrets) {
      expect(haystack).not.toContain(secret);
      // Nor a recognisable part of one (the signature of a token).
      expect(haystack).not.toContain(secret.slice(-24));
    }
    expect(haystack).toContain('[REDACTED]');
  });
});
