import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { findRedisServer } from './find-redis-server.js';
import { startRedisServer } from './start-redis-server.js';

const available = findRedisServer() !== undefined;
if (!available && process.env.AUTH_REQUIRE_REDIS === '1') {
  throw new Error(
    'redis-server was not found, and AUTH_REQUIRE_REDIS=1 forbids skipping the tests of startRedisServer',
  );
}
if (!available) console.warn('\n!!! redis-server was not found: SKIPPING the tests of startRedisServer.\n');

/** Sends PING over a raw connection and resolves with the server's first line, e.g. `+PONG`. */
function ping(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.once('data', (chunk) => {
      socket.destroy();
      resolve(chunk.toString().split('\r\n')[0] ?? '');
    });
    socket.once('error', reject);
  });
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.skipIf(!available)('startRedisServer', () => {
  it('answers on 127.0.0.1 once started, stops by its pid, and starts again empty on the same port', async () => {
    const redis = await startRedisServer();
    try {
      expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
      expect(await ping(redis.port)).toBe('+PONG');
      const pid = redis.pid as number;

      await redis.stop('SIGKILL');

      expect(redis.pid).toBeUndefined();
      expect(isAlive(pid)).toBe(false);
      await expect(ping(redis.port)).rejects.toThrow();
      await redis.start();
      expect(await ping(redis.port)).toBe('+PONG');
    } finally {
      await redis.stop();
    }
  });

  it('holds one exit listener while it runs and none once stopped, however often it restarts', async () => {
    const before = process.listenerCount('exit');
    const redis = await startRedisServer();
    expect(process.listenerCount('exit')).toBe(before + 1);
    for (let round = 0; round < 3; round++) {
      await redis.stop('SIGKILL');
      await redis.start();
    }
    expect(process.listenerCount('exit')).toBe(before + 1);
    await redis.stop();
    expect(process.listenerCount('exit')).toBe(before);
  });

  it('rejects when its signal aborts before the server is ready', async () => {
    await expect(startRedisServer({ signal: AbortSignal.abort() })).rejects.toThrow('was not ready in time');
  });

  it('says what is missing when there is no such binary', async () => {
    await expect(startRedisServer({ binary: '/nonexistent/redis-server' })).rejects.toThrow('could not be started');
  });
});
