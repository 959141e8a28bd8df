import { ConfigError } from './errors/config-error.js';
import type { HttpOptions } from './http-options.js';
import { assertLogger } from './logger.js';

/**
 * Checks the shapes of the `HttpOptions` a client is built with, so a wrong one is a `ConfigError` naming it at
 * construction, never a TypeError at the first call. (Numbers are checked where they are read.)
 */
export function validateHttpOptions(options: HttpOptions, packageName: string): void {
  const fail = (option: string, requirement: string): never => {
    throw new ConfigError(`${packageName}: ${option} ${requirement}.`, { option });
  };
  const { logger, fetch, visibleQueryParameters, rateLimit, allowInsecureHttp } = options;
  assertLogger(logger, packageName);
  if (fetch !== undefined && typeof fetch !== 'function') fail('fetch', 'must be a fetch function');
  if (
    visibleQueryParameters !== undefined &&
    !(Array.isArray(visibleQueryParameters) && visibleQueryParameters.every((name) => typeof name === 'string'))
  ) {
    fail('visibleQueryParameters', 'must be an array of query parameter names');
  }
  if (rateLimit !== undefined && (typeof rateLimit !== 'object' || rateLimit === null)) {
    fail('rateLimit', 'must be { requestsPerSecond, burst? } or a createRateLimiter() instance');
  }
  if (allowInsecureHttp !== undefined && typeof allowInsecureHttp !== 'boolean') {
    fail('allowInsecureHttp', 'must be a boolean');
  }
  if (options.onEvent !== undefined && typeof options.onEvent !== 'function') fail('onEvent', 'must be a function');
  if (
    options.userAgent !== undefined &&
    !(typeof options.userAgent === 'string' && /^[\x21-\x7e][\x20-\x7e]{0,199}$/.test(options.userAgent))
  ) {
    fail('userAgent', 'must be a product token of printable ASCII, e.g. "my-shop/2.1"');
  }
  const telemetry = options.telemetry as unknown as Record<string, unknown> | undefined;
  if (
    telemetry !== undefined &&
    !['attempt', 'renewal', 'waited', 'replayed'].every((name) => typeof telemetry?.[name] === 'function')
  ) {
    fail('telemetry', 'must be an Instrumentation, e.g. openTelemetry() from @auth/core/opentelemetry');
  }
}
