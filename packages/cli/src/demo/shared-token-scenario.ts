import { type EmulatorHandle, findRedisServer, type RedisServerHandle, startRedisServer } from '@auth/testing';
import { runSharedTokenProcesses } from './run-shared-token-processes.js';
import { check, countersSince, type Scenario, ScenarioFailure, skip } from './scenario.js';

const processes = 2;

export interface SharedTokenScenarioOptions {
  /** The Musement emulator the processes call. */
  emulator: EmulatorHandle;
  /** client_credentials of the emulator. */
  credentials: { clientId: string; clientSecret: string; application: string };
  /** Where `redis-server` is; the scenario is skipped when it gives undefined. @default findRedisServer */
  findServer?: () => string | undefined;
  /** Bounds the whole scenario: starting Redis, the processes' calls and their exits. @default 20_000 */
  timeoutMs?: number;
}

/**
 * Two processes, one login: starts a `redis-server` (stopped by its pid afterwards, whatever happens), forks two Node
 * processes that each make one call with a Musement client on a `RedisTokenStore` there, and checks that both calls
 * succeeded with the same token while the emulator counted exactly one token request. Skipped, saying why, when
 * `redis-server` is not installed.
 */
export function sharedTokenScenario(options: SharedTokenScenarioOptions): Scenario {
  const timeoutMs = options.timeoutMs ?? 20_000;
  return {
    name: 'one token via Redis',
    async run() {
      const binary = (options.findServer ?? findRedisServer)();
      if (binary === undefined) {
        skip(
          'redis-server not found (REDIS_SERVER_BIN, PATH, /usr/bin): install Redis to see 2 processes share 1 login',
        );
      }
      const signal = AbortSignal.timeout(timeoutMs);
      let server: RedisServerHandle;
      try {
        server = await startRedisServer({ binary, signal });
      } catch (error) {
        throw new ScenarioFailure(`could not start redis-server: ${error instanceof Error ? error.message : error}`);
      }
      try {
        const counters = countersSince(options.emulator);
        const results = await runSharedTokenProcesses({
          processes,
          redisUrl: server.url,
          baseUrl: options.emulator.url,
          ...options.credentials,
          signal,
          processTimeoutMs: timeoutMs,
        });
        for (const [index, result] of results.entries()) {
          check(result.ok, `process ${index + 1}'s call failed: ${result.error}\n${result.output}`.trimEnd());
          check(
            result.exitCode === 0,
            `process ${index + 1} exited with ${result.exitCode}\n${result.output}`.trimEnd(),
          );
        }
        const delta = counters();
        check(
          delta.tokenRequests === 1,
          `${processes} processes sharing a RedisTokenStore made ${delta.tokenRequests} token requests, expected 1 login`,
        );
        check(delta.apiRequests === processes, `expected ${processes} API requests, got ${delta.apiRequests}`);
        check(
          new Set(results.map((result) => result.fingerprint)).size === 1,
          'the processes called with different tokens',
        );
        const grant = Object.keys(delta.byGrant)[0] ?? 'unknown';
        const address = server.url.slice('redis://'.length);
        return `${processes} processes, 1 login: separate Node processes, each a client on a RedisTokenStore (redis-server ${address}), calling at once → ${processes} × 200 with the same token; 1 ${grant} login in total; both exited by themselves`;
      } finally {
        await server.stop();
      }
    },
  };
}
