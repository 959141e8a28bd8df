// The application surface of @auth/core: what code that uses a provider client, or wires its own, imports.
// Provider authors find the kit in `@auth/core/provider` (provider.ts); the Node-only `FileTokenStore` is in
// `@auth/core/file-token-store`, so that importing a provider loads nothing of node:fs. Not exported on purpose: option
// validation, timer limits, refresh-window arithmetic and the defaults objects: they are decisions of the engine,
// not extension points.
export { type Clock, systemClock } from './clock.js';
export { type AuthClientOptions, createAuthClient } from './create-auth-client.js';
export { createRateLimiter } from './create-rate-limiter.js';
export { ApiError } from './errors/api-error.js';
export { AuthError } from './errors/auth-error.js';
export { ConfigError } from './errors/config-error.js';
export { CredentialsError } from './errors/credentials-error.js';
export { NetworkError } from './errors/network-error.js';
export { RateLimitError } from './errors/rate-limit-error.js';
export { RedirectError } from './errors/redirect-error.js';
export type { HttpOptions } from './http-options.js';
export { type Logger, silentLogger } from './logger.js';
export { MemoryTokenStore } from './memory-token-store.js';
export type { TokenLifecycleOptions } from './pick-token-lifecycle-options.js';
export { type RateLimiter, RateLimiterBusy, type RateLimitOptions } from './rate-limiter.js';
export { REDACTED, redactUrl } from './redact-url.js';
export type { RefreshPolicy } from './refresh-policy.js';
export type { RetryOptions } from './retry-options.js';
export { TokenManager } from './token-manager.js';
export type { TokenManagerOptions } from './token-manager-options.js';
export type { TokenSet } from './token-set.js';
export type { AccessTokenProvider, TokenRequestOptions, TokenSource } from './token-source.js';
export type { LeasingTokenStore, TokenLease, TokenStore } from './token-store.js';
