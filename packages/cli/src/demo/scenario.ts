import type { EmulatorCounters, EmulatorHandle, RecordedRequest } from '@auth/testing';

/** One step of a provider's flow. `run` checks its outcome against the emulator and returns what happened. */
export interface Scenario {
  name: string;
  run(): Promise<string>;
}

/** A provider's flow against its emulator. */
export interface ProviderDemo {
  provider: 'gomus' | 'musement' | 'musimap';
  /** E.g. `Musimap (client token, 3 s lifetime in the demo)`. */
  title: string;
  emulator: EmulatorHandle;
  scenarios: Scenario[];
}

/** A scenario's outcome did not match what the library promises. */
export class ScenarioFailure extends Error {
  override readonly name = 'ScenarioFailure';
}

/** A scenario that cannot run here (e.g. a program it needs is not installed): reported as skipped, not failed. */
export class ScenarioSkipped extends Error {
  override readonly name = 'ScenarioSkipped';
}

/** Skips the scenario, saying why in `reason`. */
export function skip(reason: string): never {
  throw new ScenarioSkipped(reason);
}

/** Fails the scenario with `message` unless `condition` holds. */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new ScenarioFailure(message);
}

export interface CounterDelta {
  tokenRequests: number;
  apiRequests: number;
  unauthorized: number;
  rateLimited: number;
  refreshTokenReuse: number;
  /** Token requests by grant since the snapshot (zero entries left out). */
  byGrant: Record<string, number>;
}

/** Snapshots the emulator's counters; the returned function gives what changed since. */
export function countersSince(emulator: EmulatorHandle): () => CounterDelta {
  const before = copy(emulator.counters);
  return () => {
    const now = emulator.counters;
    const byGrant: Record<string, number> = {};
    for (const [grant, count] of Object.entries(now.tokenRequestsByGrant)) {
      const added = count - (before.tokenRequestsByGrant[grant] ?? 0);
      if (added !== 0) byGrant[grant] = added;
    }
    return {
      tokenRequests: now.tokenRequests - before.tokenRequests,
      apiRequests: now.apiRequests - before.apiRequests,
      unauthorized: now.unauthorized - before.unauthorized,
      rateLimited: now.rateLimited - before.rateLimited,
      refreshTokenReuse: now.refreshTokenReuse - before.refreshTokenReuse,
      byGrant,
    };
  };
}

/** The requests the emulator recorded since the returned function was made, optionally for one path only. */
export function requestsSince(emulator: EmulatorHandle): (path?: string) => RecordedRequest[] {
  const first = emulator.requests.length;
  return (path) => emulator.requests.slice(first).filter((request) => path === undefined || request.path === path);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The error a promise rejects with, or undefined when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return error;
  }
}

function copy(counters: EmulatorCounters): EmulatorCounters {
  return { ...counters, tokenRequestsByGrant: { ...counters.tokenRequestsByGrant } };
}
