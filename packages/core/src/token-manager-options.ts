import type { AuthEventListener } from './auth-event.js';
import type { Clock } from './clock.js';
import type { SecretScrubber } from './create-secret-scrubber.js';
import { ConfigError } from './errors/config-error.js';
import type { Instrumentation } from './instrumentation.js';
import { assertLogger, type Logger } from './logger.js';
import { defaultRefreshPolicy, type RefreshPolicy } from './refresh-policy.js';
import { timerMilliseconds } from './timer-milliseconds.js';
import type { TokenSource } from './token-source.js';
import type { TokenStore } from './token-store.js';

export interface TokenManagerOptions {
  source: TokenSource;
  /** Store key; build it with `createTokenKey`. */
  key: string;
  /** @default new MemoryTokenStore() */
  store?: TokenStore;
  /** @default silent */
  logger?: Logger;
  /** @default the system clock */
  clock?: Clock;
  /** @default 20% of the lifetime, clamped to [30 s, 5 min], at most half the lifetime, 10% jitter */
  refreshPolicy?: RefreshPolicy;
  /** Random source for jitter, in [0, 1). @default Math.random */
  random?: () => number;
  /** Package name for log records and messages. @default '@auth/core' */
  packageName?: string;
  /** Fields added to every log record, e.g. `{ provider: 'musimap', environment: 'staging' }`. */
  logFields?: Record<string, unknown>;
  /**
   * With a leasing store (e.g. `RedisTokenStore`): how long a renewal lease lasts, in ms. A holder that dies loses it
   * after this. A live holder extends it every third of it while its renewal lasts (when the store's leases can be
   * extended), for at most 8 times this; the others wait that long, plus this, before renewing on their own.
   * @default 15_000
   */
  leaseTtlMs?: number;
  /** With a leasing store: how often a waiting process looks for the holder's result, in ms. @default 100 */
  leasePollMs?: number;
  /**
   * The longest wait for one store operation (read, write, delete, lease), in ms. A store that does not answer in
   * time is treated as down: this process renews on its own until the store answers again, and never hangs on it.
   * @default 5_000
   */
  storeTimeoutMs?: number;
  /**
   * The secrets this client holds (client secret, password); the manager adds every token it holds. Their echoes are
   * scrubbed from errors and log records. Pass the same scrubber to the HTTP clients. @default a new one
   */
  secrets?: SecretScrubber;
  /** Receives typed lifecycle events (renewed, refresh failed, store unavailable, ...). @default none */
  onEvent?: AuthEventListener;
  /** Traces and metrics of renewals, e.g. `openTelemetry()` from `@auth/core/opentelemetry`. @default none */
  telemetry?: Instrumentation;
}

/** Shapes a caller may get wrong, as `ConfigError`s naming the option, at construction. */
export function validateTokenManagerOptions(options: TokenManagerOptions): void {
  const packageName = options.packageName ?? '@auth/core';
  const fail = (option: string, requirement: string): never => {
    throw new ConfigError(`${packageName}: ${option} ${requirement}.`, { option });
  };
  const hasMethods = (value: unknown, names: string[]) =>
    typeof value === 'object' &&
    value !== null &&
    names.every((name) => typeof (value as Record<string, unknown>)[name] === 'function');
  if (!hasMethods(options.source, ['obtain'])) fail('source', 'must have an obtain() method');
  if (options.store !== undefined && !hasMethods(options.store, ['get', 'set', 'delete'])) {
    fail('store', 'must be a TokenStore with get, set and delete methods');
  }
  if (options.clock !== undefined && !hasMethods(options.clock, ['now'])) fail('clock', 'must have a now() method');
  assertLogger(options.logger, packageName);
  if (options.onEvent !== undefined && typeof options.onEvent !== 'function') fail('onEvent', 'must be a function');
  if (options.telemetry !== undefined && !hasMethods(options.telemetry, ['attempt', 'renewal', 'waited', 'replayed'])) {
    fail('telemetry', 'must be an Instrumentation, e.g. openTelemetry() from @auth/core/opentelemetry');
  }
  if (options.leaseTtlMs !== undefined) timerMilliseconds(options.leaseTtlMs, 'leaseTtlMs', packageName);
  if (options.leasePollMs !== undefined) timerMilliseconds(options.leasePollMs, 'leasePollMs', packageName);
  if (options.storeTimeoutMs !== undefined) timerMilliseconds(options.storeTimeoutMs, 'storeTimeoutMs', packageName);
  const policy = options.refreshPolicy;
  if (policy === undefined) return;
  if (typeof policy !== 'object' || policy === null) fail('refreshPolicy', 'must be an object');
  for (const [name, value] of Object.entries(policy)) {
    const ratio = name === 'ratio' || name === 'jitterRatio';
    if (!(name in defaultRefreshPolicy)) fail(`refreshPolicy.${name}`, 'is not a known refresh policy option');
    if (value === undefined) continue;
    const valid = typeof value === 'number' && Number.isFinite(value) && value >= 0 && (!ratio || value <= 1);
    if (!valid) fail(`refreshPolicy.${name}`, ratio ? 'must be a number from 0 to 1' : 'must be a non-negative number');
  }
}
