/**
 * ioredis options for a client dedicated to the token store, so that an outage costs each call at most about a
 * second and sharing resumes about a second after Redis is back:
 * - `enableOfflineQueue: false`, `maxRetriesPerRequest: 0`: no command is queued while disconnected nor resent after a
 *   reconnect (a stale write or lease request must not land minutes later);
 * - `connectTimeout`, `commandTimeout`: 1 s;
 * - `retryStrategy`: reconnect every 100 ms to 1 s (plus jitter), where ioredis' default backs off to 5 s.
 *
 * The store bounds every operation by itself as well (`operationTimeoutMs`), whatever the client's options.
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
  retryStrategy: (attempt: number): number => Math.min(attempt * 100, 1_000) + Math.floor(Math.random() * 100),
});
