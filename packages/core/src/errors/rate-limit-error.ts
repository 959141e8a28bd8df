import { ApiError, type ApiErrorOptions } from './api-error.js';
import { AuthError } from './auth-error.js';

const marker = 'auth.error.rate-limit';

/**
 * The provider asked us to slow down (429, or 503 with `Retry-After`) and waiting is not an option: the method may not
 * be retried, retries are exhausted, or the requested wait exceeds `retry.maxRetryAfterMs`.
 */
export class RateLimitError extends ApiError {
  override readonly name = 'RateLimitError';
  override readonly code = 'RATE_LIMIT';
  /** How long the provider asked to wait, in milliseconds (undefined when it did not say). */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: ApiErrorOptions & { retryAfterMs?: number }) {
    super(message, options);
    this.retryAfterMs = options.retryAfterMs;
    AuthError.mark(this, marker);
  }

  static override isInstance(error: unknown): error is RateLimitError {
    return AuthError.hasMarker(error, marker);
  }
}
