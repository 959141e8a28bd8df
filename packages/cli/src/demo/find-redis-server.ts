import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * Where `redis-server` is: `REDIS_SERVER_BIN` when set (only there), else the first one on `PATH`, else
 * `/usr/bin/redis-server`. Undefined when there is none: the demo then skips its Redis scenario, saying so.
 */
export function findRedisServer(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const onPath = (env.PATH ?? '')
    .split(delimiter)
    .filter((directory) => directory !== '')
    .map((directory) => join(directory, 'redis-server'));
  const candidates = env.REDIS_SERVER_BIN ? [env.REDIS_SERVER_BIN] : [...onPath, '/usr/bin/redis-server'];
  return candidates.find((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
