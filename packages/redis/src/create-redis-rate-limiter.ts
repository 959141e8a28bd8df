import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { ConfigError, type RateLimiter, RateLimiterBusy, silentLogger } from '@auth/core';
import { assertKnownNames } from '@auth/core/provider';
import { createRateLimitKey } from './create-rate-limit-key.js';
import { packageName } from './package-name.js';
import { RedisConnection } from './redis-connection.js';
import { acquireRateLimitScript, pauseRateLimitScript } from './redis-rate-limit-scripts.js';
import { type RedisRateLimiterOptions, redisRateLimiterOptionNames } from './redis-rate-limiter-options.js';

/** A rate limit shared through Redis by every process that uses the same `key`. */
export interface RedisRateLimiter extends RateLimiter {
  /** The limiter's Redis hash, `<keyPrefix>{<key>}`; its processes are in `<key>:processes`. */
  readonly key: string;
  /**
   * Holds every process of the fleet until `untilEpochMs` (this process's clock; Redis stores it as a time on its own
   * clock). The engine calls it on a 429 or 503 with `Retry-After`. Resolves once Redis has it, or failed to take it.
   */
  pause(untilEpochMs: number): Promise<void>;
  /** Closes the client created from `url` (a client you passed stays open); later acquisitions use this process's share. */
  close(): Promise<void>;
}

interface Waiter {
  grant(): void;
  refuse(waitMs: number): void;
  /** The latest `performance.now()` at which the caller still wants its slot (Infinity: any time). */
  deadline: number;
}

/** What Redis (or the fallback) answered: whether the held slot stands, and a slot for the next caller. */
interface Answer {
  /** False when a pause began since the held slot was reserved: it must not be used. */
  confirmed: boolean;
  /** A slot was reserved for the caller asked for. */
  granted: boolean;
  /** Until that slot, or until the nearest slot when refused, in ms. */
  waitMs: number;
  /** Redis answered (else this process's share did). */
  shared: boolean;
}

/** A process counts as sharing the limit for this long after its last acquisition. */
const presenceUs = 15_000_000;
/**
 * After Redis answers again, each process also keeps to its share for this long: the other processes' clients
 * reconnect one by one (within about a second with `failFastRedisOptions`), and meanwhile still send at their shares.
 */
const settleMs = 3_000;
const maxTimerMs = 2_147_483_647;

/**
 * Core's `RateLimiter` for a fleet: one budget of `requestsPerSecond` for every process using the same `key`, kept in
 * Redis, usable as any client's `rateLimit`.
 *
 * - One Lua script per acquisition: GCRA on Redis' clock (`TIME`), so the processes' clocks never need to agree.
 * - In each process one caller at a time holds a slot from Redis; the others queue here, served in arrival order. A
 *   caller whose turn is further away than it can wait is refused at once (`RateLimiterBusy`, which the engine
 *   turns into a `RateLimitError` with `source: 'client'`); an aborted caller leaves at once.
 * - `pause(untilEpochMs)` (a provider's `Retry-After`) is stored in Redis and read by the same script: every process
 *   holds until then. A slot held for a later time is confirmed by that script when it falls due, so only requests
 *   already sent when the pause reached Redis still arrive.
 * - Redis unreachable: each process keeps to its share (`requestsPerSecond` / processes seen), logs one warning, and
 *   goes back to the shared budget when Redis answers again.
 *
 * @example
 * const rateLimit = createRedisRateLimiter({
 *   client: redis, requestsPerSecond: 50, key: { provider: 'musimap', baseUrl, clientId },
 * });
 * const musimap = createMusimapClient({ baseUrl, clientId, clientSecret, rateLimit });
 */
export function createRedisRateLimiter(options: RedisRateLimiterOptions): RedisRateLimiter {
  assertKnownNames(packageName, options, redisRateLimiterOptionNames);
  const { requestsPerSecond, burst = 1, expectedProcesses = 1, arrivalJitterMs = 20 } = options;
  const fail = (option: string, requirement: string): never => {
    throw new ConfigError(`${packageName}: the ${option} option must be ${requirement}.`, { option });
  };
  if (!(Number.isFinite(requestsPerSecond) && requestsPerSecond > 0)) fail('requestsPerSecond', 'a positive number');
  if (!(Number.isInteger(burst) && burst >= 1)) fail('burst', 'a positive integer');
  if (!(Number.isInteger(expectedProcesses) && expectedProcesses >= 1)) fail('expectedProcesses', 'a positive integer');
  if (!(Number.isFinite(arrivalJitterMs) && arrivalJitterMs >= 0))
    fail('arrivalJitterMs', 'a non-negative number of ms');
  const operationTimeoutMs = options.operationTimeoutMs ?? 1_000;
  if (!(Number.isFinite(operationTimeoutMs) && operationTimeoutMs > 0)) {
    fail('operationTimeoutMs', 'a positive number of ms');
  }
  const { key: identity } = options;
  if (
    typeof identity === 'string'
      ? identity === ''
      : typeof identity?.provider !== 'string' || typeof identity.baseUrl !== 'string'
  ) {
    fail('key', 'a non-empty string or { provider, baseUrl, clientId?, environment?, token? }');
  }
  const logger = options.logger ?? silentLogger;
  const connection = new RedisConnection({ client: options.client, url: options.url, operationTimeoutMs });
  const key = `${options.keyPrefix ?? 'auth:ratelimit:'}{${createRateLimitKey(identity)}}`;
  const processesKey = `${key}:processes`;
  const member = `${hostname()}/${process.pid}/${randomBytes(9).toString('base64url')}`;
  // R slots span one second plus the jitter allowance: see arrivalJitterMs.
  const intervalMs = (1000 + arrivalJitterMs) / requestsPerSecond;
  const intervalUs = Math.ceil(intervalMs * 1000);

  let processes = expectedProcesses;
  let outage = false;
  /** Until then (`performance.now()`), back from an outage: slots also keep to this process's share. */
  let settleUntil = 0;
  let closed = false;
  /** The fallback's own GCRA state (performance.now() ms). */
  let localTat = 0;
  /** No slot before this `performance.now()`: a pause announced here or learned from Redis. */
  let pausedUntil = 0;
  const queue: Waiter[] = [];
  let pumping = false;
  /**
   * The slot the pump holds for the head of the queue: when it is due (`performance.now()`), and whether Redis must
   * confirm it then (it was reserved before a wait, during which another process may have stored a pause).
   */
  let held: { dueAt: number; confirm: boolean } | undefined;
  /** The caller the pump is asking Redis a slot for (Redis checks its wait itself). */
  let serving: Waiter | undefined;
  /** The pump sleeps until the held slot is due. */
  let holding = false;
  /** Ends the pump's current sleep early (a pause, or nobody left waiting). */
  let wake: (() => void) | undefined;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, Math.min(ms, maxTimerMs));
      wake = done;
    });

  /** A floor for the turn of the caller `position` places behind the head: every next slot would be ours. */
  const estimate = (position: number, now = performance.now()) =>
    Math.max(0, pausedUntil - now) + position * intervalMs;

  /** Holds every caller until `until` (performance.now()); those who cannot wait that long are told now. */
  const holdUntil = (until: number): boolean => {
    if (!(until > pausedUntil)) return false;
    pausedUntil = until;
    const now = performance.now();
    let position = 0;
    for (const waiter of [...queue]) {
      const waitMs = estimate(position, now);
      if (now + waitMs > waiter.deadline) waiter.refuse(waitMs);
      else position += 1;
    }
    return true;
  };

  /** This process's share of the limit, while Redis cannot be asked. */
  const reserveHere = (maxWaitMs: number): Omit<Answer, 'confirmed' | 'shared'> => {
    const shareIntervalMs = intervalMs * processes;
    const toleranceMs = (Math.max(1, Math.floor(burst / processes)) - 1) * shareIntervalMs;
    const now = performance.now();
    const at = Math.max(now, localTat - toleranceMs, pausedUntil);
    const waitMs = at - now;
    if (waitMs > maxWaitMs) return { granted: false, waitMs };
    localTat = Math.max(localTat, at) + shareIntervalMs;
    return { granted: true, waitMs };
  };

  /**
   * One acquisition script: confirms the held slot when `confirm`, and reserves a slot for `waiter` when given. Falls
   * back to this process's share when Redis cannot answer (the held slot then stands unless a pause is known here).
   */
  const ask = async (confirm: boolean, waiter: Waiter | undefined): Promise<Answer> => {
    const maxWaitMs = waiter === undefined ? 0 : waiter.deadline - performance.now();
    let failure: string | undefined;
    if (!closed) {
      const maxWaitUs =
        waiter === undefined
          ? ''
          : maxWaitMs === Number.POSITIVE_INFINITY
            ? -1
            : Math.max(0, Math.floor(maxWaitMs * 1000));
      try {
        const reply = await connection.run('acquireRateLimit', (client) =>
          client.call(
            'EVAL',
            acquireRateLimitScript,
            2,
            key,
            processesKey,
            intervalUs,
            (burst - 1) * intervalUs,
            maxWaitUs,
            member,
            presenceUs,
            confirm ? 1 : 0,
          ),
        );
        if (Array.isArray(reply) && reply.length === 5 && reply.every(Number.isFinite)) {
          const [confirmed, granted, waitUs, present, pauseUs] = reply as number[];
          const now = performance.now();
          if (outage) settleUntil = now + settleMs;
          // While the fleet comes back, the share stays the one the outage began with.
          processes = now < settleUntil ? Math.max(processes, present!) : Math.max(1, present!);
          if (outage) {
            outage = false;
            logger.info(
              { package: packageName, event: 'rate_limit.redis_recovered', processes },
              `${packageName}: Redis answers again: the fleet shares the rate limit again.`,
            );
          }
          if (pauseUs! > 0) holdUntil(now + pauseUs! / 1000);
          return { confirmed: confirmed === 1, granted: granted === 1, waitMs: waitUs! / 1000, shared: true };
        }
        failure = `${packageName}: acquireRateLimit failed: an unexpected reply.`;
      } catch (error) {
        failure = (error as Error).message;
      }
    }
    if (failure !== undefined && !outage) {
      outage = true;
      const share = Math.round((requestsPerSecond / processes) * 1000) / 1000;
      logger.warn(
        {
          package: packageName,
          event: 'rate_limit.redis_unavailable',
          reason: failure,
          processes,
          requestsPerSecond: share,
        },
        `${packageName}: Redis is unreachable: this process keeps to its share of the rate limit (${share}/s of ${requestsPerSecond}/s) until it answers again.`,
      );
    }
    const confirmed = !confirm || performance.now() >= pausedUntil;
    const shared = false;
    return waiter === undefined
      ? { confirmed, granted: false, waitMs: 0, shared }
      : { confirmed, shared, ...reserveHere(maxWaitMs) };
  };

  /**
   * The head goes out now: the fallback's schedule follows along, so that when Redis goes away this process's first
   * slot of its own is a share's interval after its last one.
   */
  const sending = () => {
    localTat = Math.max(localTat, performance.now() + intervalMs * processes);
  };
  /** Grants the head its slot (the caller behind it, when the head gave up meanwhile). */
  const grantHead = () => {
    sending();
    queue.shift()?.grant();
  };

  const take = (answer: Answer) => {
    if (!answer.granted) {
      held = undefined;
      return;
    }
    const now = performance.now();
    // Settling after an outage: no sooner than this process's share allows either.
    const dueAt = Math.max(now + answer.waitMs, answer.shared && now < settleUntil ? localTat : 0);
    held = { dueAt, confirm: dueAt > now };
  };

  /**
   * Serves the queue in arrival order with one slot held at a time. A slot due at once is used at once; one due later
   * is confirmed when due by the same script that reserves the next caller's slot, so a pause another process stored
   * meanwhile stops this process too, and an acquisition still costs one script.
   */
  const pump = async () => {
    pumping = true;
    try {
      while (queue.length > 0) {
        const now = performance.now();
        if (now < pausedUntil && (held === undefined || held.dueAt < pausedUntil)) {
          held = undefined; // inside the pause
          await sleep(pausedUntil - now);
          continue;
        }
        if (held === undefined) {
          const head = queue[0]!;
          serving = head;
          const answer = await ask(false, head);
          serving = undefined;
          if (answer.granted) take(answer);
          else if (queue.includes(head)) head.refuse(answer.waitMs);
          continue;
        }
        if (held.dueAt > now) {
          holding = true;
          await sleep(held.dueAt - now);
          holding = false;
          continue;
        }
        // Due long ago (the event loop was stalled): every process would send its late slot at once. Ask anew.
        if (now - held.dueAt > intervalMs) {
          held = undefined;
          continue;
        }
        if (!held.confirm) {
          held = undefined;
          grantHead();
          continue;
        }
        const next = queue[1];
        serving = next;
        sending(); // before the fallback, if it answers, reserves the next slot
        const answer = await ask(true, next);
        serving = undefined;
        held = undefined;
        if (answer.confirmed) grantHead();
        if (answer.granted) take(answer);
        else if (next !== undefined && queue.includes(next)) next.refuse(answer.waitMs);
      }
    } finally {
      pumping = false;
      holding = false;
      serving = undefined;
      held = undefined;
    }
  };

  return {
    key,

    acquire(signal, maxWaitMs) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      const now = performance.now();
      const floorMs = estimate(queue.length, now);
      if (maxWaitMs !== undefined && floorMs > maxWaitMs) return Promise.reject(new RateLimiterBusy(floorMs));
      return new Promise<void>((resolve, reject) => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const leave = () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          const index = queue.indexOf(waiter);
          if (index !== -1) queue.splice(index, 1);
          if (queue.length === 0) wake?.();
        };
        const onAbort = () => {
          leave();
          reject(signal?.reason);
        };
        const waiter: Waiter = {
          grant() {
            clearTimeout(timer);
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
          refuse(waitMs) {
            leave();
            reject(new RateLimiterBusy(waitMs));
          },
          deadline: maxWaitMs === undefined ? Number.POSITIVE_INFINITY : now + maxWaitMs,
        };
        queue.push(waiter);
        signal?.addEventListener('abort', onAbort, { once: true });
        // Still queued at its deadline (the fleet took the slots): refused then, rather than left to time out.
        if (maxWaitMs !== undefined && maxWaitMs < maxTimerMs) {
          timer = setTimeout(() => {
            // Asking Redis for its slot, which Redis grants only within its wait, or holding that slot already.
            if (serving === waiter || (holding && queue[0] === waiter)) return;
            waiter.refuse(Math.max(intervalMs, estimate(queue.indexOf(waiter))));
          }, maxWaitMs);
        }
        if (!pumping) void pump();
      });
    },

    async pause(untilEpochMs) {
      const durationMs = untilEpochMs - Date.now();
      if (!(Number.isFinite(durationMs) && durationMs > 0)) return;
      // The pump lets go of a slot inside the pause; waiters it moves past their wait are told now.
      if (holdUntil(performance.now() + durationMs)) wake?.();
      if (closed) return;
      // The other processes learn it from Redis; during an outage it holds here only (the outage is already logged).
      await connection
        .run('pauseRateLimit', (client) => client.call('EVAL', pauseRateLimitScript, 1, key, Math.ceil(durationMs)))
        .catch(() => undefined);
    },

    close() {
      closed = true;
      return connection.close();
    },
  };
}
