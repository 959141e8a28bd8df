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

/**
 * Spaces requests evenly (a virtual-scheduling token bucket): each caller gets the next free slot, so no timer
 * polls and no caller starves.
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
  const toleranceMs = (burst - 1) * intervalMs;
  let theoreticalArrival = 0; // when the next request would be due at exactly the sustained rate
  return {
    acquire(signal) {
      const now = performance.now();
      const due = Math.max(theoreticalArrival, now);
      theoreticalArrival = due + intervalMs;
      const waitMs = due - toleranceMs - now;
      if (waitMs <= 0) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(resolve, waitMs);
        signal?.addEventListener(
          'abort',
          () => {
            clearTimeout(timer);
            reject(signal.reason);
          },
          { once: true },
        );
      });
    },
  };
}
