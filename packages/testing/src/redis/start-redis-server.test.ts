import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** Pids of this process's children whose command is `name` (Linux: read from /proc). */
function childrenNamed(name: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ');
      const command = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (Number(fields[1]) === process.pid && command === name) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
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

  it('gives up on a server that never gets ready, after readyTimeoutMs, and stops it', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'auth-redis-'));
    const silent = join(directory, 'silent-server');
    await writeFile(silent, '#!/bin/sh\nexec sleep 30\n', { mode: 0o755 });
    try {
      const before = childrenNamed('sleep');
      await expect(startRedisServer({ binary: silent, readyTimeoutMs: 200 })).rejects.toThrow('was not ready in time');
      expect(childrenNamed('sleep')).toEqual(before);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('says what is missing when there is no such binary', async () => {
    await expect(startRedisServer({ binary: '/nonexistent/redis-server' })).rejects.toThrow('could not be started');
  });
});
