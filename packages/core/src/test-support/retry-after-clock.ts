import { vi } from 'vitest';
import type { Instrumentation } from '../instrumentation.js';

/**
 * Fake time for `Retry-After` tests: the client's timers and clocks (and the test servers' `receivedAt`) run on a
 * clock the test moves, the loopback I/O stays real. `telemetry` records every `Retry-After` wait the client asks for.
 * `elapseRetryAfter()` waits (on I/O turns, no timer) until the next one is asked, then moves the clock timer by timer
 * and stops as soon as the next attempt starts: a retry sent sooner than the wait shows as a `receivedAt` gap shorter
 * than the wait. Call `vi.useRealTimers()` after each test.
 */
export function useRetryAfterClock(options: { now?: number } = {}) {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'], ...options });
  const asked: number[] = [];
  let attemptsStarted = 0;
  let attemptsEnded = 0;
  const telemetry: Instrumentation = {
    attempt: () => {
      attemptsStarted += 1;
      return () => {
        attemptsEnded += 1;
      };
    },
    renewal: () => ({ run: (work) => work(), end: () => {} }),
    waited: (kind, durationMs) => {
      if (kind === 'retry_after') asked.push(durationMs);
    },
    replayed: () => {},
  };
  const ioTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
  /** Once `ready()`, fire the client's timers one at a time (undici's own included) until its next attempt starts. */
  const elapseUntilNextAttempt = async (ready: () => boolean) => {
    while (!ready()) await ioTurn();
    const started = attemptsStarted;
    while (attemptsStarted === started) {
      // The client arms its wait a few microtasks after deciding; a retry starts a few after the wait ends.
      await ioTurn();
      if (attemptsStarted === started) await vi.advanceTimersToNextTimerAsync();
    }
  };
  return {
    asked,
    telemetry,
    /** Waits for the next `Retry-After` to be asked, then lets the clock run to the retry. */
    async elapseRetryAfter() {
      const before = asked.length;
      await elapseUntilNextAttempt(() => asked.length > before);
    },
    /** The same for a plain back-off: once the next attempt has ended, the clock runs to the retry. */
    async elapseBackoff() {
      const before = attemptsEnded;
      await elapseUntilNextAttempt(() => attemptsEnded > before);
    },
  };
}
