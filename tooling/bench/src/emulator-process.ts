import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { EmulatorCounters } from '@auth/testing';

export type EmulatorKind = 'gomus' | 'musement' | 'musimap';

export interface EmulatorCommand {
  id: number;
  name: 'counters' | 'reset' | 'expireAllTokens' | 'tokenRequestTimes' | 'maxLoopDelayMs' | 'close';
}

export interface EmulatorReply {
  id: number;
  result?: unknown;
  error?: string;
}

/** An emulator running in a child process, driven over IPC. */
export interface EmulatorProcess {
  /** `http://127.0.0.1:<port>` */
  url: string;
  counters(): Promise<EmulatorCounters>;
  /** Zeroes the counters and the rate-limit windows; issued tokens stay valid. */
  reset(): Promise<void>;
  expireAllTokens(): Promise<void>;
  /** The longest event-loop stall of the emulator process since the previous call, ms. */
  maxLoopDelayMs(): Promise<number>;
  /** When each token request still in the request log arrived (epoch ms). */
  tokenRequestTimes(): Promise<number[]>;
  close(): Promise<void>;
}

export const tokenPaths: Record<EmulatorKind, string> = {
  gomus: '/none',
  musement: '/api/v3/login',
  musimap: '/oauth/access_tokens/client',
};

const childScript = fileURLToPath(new URL('./emulator-child.ts', import.meta.url));

/**
 * Starts an emulator of `@auth/testing` (its built `dist`) in a child process. With 2 cores, the load generator and
 * the server then each have one, instead of sharing one event loop.
 */
export async function startEmulatorProcess(
  kind: EmulatorKind,
  options: Record<string, unknown> = {},
): Promise<EmulatorProcess> {
  const child: ChildProcess = fork(childScript, [JSON.stringify({ kind, options, tokenPath: tokenPaths[kind] })], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: [],
  });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const url = await new Promise<string>((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`the ${kind} emulator process exited (${code}) before it started`));
    child.once('exit', onExit);
    child.once('message', (message: EmulatorReply) => {
      child.off('exit', onExit);
      resolve(String(message.result));
    });
  });
  child.on('message', (message: EmulatorReply) => {
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.error !== undefined) waiter.reject(new Error(message.error));
    else waiter.resolve(message.result);
  });
  child.once('exit', () => {
    for (const waiter of pending.values()) waiter.reject(new Error(`the ${kind} emulator process exited`));
    pending.clear();
  });

  const send = <T>(name: EmulatorCommand['name']): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ id, name } satisfies EmulatorCommand);
    });

  let closing: Promise<void> | undefined;
  return {
    url,
    counters: () => send<EmulatorCounters>('counters'),
    reset: () => send<void>('reset'),
    expireAllTokens: () => send<void>('expireAllTokens'),
    tokenRequestTimes: () => send<number[]>('tokenRequestTimes'),
    maxLoopDelayMs: () => send<number>('maxLoopDelayMs'),
    close() {
      closing ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          await send<void>('close').catch(() => undefined);
          const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
          await exited;
          clearTimeout(timer);
        }
      })();
      return closing;
    },
  };
}
