// Redis killed under a fleet sharing createRedisRateLimiter: four separate Node processes (the BUILT packages) keep
// calling the Musimap emulator, which limits their client id to R per fixed one-second window. Build first:
// `pnpm turbo run build`.
import { type EmulatorHandle, musimapTestCredentials, startMusimapEmulator } from '@auth/testing';
import { afterEach, describe, expect, it, onTestFailed } from 'vitest';
import {
  killRateLimitFleet,
  type RateLimitFleetMember,
  startRateLimitFleet,
} from './test-support/start-rate-limit-fleet.js';
import { redisTestsCanRun } from './test-support/start-redis-server.js';
import { useRedisServer } from './test-support/use-redis-server.js';

const canRun = redisTestsCanRun('@auth/redis rate limit outage');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const limit = 20;
const size = 4;

describe.skipIf(!canRun)(`Redis killed under ${size} processes sharing createRedisRateLimiter`, () => {
  const redis = useRedisServer();
  let emulator: EmulatorHandle | undefined;
  let fleet: RateLimitFleetMember[] = [];

  afterEach(async () => {
    await killRateLimitFleet(fleet);
    fleet = [];
    await emulator?.close();
  });

  it('calls go on at each process share of the limit, with one warning each, and the fleet shares again once Redis is back', async () => {
    const raw = redis.connect({});
    await raw.flushall();
    emulator = await startMusimapEmulator({
      rateLimit: { requests: limit, windowMs: 1_000 },
      maxRecordedRequests: 100_000,
    });
    fleet = startRateLimitFleet({
      size,
      emulatorUrl: emulator.url,
      redisUrl: redis.server.url,
      limiter: 'redis',
      requestsPerSecond: limit,
      concurrency: 4,
      credentials: musimapTestCredentials,
    });
    onTestFailed(() => {
      for (const member of fleet) console.info(member.name, member.output.join(''), JSON.stringify(member.logs));
    });
    await Promise.all(fleet.map((member) => member.ready));
    emulator.reset();
    for (const member of fleet) member.send('go');
    await sleep(1_000);

    await redis.server.stop('SIGKILL');
    const killedAt = Date.now();
    await sleep(2_000);
    await redis.server.start(); // empty: no persistence
    const restartedAt = Date.now();
    await sleep(2_500);
    const summaries = await Promise.all(fleet.map((member) => member.stop()));

    const requests = emulator.requests;
    const during = requests.filter((request) => request.receivedAt >= killedAt && request.receivedAt < restartedAt);
    // Each process alone, at its share (R / 4, a slot every 4 intervals): never without a limit.
    const shareIntervalMs = (size * 1_000) / limit;
    const gapsDuring = fleet.flatMap(({ name }) => {
      const own = during.filter((request) => request.headers['x-fleet-member'] === name).map((r) => r.receivedAt);
      return own.slice(1).map((time, index) => time - own[index]!);
    });
    const figures = {
      requestsDuringOutage: during.length,
      outageMs: restartedAt - killedAt,
      perSecondDuringOutage: +(during.length / ((restartedAt - killedAt) / 1000)).toFixed(1),
      shortestGapOfOneProcessMs: Math.min(...gapsDuring),
      rateLimited: emulator.counters.rateLimited,
      afterRestart: requests.filter((request) => request.receivedAt >= restartedAt).length,
    };
    console.info('fleet outage figures', JSON.stringify(figures));

    // Calls went on: none failed, and every process sent during the outage.
    expect(summaries.flatMap((summary) => summary.errors)).toEqual([]);
    expect(new Set(during.map((request) => request.headers['x-fleet-member'])).size).toBe(size);
    expect(figures.shortestGapOfOneProcessMs).toBeGreaterThanOrEqual(shareIntervalMs * 0.8);
    // Together no faster than the limit (one slot of slack per process for the switch to the fallback).
    expect(during.length).toBeLessThanOrEqual(limit * ((restartedAt - killedAt) / 1000) + size);
    // One warning per process for the outage, naming its share; one info record when Redis is back.
    for (const member of fleet) {
      expect(member.logs.map(({ level, record }) => `${level} ${String(record.event)}`)).toEqual([
        'warn rate_limit.redis_unavailable',
        'info rate_limit.redis_recovered',
      ]);
      expect(member.logs[0]!.record).toMatchObject({ processes: size, requestsPerSecond: limit / size });
      expect(member.logs[1]!.at).toBeGreaterThanOrEqual(restartedAt);
    }
    // Shared again: the budget is back in Redis and every process keeps calling.
    expect(
      await raw.hexists(
        `auth:ratelimit:{musimap::${encodeURIComponent(emulator.url)}:${musimapTestCredentials.clientId}}`,
        'tat',
      ),
    ).toBe(1);
    const callersAfter = new Set(
      requests.filter((request) => request.receivedAt >= restartedAt + 1_500).map((r) => r.headers['x-fleet-member']),
    );
    expect(callersAfter.size).toBe(size);
  });
});
