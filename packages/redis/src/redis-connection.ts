import { AuthError, ConfigError } from '@auth/core';
import { loadSetting } from '@auth/core/provider';
import { describeRedisFailure } from './describe-redis-failure.js';
import { failFastRedisOptions } from './fail-fast-redis-options.js';
import { packageName } from './package-name.js';
import type { RedisClientLike } from './redis-client-like.js';
import { RedisStoreError, type RedisStoreOperation } from './redis-store-error.js';

type OwnedClient = RedisClientLike & { quit(): Promise<unknown>; disconnect(): void };

const connectingStatuses = new Set(['wait', 'connecting', 'connect']);
const noop = () => {};
/** How long a closed connection's socket may take to close before it is destroyed. */
const socketCloseTimeoutMs = 100;

export interface RedisConnectionOptions {
  client?: RedisClientLike | undefined;
  url?: string | undefined;
  operationTimeoutMs: number;
}

/**
 * The client the store and the rate limiter talk to, with the rules both follow: every operation bounded by
 * `operationTimeoutMs` (connecting included), failing at once while ioredis is reconnecting or closed, and for another
 * `operationTimeoutMs` right after a timeout. Errors are `RedisStoreError`s that never quote a command's arguments.
 * Without a `client`, one is created from `url` (or `REDIS_URL`) with `failFastRedisOptions` on first use.
 */
export class RedisConnection {
  readonly #client: RedisClientLike | undefined;
  readonly #url: string | undefined;
  readonly #operationTimeoutMs: number;
  #ownedClient: Promise<OwnedClient> | undefined;
  /** After a timeout, operations fail at once until then (performance.now() ms). */
  #holdUntil = 0;
  #readyWaiter: Promise<boolean> | undefined;

  constructor(options: RedisConnectionOptions) {
    this.#operationTimeoutMs = options.operationTimeoutMs;
    this.#client = options.client;
    if (this.#client === undefined) {
      this.#url = loadSetting({ value: options.url, option: 'url', environmentVariable: 'REDIS_URL', packageName });
      if (this.#url === undefined) {
        throw new ConfigError(
          `${packageName}: no Redis to use. Pass the client option (an ioredis instance), the url option, or set the REDIS_URL environment variable.`,
          { option: 'client' },
        );
      }
    }
  }

  /**
   * Runs `command`. `onLateResult` receives a result that arrives after the operation timed out (e.g. a lease to hand
   * back); `ignoreHold` runs it even right after a timeout (a release that must be tried).
   */
  async run<T>(
    operation: RedisStoreOperation,
    command: (client: RedisClientLike) => Promise<T>,
    onLateResult?: (value: T) => void,
    ignoreHold = false,
  ): Promise<T> {
    if (!ignoreHold && performance.now() < this.#holdUntil) {
      throw new RedisStoreError(
        `${packageName}: ${operation} skipped: Redis did not answer within ${this.#operationTimeoutMs} ms a moment ago.`,
        { operation, timedOut: true },
      );
    }
    const timedOut = new RedisStoreError(
      `${packageName}: ${operation} timed out: Redis did not answer within ${this.#operationTimeoutMs} ms.`,
      { operation, timedOut: true },
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      // After an event-loop stall, timers run before pending socket reads: let those land first (setImmediate runs
      // after the poll phase), so a reply that did arrive in time is not reported as a timeout.
      timer = setTimeout(() => setImmediate(() => reject(timedOut)), this.#operationTimeoutMs);
    });
    let pending: Promise<T> | undefined;
    try {
      const client = await Promise.race([this.#resolveClient(), timeout]);
      await Promise.race([this.#whenReady(client, operation), timeout]);
      pending = command(client);
      return await Promise.race([pending, timeout]);
    } catch (error) {
      if (error === timedOut) {
        this.#holdUntil = performance.now() + this.#operationTimeoutMs;
        pending?.then(onLateResult ?? noop, noop);
        throw error;
      }
      if (AuthError.isInstance(error)) throw error;
      throw new RedisStoreError(`${packageName}: ${operation} failed: ${describeRedisFailure(error)}.`, { operation });
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Closes the client created from `url`, whatever its state, and never throws nor hangs: a connected client quits
   * (replies still on their way land first), and is disconnected when Redis does not confirm within
   * `operationTimeoutMs`; a client that is connecting or reconnecting (an outage) is disconnected at once, since `QUIT`
   * cannot reach Redis then and ioredis would go on reconnecting, keeping the process alive. A client passed in stays
   * open.
   */
  async close(): Promise<void> {
    const owned = this.#ownedClient;
    this.#ownedClient = undefined;
    const client = await owned?.catch(noop);
    if (!client) return;
    let timer: NodeJS.Timeout | undefined;
    const quitInTime =
      client.status === 'ready' &&
      (await Promise.race([
        client.quit().then(
          () => true,
          () => false,
        ),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(resolve, this.#operationTimeoutMs, false);
        }),
      ]));
    clearTimeout(timer);
    if (!quitInTime) client.disconnect();
  }

  /** Resolves once the client is connected; fails at once while ioredis is reconnecting or closed. */
  async #whenReady(client: RedisClientLike, operation: RedisStoreOperation): Promise<void> {
    const status = client.status;
    if (status === 'ready') return;
    const notConnected = (detail: string) =>
      new RedisStoreError(`${packageName}: ${operation} failed at once: Redis is not connected (${detail}).`, {
        operation,
      });
    if (!connectingStatuses.has(status)) throw notConnected(status);
    // One set of listeners however many operations wait (ioredis warns past 10 listeners per event).
    this.#readyWaiter ??= new Promise<boolean>((resolve) => {
      const settle = (ready: boolean) => {
        client.off('ready', onReady);
        client.off('close', onClose);
        client.off('end', onClose);
        this.#readyWaiter = undefined;
        resolve(ready);
      };
      const onReady = () => settle(true);
      const onClose = () => settle(false);
      client.once('ready', onReady);
      client.once('close', onClose);
      client.once('end', onClose);
      if (status === 'wait') client.connect().catch(noop);
    });
    if (!(await this.#readyWaiter)) throw notConnected('the connection attempt failed');
  }

  #resolveClient(): RedisClientLike | Promise<RedisClientLike> {
    if (this.#client) return this.#client;
    this.#ownedClient ??= import('ioredis').then(
      ({ Redis }) => {
        // disconnectTimeout: after disconnect(), ioredis waits this long for the socket to close before destroying it,
        // with a timer that keeps the process alive even when the socket closed long ago (an outage): 2 s by default.
        const client = new Redis(this.#url as string, {
          ...failFastRedisOptions,
          lazyConnect: true,
          disconnectTimeout: socketCloseTimeoutMs,
        });
        // Outages are reported through the rejected operations; ioredis would print each error.
        client.on('error', noop);
        return client;
      },
      () => {
        throw new ConfigError(`${packageName}: the url option needs the ioredis package: install it (npm i ioredis).`, {
          option: 'url',
        });
      },
    );
    return this.#ownedClient;
  }
}
