// Load: concurrent calls through each provider's client against its emulator, 1% of API requests answered 503,
// 5 rounds on one long-lived client: every call succeeds or fails with a typed error, one login in all, and the heap
// after a full GC stays within 10% of the first round's. Each provider runs in its own process (BUILT packages,
// --expose-gc), the three at once.
//
// A call costs about 0.7 ms of CPU here (client and emulator together), so 5 rounds of 10,000 calls for three providers
// take ~100 s of CPU: too much for every run of the repository's tests on two cores. The default is 5 rounds of 2,000
// concurrent calls per provider; RELIABILITY_LOAD=full runs 5 rounds of 10,000.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, it } from 'vitest';
import { assertBuilt } from '../../../packages/testing/src/test-support/assert-built.js';
import { type ProviderUnderTest, providersUnderTest } from './providers-under-test.js';
import type { LoadOptions, RoundResult } from './run-load.js';

const full = process.env.RELIABILITY_LOAD === 'full';
const options: LoadOptions = { calls: full ? 10_000 : 2_000, rounds: 5, faultShare: 0.01, connections: 256 };
const childScript = fileURLToPath(new URL('./load-child.ts', import.meta.url));
const resolveHook = fileURLToPath(new URL('./resolve-typescript-sources.ts', import.meta.url));

beforeAll(() => {
  assertBuilt(['core', 'gomus', 'musement', 'musimap', 'testing'], 'the load runs in child processes on dist');
});

interface LoadResult {
  warmUp: RoundResult;
  rounds: RoundResult[];
}

function runChild(provider: ProviderUnderTest): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--expose-gc', '--import', resolveHook, childScript],
      {
        env: {
          PATH: process.env.PATH,
          LOAD_CHILD_PROVIDER: provider.name,
          LOAD_CHILD_OPTIONS: JSON.stringify(options),
        },
        maxBuffer: 16 * 1024 * 1024,
        timeout: 170_000,
      },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`load child for ${provider.name} failed: ${error.message}\n${stderr}`));
        const line = stdout.split('\n').find((candidate) => candidate.startsWith('{'));
        if (line === undefined)
          return reject(new Error(`load child for ${provider.name} printed no result: ${stdout}`));
        resolve(JSON.parse(line) as LoadResult);
      },
    );
  });
}

describe.concurrent('load', () => {
  for (const provider of providersUnderTest) {
    // Concurrent tests assert with their own `expect`: the global one's assertion count is shared between them.
    it(`${provider.name}: ${options.rounds} rounds of ${options.calls} concurrent calls, 1% 503s → typed outcomes only, one login, no heap growth`, async ({
      expect,
    }) => {
      const { warmUp, rounds: results } = await runChild(provider);
      console.log(report(provider, warmUp, results));
      expect(results).toHaveLength(options.rounds);
      for (const result of results) {
        expect(result.untyped, 'untyped errors').toEqual([]);
        expect(Object.values(result.outcomes).reduce((sum, count) => sum + count, 0)).toBe(options.calls);
        expect(result.faultsInjected).toBe(options.calls * options.faultShare);
        // A GET that met a 503 is retried: the faults cost requests, not calls.
        expect(result.outcomes.ok).toBe(options.calls);
        expect(result.apiRequests).toBe(options.calls + result.faultsInjected);
      }
      // One login for the whole run (in the warm-up), however many concurrent callers (none for go~mus).
      expect(warmUp.tokenRequests + results.reduce((sum, result) => sum + result.tokenRequests, 0)).toBe(
        provider.tokenPath ? 1 : 0,
      );
      const baseline = results[0]!.heapUsedBytes;
      for (const result of results.slice(1)) expect(result.heapUsedBytes).toBeLessThanOrEqual(baseline * 1.1);
    }, 180_000);
  }
});

function report(provider: ProviderUnderTest, warmUp: RoundResult, results: RoundResult[]): string {
  const megabytes = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;
  const baseline = results[0]!.heapUsedBytes;
  return [
    `Load, ${provider.name}: ${options.calls} concurrent calls per round, ${options.faultShare * 100}% 503s, at most ${options.connections} exchanges in flight`,
    ...[warmUp, ...results].map(
      (result, index) =>
        `  ${index === 0 ? 'warm-up' : `round ${index}`}: ${Math.round(result.durationMs)} ms; ${Object.entries(
          result.outcomes,
        )
          .map(([kind, count]) => `${kind} ${count}`)
          .join(
            ', ',
          )}; ${result.apiRequests} API requests (${result.faultsInjected} got 503), ${result.tokenRequests} token requests; heap after GC ${megabytes(result.heapUsedBytes)} (${(((result.heapUsedBytes - baseline) / baseline) * 100).toFixed(1)}% vs round 1)`,
    ),
  ].join('\n');
}
