import type { AuthEventListener } from './auth-event.js';
import type { Instrumentation } from './instrumentation.js';
import type { Logger } from './logger.js';
import type { RateLimiter, RateLimitOptions } from './rate-limiter.js';
import type { RetryOptions } from './retry-options.js';

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
  /**
   * Traces and metrics: one span per HTTP attempt and per token renewal, waits as span events, request and renewal
   * metrics. `openTelemetry()` from `@auth/core/opentelemetry` reports them through the OpenTelemetry API.
   * @default none (nothing is measured)
   */
  telemetry?: Instrumentation;
  /**
   * Your application's product token, put first in the User-Agent of every request, e.g. `my-shop/2.1`. The rest names
   * the package and runtime: `my-shop/2.1 @auth/musement/1.2.0 node/24.11.0`. @default none
   */
  userAgent?: string;
  /** Receives typed token lifecycle events (renewed, rejected, store unavailable, paused, ...). @default none */
  onEvent?: AuthEventListener;
}

/** The defaults of `HttpOptions`, in one place. */
export const httpDefaults = Object.freeze({
  timeoutMs: 30_000,
  totalTimeoutMs: 120_000,
  maxResponseBytes: 16 * 1024 * 1024,
});
