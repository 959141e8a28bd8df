import { monotonicNow } from './monotonic-now.js';
import type { RateLimit } from './types.js';

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface FixedWindowRateLimiter {
  /** Counts one request for `key` at `nowMs` (by default the limiter's clock) and says whether it is allowed. */
  take(key: string, nowMs?: number): RateLimitDecision;
  reset(): void;
}

const allowed: RateLimitDecision = { allowed: true };

/**
 * Fixed windows per key: the first request opens a window of `windowMs` holding at most `requests` requests. Windows
 * are counted on `clock` (monotonic milliseconds). @default clock performance.now
 */
export function createFixedWindowRateLimiter(
  limit: RateLimit,
  clock: { now(): number } = { now: monotonicNow },
): FixedWindowRateLimiter {
  const windows = new Map<string, { startMs: number; count: number }>();
  const now = () => clock.now();
  return {
    take(key, nowMs = now()) {
      let window = windows.get(key);
      if (!window || nowMs - window.startMs >= limit.windowMs) {
        window = { startMs: nowMs, count: 0 };
        windows.set(key, window);
      }
      window.count += 1;
      if (window.count <= limit.requests) return allowed;
      // Retry-After is whole seconds: round the time left up, never below one second.
      const leftMs = window.startMs + limit.windowMs - nowMs;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(leftMs / 1000)) };
    },
    reset() {
      windows.clear();
    },
  };
}
