import { ConfigError } from './errors/config-error.js';
import { type RateLimiter, RateLimiterBusy, type RateLimitOptions } from './rate-limiter.js';
import { maxTimerMs } from './timer-milliseconds.js';

/**
 * A token bucket refilled on the real clock when requests actually leave: after an event-loop stall at most `burst`
 * requests go out together, never the backlog of every slot that fell due during the stall. Waiters are served in
 * arrival order by one timer; a waiter whose signal aborts leaves the queue at once.
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
  const queue: (() => void)[] = [];
  let tokens = burst;
  let refilledAt = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;

  const refill = () => {
    const now = performance.now();
    tokens = Math.min(burst, tokens + (now - refilledAt) / intervalMs);
    refilledAt = now;
  };

  /** Time until `count` more tokens are there, in ms (at least 0; Infinity when the rate is too low to express). */
  const waitFor = (count: number) => (count <= tokens ? 0 : (count - tokens) * intervalMs);
  /** One timer serves the queue: it fires when the first waiter's token is there (re-armed past a timer's range). */
  const schedule = () => {
    timer = setTimeout(drain, Math.min(waitFor(1), maxTimerMs));
  };

  const drain = () => {
    timer = undefined;
    refill();
    while (queue.length > 0 && tokens >= 1) {
      tokens -= 1;
      queue.shift()!();
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
        const onAbort = () => {
          const index = queue.indexOf(grant);
          if (index !== -1) queue.splice(index, 1);
          if (queue.length === 0 && timer !== undefined) {
            clearTimeout(timer);
            timer = undefined;
          }
          reject(signal?.reason);
        };
        const grant = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        queue.push(grant);
        signal?.addEventListener('abort', onAbort, { once: true });
        if (timer === undefined) schedule();
      });
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
