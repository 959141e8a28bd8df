// A fleet of separate Node processes (child processes running the BUILT packages) sharing one Redis and one Musement
// emulator. Build first: `pnpm turbo run build`; a missing or stale dist fails these tests with that instruction.
import {
  findLeakedSecrets,
  type MusementEmulatorHandle,
  musementTestCredentials,
  startMusementEmulator,
} from '@auth/testing';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { type FleetMember, killFleet, type MemberSummary, startFleet } from './test-support/start-fleet.js';
import { redisTestsCanRun } from './test-support/start-redis-server.js';
import { useRedisServer } from './test-support/use-redis-server.js';

const canRun = redisTestsCanRun('@auth/redis fleet');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const lifetimeMs = 2_000;
const loginPath = '/api/v3/login';

describe.skipIf(!canRun)('a fleet of 8 processes sharing RedisTokenStore', () => {
  const redis = useRedisServer();
  let raw: Redis;
  let emulator: MusementEmulatorHandle;
  let fleet: FleetMember[] = [];

  beforeEach(async () => {
    raw = redis.connect({});
    await raw.flushall();
    emulator = await startMusementEmulator({ tokenLifetimeSeconds: lifetimeMs / 1000 });
  });
  afterEach(async () => {
    await killFleet(fleet);
    fleet = [];
    await emulator.close();
  });

  /** On failure, prints what happened: token requests at the emulator and the fleet's log events, in order. */
  const printTimelineOnFailure = (members: FleetMember[]) => {
    onTestFailed(() => {
      const origin = emulator.requests[0]?.receivedAt ?? 0;
      const lines = [
        ...tokenRequests().map((request) => ({
          at: request.receivedAt,
          text: `token request (${(request.body as { grant_type?: string }).grant_type})`,
        })),
        ...members.flatMap((member) =>
          member.logs
            .filter((log) => log.level !== 'debug' || String(log.record.event).startsWith('token.'))
            .map((log) => ({
              at: log.at,
              text: `${member.name} (${member.process.pid}) ${log.level} ${String(log.record.event)} ${String(log.record.reason ?? log.record.error ?? '')}`,
            })),
        ),
        ...marks,
      ];
      lines.sort((a, b) => a.at - b.at);
      console.info(lines.map((line) => `${line.at - origin} ${line.text}`).join('\n'));
    });
  };
  const marks: { at: number; text: string }[] = [];
  const mark = (text: string) => marks.push({ at: Date.now(), text: `--- ${text}` });

  const start = async (options: { leaseTtlMs?: number } = {}) => {
    marks.length = 0;
    fleet = startFleet({
      size: 8,
      redisUrl: redis.server.url,
      emulatorUrl: emulator.url,
      credentials: musementTestCredentials,
      ...options,
    });
    printTimelineOnFailure(fleet);
    await Promise.all(fleet.map((member) => member.ready));
  };
  const tokenRequests = (from = 0, to = Number.POSITIVE_INFINITY) =>
    emulator.requests.filter(
      (request) => request.path === loginPath && request.receivedAt >= from && request.receivedAt < to,
    );
  const apiRequests = (from = 0, to = Number.POSITIVE_INFINITY) =>
    emulator.requests.filter(
      (request) => request.path !== loginPath && request.receivedAt >= from && request.receivedAt < to,
    );
  const storedToken = async () => {
    const [key] = (await raw.keys('auth:token:*')).filter((name) => !name.endsWith(':lease'));
    const text = key === undefined ? null : await raw.get(key);
    return text === null ? undefined : (JSON.parse(text) as { accessToken: string; refreshToken?: string });
  };
  const expectEveryCallSucceeded = (summaries: MemberSummary[]) => {
    for (const summary of summaries) {
      expect(summary.failures).toEqual([]);
      expect(summary.succeeded).toBeGreaterThan(0);
    }
  };
  /** No secret of the test credentials, and no token the emulator issued, in any log record or output of the fleet. */
  const expectNoSecretsLeaked = () => {
    const secrets = [
      musementTestCredentials.clientSecret,
      musementTestCredentials.password,
      ...new Set(emulator.requests.map((request) => request.headers.authorization?.replace(/^Bearer /, ''))),
      ...emulator.requests.map((request) => (request.body as { refresh_token?: string } | undefined)?.refresh_token),
      emulator.latestRefreshToken(musementTestCredentials.username),
    ].filter((secret): secret is string => typeof secret === 'string' && secret.length > 0);
    const records = fleet.flatMap((member) => member.logs);
    const output = fleet.flatMap((member) => member.output);
    expect(findLeakedSecrets(secrets, records, output)).toEqual([]);
  };

  it('renews once per refresh window for the whole fleet: 1 login, then refreshes at the policy pace, no reuse', async () => {
    await start();
    await sleep(4 * lifetimeMs);
    const summaries = await Promise.all(fleet.map((member) => member.stop()));
    mark('fleet stopped');

    expectEveryCallSucceeded(summaries);
    const logins = tokenRequests();
    const firstLogin = logins[0]!.receivedAt;
    const elapsedMs = apiRequests().at(-1)!.receivedAt - firstLogin;
    // The policy renews a 2 s token after half its lifetime minus up to 10% jitter: at most one renewal per 0.9 s.
    const allowed = 1 + Math.floor(elapsedMs / (0.45 * lifetimeMs));
    const gaps = logins.slice(1).map((request, index) => request.receivedAt - logins[index]!.receivedAt);
    const figures = {
      processes: fleet.length,
      elapsedMs,
      lifetimesElapsed: +(elapsedMs / lifetimeMs).toFixed(2),
      tokenRequests: emulator.counters.tokenRequests,
      perLifetime: +(emulator.counters.tokenRequests / (elapsedMs / lifetimeMs)).toFixed(2),
      allowedByPolicy: allowed,
      byGrant: emulator.counters.tokenRequestsByGrant,
      refreshTokenReuse: emulator.counters.refreshTokenReuse,
      unauthorized: emulator.counters.unauthorized,
      apiCalls: summaries.reduce((sum, summary) => sum + summary.succeeded, 0),
      shortestGapMs: Math.min(...gaps),
    };
    console.info('fleet figures', JSON.stringify(figures));

    expect(emulator.counters.tokenRequests).toBeLessThanOrEqual(allowed); // 8 processes alone would be 8x this
    expect(emulator.counters.tokenRequests).toBeGreaterThanOrEqual(Math.floor(elapsedMs / lifetimeMs));
    expect(emulator.counters.tokenRequestsByGrant).toEqual({
      password: 1,
      refresh_token: emulator.counters.tokenRequests - 1,
    });
    // Two renewals never overlap: consecutive token requests are a refresh window apart, not a few ms.
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(0.4 * lifetimeMs);
    expect(emulator.counters.refreshTokenReuse).toBe(0);
    // Every process made calls, all with the token the fleet shares (one per renewal, never one per process).
    const callers = new Set(apiRequests().map((request) => request.headers['x-fleet-member']));
    expect([...callers].sort()).toEqual(fleet.map((member) => member.name).sort());
    const tokensUsed = new Set(apiRequests().map((request) => request.headers.authorization));
    expect(tokensUsed.size).toBeLessThanOrEqual(emulator.counters.tokenRequests);
    // The stored refresh token is the newest one the emulator issued: no rotation was lost.
    expect((await storedToken())?.refreshToken).toBe(emulator.latestRefreshToken(musementTestCredentials.username));
    expectNoSecretsLeaked();
  });

  it('kill -9 of the lease holder in the middle of a refresh: another process takes over once the lease expires', async () => {
    const leaseTtlMs = 1_000;
    await start({ leaseTtlMs });
    await sleep(1.25 * lifetimeMs);
    // The next renewal is slow: the emulator holds the request 4 s, then answers it (to a dead process).
    emulator.injectFault({ match: { path: loginPath }, kind: 'latency', delayMs: 4_000 });
    while (emulator.counters.faultsInjected === 0) await sleep(5);
    const slowRequest = tokenRequests().at(-1)!;
    const [leaseKey] = await raw.keys('auth:token:*:lease');
    const readStartedAt = Date.now();
    const [owner, remainingMs] = await Promise.all([raw.get(leaseKey!), raw.pttl(leaseKey!)]);
    // The lease cannot end before this: Redis counted remainingMs after readStartedAt.
    const leaseEndsNoEarlierThan = readStartedAt + remainingMs - 1;
    const holder = fleet.find((member) => member.process.pid === Number(owner?.split('/')[1]));
    expect(holder, `lease owner ${owner} is one of the fleet`).toBeDefined();
    holder!.process.kill('SIGKILL');
    const killedAt = Date.now();
    mark(`SIGKILL ${holder!.name} (${owner})`);

    while (tokenRequests(killedAt).length === 0) await sleep(5);
    const takeover = tokenRequests(killedAt)[0]!;
    await sleep(4_000); // the dead process's request is answered meanwhile (its refresh token is already rotated)
    const survivors = fleet.filter((member) => member !== holder);
    const summaries = await Promise.all(survivors.map((member) => member.stop()));
    mark('fleet stopped');

    const figures = {
      takeoverAfterKillMs: takeover.receivedAt - killedAt,
      takeoverAfterSlowRequestMs: takeover.receivedAt - slowRequest.receivedAt,
      leaseTtlMs,
      byGrant: emulator.counters.tokenRequestsByGrant,
      refreshTokenReuse: emulator.counters.refreshTokenReuse,
    };
    console.info('kill figures', JSON.stringify(figures));

    expectEveryCallSucceeded(summaries);
    // Nobody renewed while the dead holder's lease was still valid.
    expect(remainingMs).toBeGreaterThan(0);
    expect(takeover.receivedAt).toBeGreaterThanOrEqual(leaseEndsNoEarlierThan);
    // The takeover refreshed with the token in Redis, which the dead process had not rotated yet: the chain goes on
    // (no fallback to a password login). The dead process's request, answered later, is the one re-use the emulator saw.
    const presented = (request: typeof takeover) => (request.body as { refresh_token?: string }).refresh_token;
    expect((takeover.body as { grant_type: string }).grant_type).toBe('refresh_token');
    expect(presented(takeover)).toBe(presented(slowRequest));
    expect(emulator.counters.tokenRequestsByGrant.password).toBe(1);
    expect(emulator.counters.refreshTokenReuse).toBe(1);
    // No lost rotation: what Redis holds is the newest refresh token the emulator issued.
    expect((await storedToken())?.refreshToken).toBe(emulator.latestRefreshToken(musementTestCredentials.username));
    expectNoSecretsLeaked();
  });

  it('Redis down mid-run: calls keep succeeding on per-process tokens; Redis back: the token is shared again', async () => {
    await start();
    await sleep(1.25 * lifetimeMs);
    const outageStart = Date.now();
    await redis.server.stop();
    mark('Redis stopped');
    await sleep(2 * lifetimeMs);
    const outageEnd = Date.now();
    await redis.server.start();
    mark('Redis started');
    await sleep(3 * lifetimeMs);
    const end = Date.now();
    const summaries = await Promise.all(fleet.map((member) => member.stop()));
    mark('fleet stopped');

    const lastWindow = end - lifetimeMs;
    const distinctTokens = (from: number, to: number) =>
      new Set(apiRequests(from, to).map((request) => request.headers.authorization)).size;
    const figures = {
      outageMs: outageEnd - outageStart,
      tokenRequestsDuringOutage: tokenRequests(outageStart, outageEnd).length,
      tokensInUseDuringOutage: distinctTokens(outageStart + lifetimeMs, outageEnd),
      tokenRequestsInLastLifetime: tokenRequests(lastWindow).length,
      tokensInUseInLastLifetime: distinctTokens(lastWindow, end),
      callsDuringOutage: apiRequests(outageStart, outageEnd).length,
      byGrant: emulator.counters.tokenRequestsByGrant,
      refreshTokenReuse: emulator.counters.refreshTokenReuse,
    };
    console.info('outage figures', JSON.stringify(figures));

    expectEveryCallSucceeded(summaries);
    for (const member of fleet) {
      // Every process kept calling through the outage.
      const calls = apiRequests(outageStart, outageEnd).filter(
        (request) => request.headers['x-fleet-member'] === member.name,
      );
      expect(calls.length).toBeGreaterThan(0);
      // One warning per outage and one notice when the store is back, per process.
      const events = member.logs.map((log) => `${log.level}:${String(log.record.event)}`);
      expect(events.filter((event) => event === 'warn:store.unavailable')).toHaveLength(1);
      expect(events.filter((event) => event === 'info:store.recovered')).toHaveLength(1);
    }
    // During the outage each process renewed for itself...
    expect(figures.tokensInUseDuringOutage).toBeGreaterThan(1);
    // ...and once Redis is back, the fleet shares again: judged by how renewals group, not by a count per window (a
    // loaded machine renews less often, never more together). Sharing, each renewal is one request alone; 8 processes
    // on their own would renew in bursts of several requests within a few ms of each other.
    const renewals = groupByProximity(
      tokenRequests(outageEnd + lifetimeMs).map((request) => request.receivedAt),
      0.2 * lifetimeMs,
    );
    expect(renewals.length).toBeGreaterThan(0);
    expect(renewals.map((group) => group.length)).toEqual(renewals.map(() => 1));
    const stored = await storedToken();
    expect(stored?.refreshToken).toBe(emulator.latestRefreshToken(musementTestCredentials.username));
    expectNoSecretsLeaked();
  });
});

/** Times sorted and cut into groups wherever two neighbours are more than `gapMs` apart. */
function groupByProximity(times: readonly number[], gapMs: number): number[][] {
  const groups: number[][] = [];
  for (const time of [...times].sort((a, b) => a - b)) {
    const last = groups.at(-1);
    if (last !== undefined && time - (last.at(-1) as number) <= gapMs) last.push(time);
    else groups.push([time]);
  }
  return groups;
}
