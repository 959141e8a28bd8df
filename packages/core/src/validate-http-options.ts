import type { HttpOptions } from './create-auth-client.js';
import { ConfigError } from './errors/config-error.js';

/** The longest timer Node can set (2^31 − 1 ms, about 24.8 days). */
export const maxTimerMs = 2_147_483_647;

const logLevels = ['debug', 'info', 'warn', 'error'] as const;

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
}

/** A pino-compatible logger (debug, info, warn and error methods), or a `ConfigError` naming the missing level. */
export function assertLogger(logger: unknown, packageName: string): void {
  if (logger === undefined) return;
  if (typeof logger !== 'object' || logger === null) {
    throw new ConfigError(`${packageName}: logger must be a pino-compatible logger object.`, { option: 'logger' });
  }
  for (const level of logLevels) {
    if (typeof (logger as Record<string, unknown>)[level] !== 'function') {
      throw new ConfigError(
        `${packageName}: logger must have debug, info, warn and error methods (${level} is missing).`,
        {
          option: 'logger',
        },
      );
    }
  }
}

/** A positive number of milliseconds a timer can hold. */
export function timerMilliseconds(value: unknown, option: string, packageName: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > maxTimerMs) {
    throw new ConfigError(`${packageName}: ${option} must be a positive number of milliseconds up to ${maxTimerMs}.`, {
      option,
    });
  }
  return value;
}

const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused.
const badHeaderValue = /[\u0000-\u0008\u000a-\u001f\u007f]|[^\u0000-\u00ff]/;

/** Headers sent on every request: valid names and values, or a `ConfigError` naming the header (never its value). */
export function validateHeaders(headers: unknown, packageName: string, option = 'headers'): void {
  if (headers === undefined) return;
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
    throw new ConfigError(`${packageName}: ${option} must be an object of header names to values.`, { option });
  }
  for (const [name, value] of Object.entries(headers)) {
    if (!headerName.test(name)) {
      throw new ConfigError(
        `${packageName}: ${option} has an invalid header name ${JSON.stringify(name.slice(0, 40))}.`,
        {
          option,
        },
      );
    }
    if (typeof value !== 'string' || badHeaderValue.test(value)) {
      throw new ConfigError(
        `${packageName}: ${option}.${name} must be a string without line breaks or control characters.`,
        { option: `${option}.${name}` },
      );
    }
  }
}
