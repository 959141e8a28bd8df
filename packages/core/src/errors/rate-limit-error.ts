import { ApiError, type ApiErrorOptions } from './api-error.js';
import { AuthError } from './auth-error.js';

const marker = 'auth.error.rate-limit';

/**
 * The provider asked us to slow down (429, or 503 with `Retry-After`) and waiting is not an option: the method may not
 * be retried, retries are exhausted, or the requested wait exceeds `retry.maxRetryAfterMs`. Also thrown, with
 * `source: 'client'` and status 429, before sending when the client-side `rateLimit` has no free slot within the
 * attempt's `timeoutMs`: the request was never sent.
 */
export class RateLimitError extends ApiError {
  override readonly name = 'RateLimitError';
  override readonly code = 'RATE_LIMIT';
  /** How long the provider asked to wait, in milliseconds (undefined when it did not say). */
  readonly retryAfterMs: number | undefined;
  /** Who refused: the provider (it answered), or the client-side `rateLimit` (nothing was sent). */
  readonly source: 'provider' | 'client';

  constructor(options: ApiErrorOptions & { retryAfterMs?: number; source?: 'provider' | 'client' }) {
    super({ detail: `was rate limited with ${options.status}`, ...options });
    this.retryAfterMs = options.retryAfterMs;
    this.source = options.source ?? 'provider';
    AuthError.mark(this, marker);
  }

  static override isInstance(error: unknown): error is RateLimitError {
    return AuthError.hasMarker(error, marker);
  }
}
