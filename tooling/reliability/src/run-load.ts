import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { HttpOptions } from '@auth/core';
import { classifyOutcome, type OutcomeKind } from './classify-outcome.js';
import type { ProviderUnderTest } from './providers-under-test.js';

export interface LoadOptions {
  calls: number;
  rounds: number;
  /** Share of API requests answered 503 by the emulator, spread over the round. */
  faultShare: number;
  /** Most HTTP exchanges in flight at once: a connection pool. */
  connections: number;
}

export interface RoundResult {
  durationMs: number;
  outcomes: Partial<Record<OutcomeKind, number>>;
  apiRequests: number;
  tokenRequests: number;
  faultsInjected: number;
  /** After a full garbage collection, at the end of the round. */
  heapUsedBytes: number;
  untyped: string[];
}

/** A full garbage collection: `gc` when the process runs with --expose-gc, else through the flag V8 lets it set. */
export function collectGarbage(): void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) {
    exposed();
    return;
  }
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/**
 * Lets pending timers, socket events and finalizers run between full collections: what one pass leaves to a
 * finalizer (undici frees response bodies that way) is gone by the third.
 */
async function settle(): Promise<void> {
  for (let pass = 0; pass < 3; pass++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    collectGarbage();
  }
}

/**
 * A fetch that keeps at most `connections` exchanges in flight, like a connection pool. Without it, 10,000 concurrent
 * calls open 10,000 sockets on each side of loopback in this one process (past the 20,000 descriptors allowed here,
 * and past the server's listen backlog of 511, whose dropped SYNs then cost seconds of retransmission).
 */
export function createPooledFetch(connections: number): typeof fetch {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (input, init) => {
    if (active >= connections) await new Promise<void>((resolve) => waiting.push(resolve));
    active += 1;
    try {
      return await fetch(input, init);
    } finally {
      active -= 1;
      waiting.shift()?.();
    }
  };
}

/**
 * Rounds of `calls` concurrent GETs through one long-lived client of `provider`, with 503s injected into
 * `faultShare` of the API requests as they arrive; measures outcomes, requests and the heap after GC per round. A
 * first, warm-up round (JIT, connection pool, caches) is returned apart: the rounds are compared with each other.
 */
export async function runLoad(
  provider: ProviderUnderTest,
  options: LoadOptions,
): Promise<{ warmUp: RoundResult; rounds: RoundResult[] }> {
  const emulator = await provider.start({ recordRequests: false });
  const http: HttpOptions = {
    retry: { initialDelayMs: 1 },
    fetch: createPooledFetch(options.connections),
  };
  const client = provider.createClient(emulator, http);
  const every = Math.round(1 / options.faultShare);
  const results: RoundResult[] = [];
  try {
    for (let round = 0; round <= options.rounds; round++) {
      emulator.reset();
      let injected = 0;
      // One 503 queued per `every` requests that arrived: the faults land spread over the round, not at its start.
      const injector = setInterval(() => {
        const due = Math.min(options.calls / every, Math.floor(emulator.counters.apiRequests / every) + 1);
        for (; injected < due; injected++) {
          emulator.injectFault({ kind: 'status', status: 503, match: { method: 'GET', path: provider.apiPath.GET } });
        }
      }, 1);
      const started = performance.now();
      const settled = await Promise.allSettled(Array.from({ length: options.calls }, () => client.call('GET')));
      const durationMs = performance.now() - started;
      clearInterval(injector);
      const outcomes: Partial<Record<OutcomeKind, number>> = {};
      const untyped: string[] = [];
      for (const result of settled) {
        const outcome = classifyOutcome(result);
        outcomes[outcome.kind] = (outcomes[outcome.kind] ?? 0) + 1;
        if (outcome.kind === 'untyped' && untyped.length < 5) untyped.push(outcome.detail ?? '');
      }
      const counters = { ...emulator.counters };
      settled.length = 0;
      // The leak audit scans what it holds, so that its buffers do not count as growth.
      globalThis.leakAudit?.findLeaks();
      await settle();
      results.push({
        durationMs,
        outcomes,
        untyped,
        apiRequests: counters.apiRequests,
        tokenRequests: counters.tokenRequests,
        faultsInjected: counters.faultsInjected,
        heapUsedBytes: process.memoryUsage().heapUsed,
      });
    }
  } finally {
    await emulator.close();
  }
  const [warmUp, ...rounds] = results;
  return { warmUp: warmUp!, rounds };
}
