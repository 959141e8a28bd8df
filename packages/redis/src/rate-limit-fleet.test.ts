// Four separate Node processes (child processes running the BUILT packages) share one rate limit through Redis against
// the Musimap emulator, which limits their client id to R requests per fixed one-second window. Build first:
// `pnpm turbo run build`; a missing or stale dist fails these tests with that instruction.

import type { EmulatorHandle } from '@auth/testing';
import { type MusimapEmulatorOptions, musimapTestCredentials, startMusimapEmulator } from '@auth/testing';
import { afterEach, describe, expect, it, onTestFailed } from 'vitest';
import {
  type FleetLimiter,
  killRateLimitFleet,
  type RateLimitFleetMember,
  startRateLimitFleet,
} from './test-support/start-rate-limit-fleet.js';
import { redisTestsCanRun } from './test-support/start-redis-server.js';
import { useRedisServer } from './test-support/use-redis-server.js';

const canRun = redisTestsCanRun('@auth/redis rate limit fleet');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The emulator's limit per client id, and the fleet's. */
const limit = 20;
const size = 4;

describe.skipIf(!canRun)(`${size} processes sharing createRedisRateLimiter at R = ${limit}/s`, () => {
  const redis = useRedisServer();
  let emulator: EmulatorHandle;
  let fleet: RateLimitFleetMember[] = [];

  afterEach(async () => {
    await killRateLimitFleet(fleet);
    fleet = [];
    await emulator?.close();
  });

  const start = async (limiter: FleetLimiter, emulatorOptions: MusimapEmulatorOptions = {}) => {
    emulator = await startMusimapEmulator({ maxRecordedRequests: 100_000, ...emulatorOptions });
    await redis.connect({}).flushall();
    fleet = startRateLimitFleet({
      size,
      emulatorUrl: emulator.url,
      redisUrl: redis.server.url,
      limiter,
      requestsPerSecond: limit,
      concurrency: 4,
      credentials: musimapTestCredentials,
    });
    onTestFailed(() => {
      for (const member of fleet) console.info(member.name, member.output.join(''), JSON.stringify(member.logs));
    });
    await Promise.all(fleet.map((member) => member.ready));
    // Measured from here: every process holds its token; fresh windows.
    emulator.reset();
    for (const member of fleet) member.send('go');
  };
  const stopAll = () => Promise.all(fleet.map((member) => member.stop()));

  it('keeps the fleet under the provider limit: goodput about R, and next to no 429', async () => {
    await start('redis', { rateLimit: { requests: limit, windowMs: 1_000 } });
    await sleep(4_000);
    const summaries = await stopAll();

    const requests = emulator.requests;
    const received = requests.length;
    const { rateLimited } = emulator.counters;
    // Over the emulator's own timestamps: from the first request it received to the last.
    const elapsedMs = requests.at(-1)!.receivedAt - requests[0]!.receivedAt;
    const goodput = (received - rateLimited - 1) / (elapsedMs / 1000);
    const figures = {
      received,
      rateLimited,
      share429: +(rateLimited / received).toFixed(3),
      elapsedMs,
      goodputPerSecond: +goodput.toFixed(1),
      goodputOfR: +(goodput / limit).toFixed(3),
      perProcess: fleet.map(
        ({ name }) => requests.filter((request) => request.headers['x-fleet-member'] === name).length,
      ),
    };
    console.info('fleet rate limit figures', JSON.stringify(figures));

    expect(summaries.flatMap((summary) => summary.errors)).toEqual([]);
    expect(rateLimited / received).toBeLessThanOrEqual(0.05);
    expect(goodput).toBeGreaterThanOrEqual(0.9 * limit);
    // Every process had its turns: one budget shared, not taken by one.
    for (const count of figures.perProcess) expect(count).toBeGreaterThanOrEqual(received / size / 2);
  });

  it('one 429 with Retry-After: 2 stops every process for that client id for 2 s', async () => {
    await start('redis');
    await sleep(1_000);
    const before = emulator.requests.length;
    emulator.injectFault({
      match: { path: '/lexicology' },
      kind: 'status',
      status: 429,
      headers: { 'retry-after': '2' },
    });
    await sleep(3_500);
    const summaries = await stopAll();

    // The fault went to the first API request that arrived after it was injected.
    const index = emulator.requests.findIndex((request, at) => at >= before && request.path.startsWith('/lexicology'));
    const limited = emulator.requests[index]!;
    const after = emulator.requests.slice(index + 1);
    // Requests already on their way when the 429 was answered (sent before the pause reached Redis) are not held.
    const inFlight = after.filter((request) => request.receivedAt - limited.receivedAt < 25);
    const resumed = after.filter((request) => request.receivedAt - limited.receivedAt >= 25);
    const figures = {
      limitedBy: limited.headers['x-fleet-member'],
      inFlight: inFlight.length,
      gapMs: resumed[0]!.receivedAt - limited.receivedAt,
      resumedBy: [...new Set(resumed.slice(0, size * 2).map((request) => request.headers['x-fleet-member']))].sort(),
    };
    console.info('fleet pause figures', JSON.stringify(figures));

    expect(emulator.counters.faultsInjected).toBe(1);
    expect(emulator.counters.rateLimited).toBe(1);
    expect(inFlight.length).toBeLessThanOrEqual(1);
    // No process sent anything for Retry-After, on the emulator's clock; then all of them went on.
    expect(figures.gapMs).toBeGreaterThanOrEqual(1_999);
    expect(figures.resumedBy).toEqual(fleet.map((member) => member.name).sort());
    // The one limited call waited and succeeded: no call failed.
    expect(summaries.flatMap((summary) => summary.errors)).toEqual([]);
  });
});
