export { createRedisRateLimiter, type RedisRateLimiter } from './create-redis-rate-limiter.js';
export { failFastRedisOptions } from './fail-fast-redis-options.js';
export type { RedisClientLike } from './redis-client-like.js';
export type { RateLimitKeyParts, RedisRateLimiterOptions } from './redis-rate-limiter-options.js';
export { RedisStoreError, type RedisStoreOperation } from './redis-store-error.js';
export { type RedisTokenLease, RedisTokenStore } from './redis-token-store.js';
export type { RedisTokenStoreOptions } from './redis-token-store-options.js';
