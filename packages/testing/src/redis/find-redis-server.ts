import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * Where `redis-server` is: `REDIS_SERVER_BIN` when set (only there), else the first on `PATH`, else
 * `/usr/bin/redis-server`. Undefined when there is none, so that a caller can skip (saying why) or fail.
 */
export function findRedisServer(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.REDIS_SERVER_BIN) return findExecutable([env.REDIS_SERVER_BIN]);
  return findExecutable([...onPath('redis-server', env), '/usr/bin/redis-server']);
}

/** `name` in each directory of `PATH`, in order. */
export function onPath(name: string, env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.PATH ?? '')
    .split(delimiter)
    .filter((directory) => directory !== '')
    .map((directory) => join(directory, name));
}

/** The first of `candidates` that is an executable file. */
export function findExecutable(candidates: readonly string[]): string | undefined {
  return candidates.find((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
