/** A client-side limit that keeps calls under the provider's rate limit instead of bouncing off it. */
export interface RateLimitOptions {
  /** Sustained rate. */
  requestsPerSecond: number;
  /** Requests allowed back to back before spacing applies. @default 1 */
  burst?: number;
}

export interface RateLimiter {
  /**
   * Resolves when the caller may send; callers are served in arrival order. When the caller's turn is further away
   * than `maxWaitMs`, the built-in limiter rejects at once with a {@link RateLimiterBusy} instead of queueing a wait
   * that would only end in a timeout.
   */
  acquire(signal?: AbortSignal, maxWaitMs?: number): Promise<void>;
  /**
   * Holds every caller, queued or new, until `untilEpochMs` (epoch ms on this process's clock). The engine calls it
   * when the provider answers 429 or 503 with `Retry-After` (capped by `retry.maxRetryAfterMs`), so that the callers
   * sharing this limiter (a token client and an API client, or a whole fleet for a shared limiter) stop at the first
   * such answer instead of each sending into the same wall. A queued caller whose turn moves further away than its
   * `maxWaitMs` is refused with a {@link RateLimiterBusy}. An earlier time than a pause already set changes nothing.
   * Optional: a limiter without it is simply not paused.
   */
  pause?(untilEpochMs: number): void | Promise<void>;
}

/** The rejection of `acquire` when the next free slot is further away than the caller can wait. */
export class RateLimiterBusy extends Error {
  override readonly name = 'RateLimiterBusy';
  /** How long the caller would have had to wait, in ms. */
  readonly waitMs: number;

  constructor(waitMs: number) {
    super(`no rate limit slot for ${Math.ceil(waitMs)} ms`);
    this.waitMs = waitMs;
  }

  /** True for a `RateLimiterBusy` of any copy of `@auth/core` (a limiter from another package may bring its own). */
  static isInstance(error: unknown): error is RateLimiterBusy {
    return (
      error instanceof RateLimiterBusy ||
      (error instanceof Error &&
        error.name === 'RateLimiterBusy' &&
        typeof (error as RateLimiterBusy).waitMs === 'number')
    );
  }
}
