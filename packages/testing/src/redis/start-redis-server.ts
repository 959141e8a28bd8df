import { type ChildProcess, spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { findFreePort } from './find-free-port.js';
import { findRedisServer } from './find-redis-server.js';

/** A `redis-server` child process on 127.0.0.1, without persistence, that can be stopped and started again. */
export interface RedisServerHandle {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** The pid of the running server; undefined while it is stopped. */
  readonly pid: number | undefined;
  /**
   * Stops the server by its pid and waits for it to exit: `SIGTERM` (then `SIGKILL` after 2 s) by default, `SIGKILL`
   * to simulate a crash. Does nothing when it is not running.
   */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port, empty (there is no persistence): the other half of an outage. */
  start(): Promise<void>;
}

export interface StartRedisServerOptions {
  /** The `redis-server` to run. @default findRedisServer() */
  binary?: string | undefined;
  /** Gives up waiting for the server to accept connections; the server is then stopped and the start rejects. */
  signal?: AbortSignal | undefined;
  /** The longest wait for one launch to accept connections (also for `start()` after a stop). @default 10_000 */
  readyTimeoutMs?: number | undefined;
}

/** Ports tried when the one found free is taken before the server binds it. */
const launchAttempts = 5;

/**
 * Starts `redis-server` on a free 127.0.0.1 port (`--save ''`, no append-only file: nothing is written to disk) and
 * resolves once it accepts connections. Until `stop()`, the server is also killed when this process exits, so a run
 * that dies leaves nothing behind.
 *
 * @example
 * const redis = await startRedisServer();
 * const store = new RedisTokenStore({ url: redis.url });
 * // ... then: await store.close(); await redis.stop();
 */
export async function startRedisServer(options: StartRedisServerOptions = {}): Promise<RedisServerHandle> {
  const binary = options.binary ?? findRedisServer();
  if (binary === undefined) throw new Error('redis-server was not found (REDIS_SERVER_BIN, PATH, /usr/bin)');
  const readyTimeoutMs = options.readyTimeoutMs ?? 10_000;
  let lastError: unknown;
  for (let attempt = 0; attempt < launchAttempts; attempt++) {
    const port = await findFreePort();
    try {
      const child = await launch(binary, port, readySignal(readyTimeoutMs, options.signal));
      return createHandle(binary, port, child, readyTimeoutMs);
    } catch (error) {
      lastError = error; // most likely the port was taken in between: try another one, unless time is up
      if (options.signal?.aborted) break;
    }
  }
  throw lastError;
}

function createHandle(binary: string, port: number, first: ChildProcess, readyTimeoutMs: number): RedisServerHandle {
  let child: ChildProcess | undefined = first;
  // While it runs, a process that exits takes the server with it (a listener per running server, removed on stop).
  const killOnExit = () => child?.kill('SIGKILL');
  process.on('exit', killOnExit);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return child?.pid;
    },
    async stop(signal = 'SIGTERM') {
      const running = child;
      child = undefined;
      process.off('exit', killOnExit);
      if (running) await stopChild(running, signal);
    },
    async start() {
      if (child) throw new Error('redis-server is already running');
      // The port may linger briefly after the previous server exits: retry for a while.
      for (let attempt = 0; ; attempt++) {
        try {
          child = await launch(binary, port, readySignal(readyTimeoutMs));
          process.on('exit', killOnExit);
          return;
        } catch (error) {
          if (attempt >= 20) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    },
  };
}

/** Aborts after `timeoutMs`, or with `signal`. */
function readySignal(timeoutMs: number, signal?: AbortSignal): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  return signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
}

/** Stops `child` by its pid (escalating to SIGKILL after 2 s) and waits for its exit. */
async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  const escalate = setTimeout(() => child.kill('SIGKILL'), 2_000);
  await exited;
  clearTimeout(escalate);
}

/** Runs `binary` on `port` and resolves once it is ready; it is stopped when it cannot be, or `signal` aborts first. */
function launch(binary: string, port: number, signal: AbortSignal): Promise<ChildProcess> {
  const child = spawn(
    binary,
    ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', tmpdir()],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    const fail = (reason: string) => {
      cleanup();
      const error = new Error(`redis-server ${reason}:\n${output.slice(-2_000)}`);
      stopChild(child, 'SIGKILL').then(() => reject(error), reject);
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (!output.includes('Ready to accept connections')) return;
      cleanup();
      // Keep draining the pipes so the server never blocks on a full one.
      child.stdout?.resume();
      child.stderr?.resume();
      resolve(child);
    };
    const onExit = (code: number | null) => fail(`exited (${code}) before it was ready`);
    const onError = (error: Error) => fail(`could not be started (${error.message})`);
    const onAbort = () => fail('was not ready in time');
    const cleanup = () => {
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
      signal.removeEventListener('abort', onAbort);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();
  });
}
