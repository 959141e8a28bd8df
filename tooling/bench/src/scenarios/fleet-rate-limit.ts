import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
// The Redis tests' own helpers and fleet process (they import only Node built-ins and the built packages).
import { musimapTestCredentials, startRedisServer } from '@auth/testing';
import { startEmulatorProcess } from '../emulator-process.ts';
import { sleep } from '../load.ts';
import { type Figure, figure, type ScenarioResult } from '../report.ts';
import { fleetSkipReason } from './fleet.ts';

export interface FleetRateLimitSettings {
  processes: number;
  /** The emulator's limit R for the client id (fixed one-second windows), and the limiters' rate. */
  requestsPerSecond: number;
  /** Measured time, after every process made its first call. */
  durationMs: number;
  /** Calls each process keeps in flight. */
  concurrency: number;
}

export const fleetRateLimitDefaults: FleetRateLimitSettings = {
  processes: 8,
  requestsPerSecond: 50,
  durationMs: 6_000,
  concurrency: 4,
};

export const fleetGoodputTarget = 0.9;
export const fleetRateLimitedShareTarget = 0.05;

const memberScript = fileURLToPath(
  new URL('../../../../packages/redis/src/test-support/rate-limit-member.mjs', import.meta.url),
);
const packageEntry = (name: string) =>
  fileURLToPath(new URL(`../../../../packages/${name}/dist/index.js`, import.meta.url));

type Variant = 'none' | 'local' | 'redis';

/** Why the scenario cannot run here, or undefined when it can. */
export function fleetRateLimitSkipReason(): string | undefined {
  return fleetSkipReason(['core', 'testing', 'musimap', 'redis']);
}

interface Run {
  received: number;
  rateLimited: number;
  elapsedMs: number;
  goodputPerSecond: number;
  succeeded: number;
  failed: number;
  errors: string[];
}

/**
 * Scenario 8: `processes` separate Node processes, each a Musimap client with `concurrency` calls in flight, against
 * one emulator (its own process) that limits their client id to R per fixed one-second window (429 with Retry-After).
 * Three runs: (a) no rateLimit, (b) core's per-process limiter at R each, (c) `createRedisRateLimiter` at R for the
 * whole fleet. Figures: goodput (answers other than 429 per second, counted by the server) / R and the share of 429s
 * among the requests the server received.
 */
export async function runFleetRateLimit(
  settings: FleetRateLimitSettings = fleetRateLimitDefaults,
): Promise<ScenarioResult> {
  const started = performance.now();
  const limit = settings.requestsPerSecond;
  const scenario = `8 fleet rate limit (${settings.processes} processes, R = ${limit}/s, ${settings.durationMs / 1000} s)`;
  const skipped = fleetRateLimitSkipReason();
  if (skipped) return { scenario: '8 fleet rate limit', skipped, figures: [], durationMs: 0 };
  const redis = await startRedisServer();
  const figures: Figure[] = [];
  const details: Record<string, Run> = {};
  const names: Record<Variant, string> = {
    none: `${settings.processes} × createMusimapClient, no rateLimit`,
    local: `${settings.processes} × createMusimapClient, rateLimit ${limit}/s each`,
    redis: `${settings.processes} × createMusimapClient + createRedisRateLimiter ${limit}/s shared`,
  };
  try {
    for (const variant of ['none', 'local', 'redis'] as const) {
      const run = await runOnce(settings, variant, redis.url);
      details[names[variant]] = run;
      const targeted = variant === 'redis';
      const failures = run.failed > 0 ? `; ${run.failed} calls failed (${run.errors[0]})` : '';
      const base = { scenario, contender: names[variant] };
      figures.push(
        figure(
          {
            ...base,
            figure: 'goodput / R',
            value: Math.round((run.goodputPerSecond / limit) * 1000) / 1000,
            note: `${run.goodputPerSecond.toFixed(1)} ok/s at the server over ${(run.elapsedMs / 1000).toFixed(1)} s; ${run.succeeded} calls succeeded${failures}`,
          },
          targeted ? { min: fleetGoodputTarget } : undefined,
        ),
        figure(
          {
            ...base,
            figure: 'share of 429s',
            value: run.received === 0 ? 0 : Math.round((run.rateLimited / run.received) * 1000) / 1000,
            shown: `${((run.rateLimited / Math.max(1, run.received)) * 100).toFixed(1)}%`,
            note: `${run.rateLimited} of ${run.received} requests`,
          },
          targeted ? { max: fleetRateLimitedShareTarget } : undefined,
        ),
      );
    }
  } finally {
    await redis.stop();
  }
  return { scenario: '8 fleet rate limit', figures, details, durationMs: performance.now() - started };
}

async function runOnce(settings: FleetRateLimitSettings, variant: Variant, redisUrl: string): Promise<Run> {
  const emulator = await startEmulatorProcess('musimap', {
    recordRequests: false,
    rateLimit: { requests: settings.requestsPerSecond, windowMs: 1_000 },
  });
  const members: Array<{ child: ChildProcess; ready: Promise<void>; summary: Promise<Summary> }> = [];
  try {
    for (let index = 0; index < settings.processes; index++) {
      const config = {
        name: `member-${index + 1}`,
        emulatorUrl: emulator.url,
        redisUrl,
        limiter: variant,
        requestsPerSecond: settings.requestsPerSecond,
        concurrency: settings.concurrency,
        clientId: musimapTestCredentials.clientId,
        clientSecret: musimapTestCredentials.clientSecret,
        musimapDist: packageEntry('musimap'),
        redisDist: packageEntry('redis'),
      };
      const child = fork(memberScript, [JSON.stringify(config)], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        execArgv: [],
      });
      const exited = new Promise<never>((_, reject) =>
        child.once('exit', (code) => reject(new Error(`a fleet process exited (${code}) before reporting`))),
      );
      exited.catch(() => {});
      const ready = new Promise<void>((resolve) =>
        child.on('message', (message: { type: string }) => message.type === 'ready' && resolve()),
      );
      const summary = new Promise<Summary>((resolve) =>
        child.on('message', (message: Summary) => message.type === 'summary' && resolve(message)),
      );
      members.push({ child, ready: Promise.race([ready, exited]), summary: Promise.race([summary, exited]) });
    }
    await Promise.all(members.map((member) => member.ready));
    // Measured from here: every process holds its token and starts calling now; the windows start afresh.
    await emulator.reset();
    for (const member of members) member.child.send('go');
    const from = performance.now();
    await sleep(settings.durationMs);
    const counters = await emulator.counters();
    const elapsedMs = performance.now() - from;
    for (const member of members) if (member.child.connected) member.child.send('stop');
    const summaries = await Promise.all(members.map((member) => member.summary));
    const received = counters.apiRequests + counters.tokenRequests;
    return {
      received,
      rateLimited: counters.rateLimited,
      elapsedMs,
      goodputPerSecond: (received - counters.rateLimited) / (elapsedMs / 1000),
      succeeded: summaries.reduce((sum, summary) => sum + summary.succeeded, 0),
      failed: summaries.reduce((sum, summary) => sum + summary.failed, 0),
      errors: summaries.flatMap((summary) => summary.errors),
    };
  } finally {
    for (const member of members)
      if (member.child.exitCode === null && member.child.signalCode === null) member.child.kill('SIGKILL');
    await emulator.close();
  }
}

interface Summary {
  type: string;
  succeeded: number;
  failed: number;
  errors: string[];
}
