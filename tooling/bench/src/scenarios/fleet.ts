import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
// The Redis tests' own server helper (it imports only Node built-ins, so it runs here as TypeScript).
import { findRedisServer, startRedisServer } from '@auth/testing';
import { describeStaleBuild } from '../../../../packages/core/src/test-support/assert-built.ts';
import { startEmulatorProcess } from '../emulator-process.ts';
import type { FleetMemberConfig, FleetMemberMessage } from '../fleet-member.ts';
import { median, sleep } from '../load.ts';
import { type Figure, figure, type ScenarioResult } from '../report.ts';

export interface FleetSettings {
  processes: number;
  tokenLifetimeMs: number;
  /** Measured time, after every process made its first call. */
  durationMs: number;
  /** Calls each process keeps in flight. */
  concurrency: number;
  callIntervalMs: number;
}

export const fleetDefaults: FleetSettings = {
  processes: 8,
  tokenLifetimeMs: 2_000,
  durationMs: 8_000,
  concurrency: 2,
  callIntervalMs: 10,
};

const redisEntry = new URL('../../../../packages/redis/dist/index.js', import.meta.url);
const memberScript = fileURLToPath(new URL('../fleet-member.ts', import.meta.url));

/** Why a fleet of processes loading `packages` (built) through one redis-server cannot run here, or undefined. */
export function fleetSkipReason(packages: readonly string[] = ['core', 'musement', 'redis']): string | undefined {
  const stale = describeStaleBuild(packages);
  if (stale !== undefined) return stale;
  if (findRedisServer() === undefined) return 'redis-server was not found (REDIS_SERVER_BIN, PATH, /usr/bin)';
  return undefined;
}

interface Run {
  tokenRequests: number;
  /** Shared store: groups of token requests close together. Memory stores: the median process's own token requests. */
  renewals: number;
  /** Shared store: the largest group. Memory stores: token requests / renewals of one process. */
  perRenewal: number;
  succeeded: number;
  failed: number;
  errors: string[];
  refreshTokenReuse: number;
  unauthorized: number;
}

/**
 * Scenario 5: `processes` separate Node processes run a Musement client (password grant, rotating refresh tokens)
 * against one emulator (its own process) with short tokens, first sharing a RedisTokenStore, then each with its own
 * memory store for comparison. Token requests that the emulator receives close together (less than a quarter of the
 * lifetime apart) belong to one renewal; the figure is token requests per renewal.
 */
export async function runFleet(settings: FleetSettings = fleetDefaults): Promise<ScenarioResult> {
  const started = performance.now();
  const scenario = `5 fleet (${settings.processes} processes, ${settings.tokenLifetimeMs / 1000} s tokens)`;
  const skipped = fleetSkipReason();
  if (skipped) return { scenario: '5 fleet', skipped, figures: [], durationMs: 0 };
  const redis = await startRedisServer();
  const figures: Figure[] = [];
  const details: Record<string, Run> = {};
  try {
    for (const shared of [true, false]) {
      const run = await runOnce(settings, shared ? redis.url : undefined);
      const name = shared
        ? `${settings.processes} × createMusementClient + RedisTokenStore`
        : `${settings.processes} × createMusementClient, memory store each`;
      details[name] = run;
      const failures = run.failed > 0 ? `; ${run.failed} calls failed (${run.errors[0]})` : '';
      figures.push(
        figure(
          {
            scenario,
            contender: name,
            figure: shared ? 'token requests per renewal (worst)' : 'token requests per renewal',
            value: run.perRenewal,
            note: `${run.tokenRequests} token requests in ${run.renewals} renewals, ${run.succeeded} calls, ${run.refreshTokenReuse} refresh-token reuses, ${run.unauthorized} 401s${failures}`,
          },
          shared ? { exactly: 1 } : undefined,
        ),
      );
    }
  } finally {
    await redis.stop();
  }
  return { scenario: '5 fleet', figures, details, durationMs: performance.now() - started };
}

async function runOnce(settings: FleetSettings, redisUrl: string | undefined): Promise<Run> {
  const emulator = await startEmulatorProcess('musement', {
    tokenLifetimeSeconds: settings.tokenLifetimeMs / 1000,
    maxRecordedRequests: 200_000,
  });
  const members: Array<{ child: ChildProcess; ready: Promise<void>; summary: Promise<FleetMemberMessage> }> = [];
  try {
    const config: FleetMemberConfig = {
      emulatorUrl: emulator.url,
      concurrency: settings.concurrency,
      callIntervalMs: settings.callIntervalMs,
      ...(redisUrl ? { redisUrl, redisEntry: redisEntry.href } : {}),
    };
    for (let index = 0; index < settings.processes; index++) {
      const child = fork(memberScript, [JSON.stringify(config)], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        execArgv: [],
      });
      const exited = new Promise<never>((_, reject) =>
        child.once('exit', (code) => reject(new Error(`a fleet process exited (${code}) before reporting`))),
      );
      exited.catch(() => {});
      const ready = new Promise<void>((resolve) =>
        child.on('message', (message: FleetMemberMessage) => message.type === 'ready' && resolve()),
      );
      const summary = new Promise<FleetMemberMessage>((resolve) =>
        child.on('message', (message: FleetMemberMessage) => message.type === 'summary' && resolve(message)),
      );
      members.push({ child, ready: Promise.race([ready, exited]), summary: Promise.race([summary, exited]) });
    }
    await Promise.all(members.map((member) => member.ready));
    // Measured from here: every process holds the fleet's token (or its own).
    await emulator.reset();
    const from = Date.now();
    await sleep(settings.durationMs);
    for (const member of members) if (member.child.connected) member.child.send('stop');
    const summaries = await Promise.all(members.map((member) => member.summary));
    const times = (await emulator.tokenRequestTimes()).filter((time) => time >= from).sort((a, b) => a - b);
    const counters = await emulator.counters();
    let renewals: number;
    let perRenewal: number;
    if (redisUrl) {
      // Renewals of the one shared token are at least a refresh window apart: group what arrives closer together.
      const groups: number[] = [];
      for (const [index, time] of times.entries()) {
        if (index === 0 || time - times[index - 1]! > settings.tokenLifetimeMs / 4) groups.push(1);
        else groups[groups.length - 1]! += 1;
      }
      renewals = groups.length;
      perRenewal = groups.length === 0 ? 0 : Math.max(...groups);
    } else {
      // Each process renews its own token at its own pace: a renewal is one process's renewal.
      renewals = median(
        summaries.map((summary) => (summary.tokenRequestTimes ?? []).filter((time) => time >= from).length),
      );
      perRenewal = renewals === 0 ? 0 : Math.round((times.length / renewals) * 10) / 10;
    }
    return {
      tokenRequests: times.length,
      renewals,
      perRenewal,
      succeeded: summaries.reduce((sum, summary) => sum + (summary.succeeded ?? 0), 0),
      failed: summaries.reduce((sum, summary) => sum + (summary.failed ?? 0), 0),
      errors: summaries.flatMap((summary) => summary.errors ?? []),
      refreshTokenReuse: counters.refreshTokenReuse,
      unauthorized: counters.unauthorized,
    };
  } finally {
    for (const member of members)
      if (member.child.exitCode === null && member.child.signalCode === null) member.child.kill('SIGKILL');
    await emulator.close();
  }
}
