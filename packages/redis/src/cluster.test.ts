// The store and the rate limiter on a real 3-node Redis Cluster on loopback (three cluster-enabled redis-server
// processes joined by redis-cli, no replicas), through ioredis' Cluster client: every script touches one key, or two
// keys under one hash tag, so no command crosses slots.
import { RateLimiterBusy } from '@auth/core';
import { createMusementClient } from '@auth/musement';
import { type MusementEmulatorHandle, musementTestCredentials, startMusementEmulator } from '@auth/testing';
import { Cluster } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRedisRateLimiter } from './create-redis-rate-limiter.js';
import { failFastRedisOptions } from './fail-fast-redis-options.js';
import { RedisTokenStore } from './redis-token-store.js';
import { findRedisCli, type RedisClusterHandle, startRedisCluster } from './test-support/start-redis-cluster.js';
import { redisTestsCanRun } from './test-support/start-redis-server.js';

const canRun = redisTestsCanRun('@auth/redis on a Redis Cluster');
if (canRun && findRedisCli() === undefined) throw new Error('redis-server was found without redis-cli');

describe.skipIf(!canRun)('on a 3-node Redis Cluster', () => {
  let cluster: RedisClusterHandle;
  const clients: Cluster[] = [];
  /** A Cluster client of its own, as each process of a fleet has. */
  const connect = async () => {
    const { enableOfflineQueue, retryStrategy, ...nodeOptions } = failFastRedisOptions;
    const client = new Cluster([...cluster.nodes], {
      enableOfflineQueue,
      clusterRetryStrategy: retryStrategy,
      redisOptions: nodeOptions,
    });
    client.on('error', () => {});
    clients.push(client);
    if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
    return client;
  };
  /** Which node holds `key`: its port. */
  const nodeOf = async (client: Cluster, key: string) => {
    const slot = (await client.call('CLUSTER', 'KEYSLOT', key)) as number;
    const ranges = (await client.call('CLUSTER', 'SLOTS')) as Array<[number, number, [string, number]]>;
    return ranges.find(([from, to]) => slot >= from && slot <= to)![2][1];
  };

  beforeAll(async () => {
    cluster = await startRedisCluster(3);
  }, 30_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.disconnect();
  });

  describe('RedisTokenStore', () => {
    beforeEach(async () => {
      const client = await connect();
      await Promise.all(client.nodes('master').map((node) => node.flushall()));
    });

    it('compare-and-set keeps the newer record, for keys on every node', async () => {
      const store = new RedisTokenStore({ client: await connect() });
      const keys = Array.from({ length: 12 }, (_, index) => `musement::https%3A%2F%2Fapi.example:client-${index}`);
      for (const key of keys) {
        await store.set(key, { accessToken: `newer-${key.length}`, issuedAt: 2_000, expiresAt: Date.now() + 60_000 });
        await store.set(key, { accessToken: 'older', issuedAt: 1_000, expiresAt: Date.now() + 60_000 });
      }
      for (const key of keys) expect((await store.get(key))?.accessToken).not.toBe('older');
      const inspector = await connect();
      const ports = new Set(await Promise.all(keys.map((key) => nodeOf(inspector, `auth:token:${key}`))));
      expect(ports.size).toBe(3); // the records spread over the three nodes
    });

    it('leases: one holder at a time, released and extended only by their owner', async () => {
      const [first, second] = [
        new RedisTokenStore({ client: await connect() }),
        new RedisTokenStore({ client: await connect() }),
      ];
      const lease = await first.acquireLease('k', 5_000);
      expect(lease?.owner).toMatch(/\//);
      expect(await second.acquireLease('k', 5_000)).toBeUndefined();
      expect(await lease!.extend!(5_000)).toBe(true);
      await lease!.release();
      const next = await second.acquireLease('k', 5_000);
      expect(next).toBeDefined();
      expect(await lease!.extend!(5_000)).toBe(false); // released: not the owner any more
      await next!.release();
    });

    describe('a fleet renewing through it', () => {
      let emulator: MusementEmulatorHandle;
      beforeEach(async () => {
        emulator = await startMusementEmulator({ tokenLifetimeSeconds: 2 });
      });
      afterEach(async () => {
        await emulator.close();
      });

      it('4 clients with their own Cluster connections: 1 login for 40 cold calls, then one renewal per window', async () => {
        const { clientId, clientSecret, application, username, password } = musementTestCredentials;
        const musements = await Promise.all(
          Array.from({ length: 4 }, async () =>
            createMusementClient({
              baseUrl: emulator.url,
              clientId,
              clientSecret,
              application,
              username,
              password,
              store: new RedisTokenStore({ client: await connect() }),
            }),
          ),
        );
        const call = (index: number) => musements[index % 4]!.api.get('cities', { searchParams: { limit: 1 } }).json();
        await Promise.all(Array.from({ length: 40 }, (_, index) => call(index)));
        expect(emulator.counters.tokenRequestsByGrant).toEqual({ password: 1 });

        // Past two token lifetimes, every client calling: renewals are shared, never one per client.
        const until = Date.now() + 4_200;
        while (Date.now() < until) {
          await Promise.all([0, 1, 2, 3].map(call));
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        await Promise.all(musements.map((musement) => musement.close()));
        const logins = emulator.requests.filter((request) => request.path === '/api/v3/login');
        const gaps = logins.slice(1).map((request, index) => request.receivedAt - logins[index]!.receivedAt);
        expect(emulator.counters.refreshTokenReuse).toBe(0);
        expect(emulator.counters.unauthorized).toBe(0);
        // The policy renews a 2 s token after about half its lifetime: renewals are a window apart, not per client.
        expect(logins.length).toBeGreaterThanOrEqual(3);
        expect(Math.min(...gaps)).toBeGreaterThanOrEqual(800);
      });
    });
  });

  describe('createRedisRateLimiter', () => {
    it('keeps its two keys on one node (one hash tag) and shares the budget between connections', async () => {
      const [first, second] = [await connect(), await connect()];
      const key = { provider: 'musimap', baseUrl: 'https://api.musimap.example', clientId: 'cluster-client' };
      const [mine, theirs] = [
        createRedisRateLimiter({ client: first, key, requestsPerSecond: 1 }),
        createRedisRateLimiter({ client: second, key, requestsPerSecond: 1 }),
      ];
      await mine.acquire(undefined, 0);
      const refused = await theirs.acquire(undefined, 100).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(RateLimiterBusy);
      expect(await nodeOf(first, mine.key)).toBe(await nodeOf(first, `${mine.key}:processes`));
      expect(await first.zcard(`${mine.key}:processes`)).toBe(2);

      await theirs.pause(Date.now() + 60_000);
      const paused = await mine.acquire(undefined, 30_000).catch((error: unknown) => error);
      expect((paused as RateLimiterBusy).waitMs).toBeGreaterThan(30_000);
    });

    it('works for limits whose keys live on every node, with no cross-slot error', async () => {
      const client = await connect();
      const limiters = Array.from({ length: 12 }, (_, index) =>
        createRedisRateLimiter({
          client,
          key: { provider: 'musimap', baseUrl: 'https://api.musimap.example', clientId: `client-${index}` },
          requestsPerSecond: 10,
        }),
      );
      await Promise.all(limiters.map((limiter) => limiter.acquire(undefined, 0)));
      const ports = new Set(await Promise.all(limiters.map((limiter) => nodeOf(client, limiter.key))));
      expect(ports.size).toBe(3);
      for (const limiter of limiters) expect(await client.hexists(limiter.key, 'tat')).toBe(1);
    });
  });
});
