/**
 * What the store needs from a Redis client. An ioredis `Redis` or `Cluster` instance fits (ioredis 5 and later);
 * nothing else of the client is used, so the store does not depend on one ioredis version's types.
 */
export interface RedisClientLike {
  /** ioredis' connection status: `wait`, `connecting`, `connect`, `ready`, `reconnecting`, `close` or `end`. */
  readonly status: string;
  /** Sends one command, e.g. `call('GET', key)`. */
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
  /** Opens the connection of a client created with `lazyConnect: true`. */
  connect(): Promise<void>;
  once(event: 'ready' | 'close' | 'end', listener: () => void): unknown;
  off(event: 'ready' | 'close' | 'end', listener: () => void): unknown;
}
