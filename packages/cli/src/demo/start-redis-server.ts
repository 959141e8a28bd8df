import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** A `redis-server` the demo started on 127.0.0.1, without persistence. */
export interface DemoRedisServer {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  readonly pid: number;
  /** Stops the server by its pid (SIGTERM, then SIGKILL after 2 s) and waits for it to exit. Idempotent. */
  stop(): Promise<void>;
}

const launchAttempts = 3;

/**
 * Starts `binary` on a free 127.0.0.1 port with `--save ''` (nothing written to disk) and resolves once it accepts
 * connections. Rejects when it exits first (after trying other ports) or when `signal` aborts; the server is then
 * stopped. Until `stop()`, the server is also killed when this process exits.
 */
export async function startRedisServer(binary: string, signal: AbortSignal): Promise<DemoRedisServer> {
  let lastError: unknown;
  for (let attempt = 0; attempt < launchAttempts; attempt++) {
    const port = await findFreePort();
    try {
      return await launch(binary, port, signal);
    } catch (error) {
      lastError = error; // most likely the port was taken in between: try another one, unless time is up
      if (signal.aborted) break;
    }
  }
  throw lastError;
}

function launch(binary: string, port: number, signal: AbortSignal): Promise<DemoRedisServer> {
  const child = spawn(binary, ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      process.kill(child.pid, 'SIGTERM');
      const escalate = setTimeout(() => child.kill('SIGKILL'), 2_000);
      await exited;
      clearTimeout(escalate);
    }
  };
  return new Promise<DemoRedisServer>((resolve, reject) => {
    let output = '';
    const fail = (reason: string) => {
      cleanup();
      stop().then(() => reject(new Error(`redis-server ${reason}:\n${output.slice(-1_000)}`)), reject);
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (!output.includes('Ready to accept connections')) return;
      cleanup();
      // Keep draining the pipes so the server never blocks on a full one.
      child.stdout?.resume();
      child.stderr?.resume();
      resolve({ url: `redis://127.0.0.1:${port}`, pid: child.pid as number, stop });
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

/** A 127.0.0.1 port nothing listens on (the moment it is returned). */
function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
