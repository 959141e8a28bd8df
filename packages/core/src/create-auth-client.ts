import ky, { type Hooks, type KyInstance } from 'ky';
import { assertSafeBaseUrl } from './assert-safe-base-url.js';
import { type CallState, createAuthFetch, isRetryableAuthFetchError } from './create-auth-fetch.js';
import { type RateLimiter, type RateLimitOptions, resolveRateLimiter } from './create-rate-limiter.js';
import { createSecretScrubber, type SecretScrubber } from './create-secret-scrubber.js';
import { ApiError } from './errors/api-error.js';
import { AuthError } from './errors/auth-error.js';
import { ConfigError } from './errors/config-error.js';
import { RateLimitError } from './errors/rate-limit-error.js';
import type { Logger } from './logger.js';
import { parseRetryAfter } from './parse-retry-after.js';
import { defaultVisibleQueryParameters, redactUrl } from './redact-url.js';
import {
  commonRetryableStatusCodes,
  isRetryableStatus,
  type RetryOptions,
  resolveRetryOptions,
  toKyRetry,
} from './retry-options.js';
import { toAuthError } from './to-auth-error.js';
import type { AccessTokenProvider } from './token-manager.js';
import { timerMilliseconds, validateHeaders, validateHttpOptions } from './validate-http-options.js';

/** Options shared by every provider's client. */
export interface HttpOptions {
  /** Receives one record per HTTP exchange and token events; secrets are never included. @default silent */
  logger?: Logger;
  /** Retry policy, or a number of retries. @default { limit: 3, initialDelayMs: 300, factor: 2, maxDelayMs: 10_000, maxRetryAfterMs: 60_000 } */
  retry?: RetryOptions | number;
  /** Timeout of one attempt, in ms. @default 30_000 */
  timeoutMs?: number;
  /** Deadline for a whole call including retries and waits, in ms; `false` for none. @default 120_000 */
  totalTimeoutMs?: number | false;
  /**
   * Client-side rate limit, to stay under the provider's instead of bouncing off it. Pass a `createRateLimiter(...)`
   * instance to share one budget between clients (e.g. an API client and its token client). @default none
   */
  rateLimit?: RateLimitOptions | RateLimiter;
  /** Allow `http://` base URLs to non-loopback hosts. @default false */
  allowInsecureHttp?: boolean;
  /** Query parameters whose values may appear in logs and errors (added to page, per_page, limit, offset, ...). */
  visibleQueryParameters?: readonly string[];
  /** A fetch implementation. @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
  /**
   * The largest response body read, in bytes. A longer one fails with an `ApiError` as soon as it crosses the cap
   * (at once when its `Content-Length` says so); nothing past the cap is buffered. Token endpoints use 64 KiB.
   * @default 16_777_216 (16 MiB)
   */
  maxResponseBytes?: number;
}

export interface AuthClientOptions extends HttpOptions {
  /** The URL every request path is appended to, e.g. `https://api.musement.com/api/v3/`. */
  prefix: string;
  /** Supplies tokens; without it requests are unauthenticated. */
  tokens?: AccessTokenProvider;
  /** @default 'Bearer' */
  scheme?: string;
  /** Headers sent on every request. */
  headers?: Record<string, string>;
  /** Package name used in messages and log records. @default '@auth/core' */
  packageName?: string;
  /** Fields added to every log record. */
  logFields?: Record<string, unknown>;
  /** Extra ky hooks, run after ours. */
  hooks?: Hooks;
  /**
   * Keep error response bodies on `ApiError.data`, and read success bodies lazily. Token clients turn this off: their
   * error pages may echo the credentials sent, and their bodies are read at once so a dropped connection is a typed
   * `NetworkError`. @default true
   */
  keepErrorBody?: boolean;
  /** Statuses that become a `CredentialsError` (token endpoints: 400, 401, 403). @default none */
  rejectionStatuses?: readonly number[];
  /**
   * Follow same-origin redirects (fetch's method rules). Redirects to another origin or from https to http are never
   * followed: they fail with a `RedirectError` naming the target's origin, and nothing is sent there. Token clients
   * turn this off: a token request never follows any redirect. @default true
   */
  followRedirects?: boolean;
  /** The secrets whose echoes are scrubbed from errors and log records; share it with the token manager. */
  secrets?: SecretScrubber;
}

const defaultTimeoutMs = 30_000;
const defaultTotalTimeoutMs = 120_000;
const defaultMaxResponseBytes = 16 * 1024 * 1024;

const allMethods = ['get', 'head', 'put', 'delete', 'options', 'trace', 'query', 'post', 'patch'];

/**
 * A ky instance wired with the whole engine: the current token on every attempt, one replay after a 401 with a
 * renewed token, retry with full-jitter backoff under `Retry-After` floors, a total deadline, one redacted log record
 * per exchange, and typed errors. Providers wrap it; users call it like any ky instance.
 */
export function createAuthClient(options: AuthClientOptions): KyInstance {
  const packageName = options.packageName ?? '@auth/core';
  validateHttpOptions(options, packageName);
  validateHeaders(options.headers, packageName);
  const prefix = `${assertSafeBaseUrl(options.prefix, {
    packageName,
    option: 'baseUrl',
    allowInsecureHttp: options.allowInsecureHttp ?? false,
  })}/`;
  const retry = resolveRetryOptions(options.retry, packageName);
  const timeoutMs = timerMilliseconds(options.timeoutMs ?? defaultTimeoutMs, 'timeoutMs', packageName);
  const totalTimeoutMs =
    options.totalTimeoutMs === false
      ? false
      : timerMilliseconds(options.totalTimeoutMs ?? defaultTotalTimeoutMs, 'totalTimeoutMs', packageName);
  const maxResponseBytes = positiveByteCount(options.maxResponseBytes ?? defaultMaxResponseBytes, packageName);
  const secrets = options.secrets ?? createSecretScrubber();
  const logger = options.logger && secrets.wrapLogger(options.logger);
  const kyRetry = toKyRetry(retry);
  const retriedMethods = kyRetry.methods ?? [];
  /** ky's default decision (undefined), or our overrides: true to retry, false to stop, a thrown error to fail now. */
  const decideRetry = (error: Error): boolean | undefined => {
    const failed = error as { request?: Request; response?: Response; method?: string };
    const method = (failed.request?.method ?? failed.method ?? 'GET').toLowerCase();
    const status = failed.response?.status;
    if (status === 429 || status === 503) {
      // A wait past the cap is not worth holding the caller: fail now and say how long.
      const retryAfterMs = parseRetryAfter(failed.response?.headers.get('retry-after'));
      if (retryAfterMs !== undefined && retryAfterMs > retry.maxRetryAfterMs && failed.request) {
        const url = redactUrl(failed.request.url, visibleQueryParameters);
        throw new RateLimitError(
          `${packageName}: ${method.toUpperCase()} ${url} was rate limited for ${Math.ceil(retryAfterMs / 1000)} s, longer than retry.maxRetryAfterMs (${retry.maxRetryAfterMs} ms).`,
          { status, method: method.toUpperCase(), url, retryAfterMs },
        );
      }
    }
    if (status !== 429 && !retriedMethods.includes(method)) return false;
    if (status !== undefined && !commonRetryableStatusCodes.includes(status) && isRetryableStatus(status)) return true;
    if (isRetryableAuthFetchError(error)) return true;
    // Our own errors (a rejected login, a token endpoint that gave up) are final for this call.
    return AuthError.isInstance(error) ? false : undefined;
  };
  const visibleQueryParameters = [...defaultVisibleQueryParameters, ...(options.visibleQueryParameters ?? [])];
  const authFetch = createAuthFetch({
    ...(options.tokens ? { tokens: options.tokens } : {}),
    ...(options.scheme ? { scheme: options.scheme } : {}),
    ...(logger ? { logger } : {}),
    ...(options.rateLimit
      ? { rateLimiter: resolveRateLimiter(options.rateLimit, packageName), maxRateLimitWaitMs: timeoutMs }
      : {}),
    ...(options.logFields ? { logFields: options.logFields } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.keepErrorBody === false ? { bufferBody: true } : {}),
    followRedirects: options.followRedirects !== false,
    maxResponseBytes,
    secrets,
    visibleQueryParameters,
    packageName,
  });

  return ky.create({
    prefix,
    fetch: authFetch,
    // Redirects are handled by our fetch: only same-origin ones are followed.
    redirect: 'manual',
    timeout: timeoutMs,
    totalTimeout: totalTimeoutMs,
    retry: {
      ...kyRetry,
      // Every method reaches shouldRetry, which decides by method: a 429 (not processed) is retried for any method.
      methods: allMethods,
      shouldRetry: ({ error }) => decideRetry(error),
    },
    ...(options.headers ? { headers: options.headers } : {}),
    parseJson: (text, { request, response }) => {
      try {
        return JSON.parse(text);
      } catch {
        const url = redactUrl(request.url, visibleQueryParameters);
        const what = text === '' ? 'an empty body' : 'a body that is not valid JSON';
        throw new ApiError(`${packageName}: ${request.method} ${url} answered ${response.status} with ${what}.`, {
          status: response.status,
          method: request.method,
          url,
        });
      }
    },
    hooks: {
      // Every hook costs each call (ky clones the options for init hooks and races each beforeRequest hook against
      // totalTimeout), so ours are only there when they have work to do.
      init: [
        // Forwarded by ky to our fetch: counts the attempts of this one call, for the log records.
        ...(options.logger
          ? [
              (init: object) => {
                (init as { authCall?: CallState }).authCall = { attempt: 0 };
              },
            ]
          : []),
        ...(options.hooks?.init ?? []),
      ],
      beforeRequest: [
        // Wait for a token before ky starts this attempt's timer: a slow login must not count against (and be
        // reported as) a timeout of an API request that was never sent. Later attempts find the token cached.
        ...(options.tokens && !options.tokens.immediate
          ? [
              async ({ request }: { request: Request }) =>
                void (await options.tokens?.getToken({ signal: request.signal })),
            ]
          : []),
        ...(options.hooks?.beforeRequest ?? []),
      ],
      beforeRetry: options.hooks?.beforeRetry ?? [],
      // No afterResponse hook of ours: ky clones every response for each one (measured: -11% throughput).
      afterResponse: options.hooks?.afterResponse ?? [],
      beforeError: [
        ({ error, request }) =>
          secrets.scrubError(
            toAuthError(error, {
              packageName,
              method: request.method,
              url: request.url,
              visibleQueryParameters,
              keepBody: options.keepErrorBody !== false,
              secrets,
              ...(options.rejectionStatuses ? { rejectionStatuses: options.rejectionStatuses } : {}),
            }),
          ),
        ...(options.hooks?.beforeError ?? []),
      ],
    },
  });
}

function positiveByteCount(value: unknown, packageName: string): number {
  if (value === Number.POSITIVE_INFINITY || (Number.isSafeInteger(value) && (value as number) > 0))
    return value as number;
  throw new ConfigError(`${packageName}: maxResponseBytes must be a positive integer number of bytes (or Infinity).`, {
    option: 'maxResponseBytes',
  });
}
