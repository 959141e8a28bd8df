// The demo's Redis scenario on its own: skipped (not failed) without redis-server, and, with it, failing on a client
// that cannot log in or processes that never finish, while leaving no redis-server or process of its own behind.
// Its processes load the built @auth/core, @auth/musement and @auth/redis.
import { readdirSync, readFileSync } from 'node:fs';
import {
  findRedisServer,
  type MusementEmulatorHandle,
  musementTestCredentials,
  startMusementEmulator,
} from '@auth/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assertBuilt } from '../../../core/src/test-support/assert-built.js';
import { createProgress } from './create-progress.js';
import { renderDemoSummary, renderProviderReport } from './render-demo-report.js';
import { runScenarios } from './run-scenarios.js';
import { ScenarioFailure } from './scenario.js';
import { sharedTokenScenario } from './shared-token-scenario.js';

const { clientId, clientSecret, application } = musementTestCredentials;
const withRedis = findRedisServer() !== undefined;
if (!withRedis && process.env.AUTH_REQUIRE_REDIS === '1') {
  throw new Error('redis-server was not found, and AUTH_REQUIRE_REDIS=1 forbids skipping these Redis tests');
}
if (!withRedis) console.warn('\n!!! redis-server was not found: SKIPPING the Redis tests of the demo scenario.\n');

let emulator: MusementEmulatorHandle;
beforeAll(async () => {
  emulator = await startMusementEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

/** This process's children that are a redis-server or a process of the scenario (Linux: read from /proc). */
function leftBehind(): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (parent === process.pid && /redis-server|shared-token-process/.test(command)) found.push(command);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

describe('the demo scenario "one token via Redis"', () => {
  it('is reported as skipped, with the reason, when redis-server is not installed: the demo still passes', async () => {
    const lines: string[] = [];
    const report = await runScenarios(
      {
        provider: 'musement',
        title: 'Musement (test)',
        emulator,
        scenarios: [
          sharedTokenScenario({
            emulator,
            credentials: { clientId, clientSecret, application },
            findServer: () => undefined,
          }),
          { name: 'fine', run: async () => 'all good' },
        ],
      },
      createProgress({ write: (text: string) => lines.push(text) }),
    );

    expect(report.passed).toBe(true);
    expect(report.scenarios[0]).toMatchObject({ name: 'one token via Redis', passed: false, skipped: true });
    expect(report.scenarios[0]?.detail).toMatch(/^redis-server not found \(REDIS_SERVER_BIN, PATH, \/usr\/bin\)/);
    expect(report.scenarios[1]).toMatchObject({ passed: true, skipped: false });
    expect(emulator.counters.tokenRequests).toBe(0);
    expect(lines.join('')).toContain('Musement · one token via Redis: skipped');
    const text = renderProviderReport(report) + renderDemoSummary([report], 1234);
    expect(text).toMatch(/^ {2}SKIP {2}one token via Redis +\d+ ms {2}redis-server not found/m);
    expect(text).toContain('1/2 passed, 1 skipped');
    expect(text).toContain('All 1 scenarios passed, 1 skipped, in 1.23 s');
    expect(text).not.toContain('FAIL');
  });

  describe.skipIf(!withRedis)('with redis-server', () => {
    beforeAll(() => assertBuilt(['core', 'musement', 'redis'], "the scenario's processes load dist"));

    it('fails when the processes cannot log in, and stops its redis-server', async () => {
      const wrongSecret = 'shared-token-test-wrong-secret';
      const scenario = sharedTokenScenario({
        emulator,
        credentials: { clientId, clientSecret: wrongSecret, application },
      });

      const failure = await scenario.run().catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(ScenarioFailure);
      expect((failure as Error).message).toMatch(/^process 1's call failed: CredentialsError: @auth\/musement: /);
      expect((failure as Error).message).not.toContain(wrongSecret);
      expect(leftBehind()).toEqual([]);
    });

    it('fails, killing its processes and stopping redis-server, when they do not finish within its timeout', async () => {
      emulator.injectFault({ kind: 'hang', times: Number.POSITIVE_INFINITY, match: { path: '/api/v3/login' } });
      const scenario = sharedTokenScenario({
        emulator,
        credentials: { clientId, clientSecret, application },
        timeoutMs: 2_000,
      });

      await expect(scenario.run()).rejects.toThrow('the 2 processes did not finish in time; killed');

      expect(leftBehind()).toEqual([]);
      expect(emulator.counters.apiRequests).toBe(0);
      emulator.clearFaults();
    });
  });
});
