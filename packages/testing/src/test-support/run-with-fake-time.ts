// For tests that only need to know that a wait was asked for (a Retry-After, a back-off, a rate-limit slot), not to
// sit through it. Not part of @auth/testing's published entry point.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { vi } from 'vitest';

export interface FakeTimeOptions {
  /** Fake milliseconds that pass with every turn of the real event loop. @default 10 */
  stepMs?: number;
  /** Also fake `performance.now()` (core's rate limiter and ky's total deadline read it). @default false */
  performance?: boolean;
}

/**
 * Runs `work` on fake timers (setTimeout, setInterval and Date; optionally performance) that move on by themselves:
 * `stepMs` of fake time per turn of the real event loop, so real I/O (loopback HTTP) still happens in between, and a
 * one-second wait passes in a hundred turns. Timestamps taken with `Date.now()` (an emulator's `receivedAt`) are fake
 * time: a test asserts the wait on them exactly as on a real clock. Real timers are back when it settles.
 */
export async function runWithFakeTime<T>(work: () => Promise<T>, options: FakeTimeOptions = {}): Promise<T> {
  const stepMs = options.stepMs ?? 10;
  vi.useFakeTimers({
    toFake: [
      'setTimeout',
      'clearTimeout',
      'setInterval',
      'clearInterval',
      'Date',
      ...(options.performance ? (['performance'] as const) : []),
    ],
  });
  try {
    let settled = false;
    const running = work().finally(() => {
      settled = true;
    });
    running.catch(() => {}); // observed below
    while (!settled) {
      await vi.advanceTimersByTimeAsync(stepMs);
      await nextTurn();
    }
    return await running;
  } finally {
    vi.useRealTimers();
  }
}
