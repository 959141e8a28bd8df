import type { RedisClientLike } from './redis-client-like.js';

/** Options of {@link RedisTokenStore}. Give `client` or `url` (or set `REDIS_URL`). */
export interface RedisTokenStoreOptions {
  /**
   * An ioredis client (`Redis` or `Cluster`) you create, connect and close. The store never opens connections of its
   * own when given one. A dedicated client with `failFastRedisOptions` is recommended, and an `error` listener on it
   * (ioredis prints unhandled `error` events). @default none
   */
  client?: RedisClientLike;
  /**
   * A Redis URL (`redis://` or `rediss://`); the store then creates its own ioredis client with `failFastRedisOptions`
   * on first use; call `close()` when done. Ignored when `client` is given. Environment variable: `REDIS_URL`.
   * @default none
   */
  url?: string;
  /** Prepended to every key: the record of token key `k` is `<keyPrefix>k`, its lease `<keyPrefix>k:lease`. @default 'auth:token:' */
  keyPrefix?: string;
  /**
   * Longest wait for one store operation, connecting included, in ms. Past it the operation rejects with a
   * `RedisStoreError` (`timedOut: true`) and, for the same time again, the next operations reject at once instead of
   * waiting too, so that a hanging Redis costs a renewal about one timeout. @default 1_000
   */
  operationTimeoutMs?: number;
  /**
   * How long a record stays in Redis after its access token expires, in ms: Redis drops it at `expiresAt` plus this
   * (PEXPIREAT), covering clock differences between your hosts and Redis. A record without `expiresAt` never expires.
   * @default 60_000
   */
  expiryGraceMs?: number;
}

/** Every option of {@link RedisTokenStoreOptions}: any other name is refused with a `ConfigError` suggesting the closest. */
export const redisTokenStoreOptionNames = Object.keys({
  client: true,
  url: true,
  keyPrefix: true,
  operationTimeoutMs: true,
  expiryGraceMs: true,
} satisfies { [Name in keyof Required<RedisTokenStoreOptions>]: true });
