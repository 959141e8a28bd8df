/**
 * ioredis options for a client dedicated to the token store, so that an outage costs each call at most about a
 * second: commands are not queued while disconnected (`enableOfflineQueue: false`), not resent after a reconnect, a
 * connection attempt and a command give up after 1 s. The store bounds every operation by itself as well
 * (`operationTimeoutMs`); these options also keep ioredis from replaying old commands once Redis is back.
 *
 * @example
 * import { Redis } from 'ioredis';
 * const client = new Redis(process.env.REDIS_URL, { ...failFastRedisOptions });
 */
export const failFastRedisOptions = Object.freeze({
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  connectTimeout: 1_000,
  commandTimeout: 1_000,
});
