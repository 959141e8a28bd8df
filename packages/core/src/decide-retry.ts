import type { ErrorContext } from './errors/api-error.js';
import { AuthError } from './errors/auth-error.js';
import { RateLimitError } from './errors/rate-limit-error.js';
import { parseRetryAfter } from './parse-retry-after.js';
import { commonRetryableStatusCodes, isRetryableStatus, type RetryOptions } from './retry-options.js';
import { isMarkedRetryable } from './retryable-error.js';

/**
 * The retry decision ky asks about every failed attempt, as ordered early exits: `true` retries, `false` stops,
 * `undefined` leaves it to ky's defaults (statuses, network errors, timeouts), and a thrown error ends the call now.
 */
export function createRetryDecision(
  retry: Required<RetryOptions>,
  retriedMethods: readonly string[],
  context: ErrorContext,
  /** Told of every `Retry-After` wait the engine is about to honour (for instrumentation). */
  onRetryAfter?: (waitMs: number) => void,
): (error: Error) => boolean | undefined {
  return (error) => {
    const failed = error as { request?: Request; response?: Response; method?: string };
    const method = (failed.request?.method ?? failed.method ?? 'GET').toLowerCase();
    const status = failed.response?.status;
    // A wait past the cap is not worth holding the caller: fail now and say how long.
    if ((status === 429 || status === 503) && failed.request) {
      const retryAfterMs = parseRetryAfter(failed.response?.headers.get('retry-after'));
      if (retryAfterMs !== undefined && retryAfterMs > retry.maxRetryAfterMs) {
        throw new RateLimitError({
          ...context,
          status,
          method: method.toUpperCase(),
          url: failed.request.url,
          retryAfterMs,
          detail: `was rate limited for ${Math.ceil(retryAfterMs / 1000)} s, longer than retry.maxRetryAfterMs (${retry.maxRetryAfterMs} ms)`,
        });
      }
      if (retryAfterMs !== undefined) onRetryAfter?.(retryAfterMs);
    }
    // A 429 was not processed: safe to send again whatever the method.
    if (status !== 429 && !retriedMethods.includes(method)) return false;
    if (isMarkedRetryable(error)) return true;
    if (status !== undefined) {
      // Never healed by a retry (413 included, which ky's own list would retry): stop here.
      if (!isRetryableStatus(status)) return false;
      // The rarer retryable statuses (every 5xx but 501/505), which ky's short list leaves out.
      if (!commonRetryableStatusCodes.includes(status)) return true;
    }
    // Our own errors (a rejected login, a token endpoint that gave up, a refused redirect) are final for this call.
    return AuthError.isInstance(error) ? false : undefined;
  };
}
