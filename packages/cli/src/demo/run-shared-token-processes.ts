import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ScenarioFailure } from './scenario.js';

export interface SharedTokenProcessesOptions {
  /** How many processes to start. */
  processes: number;
  redisUrl: string;
  /** The Musement emulator (or API) the processes call. */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  application: string;
  /** Bounds the whole run: when it aborts, the processes still running are killed and the run fails. */
  signal: AbortSignal;
  /** How long a process lets itself run before exiting with code 1, in ms. */
  processTimeoutMs: number;
}

/** What one process reported, and how it ended. */
export interface SharedTokenProcessResult {
  ok: boolean;
  /** Items the call returned (when ok). */
  items?: number;
  /** The first 16 hex digits of the SHA-256 of the access token it used (when ok): never the token itself. */
  fingerprint?: string;
  /** Why the call failed (when not ok). */
  error?: string;
  exitCode: number | null;
  /** What it wrote to stdout and stderr. */
  output: string;
}

interface ProcessMessage {
  type: 'ready' | 'result';
  ok?: boolean;
  items?: number;
  fingerprint?: string;
  error?: string;
}

// From the sources (tests), Node runs the TypeScript file itself; built, tsup emits it next to this code in dist/.
const script = fileURLToPath(
  new URL(`./shared-token-process.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url),
);

/**
 * Forks `processes` separate Node processes (shared-token-process), each a Musement client whose token store is a
 * `RedisTokenStore` on `redisUrl`; once all are connected, tells them to go at once: each makes one authenticated call,
 * reports and exits by itself. Resolves when every process has exited. Rejects with a `ScenarioFailure` when `signal`
 * aborts first, after killing (by pid) the processes still running; they are killed likewise whatever else goes wrong.
 */
export async function runSharedTokenProcesses(
  options: SharedTokenProcessesOptions,
): Promise<SharedTokenProcessResult[]> {
  const children: ChildProcess[] = [];
  try {
    const runs = Array.from({ length: options.processes }, () => {
      const child = fork(script, [], { execArgv: [], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
      children.push(child);
      return watch(child);
    });
    for (const child of children) {
      child.send({
        type: 'config',
        redisUrl: options.redisUrl,
        baseUrl: options.baseUrl,
        clientId: options.clientId,
        clientSecret: options.clientSecret,
        application: options.application,
        timeoutMs: options.processTimeoutMs,
      });
    }
    const timedOut = new Promise<never>((_, reject) => {
      const onAbort = () =>
        reject(new ScenarioFailure(`the ${options.processes} processes did not finish in time; killed`));
      if (options.signal.aborted) onAbort();
      options.signal.addEventListener('abort', onAbort, { once: true });
    });
    timedOut.catch(() => {});
    // Everyone connected (or gone): then all call at once, racing for the one login.
    await Promise.race([Promise.all(runs.map((run) => run.ready)), timedOut]);
    for (const child of children) if (child.connected) child.send({ type: 'go' });
    return await Promise.race([Promise.all(runs.map((run) => run.exited)), timedOut]);
  } finally {
    await Promise.all(children.map(kill));
  }
}

function watch(child: ChildProcess): { ready: Promise<void>; exited: Promise<SharedTokenProcessResult> } {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  let result: ProcessMessage | undefined;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  child.on('message', (message: ProcessMessage) => {
    if (message.type === 'ready') markReady();
    if (message.type === 'result') result = message;
  });
  const exited = new Promise<SharedTokenProcessResult>((resolve) => {
    const done = (exitCode: number | null) => {
      markReady(); // gone before (or after) it was ready: nobody waits for it any more
      const { ok, items, fingerprint, error }: Partial<ProcessMessage> = result ?? {
        error: `exited (${exitCode ?? child.signalCode}) without reporting`,
      };
      resolve({
        ok: ok === true,
        ...(items !== undefined && { items }),
        ...(fingerprint !== undefined && { fingerprint }),
        ...(error !== undefined && { error }),
        exitCode,
        output: output.slice(-2_000),
      });
    };
    child.once('exit', done);
    child.once('error', (error) => {
      result ??= { type: 'result', ok: false, error: `could not start: ${error.message}` };
      if (child.pid === undefined) done(null);
    });
  });
  return { ready, exited };
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}
