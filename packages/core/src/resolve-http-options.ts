import { resolveRateLimiter } from './create-rate-limiter.js';
import { createSecretScrubber, type SecretScrubber } from './create-secret-scrubber.js';
import { ConfigError } from './errors/config-error.js';
import { type HttpOptions, httpDefaults } from './http-options.js';
import { guardInstrumentation, type Instrumentation } from './instrumentation.js';
import { type Logger, silentLogger } from './logger.js';
import type { RateLimiter } from './rate-limiter.js';
import { defaultVisibleQueryParameters } from './redact-url.js';
import { type RetryOptions, resolveRetryOptions } from './retry-options.js';
import { timerMilliseconds } from './timer-milliseconds.js';
import { validateHttpOptions } from './validate-http-options.js';

/** `HttpOptions` checked and completed with their defaults, once per client. */
export interface ResolvedHttpOptions {
  packageName: string;
  retry: Required<RetryOptions>;
  timeoutMs: number;
  totalTimeoutMs: number | false;
  maxResponseBytes: number;
  /** The defaults plus the caller's. */
  visibleQueryParameters: readonly string[];
  rateLimiter: RateLimiter | undefined;
  /** The caller's logger wrapped so that known secrets are scrubbed; `silentLogger` when none was given. */
  logger: Logger;
  fetch: typeof globalThis.fetch | undefined;
  allowInsecureHttp: boolean;
  secrets: SecretScrubber;
  /** Guarded: an observer that throws never breaks a call. */
  telemetry: Instrumentation | undefined;
}

/** Validates `options` (a `ConfigError` naming the option) and applies the defaults. */
export function resolveHttpOptions(
  options: HttpOptions,
  packageName: string,
  secrets: SecretScrubber = createSecretScrubber(),
): ResolvedHttpOptions {
  validateHttpOptions(options, packageName);
  return {
    packageName,
    retry: resolveRetryOptions(options.retry, packageName),
    timeoutMs: timerMilliseconds(options.timeoutMs ?? httpDefaults.timeoutMs, 'timeoutMs', packageName),
    totalTimeoutMs:
      options.totalTimeoutMs === false
        ? false
        : timerMilliseconds(options.totalTimeoutMs ?? httpDefaults.totalTimeoutMs, 'totalTimeoutMs', packageName),
    maxResponseBytes: byteCount(options.maxResponseBytes ?? httpDefaults.maxResponseBytes, packageName),
    visibleQueryParameters: [...defaultVisibleQueryParameters, ...(options.visibleQueryParameters ?? [])],
    rateLimiter: options.rateLimit === undefined ? undefined : resolveRateLimiter(options.rateLimit, packageName),
    logger: options.logger ? secrets.wrapLogger(options.logger) : silentLogger,
    fetch: options.fetch,
    allowInsecureHttp: options.allowInsecureHttp ?? false,
    secrets,
    telemetry: options.telemetry && guardInstrumentation(options.telemetry),
  };
}

function byteCount(value: unknown, packageName: string): number {
  if (value === Number.POSITIVE_INFINITY || (Number.isSafeInteger(value) && (value as number) > 0))
    return value as number;
  throw new ConfigError(`${packageName}: maxResponseBytes must be a positive integer number of bytes (or Infinity).`, {
    option: 'maxResponseBytes',
  });
}
