import type { HttpOptions } from './http-options.js';

const httpOptionNames = [
  'logger',
  'retry',
  'timeoutMs',
  'totalTimeoutMs',
  'rateLimit',
  'allowInsecureHttp',
  'visibleQueryParameters',
  'fetch',
  'maxResponseBytes',
  'telemetry',
  'onEvent',
  'userAgent',
] as const satisfies ReadonlyArray<keyof HttpOptions>;

/** The `HttpOptions` a provider's options carry, without the provider's own ones and without undefined values. */
export function pickHttpOptions(options: HttpOptions): HttpOptions {
  const picked: Record<string, unknown> = {};
  for (const name of httpOptionNames) {
    if (options[name] !== undefined) picked[name] = options[name];
  }
  return picked as HttpOptions;
}
