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
}
