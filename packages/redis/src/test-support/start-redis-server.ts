// redis-server for the Redis tests: the launcher is @auth/testing's (the demo uses it too); what only these tests need
// (skip or fail without a server) is here.
import { findRedisServer } from '@auth/testing';

export { findRedisServer, type RedisServerHandle, startRedisServer } from '@auth/testing';
export { findFreePort } from '../../../testing/src/redis/find-free-port.js';
export { findExecutable, onPath } from '../../../testing/src/redis/find-redis-server.js';

/**
 * True when the Redis tests can run. Without redis-server it says so loudly (console.warn) so a skip is never silent,
 * and with `AUTH_REQUIRE_REDIS=1` it throws instead of skipping.
 */
export function redisTestsCanRun(suite: string): boolean {
  if (findRedisServer() !== undefined) return true;
  const missing = 'redis-server was not found (REDIS_SERVER_BIN, PATH, /usr/bin)';
  if (process.env.AUTH_REQUIRE_REDIS === '1') {
    throw new Error(`${missing}, and AUTH_REQUIRE_REDIS=1 forbids skipping the Redis tests of ${suite}.`);
  }
  console.warn(`\n!!! ${missing}: SKIPPING the Redis tests of ${suite}. Install redis-server to run them.\n`);
  return false;
}
