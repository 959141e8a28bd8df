import { ConfigError, RateLimiterBusy } from '@auth/core';
import { captureLogger } from '@auth/testing';
import type { Redis } from 'ioredis';
import { beforeEach, describe, expect, it } from 'vitest';
import { createRedisRateLimiter } from './create-redis-rate-limiter.js';
import type { RedisRateLimiterOptions } from './redis-rate-limiter-options.js';
import { redisTestsCanRun } from './test-support/start-redis-server.js';
import { useRedisServer } from './test-support/use-redis-server.js';

const canRun = redisTestsCanRun('@auth/redis createRedisRateLimiter');
const baseUrl = 'https://api.musimap.example';
const identity = { provider: 'musimap', baseUrl, clientId: 'client-1' };

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('createRedisRateLimiter options', () => {
  it.each([
    [{ requestsPerSecond: 0 }, 'requestsPerSecond'],
    [{ burst: 1.5 }, 'burst'],
    [{ expectedProcesses: 0 }, 'expectedProcesses'],
    [{ operationTimeoutMs: -1 }, 'operationTimeoutMs'],
    [{ key: '' }, 'key'],
    [{ key: { provider: 'musimap' } }, 'key'],
    [{ arrivalJitterMs: -1 }, 'arrivalJitterMs'],
  ])('refuses %j with a ConfigError naming the option', (wrong, option) => {
    const options = { url: 'redis://127.0.0.1:1', key: identity, requestsPerSecond: 1, ...wrong };
    const error = (() => {
      try {
        createRedisRateLimiter(options as RedisRateLimiterOptions);
      } catch (caught) {
        return caught;
      }
    })();
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).message).toMatch(new RegExp(`^@auth/redis: the ${option} option`));
  });

  it('refuses an unknown option, naming the closest known one', () => {
    const options = { url: 'redis://127.0.0.1:1', key: identity, requestsPerSecond: 1, rps: 5 };
    expect(() => createRedisRateLimiter(options as RedisRateLimiterOptions)).toThrow(/unknown option "rps"/);
  });
});

describe.skipIf(!canRun)('createRedisRateLimiter against redis-server', () => {
  const redis = useRedisServer();
  let raw: Redis;
  beforeEach(async () => {
    raw = redis.connect({});
    await raw.flushall();
  });

  /** A limiter of its own connection, as another process of the fleet would have. */
  const limiter = (options: Partial<RedisRateLimiterOptions> = {}) =>
    createRedisRateLimiter({ client: redis.connect(), key: identity, requestsPerSecond: 1, ...options });

  it('keys the budget by the token identity, documented: a hash and the processes that share it', async () => {
    const first = limiter();
    const second = limiter();
    await first.acquire();
    await second.acquire(undefined, 5_000);

    const expected = `auth:ratelimit:{musimap::${encodeURIComponent(baseUrl)}:client-1}`;
    expect(first.key).toBe(expected);
    expect((await raw.keys('auth:ratelimit:*')).sort()).toEqual([expected, `${expected}:processes`]);
    expect(Object.keys(await raw.hgetall(expected))).toEqual(['tat']);
    expect(await raw.zcard(`${expected}:processes`)).toBe(2);
    // A static token enters the key as a fingerprint only.
    const byToken = createRedisRateLimiter({
      client: redis.connect(),
      key: { provider: 'gomus', baseUrl, token: 'reseller-token-secret' },
      requestsPerSecond: 1,
    });
    expect(byToken.key).toMatch(/^auth:ratelimit:\{gomus::https%3A%2F%2Fapi\.musimap\.example::token:[0-9a-f]{16}\}$/);
    expect(byToken.key).not.toContain('reseller-token-secret');
  });

  it('shares one budget between processes on the same key, and none with another key', async () => {
    const first = limiter();
    const second = limiter();
    const other = limiter({ key: { ...identity, clientId: 'client-2' } });
    await first.acquire(undefined, 0);

    // The next slot of this key is a second away, whichever process asks.
    const refused = await rejection(second.acquire(undefined, 100));
    expect(refused).toBeInstanceOf(RateLimiterBusy);
    expect((refused as RateLimiterBusy).waitMs).toBeGreaterThan(500);
    await expect(other.acquire(undefined, 0)).resolves.toBeUndefined();
  });

  it('spaces the fleet at requestsPerSecond, serving each process in arrival order', async () => {
    const [first, second] = [limiter({ requestsPerSecond: 20 }), limiter({ requestsPerSecond: 20 })];
    const granted: Array<{ who: string; at: number }> = [];
    const take = (who: string, from: typeof first) =>
      from.acquire().then(() => granted.push({ who, at: performance.now() }));
    await Promise.all([
      ...['a1', 'a2', 'a3', 'a4', 'a5'].map((who) => take(who, first)),
      ...['b1', 'b2', 'b3', 'b4', 'b5'].map((who) => take(who, second)),
    ]);

    expect(granted.filter(({ who }) => who.startsWith('a')).map(({ who }) => who)).toEqual([
      'a1',
      'a2',
      'a3',
      'a4',
      'a5',
    ]);
    expect(granted.filter(({ who }) => who.startsWith('b')).map(({ who }) => who)).toEqual([
      'b1',
      'b2',
      'b3',
      'b4',
      'b5',
    ]);
    // Ten slots of 50 ms for the two processes together (Redis' clock and ours tick alike: 2 ms of slack).
    expect(granted.at(-1)!.at - granted[0]!.at).toBeGreaterThanOrEqual(9 * 50 - 2);
  });

  it('ends a wait at once when the caller aborts; the caller behind it takes the slot', async () => {
    const shared = limiter({ requestsPerSecond: 2 });
    const redisNowUs = async () => {
      const [seconds, micros] = (await raw.time()) as [number, number];
      return Number(seconds) * 1e6 + Number(micros);
    };
    const startedUs = await redisNowUs();
    await shared.acquire();
    const controller = new AbortController();
    const aborted = rejection(shared.acquire(controller.signal));
    const behind = shared.acquire(undefined, 5_000);
    controller.abort(new Error('caller gave up'));
    expect(await aborted).toMatchObject({ message: 'caller gave up' });
    await expect(behind).resolves.toBeUndefined();
    // Two slots of 500 ms in all: the one the aborted caller asked for went to the caller behind it (a slot of its
    // own would have pushed the next free one to 1.5 s).
    const tat = Number(await raw.hget(shared.key, 'tat'));
    expect(tat - startedUs).toBeLessThan(1_250_000);
  });

  it('a pause set by one process holds the others until then, and refuses at once who cannot wait that long', async () => {
    const [paused, other] = [limiter({ requestsPerSecond: 50 }), limiter({ requestsPerSecond: 50 })];
    const startedAt = performance.now();
    await paused.pause(Date.now() + 1_000);

    const refused = await rejection(other.acquire(undefined, 500));
    expect(refused).toBeInstanceOf(RateLimiterBusy);
    expect((refused as RateLimiterBusy).waitMs).toBeGreaterThan(500);
    await other.acquire(undefined, 5_000);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(999);
    expect(Number(await raw.hget(other.key, 'pause'))).toBeGreaterThan(0);
  });

  it('a slot already held when another process stores a pause is not used: the holder waits the pause out', async () => {
    const [holder, paused] = [limiter({ requestsPerSecond: 2 }), limiter({ requestsPerSecond: 2 })];
    await holder.acquire();
    const second = holder.acquire().then(() => performance.now()); // its slot, 500 ms away, is reserved now
    await new Promise((resolve) => setTimeout(resolve, 100));
    const pausedAt = performance.now();
    await paused.pause(Date.now() + 1_000);

    expect((await second) - pausedAt).toBeGreaterThanOrEqual(999);
  });

  it('with Redis down: goes on at its share of the limit, warns once, and shares again once Redis is back', async () => {
    const logger = captureLogger();
    const [mine, peer] = [limiter({ requestsPerSecond: 10, logger }), limiter({ requestsPerSecond: 10 })];
    await mine.acquire();
    await peer.acquire(undefined, 5_000);
    await mine.acquire(undefined, 5_000); // Redis now reports two processes: the share is 5/s

    await redis.server.stop();
    const granted: number[] = [];
    for (let call = 0; call < 4; call++) {
      await mine.acquire(undefined, 5_000);
      granted.push(performance.now());
    }
    expect(granted.at(-1)! - granted[0]!).toBeGreaterThanOrEqual(3 * 200 - 2);
    const warnings = logger.records.filter(({ level }) => level === 'warn');
    expect(warnings).toEqual([
      {
        level: 'warn',
        record: expect.objectContaining({ event: 'rate_limit.redis_unavailable', processes: 2, requestsPerSecond: 5 }),
        message: expect.stringMatching(/^@auth\/redis: Redis is unreachable/),
      },
    ]);

    await redis.server.start();
    // ioredis reconnects by itself (every 100 ms to 1 s with failFastRedisOptions).
    for (let call = 0; call < 50 && !logger.records.some(({ level }) => level === 'info'); call++) {
      await mine.acquire(undefined, 5_000);
    }
    expect(logger.records.filter(({ level }) => level !== 'debug').map(({ record }) => record.event)).toEqual([
      'rate_limit.redis_unavailable',
      'rate_limit.redis_recovered',
    ]);
    // Redis came back empty: the next acquisition writes the budget there again.
    await mine.acquire(undefined, 5_000);
    expect(await raw.hexists(mine.key, 'tat')).toBe(1);
  });
});
