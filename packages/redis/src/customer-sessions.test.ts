// Musement customer sessions on a RedisTokenStore: a session created by one process is used and renewed by the others,
// one refresh per expiry for the fleet and no refresh token sent twice. First with clients in this process that each
// have their own connection and store object (as processes would), then with separate Node processes (built dist).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CredentialsError } from '@auth/core';
import { createMusementClient } from '@auth/musement';
import {
  findLeakedSecrets,
  type MusementEmulatorHandle,
  musementTestCredentials,
  startMusementEmulator,
} from '@auth/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { packagesDirectory } from '../../core/src/test-support/assert-built.js';
import { RedisTokenStore } from './redis-token-store.js';
import { type ForkedMember, forkFleetMember, killFleetMembers } from './test-support/fork-fleet-member.js';
import { assertPackagesBuilt, type MemberSummary } from './test-support/start-fleet.js';
import { redisTestsCanRun } from './test-support/start-redis-server.js';
import { useRedisServer } from './test-support/use-redis-server.js';

const canRun = redisTestsCanRun('@auth/redis customer sessions');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const { clientId, clientSecret, application, username, password } = musementTestCredentials;
const loginPath = '/api/v3/login';

describe.skipIf(!canRun)('Musement customer sessions on a RedisTokenStore', () => {
  const redis = useRedisServer();
  let emulator: MusementEmulatorHandle;

  beforeEach(async () => {
    await redis.connect({}).flushall();
  });
  afterEach(async () => {
    await emulator?.close();
  });

  /** A client as one process of the fleet has it: its own connection, its own store object. */
  const inAnotherProcess = () =>
    createMusementClient({
      baseUrl: emulator.url,
      clientId,
      clientSecret,
      application,
      store: new RedisTokenStore({ client: redis.connect() }),
    });
  const grants = () =>
    emulator.requests
      .filter((request) => request.path === loginPath)
      .map((request) => (request.body as { grant_type: string }).grant_type);

  it('logged in by one process, used by four others through three 401 storms: one refresh per expiry, no reuse', async () => {
    emulator = await startMusementEmulator();
    await inAnotherProcess().loginCustomer({ username, password });
    const fleet = Array.from({ length: 4 }, inAnotherProcess);
    const callAll = () =>
      Promise.all(
        fleet.flatMap((musement) =>
          Array.from(
            { length: 10 },
            async () => (await musement.customer(username).api.get('me').json<{ email: string }>()).email,
          ),
        ),
      );
    expect(new Set(await callAll())).toEqual(new Set([username]));
    for (let expiry = 1; expiry <= 3; expiry++) {
      emulator.expireAllTokens();
      expect(new Set(await callAll())).toEqual(new Set([username]));
      expect(grants().filter((grant) => grant === 'refresh_token')).toHaveLength(expiry);
    }
    expect(grants()).toEqual(['password', 'refresh_token', 'refresh_token', 'refresh_token']);
    expect(emulator.counters.refreshTokenReuse).toBe(0);
  });

  it('a refresh token rejected in one process ends the session for all: invalid_grant there, no_session elsewhere', async () => {
    emulator = await startMusementEmulator();
    const [first, other] = [inAnotherProcess(), inAnotherProcess()];
    await first.loginCustomer({ username, password });
    await other.customer(username).api.get('me').json();
    emulator.revoke(emulator.latestRefreshToken(username)!);
    emulator.expireAllTokens();
    emulator.reset();
    const ended = await first
      .customer(username)
      .api.get('me')
      .json()
      .catch((error: unknown) => error);
    expect(CredentialsError.isInstance(ended) && ended.reason).toBe('invalid_grant');
    expect(await redis.connect({}).keys('auth:token:*')).toEqual([]);
    const elsewhere = await other
      .customer(username)
      .api.get('me')
      .json()
      .catch((error: unknown) => error);
    expect(CredentialsError.isInstance(elsewhere) && elsewhere.reason).toBe('no_session');
    expect(grants()).toEqual(['refresh_token']);
  });

  describe('separate Node processes (built packages)', () => {
    const lifetimeMs = 2_000;
    let members: ForkedMember<MemberSummary>[] = [];
    afterEach(async () => {
      await killFleetMembers(members);
      members = [];
    });

    it('4 processes that never saw the password use and renew the session: one refresh per expiry, no reuse', async () => {
      assertPackagesBuilt();
      emulator = await startMusementEmulator({ tokenLifetimeSeconds: lifetimeMs / 1000 });
      await inAnotherProcess().loginCustomer({ username, password });
      const script = fileURLToPath(new URL('./test-support/customer-member.mjs', import.meta.url));
      members = Array.from({ length: 4 }, (_, index) =>
        forkFleetMember<MemberSummary>(script, {
          name: `member-${index + 1}`,
          redisUrl: redis.server.url,
          emulatorUrl: emulator.url,
          credentials: { clientId, clientSecret, application },
          username,
          concurrency: 2,
          callIntervalMs: 20,
          redisDist: join(packagesDirectory, 'redis', 'dist', 'index.js'),
          musementDist: join(packagesDirectory, 'musement', 'dist', 'index.js'),
        }),
      );
      await Promise.all(members.map((member) => member.ready));
      await sleep(3 * lifetimeMs);
      const summaries = await Promise.all(members.map((member) => member.stop()));
      const logs = members.flatMap((member) => member.logs);

      for (const summary of summaries) {
        expect(summary.failures).toEqual([]);
        expect(summary.succeeded).toBeGreaterThan(0);
      }
      const logins = emulator.requests.filter((request) => request.path === loginPath);
      const refreshes = logins.filter(
        (request) => (request.body as { grant_type: string }).grant_type === 'refresh_token',
      );
      // Three lifetimes of calls: the session was renewed, by refresh only, and never twice for one expiry.
      expect(grants().filter((grant) => grant === 'password')).toHaveLength(1);
      expect(refreshes.length).toBeGreaterThanOrEqual(2);
      const gaps = refreshes.slice(1).map((request, index) => request.receivedAt - refreshes[index]!.receivedAt);
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(0.4 * lifetimeMs);
      const presented = refreshes.map((request) => (request.body as { refresh_token: string }).refresh_token);
      expect(new Set(presented).size).toBe(presented.length);
      expect(emulator.counters.refreshTokenReuse).toBe(0);
      // Every process made calls; none of them logs a secret.
      const callers = new Set(emulator.requests.map((request) => request.headers['x-fleet-member']).filter(Boolean));
      expect(callers.size).toBe(4);
      const secrets = [clientSecret, password, ...presented, emulator.latestRefreshToken(username)!];
      expect(findLeakedSecrets(secrets, logs)).toEqual([]);
    });
  });
});
