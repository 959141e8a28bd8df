import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { AuthError, ConfigError, type LeasingTokenStore, type TokenLease, type TokenSet } from '@auth/core';
import { assertKnownNames } from '@auth/core/provider';
import { describeRedisFailure } from './describe-redis-failure.js';
import { packageName } from './package-name.js';
import type { RedisClientLike } from './redis-client-like.js';
import { RedisConnection } from './redis-connection.js';
import { compareAndSetScript, extendLeaseScript, releaseLeaseScript } from './redis-scripts.js';
import type { RedisStoreOperation } from './redis-store-error.js';
import { type RedisTokenStoreOptions, redisTokenStoreOptionNames } from './redis-token-store-options.js';

/** A held lease on one key. */
export interface RedisTokenLease extends TokenLease {
  /** The fencing value stored at the lease key: `<host>/<pid>/<random>`, so `GET` shows who holds it. */
  readonly owner: string;
}

const noop = () => {};

/**
 * Tokens in Redis, shared by every process of a fleet, with the refresh lease core's `TokenManager` uses to renew
 * once per fleet: the holder renews and writes, the others read its result.
 *
 * - Records are JSON at `<keyPrefix><key>`, dropped by Redis `expiryGraceMs` after the access token expires.
 * - Writes are compare-and-set: a valid record issued later than the incoming one is kept, so a slow writer never puts
 *   an older token or an already rotated refresh token back; anything else at the key is overwritten.
 * - The lease is `SET <keyPrefix><key>:lease <owner> NX PX <ttl>`, extended (compare-and-`PEXPIRE`) and released
 *   (compare-and-delete) only by its owner.
 * - Every operation fails fast (`operationTimeoutMs`, and at once while ioredis is reconnecting), so an outage only
 *   turns sharing off: `TokenManager` renews per process until Redis answers again.
 *
 * @example
 * import { Redis } from 'ioredis';
 * const client = new Redis(process.env.REDIS_URL, { ...failFastRedisOptions });
 * const store = new RedisTokenStore({ client });
 * const musement = createMusementClient({ clientId, clientSecret, application, store });
 */
export class RedisTokenStore implements LeasingTokenStore {
  readonly keyPrefix: string;
  readonly #connection: RedisConnection;
  readonly #expiryGraceMs: number;

  constructor(options: RedisTokenStoreOptions = {}) {
    assertKnownNames(packageName, options, redisTokenStoreOptionNames);
    this.keyPrefix = options.keyPrefix ?? 'auth:token:';
    const operationTimeoutMs = positive(options.operationTimeoutMs ?? 1_000, 'operationTimeoutMs');
    this.#expiryGraceMs = positive(options.expiryGraceMs ?? 60_000, 'expiryGraceMs', true);
    this.#connection = new RedisConnection({ client: options.client, url: options.url, operationTimeoutMs });
  }

  /**
   * The record at `key` as stored, decoded but not checked here: core's `TokenManager` validates what a store returns
   * like a network answer (`parseTokenSet`), logs a `store.invalid_record` warning for a record that is not a token set,
   * treats it as absent and renews, and that renewal's write replaces it. So a damaged record is reported, never thrown
   * as a store failure and never kept: JSON comes back decoded as it is (`null`, an object whose access token holds
   * CR/LF...), text that is not JSON comes back as that text, and a key holding another Redis type (a hash, a list)
   * comes back as the text `WRONGTYPE`. Resolves to `undefined` when there is no record.
   */
  async get(key: string): Promise<TokenSet | undefined> {
    const recordKey = this.#recordKey(key);
    const reply = await this.#run('get', (client) =>
      client.call('GET', recordKey).catch((error: unknown) => {
        if (describeRedisFailure(error) === 'WRONGTYPE') return 'WRONGTYPE';
        throw error;
      }),
    );
    if (reply === null || reply === undefined) return undefined;
    try {
      return JSON.parse(reply as string);
    } catch {
      return reply as TokenSet; // not JSON: the text, for the TokenManager to reject
    }
  }

  async set(key: string, value: TokenSet): Promise<void> {
    const recordKey = this.#recordKey(key);
    const issuedAt = value.issuedAt === undefined ? '' : String(value.issuedAt);
    const expireAt = value.expiresAt === undefined ? '' : String(Math.ceil(value.expiresAt + this.#expiryGraceMs));
    const record = JSON.stringify(value);
    await this.#run('set', (client) =>
      client.call('EVAL', compareAndSetScript, 1, recordKey, record, issuedAt, expireAt),
    );
  }

  async delete(key: string): Promise<void> {
    const recordKey = this.#recordKey(key);
    await this.#run('delete', (client) => client.call('DEL', recordKey));
  }

  async acquireLease(key: string, ttlMs: number): Promise<RedisTokenLease | undefined> {
    if (!(Number.isFinite(ttlMs) && ttlMs > 0)) {
      throw new AuthError(`${packageName}: a lease needs a positive ttlMs, got ${String(ttlMs)}.`);
    }
    const leaseKey = `${this.#recordKey(key)}:lease`;
    const owner = `${hostname()}/${process.pid}/${randomBytes(12).toString('base64url')}`;
    const release = (afterHold = false) =>
      this.#run(
        'releaseLease',
        (client) => client.call('EVAL', releaseLeaseScript, 1, leaseKey, owner),
        undefined,
        afterHold,
      ).then(noop);
    const reply = await this.#run(
      'acquireLease',
      (client) => client.call('SET', leaseKey, owner, 'NX', 'PX', Math.ceil(ttlMs)),
      // Granted after we gave up waiting: nobody will renew under it, so hand it back rather than block the fleet.
      (late) => {
        if (late === 'OK') release(true).catch(noop);
      },
    );
    if (reply !== 'OK') return undefined;
    let released: Promise<void> | undefined;
    return {
      owner,
      release: () => {
        released ??= release();
        return released;
      },
      extend: async (extendedTtlMs) =>
        released === undefined &&
        (await this.#run('extendLease', (client) =>
          client.call('EVAL', extendLeaseScript, 1, leaseKey, owner, Math.ceil(extendedTtlMs)),
        )) === 1,
    };
  }

  /**
   * Closes the client the store created from `url`, whatever its state, and never throws nor hangs: a connected
   * client quits (replies still on their way land first), and is disconnected when Redis does not confirm within
   * `operationTimeoutMs`; a client that is connecting or reconnecting (an outage) is disconnected at once, since `QUIT`
   * cannot reach Redis then and ioredis would go on reconnecting, keeping the process alive. A client you passed stays
   * open: close it yourself.
   */
  close(): Promise<void> {
    return this.#connection.close();
  }

  #recordKey(key: string): string {
    return `${this.keyPrefix}${key}`;
  }

  #run<T>(
    operation: RedisStoreOperation,
    command: (client: RedisClientLike) => Promise<T>,
    onLateResult?: (value: T) => void,
    ignoreHold = false,
  ): Promise<T> {
    return this.#connection.run(operation, command, onLateResult, ignoreHold);
  }
}

function positive(value: number, option: string, zeroAllowed = false): number {
  if (Number.isFinite(value) && (value > 0 || (zeroAllowed && value === 0))) return value;
  throw new ConfigError(
    `${packageName}: the ${option} option must be a ${zeroAllowed ? 'non-negative' : 'positive'} number of ms.`,
    {
      option,
    },
  );
}
