import { ConfigError } from './errors/config-error.js';

/**
 * `value` when it is an integer of at least `minimum`, else a `ConfigError` naming the option: e.g. `limit`,
 * `maxPages` of a paginator, checked before any request.
 */
export function integerOption(value: unknown, option: string, minimum: 0 | 1, packageName: string): number {
  if (Number.isInteger(value) && (value as number) >= minimum) return value as number;
  const what = minimum === 1 ? 'a positive integer' : 'a non-negative integer';
  throw new ConfigError(`${packageName}: ${option} must be ${what}.`, { option });
}
