import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CapturedRecord } from '@auth/testing';
import { assertBuilt, packagesDirectory } from '../../../core/src/test-support/assert-built.js';

const memberScript = fileURLToPath(new URL('./rate-limit-member.mjs', import.meta.url));

/** Which `rateLimit` the members use: the shared Redis limiter, core's limiter at the full rate each, or none. */
export type FleetLimiter = 'redis' | 'local' | 'none';

export interface RateLimitFleetOptions {
  size: number;
  emulatorUrl: string;
  redisUrl?: string;
  limiter: FleetLimiter;
  /** The rate the members' limiter is given (the whole fleet's for `redis`, each process's for `local`). */
  requestsPerSecond: number;
  /** Calls each member keeps in flight. */
  concurrency: number;
  credentials: { clientId: string; clientSecret: string };
}

export interface RateLimitMemberLog extends CapturedRecord {
  /** When the parent received it, epoch ms. */
  at: number;
}

export interface RateLimitMemberSummary {
  succeeded: number;
  failed: number;
  errors: string[];
}

export interface RateLimitFleetMember {
  readonly name: string;
  readonly process: ChildProcess;
  /** Its limiter's warnings and info records. */
  readonly logs: RateLimitMemberLog[];
  readonly output: string[];
  /** Resolves once it holds a token (its first call succeeded); it then waits for `go()`. */
  readonly ready: Promise<void>;
  /** Starts its calls: the ones its summary counts. */
  go(): void;
  /** Asks it to finish its calls and report. */
  stop(): Promise<RateLimitMemberSummary>;
}

/**
 * Forks `size` Node processes of `rate-limit-member.mjs`, each a Musimap client calling the emulator. They load the
 * BUILT packages: a missing or stale build fails (never skips) with the command to run.
 */
export function startRateLimitFleet(options: RateLimitFleetOptions): RateLimitFleetMember[] {
  assertBuilt(['core', 'musimap', 'redis'], "the fleet's processes load dist");
  return Array.from({ length: options.size }, (_, index) => startMember(options, `member-${index + 1}`));
}

function startMember(options: RateLimitFleetOptions, name: string): RateLimitFleetMember {
  const config = {
    name,
    emulatorUrl: options.emulatorUrl,
    redisUrl: options.redisUrl,
    limiter: options.limiter,
    requestsPerSecond: options.requestsPerSecond,
    concurrency: options.concurrency,
    clientId: options.credentials.clientId,
    clientSecret: options.credentials.clientSecret,
    musimapDist: join(packagesDirectory, 'musimap', 'dist', 'index.js'),
    redisDist: join(packagesDirectory, 'redis', 'dist', 'index.js'),
  };
  const child = fork(memberScript, [JSON.stringify(config)], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    execArgv: [],
  });
  const logs: RateLimitMemberLog[] = [];
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  let summary: RateLimitMemberSummary | undefined;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    child.once('exit', (code, signal) =>
      reject(new Error(`${name} exited (${code ?? signal}) before its first call succeeded:\n${output.join('')}`)),
    );
    child.on('message', (message: { type: string } & Record<string, unknown>) => {
      if (message.type === 'ready') resolve();
      if (message.type === 'log') logs.push({ ...(message as unknown as RateLimitMemberLog), at: Date.now() });
      if (message.type === 'summary') summary = message as unknown as RateLimitMemberSummary;
    });
  });
  ready.catch(() => {}); // observed by the test when it awaits it
  return {
    name,
    process: child,
    logs,
    output,
    ready,
    go() {
      if (child.connected) child.send('go');
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null && child.connected) child.send('stop');
      await exited;
      if (!summary) throw new Error(`${name} ended without a summary:\n${output.join('')}`);
      return summary;
    },
  };
}

/** Kills every member still running (SIGKILL, by its pid): for afterEach, after a failed test. */
export async function killRateLimitFleet(members: readonly RateLimitFleetMember[]): Promise<void> {
  await Promise.all(
    members.map(async ({ process: child }) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }),
  );
}
