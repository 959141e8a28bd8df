// Runs every scenario of `pnpm bench` tiny, so that the benchmark keeps working. It checks the figures exist and the
// deterministic ones (token request counts, 401s), never a time: the machine running tests is shared.
// The emulators and fleet processes are child processes running the built packages (dist): build first.
import { describe, expect, it } from 'vitest';
import { describeStaleBuild } from '../../../packages/core/src/test-support/assert-built.ts';
import type { ScenarioResult } from './report.ts';
import { runColdHerd } from './scenarios/cold-herd.ts';
import { runExpiry } from './scenarios/expiry.ts';
import { fleetSkipReason, runFleet } from './scenarios/fleet.ts';
import { fleetRateLimitSkipReason, runFleetRateLimit } from './scenarios/fleet-rate-limit.ts';
import { runFootprint } from './scenarios/footprint.ts';
import { runManyCustomers } from './scenarios/many-customers.ts';
import { runOverhead } from './scenarios/overhead.ts';
import { runRateLimit } from './scenarios/rate-limit.ts';

const staleBuild = describeStaleBuild(['core', 'testing', 'musimap', 'musement', 'gomus']);
const built = staleBuild === undefined;

const figureValue = (result: ScenarioResult, contender: string, figure: string) => {
  const found = result.figures.find((item) => item.contender.startsWith(contender) && item.figure.startsWith(figure));
  if (!found) throw new Error(`no figure "${figure}" for ${contender} in ${result.scenario}`);
  return found.value;
};

const expectEveryFigureMeasured = (result: ScenarioResult) => {
  expect(result.skipped).toBeUndefined();
  expect(result.figures.length).toBeGreaterThan(0);
  // Figures with a target must be measured; others may be missing in a tiny run (e.g. no call to compare with).
  for (const item of result.figures) {
    const measured = Number.isFinite(item.value) || (item.target === undefined && item.value === null);
    expect(measured, `${item.contender}: ${item.figure}`).toBe(true);
  }
};

describe('pnpm bench, every scenario run tiny', () => {
  it('needs the packages built and fresh (pnpm turbo run build): the emulators run from dist in child processes', () => {
    expect(staleBuild).toBeUndefined();
  });

  it.runIf(built)('1 overhead: every contender on every provider, ratios to bare ky', async () => {
    const result = await runOverhead({
      concurrency: 4,
      turnMs: 40,
      rounds: 1,
      warmupRounds: 0,
      providers: ['musimap', 'musement', 'gomus'],
    });
    expectEveryFigureMeasured(result);
    const contenders = result.figures.map((item) => item.contender);
    for (const name of ['createMusimapClient', 'createMusementClient', 'createGomusClient']) {
      expect(contenders).toContain(name);
    }
    expect(contenders).toContain('ky + README refresh recipe');
    expect(contenders).toContain('axios + axios-auth-refresh');
    expect(figureValue(result, 'ky (fixed header)', 'throughput / bare ky')).toBe(1);
    // Each client is also set against ky configured as the engine configures it.
    expect(contenders).toContain("ky + the engine's options (no-op functions)");
    for (const name of ['createMusimapClient', 'createMusementClient', 'createGomusClient']) {
      expect(figureValue(result, name, 'throughput / engine floor')).toBeGreaterThan(0);
    }
  });

  it.runIf(built)('2 cold herd: one token request for ours, one per call for the ky recipe', async () => {
    const result = await runColdHerd({ burst: 40, repetitions: 1, alternativeRepetitions: 1, connections: 16 });
    expectEveryFigureMeasured(result);
    expect(figureValue(result, 'createMusimapClient', 'token requests')).toBe(1);
    expect(figureValue(result, 'ky + README refresh recipe', 'token requests')).toBe(40);
  });

  it.runIf(built)('3 expiry: ours renews ahead, the server sends it no 401', async () => {
    const result = await runExpiry({ tokenLifetimeMs: 500, durationMs: 600, concurrency: 4, warmupMs: 50 });
    expectEveryFigureMeasured(result);
    expect(figureValue(result, 'createMusimapClient', '401s')).toBe(0);
    expect(figureValue(result, 'createMusimapClient', 'calls that waited')).toBe(0);
    expect(figureValue(result, 'ky + README refresh recipe', '401s')).toBeGreaterThan(0);
  });

  it.runIf(built)('4 rate limit: goodput and 429 share, with and without the client-side limit', async () => {
    // A limit high enough that nobody waits out a one-second Retry-After: the run stays short.
    const result = await runRateLimit({ requestsPerSecond: 1_000, concurrency: 2, turnMs: 200, rounds: 1 });
    expectEveryFigureMeasured(result);
    expect(result.figures.map((item) => item.contender)).toContain('createMusimapClient, rateLimit 1000/s');
  });

  const fleetSkip = built ? fleetSkipReason() : 'packages not built';
  it.runIf(fleetSkip === undefined)(
    '5 fleet: processes sharing a RedisTokenStore make one token request per renewal',
    async () => {
      const result = await runFleet({
        processes: 2,
        tokenLifetimeMs: 600,
        durationMs: 700,
        concurrency: 1,
        callIntervalMs: 20,
      });
      expectEveryFigureMeasured(result);
      expect(figureValue(result, '2 × createMusementClient + RedisTokenStore', 'token requests per renewal')).toBe(1);
    },
  );

  it.runIf(fleetSkip !== undefined)(
    '5 fleet: says why it is skipped, and fails instead under AUTH_REQUIRE_REDIS=1',
    async () => {
      // Like the Redis tests (redisTestsCanRun): CI sets AUTH_REQUIRE_REDIS=1, where a skipped fleet is a failure.
      expect(
        process.env.AUTH_REQUIRE_REDIS,
        `the fleet scenario cannot run (${fleetSkip}), and AUTH_REQUIRE_REDIS=1 forbids skipping it`,
      ).not.toBe('1');
      const result = await runFleet();
      expect(result.skipped).toBe(fleetSkip);
    },
  );

  it.runIf(built)('6 footprint: sizes of each provider with core, and import times', async () => {
    const result = await runFootprint({ importRuns: 1 });
    expectEveryFigureMeasured(result);
    expect(figureValue(result, '@auth/musimap + core', 'min+gz')).toBeGreaterThan(1_000);
  });

  it.runIf(built)(
    '7 many customers: a login each, one refresh per expiring token, no refresh token sent twice',
    async () => {
      const result = await runManyCustomers({
        customers: 40,
        tokenLifetimeMs: 1_000,
        durationMs: 1_200,
        concurrency: 4,
      });
      expectEveryFigureMeasured(result);
      const ours = 'createMusementClient: loginCustomer';
      expect(figureValue(result, ours, 'logins')).toBe(40);
      expect(figureValue(result, ours, 'refreshes per customer per expiry')).toBe(1);
      expect(figureValue(result, ours, 'refresh tokens sent twice')).toBe(0);
    },
  );

  // Its own builds (core, testing, musimap, redis) and redis-server: whatever the other scenarios need.
  const fleetRateLimitSkip = fleetRateLimitSkipReason();
  it.runIf(fleetRateLimitSkip === undefined)(
    '8 fleet rate limit: goodput and 429 share without a limiter, per process, and shared through Redis',
    async () => {
      const result = await runFleetRateLimit({ processes: 2, requestsPerSecond: 20, durationMs: 600, concurrency: 1 });
      expectEveryFigureMeasured(result);
      expect(result.figures.map((item) => item.contender)).toEqual(
        expect.arrayContaining([
          '2 × createMusimapClient, no rateLimit',
          '2 × createMusimapClient, rateLimit 20/s each',
          '2 × createMusimapClient + createRedisRateLimiter 20/s shared',
        ]),
      );
    },
  );

  it.runIf(fleetRateLimitSkip !== undefined)(
    '8 fleet rate limit: says why it is skipped, and fails instead under AUTH_REQUIRE_REDIS=1',
    async () => {
      expect(
        process.env.AUTH_REQUIRE_REDIS,
        `the fleet rate limit scenario cannot run (${fleetRateLimitSkip}), and AUTH_REQUIRE_REDIS=1 forbids skipping it`,
      ).not.toBe('1');
      const result = await runFleetRateLimit();
      expect(result.skipped).toBe(fleetRateLimitSkip);
    },
  );
});
