import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertBuilt, packagesDirectory } from '../../../core/src/test-support/assert-built.js';
import { type ForkedMember, forkFleetMember, killFleetMembers, type MemberLog } from './fork-fleet-member.js';

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

/** A log record of a member. */
export type RateLimitMemberLog = MemberLog;

export interface RateLimitMemberSummary {
  succeeded: number;
  failed: number;
  errors: string[];
}

/** A member: once `ready` (it holds a token) it waits for `send('go')` to start the calls its summary counts. */
export type RateLimitFleetMember = ForkedMember<RateLimitMemberSummary>;

/**
 * Forks `size` Node processes of `rate-limit-member.mjs`, each a Musimap client calling the emulator. They load the
 * BUILT packages: a missing or stale build fails (never skips) with the command to run.
 */
export function startRateLimitFleet(options: RateLimitFleetOptions): RateLimitFleetMember[] {
  assertBuilt(['core', 'musimap', 'redis'], "the fleet's processes load dist");
  return Array.from({ length: options.size }, (_, index) => startMember(options, `member-${index + 1}`));
}

function startMember(options: RateLimitFleetOptions, name: string): RateLimitFleetMember {
  return forkFleetMember<RateLimitMemberSummary>(memberScript, {
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
  });
}

/** Kills every member still running (SIGKILL, by its pid): for afterEach, after a failed test. */
export const killRateLimitFleet = killFleetMembers;
