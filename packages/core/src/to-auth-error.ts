import { isHTTPError, isTimeoutError } from 'ky';
import { ApiError } from './errors/api-error.js';
import { AuthError } from './errors/auth-error.js';
import { NetworkError } from './errors/network-error.js';
import { RateLimitError } from './errors/rate-limit-error.js';
import { parseRetryAfter } from './parse-retry-after.js';
import { redactUrl } from './redact-url.js';

export interface ToAuthErrorContext {
  packageName: string;
  method: string;
  url: string;
  visibleQueryParameters?: readonly string[];
}

/**
 * Maps whatever ky throws to our typed errors. ky's own errors hold the Request (with its Authorization header) and
 * the full URL in their message, so none of them, nor anything quoting them, is kept as a cause.
 */
export function toAuthError(error: unknown, context: ToAuthErrorContext): Error {
  if (AuthError.isInstance(error)) return error;
  const method = context.method.toUpperCase();
  const url = redactUrl(context.url, context.visibleQueryParameters);
  const where = `${method} ${url}`;
  if (isHTTPError(error)) {
    const { status, statusText } = error.response;
    const data = error.data;
    if (status === 429 || (status === 503 && error.response.headers.has('retry-after'))) {
      const retryAfterMs = parseRetryAfter(error.response.headers.get('retry-after'));
      const wait = retryAfterMs === undefined ? '' : ` (retry after ${Math.ceil(retryAfterMs / 1000)} s)`;
      return new RateLimitError(`${context.packageName}: ${where} was rate limited with ${status}${wait}.`, {
        status,
        method,
        url,
        data,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      });
    }
    const statusLine = statusText ? `${status} ${statusText}` : `${status}`;
    return new ApiError(`${context.packageName}: ${where} failed with ${statusLine}.`, {
      status,
      method,
      url,
      data,
    });
  }
  if (isTimeoutError(error)) {
    return new NetworkError(`${context.packageName}: ${where} timed out.`, { method, url, timedOut: true });
  }
  if (error instanceof Error && (error.name === 'NetworkError' || isRawFetchFailure(error))) {
    const code = systemErrorCode(error);
    return new NetworkError(`${context.packageName}: ${where} failed: ${code ?? 'network error'}.`, {
      method,
      url,
      timedOut: false,
    });
  }
  return error instanceof Error ? error : new AuthError(`${context.packageName}: ${where} failed.`);
}

function isRawFetchFailure(error: Error): boolean {
  return error.name === 'TypeError' && (error.message === 'fetch failed' || error.message === 'terminated');
}

/** ECONNREFUSED, ECONNRESET, ... found along the cause chain. */
function systemErrorCode(error: Error): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Object; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z_]+$|^UND_ERR/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
