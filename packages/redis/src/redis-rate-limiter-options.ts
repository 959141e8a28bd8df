import type { Logger } from '@auth/core';
import type { TokenKeyParts } from '@auth/core/provider';
import type { RedisClientLike } from './redis-client-like.js';

/**
 * Whose budget a limiter counts: the same parts as the token key of the client it limits (core's `createTokenKey`),
 * so that two tenants, environments or client ids never share a budget by accident.
 */
export interface RateLimitKeyParts extends Omit<TokenKeyParts, 'user'> {
  /**
   * A static token whose own limit this is (go~mus reseller tokens are limited per token): only a SHA-256 fingerprint
   * of it enters the key. @default none
   */
  token?: string;
}

/** Options of {@link createRedisRateLimiter}. Give `client` or `url` (or set `REDIS_URL`). */
export interface RedisRateLimiterOptions {
  /**
   * An ioredis client (`Redis` or `Cluster`) you create, connect and close; a dedicated one with `failFastRedisOptions`
   * is recommended, with an `error` listener. The limiter never opens connections of its own when given one.
   * @default none
   */
  client?: RedisClientLike;
  /**
   * A Redis URL (`redis://` or `rediss://`); the limiter then creates its own ioredis client with
   * `failFastRedisOptions` on first use; call `close()` when done. Ignored when `client` is given. Environment
   * variable: `REDIS_URL`. @default none
   */
  url?: string;
  /**
   * Whose limit: the parts of the client's token key (`{ provider, baseUrl, clientId, environment? }`, or `token` for
   * a static token), or a key of your own. Every process limited together must give the same. The Redis keys are
   * `<keyPrefix>{<key>}` (a hash: `tat`, `pause`) and `<keyPrefix>{<key>}:processes` (a sorted set).
   */
  key: string | RateLimitKeyParts;
  /** The provider's limit for the whole fleet, requests per second. */
  requestsPerSecond: number;
  /** Requests allowed back to back, fleet-wide, before spacing applies. @default 1 */
  burst?: number;
  /**
   * How much later than its slot a request may reach the provider (timers, a busy event loop, the network), in ms.
   * Slots are spaced so that `requestsPerSecond` of them span one second plus this: a provider counting fixed
   * one-second windows then never sees one request too many in a window, and never answers the 429 whose
   * `Retry-After` (a whole second at least) would pause the fleet. 0 spaces slots exactly 1 / `requestsPerSecond`
   * apart. @default 20 (2% under `requestsPerSecond`)
   */
  arrivalJitterMs?: number;
  /** Prepended to the limiter's keys. @default 'auth:ratelimit:' */
  keyPrefix?: string;
  /**
   * Longest wait for Redis' answer to one acquisition, connecting included, in ms. Past it (and at once while
   * ioredis is reconnecting) the process falls back to its share of the limit; after a timeout it does so for this
   * long again before asking Redis. @default 1_000
   */
  operationTimeoutMs?: number;
  /**
   * How many processes share the limit, for the fallback share before Redis has answered once; afterwards the number
   * of processes Redis saw acquire in the last 15 s is used. @default 1
   */
  expectedProcesses?: number;
  /** Receives one warning when Redis becomes unreachable and one info record when it is back. @default silent */
  logger?: Logger;
}

/** Every option of {@link RedisRateLimiterOptions}: any other name is refused with a `ConfigError` suggesting the closest. */
export const redisRateLimiterOptionNames = Object.keys({
  client: true,
  url: true,
  key: true,
  requestsPerSecond: true,
  burst: true,
  arrivalJitterMs: true,
  keyPrefix: true,
  operationTimeoutMs: true,
  expectedProcesses: true,
  logger: true,
} satisfies { [Name in keyof Required<RedisRateLimiterOptions>]: true });
