import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** A redis-server child process on 127.0.0.1, without persistence, that can be stopped and started on its port. */
export interface RedisServerHandle {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** The pid of the running server, undefined while stopped. */
  readonly pid: number | undefined;
  /** Stops the server we started (by its pid) and waits for it to exit. SIGTERM by default; SIGKILL to simulate a crash. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port (empty: there is no persistence). */
  start(): Promise<void>;
}

/**
 * Where redis-server is: `REDIS_SERVER_BIN` when set (only there), else the first one on PATH, else
 * /usr/bin/redis-server. Undefined when none exists; the caller then skips its Redis tests loudly (or fails when
 * `AUTH_REQUIRE_REDIS=1`, as CI sets).
 */
export function findRedisServer(): string | undefined {
  return process.env.REDIS_SERVER_BIN
    ? findExecutable([process.env.REDIS_SERVER_BIN])
    : findExecutable([...onPath('redis-server'), '/usr/bin/redis-server']);
}

/** `name` in each directory of PATH, in order. */
export function onPath(name: string): string[] {
  return (process.env.PATH ?? '')
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

/** Starts redis-server on a free 127.0.0.1 port. Call `stop()` in afterAll. */
export async function startRedisServer(): Promise<RedisServerHandle> {
  const binary = findRedisServer();
  if (binary === undefined) throw new Error('redis-server not found');
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await findFreePort();
    let child: ChildProcess;
    try {
      child = await launch(binary, port);
    } catch (error) {
      lastError = error; // most likely the port was taken in between: try another one
      continue;
    }
    return createHandle(binary, port, child);
  }
  throw lastError;
}

function createHandle(binary: string, port: number, first: ChildProcess): RedisServerHandle {
  let child: ChildProcess | undefined = first;
  // A test run that dies must not leave a server behind.
  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return child?.pid;
    },
    async stop(signal = 'SIGTERM') {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill(signal);
      const escalate = setTimeout(() => running.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(escalate);
    },
    async start() {
      if (child) throw new Error('redis-server is already running');
      // The port may linger briefly after the previous server exits; retry for a while.
      for (let attempt = 0; ; attempt++) {
        try {
          child = await launch(binary, port);
          return;
        } catch (error) {
          if (attempt >= 20) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    },
  };
}

function launch(binary: string, port: number): Promise<ChildProcess> {
  const child = spawn(
    binary,
    ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', tmpdir()],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        cleanup();
        // Keep draining the pipes so the server never blocks on a full one.
        child.stdout?.resume();
        child.stderr?.resume();
        resolve(child);
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`redis-server exited (${code}) before it was ready:\n${output.slice(-2_000)}`));
    };
    const cleanup = () => {
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onExit);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onExit);
  });
}

/** A 127.0.0.1 port nothing listens on (the moment it is returned). */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
