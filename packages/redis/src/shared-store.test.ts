// Musement clients in this process sharing a RedisTokenStore (each with its own Redis connection, as separate
// processes would have): what a user sees in their logs and errors. Separate processes: fleet.test.ts.
import { createMusementClient } from '@auth/musement';
import {
  captureLogger,
  findLeakedSecrets,
  type MusementEmulatorHandle,
  musementTestCredentials,
  startMusementEmulator,
} from '@auth/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RedisTokenStore } from './redis-token-store.js';
import { redisTestsCanRun } from './test-support/start-redis-server.js';
import { useRedisServer } from './test-support/use-redis-server.js';

const canRun = redisTestsCanRun('@auth/redis shared store');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const { clientId, clientSecret, application, username, password } = musementTestCredentials;

describe.skipIf(!canRun)('Musement clients sharing a RedisTokenStore', () => {
  const redis = useRedisServer();
  let emulator: MusementEmulatorHandle;

  beforeEach(async () => {
    emulator = await startMusementEmulator({ tokenLifetimeSeconds: 2 });
  });
  afterEach(async () => {
    await emulator.close();
  });

  const newClient = (logger = captureLogger(), connection = redis.connect()) =>
    createMusementClient({
      baseUrl: emulator.url,
      clientId,
      clientSecret,
      application,
      username,
      password,
      store: new RedisTokenStore({ client: connection }),
      logger,
    });

  it('10 clients with their own connections, 100 concurrent cold calls: 1 login, 1 token', async () => {
    const musements = Array.from({ length: 10 }, () => newClient());
    await Promise.all(
      Array.from({ length: 100 }, (_, index) =>
        musements[index % 10]!.api.get('cities', { searchParams: { limit: 1 } }),
      ),
    );
    expect(emulator.counters.tokenRequestsByGrant).toEqual({ password: 1 });
    const tokens = new Set(
      emulator.requests.filter((r) => r.path !== '/api/v3/login').map((r) => r.headers.authorization),
    );
    expect(tokens.size).toBe(1);
  });

  it('an outage is one warning naming the store failure, recovery one info record; calls go on; no secret logged', async () => {
    const logger = captureLogger();
    const connection = redis.connect();
    const musement = newClient(logger, connection);
    await musement.api.get('cities').json();

    await redis.server.stop();
    const errors: unknown[] = [];
    for (let call = 0; call < 6; call++) {
      await musement.api
        .get('cities')
        .json()
        .catch((error: unknown) => errors.push(error));
      await sleep(500); // through two token lifetimes without Redis: renewed for this process
    }
    await redis.server.start();
    await vi.waitFor(() => expect(connection.status).toBe('ready'), { timeout: 10_000 });
    await sleep(1_200); // past the refresh time (at most 1.1 s after issue): the renewal reads Redis again
    await musement.api.get('cities').json();

    // Redis holds this process's newest token again (written by the background renewal), for the others to adopt.
    const store = new RedisTokenStore({ client: connection });
    const key = await vi.waitFor(async () => {
      const found = (await connection.keys('auth:token:*')).find((name) => !name.endsWith(':lease'));
      if (found === undefined) throw new Error('no record in Redis yet');
      return found.slice('auth:token:'.length);
    });
    const stored = await store.get(key);
    expect(errors).toEqual([]);
    expect(emulator.counters.tokenRequests).toBeGreaterThanOrEqual(3); // renewed while Redis was away
    const notices = logger.records.filter((record) => String(record.record.event).startsWith('store.'));
    expect(notices.map((notice) => [notice.level, notice.message, notice.record])).toEqual([
      [
        'warn',
        'token store unavailable; using a per-process token until it is back',
        expect.objectContaining({
          event: 'store.unavailable',
          operation: 'read',
          error: 'RedisStoreError: @auth/redis: get failed at once: Redis is not connected (reconnecting).',
        }),
      ],
      ['info', 'token store is back', expect.objectContaining({ event: 'store.recovered' })],
    ]);
    expect(stored?.refreshToken).toBe(emulator.latestRefreshToken(username));

    const secrets = [
      clientSecret,
      password,
      emulator.latestRefreshToken(username)!,
      ...emulator.requests.map((r) => r.headers.authorization?.replace('Bearer ', '')).filter(Boolean),
    ] as string[];
    expect(findLeakedSecrets(secrets, logger.records)).toEqual([]);
  });
});
