import { isHTTPError, isTimeoutError } from 'ky';
import type { SecretScrubber } from './create-secret-scrubber.js';
import { ApiError } from './errors/api-error.js';
import { AuthError } from './errors/auth-error.js';
import { CredentialsError } from './errors/credentials-error.js';
import { NetworkError } from './errors/network-error.js';
import { RateLimitError } from './errors/rate-limit-error.js';
import { parseRetryAfter } from './parse-retry-after.js';
import { redactUrl } from './redact-url.js';

export interface ToAuthErrorContext {
  packageName: string;
  method: string;
  url: string;
  visibleQueryParameters?: readonly string[];
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
  const method = context.method.toUpperCase();
  const url = redactUrl(context.url, context.visibleQueryParameters);
  const where = `${method} ${url}`;
  if (isHTTPError(error)) {
    const { status, statusText } = error.response;
    if (context.rejectionStatuses?.includes(status)) {
      const code = providerErrorCode(error.data);
      const reason = code !== undefined && context.secrets?.reveals(code) ? undefined : code;
      return new CredentialsError(
        `${context.packageName}: the token endpoint rejected the credentials (${status}${reason ? ` ${reason}` : ''}).`,
        { status, ...(reason ? { reason } : {}) },
      );
    }
    const data = context.keepBody === false ? undefined : (context.secrets?.scrub(error.data) ?? error.data);
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

/**
 * ECONNREFUSED, ECONNRESET, ... found along the cause chain; else a short plain-words reason such as fetch's
 * "bad port" (never a longer message: it could quote a URL).
 */
function systemErrorCode(error: Error): string | undefined {
  let current: unknown = error;
  let reason: string | undefined;
  for (let depth = 0; depth < 5 && current instanceof Object; depth++) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && /^E[A-Z_]+$|^UND_ERR/.test(code)) return code;
    if (depth > 0 && typeof message === 'string' && /^[a-z][a-z ]{2,39}$/i.test(message)) reason = message;
    current = (current as { cause?: unknown }).cause;
  }
  return reason;
}
