// Crash safety of a Musement refresh-token rotation with FileTokenStore: a child process running the BUILT packages is
// killed with SIGKILL at chosen and at random points of a rotation; a new process on the same store file must end up
// authenticated (with the stored pair, or by a fresh login when the stored refresh token was rotated away), never
// stuck, and leave the store holding the pair the server knows as the newest.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileTokenStore } from '@auth/core/file-token-store';
import { type MusementEmulatorHandle, musementTestCredentials, startMusementEmulator } from '@auth/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { assertBuilt, packagesDirectory } from '../../../packages/core/src/test-support/assert-built.js';
import {
  type StartedChildProcess,
  startChildProcess,
} from '../../../packages/core/src/test-support/run-child-process.js';
import { waitUntil } from '../../../packages/testing/src/shared/wait-until.js';
import { withDeadline } from './with-deadline.js';

const childScript = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
/** Generous: a successor may legitimately wait for a dead holder's lease to expire (15 s by default). */
const restartDeadlineMs = 45_000;

const figures: string[] = [];
let directory: string;

beforeAll(() => {
  assertBuilt(['core', 'musement'], 'the crashing processes load dist');
  directory = mkdtempSync(join(tmpdir(), 'auth-crash-'));
});
afterAll(() => {
  if (directory) rmSync(directory, { recursive: true, force: true });
  console.log(`Crash safety (SIGKILL mid-rotation, FileTokenStore, built packages):\n${figures.join('\n')}`);
});

const fingerprint = (value: string | undefined) =>
  value === undefined ? null : createHash('sha256').update(value).digest('hex').slice(0, 16);

type Child = StartedChildProcess;

function startChild(
  emulator: MusementEmulatorHandle,
  storePath: string,
  settings: { pauseAt?: string; clockOffsetMs?: number; loop?: boolean },
): Child {
  return startChildProcess(process.execPath, [childScript], {
    env: {
      PATH: process.env.PATH,
      CRASH_CHILD_PAUSE_AT: settings.pauseAt ?? 'none',
      CRASH_CHILD_CLOCK_OFFSET_MS: String(settings.clockOffsetMs ?? 0),
      CRASH_CHILD_LOOP: settings.loop ? '1' : '0',
      CRASH_CHILD_PACKAGES_DIRECTORY: packagesDirectory,
      CRASH_CHILD_STORE_PATH: storePath,
      CRASH_CHILD_BASE_URL: emulator.url,
      CRASH_CHILD_CLIENT_ID: musementTestCredentials.clientId,
      CRASH_CHILD_CLIENT_SECRET: musementTestCredentials.clientSecret,
      CRASH_CHILD_APPLICATION: musementTestCredentials.application,
      CRASH_CHILD_USERNAME: musementTestCredentials.username,
      CRASH_CHILD_PASSWORD: musementTestCredentials.password,
    },
  });
}

/** Runs a child to completion and returns its JSON result. */
async function runToEnd(
  child: Child,
  what: string,
): Promise<{ status: number; refreshToken: string; durationMs: number }> {
  const line = await withDeadline(child.waitForLine(/^\{"result"/), restartDeadlineMs, what);
  await child.exited;
  return JSON.parse(line);
}

/** The refresh token held in the store file (fingerprint), or undefined. */
function storedRefreshToken(storePath: string): string | null | undefined {
  if (!existsSync(storePath)) return undefined;
  const contents = JSON.parse(readFileSync(storePath, 'utf8')) as Record<string, { refreshToken?: string }>;
  const [token] = Object.values(contents);
  return fingerprint(token?.refreshToken);
}

const twoHoursMs = 2 * 3_600_000;

interface KillPoint {
  name: string;
  /** Starts the rotating child and kills it at the point; returns when it is dead. */
  killDuring(emulator: MusementEmulatorHandle, storePath: string): Promise<void>;
}

const killPoints: KillPoint[] = [
  {
    name: 'the refresh request is sent, no answer yet',
    async killDuring(emulator, storePath) {
      // The server answers (and rotates) only after the client is dead: its new pair is lost with it.
      emulator.injectFault({ kind: 'latency', delayMs: 500, match: { method: 'POST', path: '/api/v3/login' } });
      const before = emulator.latestRefreshToken();
      const child = startChild(emulator, storePath, { clockOffsetMs: twoHoursMs });
      await withDeadline(
        waitUntil(() => emulator.counters.inFlight > 0, 30_000),
        20_000,
        'the refresh request',
      );
      child.process.kill('SIGKILL');
      await child.exited;
      await withDeadline(
        waitUntil(() => emulator.latestRefreshToken() !== before, 30_000),
        20_000,
        'the late rotation',
      );
    },
  },
  {
    name: 'the answer is in, the store not yet written',
    async killDuring(emulator, storePath) {
      const child = startChild(emulator, storePath, { clockOffsetMs: twoHoursMs, pauseAt: 'before-write' });
      await withDeadline(child.waitForLine(/^before-write$/), 20_000, 'before-write');
      child.process.kill('SIGKILL');
      await child.exited;
    },
  },
  {
    name: 'the store is written, the token not yet used',
    async killDuring(emulator, storePath) {
      const child = startChild(emulator, storePath, { clockOffsetMs: twoHoursMs, pauseAt: 'after-write' });
      await withDeadline(child.waitForLine(/^after-write$/), 20_000, 'after-write');
      child.process.kill('SIGKILL');
      await child.exited;
    },
  },
  ...[0.2, 0.45, 0.7].map(
    (share): KillPoint => ({
      name: `at a random moment of back-to-back rotations (after ${Math.round(share * 100)}% of 400 ms)`,
      async killDuring(emulator, storePath) {
        const child = startChild(emulator, storePath, { clockOffsetMs: twoHoursMs, loop: true });
        await withDeadline(child.waitForLine(/^ready$/), 20_000, 'ready');
        await new Promise((resolve) => setTimeout(resolve, Math.round(share * 400 + Math.random() * 40)));
        child.process.kill('SIGKILL');
        await child.exited;
      },
    }),
  ),
];

// Every kill point at once.
vi.setConfig({ maxConcurrency: 10 });

describe.concurrent('SIGKILL during a Musement rotation, restart on the same FileTokenStore', () => {
  killPoints.forEach((killPoint, index) => {
    // Concurrent tests assert with their own `expect`: the global one's assertion count is shared between them.
    it(`killed when ${killPoint.name}: the next process authenticates, never stuck`, async ({ expect }) => {
      const emulator = await startMusementEmulator();
      const storePath = join(directory, `tokens-${index}.json`);
      try {
        // A first process logs in with the password grant and stores the pair.
        const first = await runToEnd(startChild(emulator, storePath, {}), 'the first login');
        expect(first.status).toBe(200);
        const seeded = storedRefreshToken(storePath);
        expect(seeded).toBe(fingerprint(emulator.latestRefreshToken()));

        await killPoint.killDuring(emulator, storePath);
        const afterKill = storedRefreshToken(storePath);
        const rotatedAway = afterKill !== fingerprint(emulator.latestRefreshToken());
        const state = rotatedAway
          ? 'a pair the server rotated away (the newest died with the process)'
          : `the newest pair${afterKill === seeded ? ' (the seeded one, not rotated)' : ''}`;
        emulator.reset();

        // The successor renews too, with whatever the store holds: its clock is far enough ahead that any stored
        // token looks expired (the back-to-back rotations moved the killed process's clock forward an hour each).
        const started = performance.now();
        const next = await runToEnd(
          startChild(emulator, storePath, { clockOffsetMs: 10_000 * 3_600_000 }),
          `the restart after a kill when ${killPoint.name}`,
        );
        const restartMs = Math.round(performance.now() - started);
        expect(next.status).toBe(200);
        expect(storedRefreshToken(storePath)).toBe(fingerprint(emulator.latestRefreshToken()));
        const grants = emulator.counters.tokenRequestsByGrant;
        const refreshed = grants.refresh_token ?? 0;
        const logins = grants.password ?? 0;
        // A valid stored refresh token renews as is; only a rotated-away one costs a fresh login.
        expect(refreshed).toBe(1);
        expect(logins).toBe(rotatedAway ? 1 : 0);
        expect(emulator.counters.refreshTokenReuse).toBe(rotatedAway ? 1 : 0);
        figures.push(
          `  killed when ${killPoint.name}: store after kill = ${state}; restart: ${refreshed} refresh, ${logins} password login, ${emulator.counters.refreshTokenReuse} rotated token presented, /me ${next.status}, ${restartMs} ms (child's own renewal+call ${next.durationMs} ms)`,
        );
      } finally {
        await emulator.close();
      }
      // Six pairs of child processes start at once: on a loaded 2-core machine node start-up alone can take seconds.
    }, 90_000);
  });
});

describe('the refresh lease of a killed process', () => {
  it('a lease left behind by a SIGKILLed holder is taken over at once, not after its TTL (15 s)', async () => {
    const emulator = await startMusementEmulator();
    const storePath = join(directory, 'tokens-lease.json');
    try {
      await runToEnd(startChild(emulator, storePath, {}), 'the first login');
      const child = startChild(emulator, storePath, { clockOffsetMs: twoHoursMs, pauseAt: 'after-write' });
      await withDeadline(child.waitForLine(/^after-write$/), 20_000, 'after-write');
      child.process.kill('SIGKILL');
      await child.exited;

      // The dead child held the renewal lease of its key, still valid by its TTL: `<owner> <expiresAt> <pid> <host>`.
      const leaseFiles = readdirSync(directory).filter((name) => /^tokens-lease\.json\..+\.lease$/.test(name));
      expect(leaseFiles).toHaveLength(1);
      const [, expiresAt, pid] = readFileSync(join(directory, leaseFiles[0]!), 'utf8').split(' ');
      expect(pid).toBe(String(child.process.pid));
      expect(Number(expiresAt)).toBeGreaterThan(Date.now());

      // A successor gets it at once: the holder's process is gone.
      const [key] = Object.keys(JSON.parse(readFileSync(storePath, 'utf8')) as object);
      const lease = await new FileTokenStore(storePath).acquireLease(key!, 15_000);
      expect(lease).toBeDefined();
      await lease?.release();
    } finally {
      await emulator.close();
    }
  });
});
