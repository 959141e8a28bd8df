// `@auth/core/provider`: the kit a provider package is built with (see CONTRIBUTING.md, "Adding a provider").
// Applications import `@auth/core`; nothing here is needed to use a client.
export { abortable } from './abortable.js';
export {
  assertKnownNames,
  assertKnownOptions,
  type OwnOptionNames,
  tokenLifecycleOptionNames,
} from './assert-known-options.js';
export { type AssertSafeBaseUrlOptions, assertSafeBaseUrl } from './assert-safe-base-url.js';
export { assertServerRuntime } from './assert-server-runtime.js';
export { boundStore } from './bound-store.js';
export {
  createProviderClient,
  type ProviderClient,
  type ProviderDefinition,
  type ProviderKit,
} from './create-provider-client.js';
export { resolveRateLimiter } from './create-rate-limiter.js';
export { createSecretScrubber, type SecretScrubber } from './create-secret-scrubber.js';
export { createSessionTokenSource, type SessionTokenSourceOptions } from './create-session-token-source.js';
export { createTokenClient, type TokenClientOptions } from './create-token-client.js';
export { createTokenKey, type TokenKeyParts } from './create-token-key.js';
export { discardBody } from './discard-body.js';
export { editDistance } from './edit-distance.js';
export type { ApiErrorOptions, ErrorContext, ExchangeErrorOptions } from './errors/api-error.js';
export type { AuthErrorOptions } from './errors/auth-error.js';
export { type CredentialsRejectedOptions, credentialsRejected } from './errors/credentials-rejected.js';
export { exchangeOf } from './errors/exchange-of.js';
export { extendSecretScrubber } from './extend-secret-scrubber.js';
export { integerOption } from './integer-option.js';
export { type LoadSettingOptions, loadRequiredSetting, loadSetting } from './load-setting.js';
export { manageTokens, type ProviderLogin, type ProviderTools } from './manage-tokens.js';
export { type PaginatePagesOptions, paginatePages, type ReadPage } from './paginate-pages.js';
export { describeInvalidTokenSet, isHeaderSafeToken, parseTokenSet } from './parse-token-set.js';
export { pickHttpOptions } from './pick-http-options.js';
export { pickTokenLifecycleOptions } from './pick-token-lifecycle-options.js';
export { type AnswerPoller, type PollSettings, pollWhile } from './poll-while.js';
export { providerMessage } from './provider-message.js';
export { backoffDelayMs, retryableStatusCodes } from './retry-options.js';
export { validateHeaders } from './validate-headers.js';
