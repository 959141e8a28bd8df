import { isHTTPError, isTimeoutError } from 'ky';
import type { SecretScrubber } from './create-secret-scrubber.js';
import { ApiError, type ErrorContext } from './errors/api-error.js';
import { AuthError } from './errors/auth-error.js';
import { CredentialsError } from './errors/credentials-error.js';
import { NetworkError } from './errors/network-error.js';
import { RateLimitError } from './errors/rate-limit-error.js';
import { failureReason } from './failure-reason.js';
import { parseRetryAfter } from './parse-retry-after.js';
import { providerMessage } from './provider-message.js';

export interface ToAuthErrorContext extends ErrorContext {
  packageName: string;
  method: string;
  url: string;
  /** Keep the response body as `data`. Off for token endpoints: an error page may echo the credentials we sent. */
  keepBody?: boolean;
  /** Statuses meaning "these credentials are rejected": they become a `CredentialsError` with the provider's code. */
  rejectionStatuses?: readonly number[];
  /** Known secrets: scrubbed from the body kept as `data`, and never accepted as a provider's error code. */
  secrets?: SecretScrubber;
}

/**
 * Maps whatever ky throws to our typed errors. ky's own errors hold the Request (with its Authorization header) and
 * the full URL in their message, so none of them, nor anything quoting them, is kept as a cause.
 */
export function toAuthError(error: unknown, context: ToAuthErrorContext): Error {
  if (AuthError.isInstance(error)) return error;
  const { keepBody, rejectionStatuses, secrets, ...exchange } = context;
  exchange.method = exchange.method.toUpperCase();
  if (isHTTPError(error)) {
    const { status, statusText } = error.response;
    if (rejectionStatuses?.includes(status)) {
      const code = providerErrorCode(error.data);
      const reason = code !== undefined && secrets?.reveals(code) ? undefined : code;
      return new CredentialsError(
        `${context.packageName}: the token endpoint rejected the credentials (${status}${reason ? ` ${reason}` : ''}).`,
        { status, ...(reason ? { reason } : {}) },
      );
    }
    const data = keepBody === false ? undefined : (secrets?.scrub(error.data) ?? error.data);
    if (status === 429 || (status === 503 && error.response.headers.has('retry-after'))) {
      const retryAfterMs = parseRetryAfter(error.response.headers.get('retry-after'));
      const wait = retryAfterMs === undefined ? '' : ` (retry after ${Math.ceil(retryAfterMs / 1000)} s)`;
      return new RateLimitError({
        ...exchange,
        status,
        data,
        detail: `was rate limited with ${status}${wait}`,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      });
    }
    const statusLine = statusText ? `${status} ${statusText}` : `${status}`;
    // The provider's own words, from the body already scrubbed of every known secret (never from a token answer).
    const said = data === undefined ? undefined : providerMessage(data);
    return new ApiError({
      ...exchange,
      status,
      data,
      detail: `failed with ${statusLine}${said === undefined || said === statusText ? '' : `: ${said}`}`,
    });
  }
  if (isTimeoutError(error)) return new NetworkError({ ...exchange, timedOut: true });
  if (error instanceof Error && (error.name === 'NetworkError' || isRawFetchFailure(error))) {
    const reason = failureReason(error);
    return new NetworkError({
      ...exchange,
      timedOut: false,
      detail: `failed: ${reason === error.name ? 'network error' : reason}`,
    });
  }
  return error instanceof Error ? error : new AuthError(`${context.packageName}: ${exchange.method} failed.`);
}

/** OAuth2 `error` or a `{code}` envelope, when it looks like a code (short, no spaces), never free text. */
function providerErrorCode(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const record = data as Record<string, unknown>;
  const candidate = record.error ?? record.code;
  const value = typeof candidate === 'number' ? String(candidate) : candidate;
  return typeof value === 'string' && /^[\w.-]{1,64}$/.test(value) ? value : undefined;
}

function isRawFetchFailure(error: Error): boolean {
  return error.name === 'TypeError' && (error.message === 'fetch failed' || error.message === 'terminated');
}
