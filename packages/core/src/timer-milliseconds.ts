import { ConfigError } from './errors/config-error.js';

/** The longest timer Node can set (2^31 − 1 ms, about 24.8 days). */
export const maxTimerMs = 2_147_483_647;

/** A positive number of milliseconds a timer can hold, or a `ConfigError` naming the option. */
export function timerMilliseconds(value: unknown, option: string, packageName: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > maxTimerMs) {
    throw new ConfigError(`${packageName}: ${option} must be a positive number of milliseconds up to ${maxTimerMs}.`, {
      option,
    });
  }
  return value;
}
