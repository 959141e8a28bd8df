import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertBuilt, packagesDirectory } from '../../../core/src/test-support/assert-built.js';
import { type ForkedMember, forkFleetMember, killFleetMembers } from './fork-fleet-member.js';

export type { MemberLog } from './fork-fleet-member.js';

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

export interface MemberSummary {
  succeeded: number;
  failures: string[];
}

/** A member of the fleet: it calls until asked to stop. */
export type FleetMember = ForkedMember<MemberSummary>;

/** Forks `size` separate Node processes of `fleet-member.mjs`. Stop them with `stopFleet`. */
export function startFleet(options: FleetOptions): FleetMember[] {
  assertPackagesBuilt();
  return Array.from({ length: options.size }, (_, index) => startMember(options, `member-${index + 1}`));
}

function startMember(options: FleetOptions, name: string): FleetMember {
  return forkFleetMember<MemberSummary>(memberScript, {
    name,
    redisUrl: options.redisUrl,
    emulatorUrl: options.emulatorUrl,
    credentials: options.credentials,
    leaseTtlMs: options.leaseTtlMs,
    callIntervalMs: options.callIntervalMs ?? 50,
    redisDist: join(packagesDirectory, 'redis', 'dist', 'index.js'),
    musementDist: join(packagesDirectory, 'musement', 'dist', 'index.js'),
  });
}

/** Kills every member still running (SIGKILL, by pid): for afterEach, after a failed test. */
export const killFleet = killFleetMembers;
