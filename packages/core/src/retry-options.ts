import type { RetryOptions as KyRetryOptions } from 'ky';
import { ConfigError } from './errors/config-error.js';

/** Retry with full-jitter exponential backoff; `Retry-After` is a floor that is never undercut. */
export interface RetryOptions {
  /** Retries after the first attempt (0 disables). @default 3 */
  limit?: number;
  /** Backoff before the first retry, before jitter, in ms. @default 300 */
  initialDelayMs?: number;
  /** Backoff multiplier per retry. @default 2 */
  factor?: number;
  /** Upper bound of a backoff delay, in ms. @default 10_000 */
  maxDelayMs?: number;
  /**
   * The longest `Retry-After` we wait for, in ms. A longer one fails at once with `RateLimitError` carrying the wait.
   * @default 60_000
   */
  maxRetryAfterMs?: number;
  /**
   * Also retry POST and PATCH. Only safe when the endpoint is idempotent (e.g. an idempotency key).
   * @default false
   */
  retryNonIdempotent?: boolean;
}

export const defaultRetryOptions: Readonly<Required<RetryOptions>> = Object.freeze({
  limit: 3,
  initialDelayMs: 300,
  factor: 2,
  maxDelayMs: 10_000,
  maxRetryAfterMs: 60_000,
  retryNonIdempotent: false,
});

const idempotentMethods = ['get', 'head', 'put', 'delete', 'options', 'trace'];
/** 408, 429 and every 5xx except 501 Not Implemented and 505 HTTP Version Not Supported: those never heal. */
export const retryableStatusCodes: readonly number[] = Object.freeze([
  408,
  429,
  ...Array.from({ length: 100 }, (_, index) => 500 + index).filter((status) => status !== 501 && status !== 505),
]);

/** The retryable statuses ky checks itself; `isRetryableStatus` covers the rest. */
export const commonRetryableStatusCodes: readonly number[] = Object.freeze([408, 429, 500, 502, 503, 504]);

const retryableStatusSet = new Set(retryableStatusCodes);

/** 408, 429 and every 5xx except 501 and 505. */
export function isRetryableStatus(status: number): boolean {
  return retryableStatusSet.has(status);
}

/** Normalises user retry options (a number is a limit) once, with defaults, and rejects nonsense. */
export function resolveRetryOptions(
  retry: RetryOptions | number | undefined,
  packageName = '@auth/core',
): Required<RetryOptions> {
  const options = typeof retry === 'number' ? { limit: retry } : (retry ?? {});
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new ConfigError(`${packageName}: retry must be a number of retries or an options object.`, {
      option: 'retry',
    });
  }
  const resolved: Record<string, unknown> = { ...defaultRetryOptions };
  for (const [name, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (!(name in defaultRetryOptions)) {
      throw new ConfigError(`${packageName}: retry.${name} is not a known retry option.`, { option: `retry.${name}` });
    }
    const expected = typeof defaultRetryOptions[name as keyof RetryOptions];
    const valid =
      expected === 'boolean'
        ? typeof value === 'boolean'
        : typeof value === 'number' &&
          Number.isFinite(value) &&
          value >= 0 &&
          (name !== 'limit' || Number.isInteger(value));
    if (!valid) {
      const what =
        expected === 'boolean' ? 'a boolean' : name === 'limit' ? 'a non-negative integer' : 'a non-negative number';
      throw new ConfigError(`${packageName}: retry.${name} must be ${what}.`, { option: `retry.${name}` });
    }
    resolved[name] = value;
  }
  return resolved as Required<RetryOptions>;
}

/** The back-off before retry number `retry` (1 for the first), before jitter: exponential, capped at `maxDelayMs`. */
export function backoffDelayMs(options: Required<RetryOptions>, retry: number): number {
  return Math.min(options.maxDelayMs, options.initialDelayMs * options.factor ** (retry - 1));
}

/**
 * The wait before retry number `retry` (1 for the first) exactly as ky's engine computes it from our options, for the
 * polls of an answer that says "not ready" (`pollWhile`): the server's `Retry-After` when it sent one, else full jitter
 * over the exponential back-off. Undefined when `Retry-After` exceeds `maxRetryAfterMs`: do not wait, give up.
 */
export function retryDelayMs(
  options: Required<RetryOptions>,
  retry: number,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number | undefined {
  if (retryAfterMs !== undefined) return retryAfterMs > options.maxRetryAfterMs ? undefined : retryAfterMs;
  return random() * backoffDelayMs(options, retry);
}

/** Translates our options into ky's retry engine. */
export function toKyRetry(options: Required<RetryOptions>): KyRetryOptions {
  return {
    limit: options.limit,
    methods: options.retryNonIdempotent ? [...idempotentMethods, 'post', 'patch'] : idempotentMethods,
    // No statusCodes/afterStatusCodes: ky normalises (copies) the retry options twice per call, so only what differs
    // from its defaults is passed. Its defaults add 413, which the client's shouldRetry refuses before ky looks.
    maxRetryAfter: options.maxRetryAfterMs,
    backoffLimit: options.maxDelayMs,
    delay: (attempt) => backoffDelayMs(options, attempt),
    jitter: true,
    retryOnTimeout: true,
  };
}
