export { abortable } from './abortable.js';
export { type AssertSafeBaseUrlOptions, assertSafeBaseUrl } from './assert-safe-base-url.js';
export { assertServerRuntime } from './assert-server-runtime.js';
export { type Clock, systemClock } from './clock.js';
export { type AuthClientOptions, createAuthClient, type HttpOptions } from './create-auth-client.js';
export {
  createRateLimiter,
  type RateLimiter,
  RateLimiterBusy,
  type RateLimitOptions,
  resolveRateLimiter,
} from './create-rate-limiter.js';
export { createSecretScrubber, type SecretScrubber } from './create-secret-scrubber.js';
export { createTokenClient, type TokenClientOptions } from './create-token-client.js';
export { createTokenKey, type TokenKeyParts } from './create-token-key.js';
export { ApiError, type ApiErrorOptions } from './errors/api-error.js';
export { AuthError, type AuthErrorOptions } from './errors/auth-error.js';
export { ConfigError } from './errors/config-error.js';
export { CredentialsError } from './errors/credentials-error.js';
export { NetworkError } from './errors/network-error.js';
export { RateLimitError } from './errors/rate-limit-error.js';
export { RedirectError } from './errors/redirect-error.js';
export { FileTokenStore, type FileTokenStoreOptions } from './file-token-store.js';
export { type LoadSettingOptions, loadRequiredSetting, loadSetting } from './load-setting.js';
export { type Logger, silentLogger } from './logger.js';
export { MemoryTokenStore } from './memory-token-store.js';
export { parseRetryAfter } from './parse-retry-after.js';
export { describeInvalidTokenSet, isHeaderSafeToken, parseTokenSet } from './parse-token-set.js';
export { pickHttpOptions } from './pick-http-options.js';
export { pickTokenLifecycleOptions, type TokenLifecycleOptions } from './pick-token-lifecycle-options.js';
export { defaultVisibleQueryParameters, REDACTED, redactUrl } from './redact-url.js';
export { computeRefreshAt, defaultRefreshPolicy, type RefreshPolicy } from './refresh-policy.js';
export {
  backoffDelayMs,
  defaultRetryOptions,
  type RetryOptions,
  resolveRetryOptions,
  retryableStatusCodes,
} from './retry-options.js';
export {
  type AccessTokenProvider,
  TokenManager,
  type TokenManagerOptions,
  type TokenRequestOptions,
  type TokenSource,
} from './token-manager.js';
export type { TokenSet } from './token-set.js';
export { isLeasingTokenStore, type LeasingTokenStore, type TokenLease, type TokenStore } from './token-store.js';
export { maxTimerMs, validateHttpOptions } from './validate-http-options.js';
