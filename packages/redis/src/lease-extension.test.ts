// The lease rules TokenManager documents for a leasing store, against a real redis-server: a renewal that outlasts its
// lease extends it, for at most 8 ttls; a waiter whose holder never finishes gives up after 8 ttls plus one and renews
// on its own.
import { type TokenLease, TokenManager, type TokenSet } from '@auth/core';
import { captureLogger } from '@auth/testing';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { RedisTokenStore } from './redis-token-store.js';
import { redisTestsCanRun } from './test-support/start-redis-server.js';
import { useRedisServer } from './test-support/use-redis-server.js';

const canRun = redisTestsCanRun('@auth/redis lease extension');
/** TokenManager's documented cap: a renewal holds its lease for at most this many ttls, extensions included. */
const maxLeaseTtls = 8;

/** A token source whose token endpoint answers only when the test says so. */
function slowSource() {
  let answer: (token: TokenSet) => void = () => {};
  const source = {
    calls: [] as number[],
    obtain: () => {
      source.calls.push(performance.now());
      return new Promise<TokenSet>((resolve) => {
        answer = resolve;
      });
    },
    answer: (accessToken: string) => answer({ accessToken, expiresAt: Date.now() + 3_600_000 }),
  };
  return source;
}

describe.skipIf(!canRun)('RedisTokenStore leases under TokenManager', () => {
  const redis = useRedisServer();
  beforeEach(async () => {
    await redis.connect({}).flushall();
  });

  it('extends the lease while the renewal lasts, and no longer than 8 ttls: then it runs out', async () => {
    const ttlMs = 150;
    const store = new RedisTokenStore({ client: redis.connect() });
    const extensions: boolean[] = [];
    // The real store, with each extension of its leases counted.
    const counting = {
      get: (key: string) => store.get(key),
      set: (key: string, value: TokenSet) => store.set(key, value),
      delete: (key: string) => store.delete(key),
      acquireLease: async (key: string, leaseTtlMs: number): Promise<TokenLease | undefined> => {
        const lease = await store.acquireLease(key, leaseTtlMs);
        if (lease?.extend === undefined) return lease;
        const extend = lease.extend.bind(lease);
        return Object.assign(lease, {
          extend: async (extendedTtlMs: number) => {
            const held = await extend(extendedTtlMs);
            extensions.push(held);
            return held;
          },
        });
      },
    };
    const source = slowSource();
    const logger = captureLogger();
    const manager = new TokenManager({ key: 'slow', source, store: counting, leaseTtlMs: ttlMs, logger });
    const raw = redis.connect({});
    const leaseKey = `${store.keyPrefix}slow:lease`;

    const pending = manager.getToken();
    await vi.waitFor(() => expect(source.calls).toHaveLength(1));
    expect(await raw.exists(leaseKey)).toBe(1);

    // The token endpoint never answers: the lease must still end, once the extensions stop.
    await vi.waitFor(async () => expect(await raw.exists(leaseKey)).toBe(0), { timeout: 20 * maxLeaseTtls * ttlMs });
    // Extended every third of a ttl while held, each extension granted, and never past the cap (8 ttls × 3, +1 for
    // a tick landing on the boundary).
    expect(extensions.length).toBeGreaterThanOrEqual(1);
    expect(extensions.every((held) => held)).toBe(true);
    expect(extensions.length).toBeLessThanOrEqual(maxLeaseTtls * 3 + 1);
    const counted = extensions.length;

    source.answer('late-token');
    expect((await pending).accessToken).toBe('late-token');
    await manager.close();
    expect(extensions).toHaveLength(counted);
    expect((await store.get('slow'))?.accessToken).toBe('late-token');
    // Every store operation worked: the lease ran out by the cap, not through a store failure.
    expect(logger.records.filter(({ level }) => level === 'warn')).toEqual([]);
  });

  it('a waiter whose holder never finishes gives up after 8 ttls plus one and renews on its own', async () => {
    const ttlMs = 60;
    const store = new RedisTokenStore({ client: redis.connect() });
    const raw = redis.connect({});
    const leaseKey = `${store.keyPrefix}stuck:lease`;
    // A holder in another process that keeps its lease and never writes a token (hung, extending forever).
    await raw.set(leaseKey, 'stuck-holder', 'PX', 60_000);
    const source = slowSource();
    const waiter = new TokenManager({ key: 'stuck', source, store, leaseTtlMs: ttlMs, leasePollMs: 10 });

    const started = performance.now();
    const pending = waiter.getToken();
    await vi.waitFor(() => expect(source.calls).toHaveLength(1), { timeout: 20 * maxLeaseTtls * ttlMs });
    source.answer('own-token');
    const token = await pending;

    // It waited as long as a holder may hold (8 ttls), plus one ttl, before asking the token endpoint itself...
    expect(source.calls[0]! - started).toBeGreaterThanOrEqual((maxLeaseTtls + 1) * ttlMs);
    expect(token.accessToken).toBe('own-token');
    // ...without taking the lease from its holder, and shared its token through the store.
    expect(await raw.get(leaseKey)).toBe('stuck-holder');
    expect((await store.get('stuck'))?.accessToken).toBe('own-token');

    // A later waiter finds that token and renews nothing.
    const later = new TokenManager({ key: 'stuck', source, store, leaseTtlMs: ttlMs, leasePollMs: 10 });
    expect((await later.getToken()).accessToken).toBe('own-token');
    expect(source.calls).toHaveLength(1);
    await Promise.all([waiter.close(), later.close()]);
  });
});
