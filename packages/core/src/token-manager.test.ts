import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CredentialsError } from './errors/credentials-error.js';
import { FileTokenStore } from './file-token-store.js';
import { MemoryTokenStore } from './memory-token-store.js';
import { captureLogger } from './test-support/capture-logger.js';
import { createOAuthClient } from './test-support/create-oauth-client.js';
import { useRetryAfterClock } from './test-support/retry-after-clock.js';
import { type OAuthServer, startOAuthServer } from './test-support/start-oauth-server.js';
import { TokenManager } from './token-manager.js';
import type { TokenSet } from './token-set.js';

let server: OAuthServer;
afterEach(async () => {
  vi.useRealTimers();
  await server?.close();
});

/** A clock tests move by hand. */
function manualClock(start = Date.now()) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('TokenManager with a real token endpoint', () => {
  it('serves 1,000 concurrent cold calls with exactly one token request', async () => {
    server = await startOAuthServer();
    const { api } = createOAuthClient(server);
    const results = await Promise.all(Array.from({ length: 1000 }, () => api.get('data').json<{ ok: boolean }>()));
    expect(results.every((result) => result.ok)).toBe(true);
    expect(server.tokenRequests).toHaveLength(1);
    expect(server.apiRequests).toHaveLength(1000);
  });

  it('renews a token past its refresh-ahead point in the background while requests keep flowing', async () => {
    server = await startOAuthServer({ lifetimeSeconds: 3600, tokenDelayMs: 300 });
    const clock = manualClock();
    const { api, tokens } = createOAuthClient(server, { clock });
    await api.get('data');
    const first = tokens.peek()!;
    // Inside the refresh window (5 min before expiry for a 1 h token), but not expired.
    clock.advance(3600_000 - 60_000);
    const during = await Promise.all(Array.from({ length: 20 }, () => api.get('data').json<{ token: string }>()));
    // Every caller was served with the current token while the renewal was still in flight (it takes 300 ms).
    expect(during.every((body) => body.token === first.accessToken)).toBe(true);
    await expect.poll(() => server.tokenRequests.length).toBe(2);
    await expect.poll(() => tokens.peek()?.accessToken).not.toBe(first.accessToken);
    const after = await api.get('data').json<{ token: string }>();
    expect(after.token).toBe(tokens.peek()!.accessToken);
    expect(server.tokenRequests).toHaveLength(2);
    // The second request used the refresh_token grant with the first refresh token.
    expect(JSON.parse(server.tokenRequests[1]!.body)).toMatchObject({
      grant_type: 'refresh_token',
      refresh_token: first.refreshToken,
    });
  });

  it('blocks callers only when no usable token exists', async () => {
    server = await startOAuthServer({ lifetimeSeconds: 60 });
    const clock = manualClock();
    const { api, tokens } = createOAuthClient(server, { clock });
    await api.get('data');
    const first = tokens.peek()!;
    clock.advance(61_000); // expired on our clock
    const body = await api.get('data').json<{ token: string }>();
    expect(body.token).not.toBe(first.accessToken);
    expect(server.tokenRequests).toHaveLength(2);
  });

  it('keeps serving the old token when a background renewal fails, and retries it later', async () => {
    server = await startOAuthServer({ lifetimeSeconds: 3600 });
    const clock = manualClock();
    const logger = captureLogger();
    const { api, tokens } = createOAuthClient(server, { clock, logger, retry: 0 });
    await api.get('data');
    const first = tokens.peek()!;
    server.tokenFaults.push({ status: 500 });
    clock.advance(3600_000 - 60_000);
    await api.get('data');
    await expect.poll(() => logger.records.some((entry) => entry.message?.includes('renewal failed'))).toBe(true);
    // Still the old token, and no immediate second attempt (back-off).
    expect((await api.get('data').json<{ token: string }>()).token).toBe(first.accessToken);
    expect(server.tokenRequests).toHaveLength(2);
    clock.advance(5_000);
    await api.get('data');
    await expect.poll(() => tokens.peek()?.accessToken).not.toBe(first.accessToken);
    expect(server.tokenRequests).toHaveLength(3);
  });

  it('writes a rotated pair to the store before the new access token is used', async () => {
    server = await startOAuthServer();
    const events: string[] = [];
    const store = new MemoryTokenStore();
    const recordingStore = {
      get: (key: string) => store.get(key),
      delete: (key: string) => store.delete(key),
      set: async (key: string, value: TokenSet) => {
        events.push(`store ${value.accessToken}`);
        await store.set(key, value);
      },
    };
    const { api } = createOAuthClient(server, { store: recordingStore });
    await api.get('data');
    server.expireAll();
    await api.get('data');
    const used = server.apiRequests.map((request) => request.headers.authorization?.replace('Bearer ', ''));
    expect(events).toEqual(['store SECRET-access-1', 'store SECRET-access-2']);
    expect(used).toEqual(['SECRET-access-1', 'SECRET-access-1', 'SECRET-access-2']);
    expect((await store.get('test'))?.refreshToken).toBe('SECRET-refresh-2');
    expect(server.refreshTokenReuse).toBe(0);
  });

  it('falls back to a fresh login when the refresh token is rejected', async () => {
    server = await startOAuthServer();
    const { api } = createOAuthClient(server);
    await api.get('data');
    server.expireAll();
    server.tokenFaults.push({ status: 400, body: { error: 'invalid_grant' } });
    const body = await api.get('data').json<{ ok: boolean }>();
    expect(body.ok).toBe(true);
    const grants = server.tokenRequests.map((request) => JSON.parse(request.body).grant_type);
    expect(grants).toEqual(['client_credentials', 'refresh_token', 'client_credentials']);
  });

  it('surfaces rejected client credentials as CredentialsError after one attempt', async () => {
    server = await startOAuthServer();
    const { api } = createOAuthClient(server, { clientSecret: 'SECRET-wrong' });
    const error = await api.get('data').catch((caught: unknown) => caught);
    expect(CredentialsError.isInstance(error)).toBe(true);
    expect((error as CredentialsError).reason).toBe('invalid_client');
    expect(server.tokenRequests).toHaveLength(1);
    expect(server.apiRequests).toHaveLength(0);
  });

  it('retries the token endpoint on 503 and on 429, honouring Retry-After', async () => {
    server = await startOAuthServer();
    server.tokenFaults.push({ status: 503 }, { status: 429, headers: { 'retry-after': '1' } });
    const clock = useRetryAfterClock();
    const { api } = createOAuthClient(server, { retry: { initialDelayMs: 10 }, telemetry: clock.telemetry });
    const call = api.get('data');
    await clock.elapseBackoff();
    await clock.elapseRetryAfter();
    await call;
    expect(clock.asked).toEqual([1000]);
    expect(server.tokenRequests).toHaveLength(3);
    const [, second, third] = server.tokenRequests;
    expect(third!.receivedAt - second!.receivedAt).toBeGreaterThanOrEqual(1000);
  });

  it('uses a token another client already stored instead of renewing again', async () => {
    server = await startOAuthServer();
    const store = new MemoryTokenStore();
    const first = createOAuthClient(server, { store });
    const second = createOAuthClient(server, { store });
    await first.api.get('data');
    await second.api.get('data');
    expect(server.tokenRequests).toHaveLength(1);
    // After a rejection seen by one client, the other picks up the replacement from the store.
    server.expireAll();
    await first.api.get('data');
    await second.api.get('data');
    expect(server.tokenRequests).toHaveLength(2);
    expect(server.refreshTokenReuse).toBe(0);
  });

  it('renews once for several clients sharing a leasing store (FileTokenStore)', async () => {
    server = await startOAuthServer({ tokenDelayMs: 50 });
    const directory = await mkdtemp(join(tmpdir(), 'auth-lease-'));
    try {
      const clients = Array.from({ length: 5 }, () =>
        createOAuthClient(server, { store: new FileTokenStore(join(directory, 'tokens.json')) }),
      );
      await Promise.all(clients.map((client) => client.api.get('data')));
      expect(server.tokenRequests).toHaveLength(1);
      server.expireAll();
      await Promise.all(clients.flatMap((client) => [client.api.get('data'), client.api.get('data')]));
      expect(server.tokenRequests).toHaveLength(2);
      expect(server.refreshTokenReuse).toBe(0);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('rejects an already-expired token from a source with a typed error', async () => {
    const manager = new TokenManager({
      key: 'k',
      source: { obtain: async () => ({ accessToken: 'SECRET-x', expiresAt: Date.now() - 1 }) },
    });
    await expect(manager.getToken()).rejects.toThrow(/already expired/);
    const empty = new TokenManager({ key: 'k', source: { obtain: async () => ({ accessToken: '' }) } });
    await expect(empty.getToken()).rejects.toThrow(/no access token/);
  });
});
