import { ApiError, ConfigError, CredentialsError, NetworkError } from '@auth/core';
import {
  captureLogger,
  findLeakedSecrets,
  type MusementEmulatorHandle,
  musementTestCredentials,
  startMusementEmulator,
} from '@auth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMusementClient } from './create-musement-client.js';
import type { MusementClientOptions } from './musement-client-options.js';
import { rejection } from './test-support/rejection.js';

const { clientId, clientSecret, application, username, password } = musementTestCredentials;
const wrongSecret = 'wrong-client-secret-value';
const wrongPassword = 'wrong-customer-password';
const leakyRefreshToken = 'refresh-token-in-a-broken-answer';

describe('with loginMethod GET and a debug logger, no secret reaches a log record or an error', () => {
  const logger = captureLogger();
  const errors: unknown[] = [];
  const seenTokens = new Set<string>();
  let emulator: MusementEmulatorHandle;

  const connect = (options: MusementClientOptions = {}) =>
    createMusementClient({
      baseUrl: emulator.url,
      clientId,
      clientSecret,
      application,
      loginMethod: 'GET',
      logger,
      retry: { limit: 1, initialDelayMs: 1, maxDelayMs: 5 },
      ...options,
    });

  beforeAll(async () => {
    emulator = await startMusementEmulator();
    const musement = connect({ username, password });

    // Login, a call, a rotation, a revoked refresh token with its fallback login, an API error.
    await musement.api.get('me').json();
    seenTokens.add((await musement.getToken()).accessToken);
    emulator.expireAllTokens();
    await musement.api.get('me').json();
    const rotated = await musement.getToken();
    emulator.revoke(rotated.refreshToken!);
    emulator.expireAllTokens();
    await musement.api.get('me').json();
    errors.push(await rejection(musement.api.get('cities/999').json()));

    // Rejected credentials, a rejected login for a header, broken and incomplete answers, a retried 5xx.
    errors.push(await rejection(connect({ clientSecret: wrongSecret }).getToken()));
    errors.push(await rejection(connect({ username, password: wrongPassword }).api.get('me').json()));
    emulator.injectFault({ match: { path: '/api/v3/login' }, kind: 'status', status: 400, body: { code: '2271' } });
    errors.push(await rejection(connect().getToken()));
    emulator.injectFault({ match: { path: '/api/v3/login' }, kind: 'malformed-json' });
    errors.push(await rejection(connect({ username, password }).getToken()));
    emulator.injectFault({
      match: { path: '/api/v3/login' },
      kind: 'status',
      status: 200,
      body: { refresh_token: leakyRefreshToken, expires_in: 3600 },
    });
    errors.push(await rejection(connect({ username, password }).getToken()));
    emulator.injectFault({ match: { path: '/api/v3/login' }, kind: 'status', status: 500, times: 2 });
    errors.push(await rejection(connect({ username, password }).getToken()));

    // Nobody listening: the network error quotes the URL, query included.
    const closed = await startMusementEmulator();
    await closed.close();
    errors.push(
      await rejection(
        createMusementClient({
          baseUrl: closed.url,
          clientId,
          clientSecret,
          application,
          username,
          password,
          loginMethod: 'GET',
          logger,
          retry: 0,
        }).getToken(),
      ),
    );

    for (const request of emulator.requests) {
      const authorization = request.headers.authorization;
      if (authorization) seenTokens.add(authorization.replace(/^Bearer /, ''));
      if (request.query.refresh_token) seenTokens.add(request.query.refresh_token);
    }
    seenTokens.add(emulator.latestRefreshToken(username)!);
  });

  afterAll(async () => {
    await emulator.close();
  });

  it('went through every path it means to check', () => {
    expect(emulator.counters.tokenRequestsByGrant).toEqual({ password: 7, refresh_token: 2, client_credentials: 2 });
    expect(errors.map((error) => (error as Error).name)).toEqual([
      'ApiError',
      'CredentialsError',
      'CredentialsError',
      'ConfigError',
      'ApiError',
      'ApiError',
      'ApiError',
      'NetworkError',
    ]);
    expect(ApiError.isInstance(errors[0]) && errors[0].status).toBe(404);
    expect(CredentialsError.isInstance(errors[1])).toBe(true);
    expect(ConfigError.isInstance(errors[3])).toBe(true);
    expect(ApiError.isInstance(errors[6]) && errors[6].status).toBe(500);
    expect(NetworkError.isInstance(errors[7])).toBe(true);
    // Enough tokens were issued for the scan to mean something: first, rotated, fallback, and their refresh tokens.
    expect(seenTokens.size).toBeGreaterThanOrEqual(5);
  });

  it('logged the GET logins with every value but grant_type redacted', () => {
    const loginRecords = logger.records
      .map((entry) => entry.record as { endpoint?: string })
      .filter((record) => record.endpoint?.includes('/api/v3/login'));
    expect(loginRecords.length).toBeGreaterThanOrEqual(10);
    expect(loginRecords[0]?.endpoint).toBe(
      `${emulator.url}/api/v3/login?client_id=[REDACTED]&client_secret=[REDACTED]&grant_type=password&username=[REDACTED]&password=[REDACTED]`,
    );
    expect(logger.records.some((entry) => entry.level === 'debug')).toBe(true);
  });

  it('leaks no client secret, password, access or refresh token', () => {
    const secrets = [clientSecret, wrongSecret, password, wrongPassword, leakyRefreshToken, ...seenTokens];
    expect(findLeakedSecrets(secrets, logger.records, errors)).toEqual([]);
  });

  it('the scan itself finds a planted secret', () => {
    const planted = [{ level: 'info' as const, record: { endpoint: `x?client_secret=${clientSecret}` }, message: '' }];
    expect(findLeakedSecrets([clientSecret], planted, [])).toHaveLength(1);
    expect(findLeakedSecrets([clientSecret], [], [new Error(`bad ${clientSecret}`)])).toHaveLength(1);
  });
});

describe('a login error page that echoes the request line (as some proxies and frameworks do)', () => {
  // Known core gap: createTokenClient keeps the body of a non-credentials error (5xx) as ApiError.data, an enumerable
  // field; with loginMethod GET that body can quote the URL and so the client secret and the password.
  it('does not carry the echoed secrets into the error', async () => {
    const emulator = await startMusementEmulator();
    try {
      const echoedUrl = `/api/v3/login?client_id=${clientId}&client_secret=${clientSecret}&grant_type=password&username=${encodeURIComponent(username)}&password=${password}`;
      emulator.injectFault({
        match: { path: '/api/v3/login' },
        kind: 'status',
        status: 502,
        body: `Bad gateway while proxying GET ${echoedUrl}`,
      });
      const logger = captureLogger();
      const error = await rejection(
        createMusementClient({
          baseUrl: emulator.url,
          clientId,
          clientSecret,
          application,
          username,
          password,
          loginMethod: 'GET',
          logger,
          retry: 0,
        }).getToken(),
      );
      expect(ApiError.isInstance(error) && error.status).toBe(502);
      expect(findLeakedSecrets([clientSecret, password], logger.records, [error])).toEqual([]);
    } finally {
      await emulator.close();
    }
  });
});
