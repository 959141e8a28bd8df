import { type AuthEventListener, emitEvent } from './auth-event.js';
import type { ErrorContext } from './errors/api-error.js';
import { RateLimitError } from './errors/rate-limit-error.js';
import type { Instrumentation } from './instrumentation.js';
import { parseRetryAfter } from './parse-retry-after.js';
import { type RateLimiter, RateLimiterBusy } from './rate-limiter.js';

export interface RateLimitGateOptions extends Required<ErrorContext> {
  limiter: RateLimiter;
  /** The longest wait for a slot; a longer one fails at once (the attempt would time out). */
  maxWaitMs: number;
  /** The longest pause a 429/503 `Retry-After` puts on the limiter (`retry.maxRetryAfterMs`). */
  maxPauseMs: number;
  telemetry?: Instrumentation | undefined;
  onEvent?: AuthEventListener | undefined;
  /** `package` and `provider` of the events. */
  eventFields: { package: string; provider?: string };
}

/** The client-side rate limit around each attempt: a slot before it is sent, a pause after a provider's 429/503. */
export interface RateLimitGate {
  /** Waits for a slot; a `RateLimitError` (`source: 'client'`) when none comes within `maxWaitMs`, nothing sent. */
  enter(request: Request): Promise<void>;
  /**
   * The provider said when to come back: every caller sharing the limiter holds until then (the whole fleet, for a
   * shared limiter), instead of each sending into the same wall. A limiter that cannot pause, or fails to, is left as is.
   */
  leave(response: Response): void;
}

export function createRateLimitGate(options: RateLimitGateOptions): RateLimitGate {
  const { limiter, telemetry, onEvent, eventFields, packageName, visibleQueryParameters } = options;
  const context = { packageName, visibleQueryParameters };
  return {
    async enter(request) {
      const started = telemetry ? performance.now() : 0;
      try {
        await limiter.acquire(request.signal, options.maxWaitMs);
      } catch (error) {
        if (!RateLimiterBusy.isInstance(error)) throw error;
        const retryAfterMs = Math.ceil(error.waitMs);
        throw new RateLimitError({
          ...context,
          status: 429,
          method: request.method,
          url: request.url,
          retryAfterMs,
          source: 'client',
          detail: `not sent: the client-side rateLimit has no slot within timeoutMs (next in ${retryAfterMs} ms)`,
        });
      }
      const waitedMs = telemetry ? performance.now() - started : 0;
      if (waitedMs >= 1) telemetry?.waited('rate_limit', waitedMs, eventFields.provider);
    },
    leave(response) {
      if (response.status !== 429 && response.status !== 503) return;
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      if (retryAfterMs === undefined || retryAfterMs <= 0 || limiter.pause === undefined) return;
      const untilEpochMs = Date.now() + Math.min(retryAfterMs, options.maxPauseMs);
      try {
        Promise.resolve(limiter.pause(untilEpochMs)).catch(() => undefined);
      } catch {}
      emitEvent(onEvent, { type: 'rate_limit.paused', untilEpochMs }, eventFields);
    },
  };
}
