import { Redis, type RedisOptions } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { failFastRedisOptions } from '../fail-fast-redis-options.js';
import { type RedisServerHandle, startRedisServer } from './start-redis-server.js';

export interface RedisServerFixture {
  /** The running server of this describe block (started before its first test). */
  readonly server: RedisServerHandle;
  /** A client of the server, disconnected after the test; fail-fast like a store's unless other options are given. */
  connect(options?: RedisOptions): Redis;
}

/**
 * One redis-server per describe block: started before its tests, started again before a test when an earlier one
 * stopped it, stopped after them; the clients `connect()` made are disconnected after each test.
 */
export function useRedisServer(): RedisServerFixture {
  let server: RedisServerHandle | undefined;
  const clients: Redis[] = [];
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server?.stop();
  });
  beforeEach(async () => {
    if (server?.pid === undefined) await server?.start();
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.disconnect();
  });
  const running = (): RedisServerHandle => {
    if (server === undefined) throw new Error('useRedisServer: the server starts in beforeAll; use it inside a test');
    return server;
  };
  return {
    get server() {
      return running();
    },
    connect(options = { ...failFastRedisOptions }) {
      const client = new Redis(running().url, options);
      client.on('error', () => {});
      clients.push(client);
      return client;
    },
  };
}
