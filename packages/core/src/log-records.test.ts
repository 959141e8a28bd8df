import { afterEach, describe, expect, it } from 'vitest';
import { fingerprintToken } from './fingerprint-token.js';
import { captureLogger } from './test-support/capture-logger.js';
import { createOAuthClient } from './test-support/create-oauth-client.js';
import { type OAuthServer, startOAuthServer } from './test-support/start-oauth-server.js';

const servers: OAuthServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe('log records', () => {
  it('name the token each API call carried by its fingerprint, never the token', async () => {
    const server = await startOAuthServer();
    servers.push(server);
    const logger = captureLogger();
    const { api } = createOAuthClient(server, { logger });
    await api.get('data').json();
    const call = logger.records.find((entry) =>
      (entry.record as { endpoint?: string }).endpoint?.endsWith('/api/data'),
    );
    expect(call?.record).toMatchObject({ token: fingerprintToken('SECRET-access-1'), status: 200 });
    expect(JSON.stringify(logger.records)).not.toContain('SECRET-access-1');
    const renewed = logger.records.find((entry) => (entry.record as { event?: string }).event === 'token.renewed');
    expect(renewed?.record).toMatchObject({ fingerprint: fingerprintToken('SECRET-access-1'), grant: 'obtain' });
  });

  it('log a token endpoint refusing the credentials at warn, where an API 4xx stays at info', async () => {
    const server = await startOAuthServer();
    servers.push(server);
    const logger = captureLogger();
    const refused = createOAuthClient(server, { logger, clientSecret: 'SECRET-wrong-secret' });
    await refused.api.get('data').catch(() => undefined);
    const login = logger.records.find((entry) => (entry.record as { kind?: string }).kind === 'token');
    expect(login).toMatchObject({ level: 'warn', record: { status: 400 } });

    server.apiFaults.push({ status: 404 });
    const { api } = createOAuthClient(server, { logger });
    await api.get('missing').catch(() => undefined);
    const notFound = logger.records.find((entry) => (entry.record as { status?: number }).status === 404);
    expect(notFound?.level).toBe('info');
  });
});
