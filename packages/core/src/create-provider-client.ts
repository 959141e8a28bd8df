import type { Hooks, KyInstance } from 'ky';
import { type Clock, systemClock } from './clock.js';
import { createAuthClient } from './create-auth-client.js';
import { resolveRateLimiter } from './create-rate-limiter.js';
import { createSecretScrubber } from './create-secret-scrubber.js';
import { createTokenClient } from './create-token-client.js';
import { createTokenKey, type TokenKeyParts } from './create-token-key.js';
import type { HttpOptions } from './http-options.js';
import { type Logger, silentLogger } from './logger.js';
import { pickHttpOptions } from './pick-http-options.js';
import { pickTokenLifecycleOptions, type TokenLifecycleOptions } from './pick-token-lifecycle-options.js';
import { TokenManager } from './token-manager.js';
import type { TokenSet } from './token-set.js';
import type { AccessTokenProvider, TokenSource } from './token-source.js';
import { validateHttpOptions } from './validate-http-options.js';

/** What a token source is built with: the token endpoint's client and the client's clock and logger. */
export interface ProviderTools {
  /** A ky instance on `login.url`: never follows a redirect, 64 KiB answers, rejections as `CredentialsError`. */
  tokenClient: KyInstance;
  clock: Clock;
  /** The caller's logger (scrubbing known secrets), or a silent one. */
  logger: Logger;
  /** Fields every record of this client carries: package, provider and the provider's own. */
  logFields: Record<string, unknown>;
}

/** A provider whose tokens come from a token endpoint. */
export interface ProviderLogin {
  /** The URL token paths are appended to (no trailing slash). */
  url: string;
  /** What separates this client's tokens in a shared store (the provider name is added). */
  key: Omit<TokenKeyParts, 'provider'>;
  /** How to obtain (and renew) a token; the kit runs the lifecycle around it. */
  source(tools: ProviderTools): TokenSource;
}

export interface ProviderDefinition {
  /** Starts every message and log record, e.g. `@auth/musimap`. */
  packageName: string;
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
  /** A token endpoint and a source, or `tokens` for a provider that holds its tokens itself (static keys). */
  login?: ProviderLogin;
  tokens?: AccessTokenProvider;
  /** The API client's own ky hooks (run after the engine's). */
  hooks?: Hooks;
  /** Wraps the fetch of API calls (not of token requests), e.g. to poll an answer. */
  wrapFetch?(fetch: typeof globalThis.fetch): typeof globalThis.fetch;
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
  /** The lifecycle behind `getToken`, for what a provider adds (customer sessions); undefined without `login`. */
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
 *   login: { url: baseUrl, key: { baseUrl, clientId }, source: ({ tokenClient, clock }) => acmeTokenSource(...) },
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
    ...(definition.headers && { headers: definition.headers }),
  };

  let manager: TokenManager | undefined;
  if (definition.login) {
    const { login } = definition;
    // Only grant_type is ever shown of a token request: the caller's visibleQueryParameters are for the API.
    const { visibleQueryParameters: _apiOnly, ...tokenHttp } = shared;
    const tokenClient = createTokenClient({ ...tokenHttp, prefix: login.url });
    const clock = options.clock ?? systemClock;
    const logger = options.logger ? secrets.wrapLogger(options.logger) : silentLogger;
    manager = new TokenManager({
      ...pickTokenLifecycleOptions(options),
      key: createTokenKey({ provider, ...login.key }),
      packageName,
      logFields,
      secrets,
      clock,
      ...(options.logger && { logger: options.logger }),
      source: login.source({ tokenClient, clock, logger, logFields: { package: packageName, ...logFields } }),
    });
  }
  const tokens = manager ?? definition.tokens;
  const baseFetch = http.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init));
  const api = createAuthClient({
    ...shared,
    prefix: definition.apiUrl,
    ...(tokens && { tokens }),
    ...(definition.hooks && { hooks: definition.hooks }),
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
