import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CapturedRecord } from '@auth/testing';
import { assertBuilt, packagesDirectory } from '../../../core/src/test-support/assert-built.js';

const memberScript = fileURLToPath(new URL('./fleet-member.mjs', import.meta.url));
const builtPackages = ['core', 'musement', 'redis'];

/**
 * The fleet's processes load the built packages (dist): a child process cannot load TypeScript sources. Fails (never
 * skips) with what to run when a dist is missing or older than its sources, so a test never measures stale code.
 */
export function assertPackagesBuilt(): void {
  assertBuilt(builtPackages, "the fleet's processes load dist");
}

export interface FleetCredentials {
  clientId: string;
  clientSecret: string;
  application: string;
  username: string;
  password: string;
}

export interface FleetOptions {
  size: number;
  redisUrl: string;
  emulatorUrl: string;
  credentials: FleetCredentials;
  /** Lease the members' store grants, in ms. @default core's 15 s */
  leaseTtlMs?: number;
  /** Pause between two calls of a member, in ms. @default 50 */
  callIntervalMs?: number;
}

/** A log record of a member, as its logger received it. */
export interface MemberLog extends CapturedRecord {
  /** When the parent received it, epoch ms. */
  at: number;
}

export interface MemberSummary {
  succeeded: number;
  failures: string[];
}

export interface FleetMember {
  readonly name: string;
  readonly process: ChildProcess;
  readonly logs: MemberLog[];
  /** Everything the process wrote to stdout and stderr. */
  readonly output: string[];
  readonly ready: Promise<void>;
  /** Asks the member to finish its current call and report; resolves with its summary. */
  stop(): Promise<MemberSummary>;
}

/** Forks `size` separate Node processes of `fleet-member.mjs`. Stop them with `stopFleet`. */
export function startFleet(options: FleetOptions): FleetMember[] {
  assertPackagesBuilt();
  return Array.from({ length: options.size }, (_, index) => startMember(options, `member-${index + 1}`));
}

function startMember(options: FleetOptions, name: string): FleetMember {
  const config = {
    name,
    redisUrl: options.redisUrl,
    emulatorUrl: options.emulatorUrl,
    credentials: options.credentials,
    leaseTtlMs: options.leaseTtlMs,
    callIntervalMs: options.callIntervalMs ?? 50,
    redisDist: join(packagesDirectory, 'redis', 'dist', 'index.js'),
    musementDist: join(packagesDirectory, 'musement', 'dist', 'index.js'),
  };
  const child = fork(memberScript, [JSON.stringify(config)], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    execArgv: [],
  });
  const logs: MemberLog[] = [];
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));

  let summary: MemberSummary | undefined;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    child.once('exit', (code, signal) =>
      reject(new Error(`${name} exited (${code ?? signal}) before its first call succeeded:\n${output.join('')}`)),
    );
    child.on('message', (message: { type: string } & Record<string, unknown>) => {
      if (message.type === 'ready') resolve();
      if (message.type === 'log') logs.push({ ...(message as unknown as MemberLog), at: Date.now() });
      if (message.type === 'summary') summary = message as unknown as MemberSummary;
    });
  });
  ready.catch(() => {}); // observed by the test when it awaits it

  return {
    name,
    process: child,
    logs,
    output,
    ready,
    async stop() {
      if (child.exitCode === null && child.signalCode === null && child.connected) child.send('stop');
      await exited;
      if (!summary)
        throw new Error(`${name} ended without a summary (${child.exitCode ?? child.signalCode}):\n${output.join('')}`);
      return summary;
    },
  };
}

/** Kills every member still running (SIGKILL, by pid): for afterEach, after a failed test. */
export async function killFleet(members: readonly FleetMember[]): Promise<void> {
  await Promise.all(
    members.map(async ({ process: child }) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }),
  );
}
