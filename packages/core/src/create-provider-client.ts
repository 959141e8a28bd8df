import type { Hooks, KyInstance } from 'ky';
import { createAuthClient } from './create-auth-client.js';
import { resolveRateLimiter } from './create-rate-limiter.js';
import { createSecretScrubber, type SecretScrubber } from './create-secret-scrubber.js';
import type { TokenClientOptions } from './create-token-client.js';
import type { HttpOptions } from './http-options.js';
import { pickHttpOptions } from './pick-http-options.js';
import type { TokenLifecycleOptions } from './pick-token-lifecycle-options.js';
import type { AnswerPoller } from './poll-while.js';
import type { TokenManager } from './token-manager.js';
import type { TokenSet } from './token-set.js';
import type { AccessTokenProvider } from './token-source.js';
import { validateHttpOptions } from './validate-http-options.js';

export interface ProviderDefinition {
  /** Starts every message and log record, e.g. `@auth/musimap`. */
  packageName: string;
  /** The package's version, for the User-Agent (`<packageName>/<version> <runtime>/<version>`). */
  version: string;
  /** The `provider` field of every log record and the first part of the token key, e.g. `musimap`. */
  provider: string;
  /** The caller's options: only their `HttpOptions` and `TokenLifecycleOptions` are read here. */
  options: HttpOptions & TokenLifecycleOptions;
  /** The URL every `api` path is appended to, e.g. `https://api.musement.com/api/v3/`. */
  apiUrl: string;
  /** Sent with every API and token request. */
  headers?: Record<string, string>;
  /** Added to every log record, e.g. `{ environment: 'staging' }`. */
  logFields?: Record<string, unknown>;
  /** What the client holds that must never be shown (client secret, password); tokens are added as they come. */
  secrets?: readonly (string | undefined)[];
  /**
   * Where tokens come from: `manageTokens({ url, key, source })` for a token endpoint (core's lifecycle), or an
   * `AccessTokenProvider` for a provider that holds its tokens itself (static keys). None: public access.
   */
  tokens?: AccessTokenProvider | ((kit: ProviderKit) => AccessTokenProvider);
  /** The API client's own ky hooks (run after the engine's). */
  hooks?: Hooks;
  /** Rewrites a failed call's typed error, e.g. to quote the provider's error envelope (see `AuthClientOptions`). */
  mapError?: (error: Error) => Error;
  /** Wraps the fetch of API calls (not of token requests), below the engine: it sees each request as it leaves. */
  wrapFetch?(fetch: typeof globalThis.fetch): typeof globalThis.fetch;
  /** Asks API calls again while an answer says "not ready", e.g. `pollWhile(202)` (see `AuthClientOptions`). */
  poll?: AnswerPoller;
}

/** What the kit hands a token factory such as `manageTokens`: the resolved pieces both clients share. */
export interface ProviderKit {
  packageName: string;
  provider: string;
  options: HttpOptions & TokenLifecycleOptions;
  /** The `HttpOptions` with the rate limiter resolved once, plus package, log fields, secrets and headers. */
  http: Omit<TokenClientOptions, 'prefix'>;
  /** `http` for a token client: only grant_type of a token request's query is shown, whatever the API shows. */
  tokenHttp: Omit<TokenClientOptions, 'prefix' | 'visibleQueryParameters'>;
  secrets: SecretScrubber;
  logFields: Record<string, unknown>;
}

export interface ProviderClient {
  /** A ky instance on `apiUrl` with the whole engine. */
  api: KyInstance;
  /** The current token, obtaining one first when none is usable (undefined for public access). */
  getToken(): Promise<TokenSet | undefined>;
  /** Forgets the token here and in the store; the next call obtains a new one. */
  clearToken(): Promise<void>;
  /** Stops background renewals and waits for one in flight. */
  close(): Promise<void>;
  /** The lifecycle behind `getToken` when the tokens are managed, for what a provider adds (customer sessions). */
  manager: TokenManager | undefined;
}

/**
 * Assembles a provider client the one way every provider is built: the `HttpOptions` resolved once, one rate limiter
 * shared by logins and API calls (a provider counts both), the same log fields and the same secret scrubber for the
 * token manager, the token client and the API client. A provider is then settings, a token source and its extras.
 *
 * @example
 * const client = createProviderClient({
 *   packageName: '@auth/acme', provider: 'acme', options, apiUrl: `${baseUrl}/v1/`, secrets: [clientSecret],
 *   tokens: manageTokens({ url: baseUrl, key: { baseUrl, clientId }, source: (tools) => acmeTokenSource(tools) }),
 * });
 */
export function createProviderClient(definition: ProviderDefinition): ProviderClient {
  const { packageName, provider, options } = definition;
  // Shapes first: a wrong one is a ConfigError naming it, before anything is built on it (e.g. a fetch to wrap).
  validateHttpOptions(options, packageName);
  const secrets = createSecretScrubber(definition.secrets);
  const http = pickHttpOptions(options);
  if (http.rateLimit !== undefined) http.rateLimit = resolveRateLimiter(http.rateLimit, packageName);
  const logFields = { provider, ...definition.logFields };
  const shared = {
    ...http,
    packageName,
    logFields,
    secrets,
    // Named on every request, token requests included; the provider's (and the caller's) headers come after it.
    headers: { 'user-agent': userAgent(definition, options.userAgent), ...definition.headers },
  };

  const { visibleQueryParameters: _apiOnly, ...tokenHttp } = shared;
  const kit: ProviderKit = { packageName, provider, options, http: shared, tokenHttp, secrets, logFields };
  const tokens = typeof definition.tokens === 'function' ? definition.tokens(kit) : definition.tokens;
  // A managed lifecycle (TokenManager) can also be cleared and closed; static tokens have nothing to clear.
  const manager = tokens && 'clear' in tokens ? (tokens as TokenManager) : undefined;
  const baseFetch = http.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init));
  const api = createAuthClient({
    ...shared,
    prefix: definition.apiUrl,
    ...(tokens && { tokens }),
    ...(definition.hooks && { hooks: definition.hooks }),
    ...(definition.mapError && { mapError: definition.mapError }),
    ...(definition.poll && { poll: definition.poll }),
    ...(definition.wrapFetch && { fetch: definition.wrapFetch(baseFetch) }),
  });
  return {
    api,
    getToken: async () => tokens?.getToken(),
    clearToken: async () => manager?.clear(),
    close: async () => manager?.close(),
    manager,
  };
}

/** `<application> <package>/<version> <runtime>/<version>`, the runtime as it names itself (node, bun, deno). */
function userAgent({ packageName, version }: ProviderDefinition, application: string | undefined): string {
  const runtime = globalThis as { Bun?: { version: string }; Deno?: { version: { deno: string } } };
  const engine = runtime.Bun
    ? `bun/${runtime.Bun.version}`
    : runtime.Deno
      ? `deno/${runtime.Deno.version.deno}`
      : `node/${typeof process === 'undefined' ? 'unknown' : process.versions.node}`;
  return `${application === undefined ? '' : `${application} `}${packageName}/${version} ${engine}`;
}
