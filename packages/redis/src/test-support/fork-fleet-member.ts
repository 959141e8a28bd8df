import { type ChildProcess, fork } from 'node:child_process';
import type { CapturedRecord } from '@auth/testing';

/** A log record of a member, as its logger received it. */
export interface MemberLog extends CapturedRecord {
  /** When the parent received it, epoch ms. */
  at: number;
}

/**
 * One Node process of a fleet, speaking the members' IPC protocol: it sends `ready` once its first call succeeded,
 * `log` records, and a `summary` before it exits after a `stop`.
 */
export interface ForkedMember<Summary> {
  readonly name: string;
  readonly process: ChildProcess;
  readonly logs: MemberLog[];
  /** Everything the process wrote to stdout and stderr. */
  readonly output: string[];
  /** Resolves on `ready`; rejects, with its output, when the process exits first. */
  readonly ready: Promise<void>;
  /** Sends `command` (e.g. `go`) while the process still listens. */
  send(command: string): void;
  /** Asks the member to finish its calls and report; resolves with its summary once it has exited. */
  stop(): Promise<Summary>;
}

/** Forks `script` with `config` (JSON, its first argument) as fleet member `config.name`. */
export function forkFleetMember<Summary>(
  script: string,
  config: { name: string } & Record<string, unknown>,
): ForkedMember<Summary> {
  const { name } = config;
  const child = fork(script, [JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], execArgv: [] });
  const logs: MemberLog[] = [];
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));

  let summary: Summary | undefined;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    child.once('exit', (code, signal) =>
      reject(new Error(`${name} exited (${code ?? signal}) before its first call succeeded:\n${output.join('')}`)),
    );
    child.on('message', (message: { type: string } & Record<string, unknown>) => {
      if (message.type === 'ready') resolve();
      if (message.type === 'log') logs.push({ ...(message as unknown as MemberLog), at: Date.now() });
      if (message.type === 'summary') summary = message as unknown as Summary;
    });
  });
  ready.catch(() => {}); // observed by the test when it awaits it

  const send = (command: string) => {
    if (child.exitCode === null && child.signalCode === null && child.connected) child.send(command);
  };
  return {
    name,
    process: child,
    logs,
    output,
    ready,
    send,
    async stop() {
      send('stop');
      await exited;
      if (summary === undefined) {
        throw new Error(`${name} ended without a summary (${child.exitCode ?? child.signalCode}):\n${output.join('')}`);
      }
      return summary;
    },
  };
}

/** Kills every member still running (SIGKILL, by its pid): for afterEach, after a failed test. */
export async function killFleetMembers(members: readonly { process: ChildProcess }[]): Promise<void> {
  await Promise.all(
    members.map(async ({ process: child }) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }),
  );
}
