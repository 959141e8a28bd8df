import { editDistance } from './edit-distance.js';
import { ConfigError } from './errors/config-error.js';
import type { HttpOptions } from './http-options.js';
import type { TokenLifecycleOptions } from './pick-token-lifecycle-options.js';

/** Every `HttpOptions` name: a provider accepts these besides its own. */
const httpOptionNames = {
  logger: true,
  retry: true,
  timeoutMs: true,
  totalTimeoutMs: true,
  rateLimit: true,
  allowInsecureHttp: true,
  visibleQueryParameters: true,
  fetch: true,
  maxResponseBytes: true,
  telemetry: true,
  onEvent: true,
  userAgent: true,
} as const satisfies { readonly [Name in keyof Required<HttpOptions>]: true };

/**
 * Every `TokenLifecycleOptions` name, for a provider whose options extend them:
 * `assertKnownOptions(packageName, options, { ...tokenLifecycleOptionNames, baseUrl: true, ... })`.
 */
export const tokenLifecycleOptionNames = {
  store: true,
  clock: true,
  refreshPolicy: true,
  leaseTtlMs: true,
  leasePollMs: true,
} as const satisfies { readonly [Name in keyof Required<TokenLifecycleOptions>]: true };

/**
 * Each option of `Options` that is not an `HttpOptions`, set to `true`. The type asks for every one, so a new option
 * that is not listed fails to compile instead of being refused at run time.
 */
export type OwnOptionNames<Options> = { readonly [Name in Exclude<keyof Options, keyof HttpOptions>]-?: true };

/**
 * Refuses an option name nobody knows, e.g. ky's `timeout` passed from JavaScript, where types do not help: it would
 * otherwise be ignored without a word. The `ConfigError` names the option and suggests the closest known one
 * (`timeout` → `timeoutMs`). Known: every `HttpOptions` name and the `own` ones; names whose value is `undefined`
 * count too, since a misspelt option is wrong whatever it holds.
 *
 * @example
 * assertKnownOptions('@auth/musimap', options, { ...tokenLifecycleOptionNames, baseUrl: true, clientId: true });
 */
export function assertKnownOptions<Options extends object>(
  packageName: string,
  options: Options,
  own: OwnOptionNames<Options>,
): void {
  assertKnownNames(packageName, options, [...Object.keys(httpOptionNames), ...Object.keys(own)]);
}

/**
 * The same check for options that are not a provider's (no `HttpOptions`), e.g. a store's: `known` lists them all.
 *
 * @example
 * assertKnownNames('@auth/redis', options, ['client', 'url', 'keyPrefix']);
 */
export function assertKnownNames(packageName: string, options: object, known: readonly string[]): void {
  if (options === null || typeof options !== 'object') return;
  for (const name of Object.keys(options)) {
    if (known.includes(name)) continue;
    const closest = closestName(name, known);
    const hint =
      closest === undefined ? ` Known options: ${[...known].sort().join(', ')}.` : ` Did you mean "${closest}"?`;
    throw new ConfigError(`${packageName}: unknown option "${name}".${hint}`, { option: name });
  }
}

/** What ky, axios and fetch wrappers call options we name differently. */
const synonyms: Readonly<Record<string, string>> = {
  prefixurl: 'baseUrl',
  prefix: 'baseUrl',
  retries: 'retry',
  maxretries: 'retry',
  timeout: 'timeoutMs',
  totaltimeout: 'totalTimeoutMs',
  maxcontentlength: 'maxResponseBytes',
};

/**
 * The known name a wrong one most likely meant, as ordered early exits: the same name in another case (`baseURL`), the
 * name another HTTP library uses for it (`prefixUrl` → `baseUrl`), a known name it begins (`timeout` → `timeoutMs`) or
 * is part of (`timeoutMs` → `operationTimeoutMs`), else the nearest by edit distance when close enough to be a typo.
 */
function closestName(unknown: string, known: readonly string[]): string | undefined {
  const lower = unknown.toLowerCase();
  const sameCase = known.find((name) => name.toLowerCase() === lower);
  if (sameCase !== undefined) return sameCase;
  const synonym = synonyms[lower];
  if (synonym !== undefined && known.includes(synonym)) return synonym;
  const shortest = (names: string[]) => names.sort((a, b) => a.length - b.length)[0];
  if (lower.length >= 4) {
    const extended = known.filter((name) => name.toLowerCase().startsWith(lower));
    if (extended.length > 0) return shortest(extended);
    const containing = known.filter((name) => name.toLowerCase().includes(lower));
    if (containing.length > 0) return shortest(containing);
  }
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(lower, name.toLowerCase());
    if (best === undefined || distance < best.distance) best = { name, distance };
  }
  if (best === undefined) return undefined;
  return best.distance <= Math.max(2, Math.floor(unknown.length / 3)) ? best.name : undefined;
}
