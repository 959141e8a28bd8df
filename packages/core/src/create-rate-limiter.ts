import { ConfigError } from './errors/config-error.js';

/** A client-side limit that keeps calls under the provider's rate limit instead of bouncing off it. */
export interface RateLimitOptions {
  /** Sustained rate. */
  requestsPerSecond: number;
  /** Requests allowed back to back before spacing applies. @default 1 */
  burst?: number;
}

export interface RateLimiter {
  /** Resolves when the caller may send; callers are served in arrival order. */
  acquire(signal?: AbortSignal): Promise<void>;
}

interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
}

/**
 * A token bucket refilled on the real clock when requests actually leave: after an event-loop stall at most `burst`
 * requests go out together, never the backlog of every slot that fell due during the stall. Waiters are served in
 * arrival order by one timer.
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
  let timer: ReturnType<typeof setTimeout> | undefined;

  const refill = () => {
    const now = performance.now();
    tokens = Math.min(burst, tokens + (now - refilledAt) / intervalMs);
    refilledAt = now;
  };

  const drain = () => {
    timer = undefined;
    refill();
    while (queue.length > 0 && tokens >= 1) {
      const waiter = queue.shift()!;
      if (waiter.signal?.aborted) continue;
      tokens -= 1;
      waiter.resolve();
    }
    if (queue.length > 0) timer = setTimeout(drain, (1 - tokens) * intervalMs);
  };

  return {
    acquire(signal) {
      // Granted from a timer, never synchronously: a grant then coincides with the moment the caller really sends,
      // even when the event loop was stalled in between.
      return new Promise<void>((resolve, reject) => {
        queue.push({ resolve, reject, signal });
        signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
        if (timer === undefined) {
          refill();
          timer = setTimeout(drain, Math.max(0, (1 - tokens) * intervalMs));
        }
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
