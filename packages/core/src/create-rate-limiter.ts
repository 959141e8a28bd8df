import { ConfigError } from './errors/config-error.js';
import { type RateLimiter, RateLimiterBusy, type RateLimitOptions } from './rate-limiter.js';
import { maxTimerMs } from './timer-milliseconds.js';

interface Waiter {
  grant(): void;
  refuse(waitMs: number): void;
  /** The latest `performance.now()` at which the caller still wants its slot (Infinity: any time). */
  deadline: number;
}

/**
 * A token bucket refilled on the real clock when requests actually leave: after an event-loop stall at most `burst`
 * requests go out together, never the backlog of every slot that fell due during the stall. Waiters are served in
 * arrival order by one timer; a waiter whose signal aborts leaves the queue at once. `pause(untilEpochMs)` holds the
 * queue until then (the bucket keeps filling up to `burst` meanwhile).
 */
export function createRateLimiter(options: RateLimitOptions, packageName = '@auth/core'): RateLimiter {
  const { requestsPerSecond, burst = 1 } = options;
  if (!(Number.isFinite(requestsPerSecond) && requestsPerSecond > 0)) {
    throw new ConfigError(`${packageName}: rateLimit.requestsPerSecond must be a positive number.`, {
      option: 'rateLimit.requestsPerSecond',
    });
  }
  if (!(Number.isInteger(burst) && burst >= 1)) {
    throw new ConfigError(`${packageName}: rateLimit.burst must be a positive integer.`, { option: 'rateLimit.burst' });
  }
  const intervalMs = 1000 / requestsPerSecond;
  const queue: Waiter[] = [];
  let tokens = burst;
  let refilledAt = performance.now();
  /** No grant before this `performance.now()` (a provider's Retry-After). */
  let pausedUntil = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const refill = () => {
    const now = performance.now();
    tokens = Math.min(burst, tokens + (now - refilledAt) / intervalMs);
    refilledAt = now;
  };

  /**
   * Time from the last refill until the `count`-th caller in line gets its token, in ms: after the pause, if any, with
   * the tokens gathered by then (Infinity when the rate is too low to express).
   */
  const waitFor = (count: number) => {
    const pausedMs = pausedUntil - refilledAt;
    if (pausedMs <= 0) return count <= tokens ? 0 : (count - tokens) * intervalMs;
    const atResume = Math.min(burst, tokens + pausedMs / intervalMs);
    return pausedMs + (count <= atResume ? 0 : (count - atResume) * intervalMs);
  };
  /** One timer serves the queue: it fires when the first waiter's token is there (re-armed past a timer's range). */
  const schedule = () => {
    timer = setTimeout(drain, Math.min(waitFor(1), maxTimerMs));
  };
  const reschedule = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (queue.length > 0) schedule();
  };

  const drain = () => {
    timer = undefined;
    refill();
    while (queue.length > 0 && tokens >= 1 && refilledAt >= pausedUntil) {
      tokens -= 1;
      queue.shift()!.grant();
    }
    if (queue.length > 0) schedule();
  };

  return {
    acquire(signal, maxWaitMs) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      refill();
      const waitMs = waitFor(queue.length + 1);
      if (maxWaitMs !== undefined && waitMs > maxWaitMs) return Promise.reject(new RateLimiterBusy(waitMs));
      // Granted from a timer, never synchronously: a grant then coincides with the moment the caller really sends,
      // even when the event loop was stalled in between.
      return new Promise<void>((resolve, reject) => {
        const leave = () => {
          signal?.removeEventListener('abort', onAbort);
          const index = queue.indexOf(waiter);
          if (index !== -1) queue.splice(index, 1);
        };
        const onAbort = () => {
          leave();
          if (queue.length === 0) reschedule();
          reject(signal?.reason);
        };
        const waiter: Waiter = {
          grant() {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
          refuse(wait) {
            leave();
            reject(new RateLimiterBusy(wait));
          },
          deadline: maxWaitMs === undefined ? Number.POSITIVE_INFINITY : refilledAt + maxWaitMs,
        };
        queue.push(waiter);
        signal?.addEventListener('abort', onAbort, { once: true });
        if (timer === undefined) schedule();
      });
    },

    pause(untilEpochMs) {
      const until = performance.now() + (untilEpochMs - Date.now());
      if (!(Number.isFinite(until) && until > pausedUntil)) return;
      pausedUntil = until;
      refill();
      // The pause moves every turn back: a waiter that can no longer be served in time is told now, not at its timeout.
      let position = 0;
      for (const waiter of [...queue]) {
        const waitMs = waitFor(position + 1);
        if (refilledAt + waitMs > waiter.deadline) waiter.refuse(waitMs);
        else position += 1;
      }
      reschedule();
    },
  };
}

/** A limiter instance as given, or a new one from options (so several clients can share one budget). */
export function resolveRateLimiter(rateLimit: RateLimitOptions | RateLimiter, packageName = '@auth/core'): RateLimiter {
  if (typeof rateLimit !== 'object' || rateLimit === null) {
    throw new ConfigError(
      `${packageName}: rateLimit must be { requestsPerSecond, burst? } or a createRateLimiter() instance.`,
      {
        option: 'rateLimit',
      },
    );
  }
  return typeof (rateLimit as RateLimiter).acquire === 'function'
    ? (rateLimit as RateLimiter)
    : createRateLimiter(rateLimit as RateLimitOptions, packageName);
}
