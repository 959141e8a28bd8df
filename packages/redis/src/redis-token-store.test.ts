import { fileURLToPath } from 'node:url';
import { ConfigError, TokenManager, type TokenSet } from '@auth/core';
import { parseTokenSet } from '@auth/core/provider';
import { captureLogger, findLeakedSecrets } from '@auth/testing';
import type { Cluster, Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { runChildProcess } from '../../core/src/test-support/run-child-process.js';
import { failFastRedisOptions } from './fail-fast-redis-options.js';
import type { RedisClientLike } from './redis-client-like.js';
import { RedisStoreError } from './redis-store-error.js';
import { RedisTokenStore } from './redis-token-store.js';
import { findFreePort, redisTestsCanRun } from './test-support/start-redis-server.js';
import { useRedisServer } from './test-support/use-redis-server.js';

const canRun = redisTestsCanRun('@auth/redis RedisTokenStore');
const resolveHook = fileURLToPath(
  new URL('../../core/src/test-support/resolve-typescript-sources.ts', import.meta.url),
);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs a TypeScript file of test-support in a child node process; resolves when it exits, or kills it after `limitMs`. */
async function runChild(script: string, args: string[], limitMs: number) {
  const path = (name: string) => fileURLToPath(new URL(`./test-support/${name}`, import.meta.url));
  const { exitCode, timedOut, output } = await runChildProcess(
    process.execPath,
    ['--import', resolveHook, path(script), ...args],
    { timeoutMs: limitMs },
  );
  return { code: exitCode, killed: timedOut, output };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe.skipIf(!canRun)('RedisTokenStore', () => {
  const redis = useRedisServer();
  const { connect } = redis;
  /** A client the test inspects Redis with, outside the store. */
  let raw: Redis;

  const newStore = (options: Partial<ConstructorParameters<typeof RedisTokenStore>[0]> = {}) =>
    new RedisTokenStore({ client: connect(), ...options });

  beforeEach(async () => {
    raw = connect({});
    await raw.flushall();
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  describe('records', () => {
    it('stores a token set as JSON under the prefix and reads it back; delete removes it', async () => {
      const store = newStore({ keyPrefix: 'app:' });
      const token: TokenSet = {
        accessToken: 'access-1',
        refreshToken: 'refresh-1',
        tokenType: 'bearer',
        scope: 'user, password',
        issuedAt: 1_000,
        expiresAt: Date.now() + 60_000,
      };
      await store.set('musement:key', token);
      expect(JSON.parse((await raw.get('app:musement:key')) ?? '')).toEqual(token);
      expect(await store.get('musement:key')).toEqual(token);
      expect(await store.get('other')).toBeUndefined();
      await store.delete('musement:key');
      expect(await raw.exists('app:musement:key')).toBe(0);
      expect(await store.get('musement:key')).toBeUndefined();
    });

    it('uses auth:token: as the default prefix', async () => {
      await newStore().set('k', { accessToken: 'a' });
      expect(await raw.exists('auth:token:k')).toBe(1);
    });

    it('lets Redis drop a record expiryGraceMs after the access token expires, and never one without expiry', async () => {
      const store = newStore({ expiryGraceMs: 5_000 });
      const expiresAt = Date.now() + 60_000;
      await store.set('timed', { accessToken: 'a', expiresAt, issuedAt: 1 });
      expect(await raw.call('PEXPIRETIME', 'auth:token:timed')).toBe(expiresAt + 5_000);

      await store.set('timed', { accessToken: 'b', issuedAt: 2 });
      expect(await raw.pttl('auth:token:timed')).toBe(-1); // a token without expiry clears the old TTL

      await newStore().set('default-grace', { accessToken: 'a', expiresAt });
      expect(await raw.call('PEXPIRETIME', 'auth:token:default-grace')).toBe(expiresAt + 60_000);

      await store.set('short', { accessToken: 'a', expiresAt: Date.now() + 50 });
      await newStore({ expiryGraceMs: 0 }).set('short', { accessToken: 'a', expiresAt: Date.now() + 50 });
      await sleep(150);
      expect(await raw.exists('auth:token:short')).toBe(0);
    });

    it('compare-and-set: a write older than the stored record is ignored, an equal or newer one wins', async () => {
      const first = newStore();
      const second = newStore();
      await first.set('k', { accessToken: 'newer', refreshToken: 'refresh-newer', issuedAt: 2_000 });
      await second.set('k', { accessToken: 'older', refreshToken: 'refresh-older', issuedAt: 1_000 });
      expect(await first.get('k')).toMatchObject({ accessToken: 'newer', refreshToken: 'refresh-newer' });

      await second.set('k', { accessToken: 'same-time', issuedAt: 2_000 });
      expect((await first.get('k'))?.accessToken).toBe('same-time');
      await second.set('k', { accessToken: 'newest', issuedAt: 3_000 });
      expect((await first.get('k'))?.accessToken).toBe('newest');
      // A write without issuedAt (a token set by hand) is unconditional.
      await second.set('k', { accessToken: 'by-hand' });
      expect((await first.get('k'))?.accessToken).toBe('by-hand');
    });

    it('compare-and-set holds under 50 concurrent writers: the newest issuedAt is what stays', async () => {
      const stores = Array.from({ length: 5 }, () => newStore());
      const order = Array.from({ length: 50 }, (_, index) => index).sort(() => Math.random() - 0.5);
      await Promise.all(
        order.map((index) => stores[index % 5]!.set('k', { accessToken: `token-${index}`, issuedAt: 10_000 + index })),
      );
      expect(await stores[0]!.get('k')).toEqual({ accessToken: 'token-49', issuedAt: 10_049 });
    });

    it('a record that is not a token set comes back for the TokenManager to reject, and the next write replaces it, even one issued later', async () => {
      const store = newStore();
      const later = Date.now() + 3_600_000; // a stored issuedAt newer than the write's: a valid record would be kept
      const records = {
        'not JSON': '{"accessToken": "secret-access-tok',
        'CR/LF in the access token': JSON.stringify({ accessToken: 'a\r\nX-Injected: 1', issuedAt: later }),
        'an object as access token': JSON.stringify({ accessToken: { value: 'a' }, issuedAt: later }),
        'a refresh token with a control character': JSON.stringify({
          accessToken: 'a',
          refreshToken: 'r\u0000',
          issuedAt: later,
        }),
        'issuedAt as text': JSON.stringify({ accessToken: 'a', issuedAt: String(later) }),
        'no issuedAt': JSON.stringify({ accessToken: 'a\n' }),
        'JSON null': 'null',
        'a JSON array': '[]',
      };
      for (const [name, text] of Object.entries(records)) {
        await raw.set('auth:token:k', text);
        const stored = await store.get('k'); // resolves: a bad record is not a store failure
        expect(stored, name).toBeDefined();
        expect(parseTokenSet(stored), name).toBeUndefined();
        expect(stored, name).toEqual(name === 'not JSON' ? text : JSON.parse(text));

        await store.set('k', { accessToken: 'fresh', issuedAt: 1 });
        expect(await store.get('k'), name).toEqual({ accessToken: 'fresh', issuedAt: 1 });
      }
    });

    it('compare-and-set keeps a later record only when core accepts it and it has an issuedAt', async () => {
      const store = newStore();
      const later = Date.now() + 3_600_000;
      // Records as stored text; each is issued later than the write, so only its validity decides.
      const records = [
        { accessToken: 'kept', issuedAt: later },
        { accessToken: 'kept.with-all_fields~+/==', refreshToken: 'r e f!', tokenType: 'bearer', issuedAt: later },
        { accessToken: 'claims=.signature', refreshToken: null, issuedAt: later },
        { accessToken: 'a'.repeat(16_384), issuedAt: later },
        { accessToken: '', issuedAt: later },
        { accessToken: 'a b', issuedAt: later },
        { accessToken: 'a\u2028', issuedAt: later },
        { accessToken: 'é', issuedAt: later },
        { accessToken: 'a'.repeat(16_385), issuedAt: later },
        { accessToken: ['a'], issuedAt: later },
        { accessToken: 'a', refreshToken: 'r'.repeat(16_385), issuedAt: later },
        { accessToken: 'a', refreshToken: 'r\n', issuedAt: later },
        { accessToken: 'a', refreshToken: 7, issuedAt: later },
        { accessToken: 'a', issuedAt: String(later) },
        { accessToken: 'a', issuedAt: null },
      ].map((record) => JSON.stringify(record));
      records.push('{"accessToken":"a","issuedAt":1e999}'); // Infinity once decoded
      for (const text of records) {
        await raw.set('auth:token:k', text);
        await store.set('k', { accessToken: 'incoming', issuedAt: 1 });
        const kept = (await raw.get('auth:token:k')) === text;
        expect(kept, text.slice(0, 120)).toBe(parseTokenSet(JSON.parse(text))?.issuedAt !== undefined);
      }
    });

    it('a key of another Redis type: get() resolves to a value core rejects, and set() replaces the key', async () => {
      const store = newStore();
      await raw.hset('auth:token:k', 'accessToken', 'a');
      const stored = await store.get('k');
      expect(stored).toBe('WRONGTYPE');
      expect(parseTokenSet(stored)).toBeUndefined();

      await store.set('k', { accessToken: 'fresh', issuedAt: 1 });
      expect(await raw.type('auth:token:k')).toBe('string');
      expect(await store.get('k')).toEqual({ accessToken: 'fresh', issuedAt: 1 });

      await raw.del('auth:token:k');
      await raw.rpush('auth:token:k', 'a');
      await store.set('k', { accessToken: 'unconditional' }); // a write without issuedAt replaces it too
      expect(await store.get('k')).toEqual({ accessToken: 'unconditional' });
    });

    it('a Redis error reply names its code only: the record (tokens) never reaches the error', async () => {
      // A Redis user who may not run EVAL: every write gets the error reply NOPERM.
      await raw.call('ACL', 'SETUSER', 'no-eval', 'on', '>no-eval-password', '~*', '+@all', '-eval');
      const store = new RedisTokenStore({
        client: connect({ ...failFastRedisOptions, username: 'no-eval', password: 'no-eval-password' }),
      });
      try {
        const error = await rejection(
          store.set('k', { accessToken: 'secret-access-token', refreshToken: 'secret-refresh-token', issuedAt: 5 }),
        );
        expect(RedisStoreError.isInstance(error)).toBe(true);
        expect(error).toMatchObject({ operation: 'set', timedOut: false, code: 'REDIS_STORE' });
        expect((error as Error).message).toBe('@auth/redis: set failed: NOPERM.');
        expect(findLeakedSecrets(['secret-access-token', 'secret-refresh-token'], [], [error])).toEqual([]);
      } finally {
        await raw.call('ACL', 'DELUSER', 'no-eval');
      }
    });
  });

  describe('lease', () => {
    it('is exclusive: of 40 concurrent attempts from 8 clients, exactly one wins', async () => {
      const stores = Array.from({ length: 8 }, () => newStore());
      const leases = await Promise.all(
        Array.from({ length: 40 }, (_, index) => stores[index % 8]!.acquireLease('k', 10_000)),
      );
      const granted = leases.filter((lease) => lease !== undefined);
      expect(granted).toHaveLength(1);
      expect(await raw.get('auth:token:k:lease')).toBe(granted[0]!.owner);
      expect(granted[0]!.owner).toMatch(new RegExp(`/${process.pid}/[A-Za-z0-9_-]{16}$`));
      const ttl = await raw.pttl('auth:token:k:lease');
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(10_000);
    });

    it('is released only by its owner, even after it expired and someone else took it', async () => {
      const first = newStore();
      const second = newStore();
      const lease = await first.acquireLease('k', 100);
      expect(lease).toBeDefined();
      expect(await second.acquireLease('k', 10_000)).toBeUndefined();
      await sleep(150); // the first owner's lease runs out (it may be stuck or dead)
      const taken = await second.acquireLease('k', 10_000);
      expect(taken).toBeDefined();
      await lease!.release(); // late release by the former owner: must not free the new owner's lease
      expect(await raw.get('auth:token:k:lease')).toBe(taken!.owner);
      expect(await first.acquireLease('k', 10_000)).toBeUndefined();
      await taken!.release();
      await taken!.release(); // idempotent
      expect(await raw.exists('auth:token:k:lease')).toBe(0);
      expect(await first.acquireLease('k', 10_000)).toBeDefined();
    });

    it('expires after its TTL so another process takes over from a holder that died', async () => {
      const holder = newStore();
      const waiter = newStore();
      const started = performance.now();
      expect(await holder.acquireLease('k', 300)).toBeDefined();
      while ((await waiter.acquireLease('k', 10_000)) === undefined) await sleep(10);
      expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    });

    it('is extended only by its owner while held, and no longer once lost or released', async () => {
      const first = newStore();
      const second = newStore();
      const lease = await first.acquireLease('k', 200);
      expect(await lease!.extend!(10_000)).toBe(true);
      expect(await raw.pttl('auth:token:k:lease')).toBeGreaterThan(200);
      expect(await second.acquireLease('k', 10_000)).toBeUndefined();

      // Lost: it ran out (the owner stalled) and another owner took it; a late extension must not touch theirs.
      await raw.pexpire('auth:token:k:lease', 1);
      await sleep(20);
      const taken = await second.acquireLease('k', 300);
      expect(taken).toBeDefined();
      expect(await lease!.extend!(10_000)).toBe(false);
      expect(await raw.pttl('auth:token:k:lease')).toBeLessThanOrEqual(300);
      expect(await raw.get('auth:token:k:lease')).toBe(taken!.owner);

      await taken!.release();
      expect(await taken!.extend!(10_000)).toBe(false);
      expect(await raw.exists('auth:token:k:lease')).toBe(0);
    });

    it('is per key and leaves the token record alone', async () => {
      const store = newStore();
      await store.set('a', { accessToken: 'a' });
      expect(await store.acquireLease('a', 10_000)).toBeDefined();
      expect(await store.acquireLease('b', 10_000)).toBeDefined();
      expect(await store.get('a')).toEqual({ accessToken: 'a' });
    });

    it('refuses a TTL that is not a positive number', async () => {
      const error = await rejection(newStore().acquireLease('k', 0));
      expect((error as Error).message).toBe('@auth/redis: a lease needs a positive ttlMs, got 0.');
    });
  });

  describe('outages fail fast', () => {
    it('while Redis is down every operation rejects at once, even on a client that queues offline; then recovers', async () => {
      // Default ioredis options: offline queue on, 20 retries per request. The store must not wait for them.
      const store = new RedisTokenStore({ client: connect({}) });
      await store.set('k', { accessToken: 'before', issuedAt: 1 });
      await redis.server.stop();
      const operations = [
        () => store.get('k'),
        () => store.set('k', { accessToken: 'during', issuedAt: 2 }),
        () => store.acquireLease('k', 1_000),
        () => store.delete('k'),
      ];
      for (const operation of operations) {
        const error = await rejection(operation());
        expect(RedisStoreError.isInstance(error)).toBe(true);
        expect((error as Error).message).toMatch(/^@auth\/redis: (get|set|acquireLease|delete) (failed|timed out)/);
      }
      await redis.server.start();
      // ioredis reconnects on its own (backoff up to 2 s); sharing resumes with it. The server came back empty.
      await vi.waitFor(async () => expect(await store.get('k')).toBeUndefined(), { timeout: 10_000, interval: 50 });
      await store.set('k', { accessToken: 'after', issuedAt: 3 });
      expect((await store.get('k'))?.accessToken).toBe('after');
    });

    it('a Redis that hangs times out after operationTimeoutMs, holds further calls briefly, and hands a late lease back', async () => {
      const store = newStore({ operationTimeoutMs: 300 });
      const other = newStore();
      await store.set('k', { accessToken: 'a', issuedAt: 1 });
      process.kill(redis.server.pid!, 'SIGSTOP'); // the server stops answering; the connection stays open
      try {
        const started = performance.now();
        const lease = await rejection(store.acquireLease('k', 60_000));
        expect(performance.now() - started).toBeGreaterThanOrEqual(290);
        expect(lease).toMatchObject({ name: 'RedisStoreError', operation: 'acquireLease', timedOut: true });
        // Right after a timeout the store does not wait again: it fails at once for operationTimeoutMs.
        const held = await rejection(store.get('k'));
        expect(held).toMatchObject({ operation: 'get', timedOut: true });
        expect((held as Error).message).toMatch(/skipped: Redis did not answer within 300 ms a moment ago/);
      } finally {
        process.kill(redis.server.pid!, 'SIGCONT');
      }
      // The SET NX sent before the timeout is executed once Redis resumes: the store releases that orphan lease at
      // once instead of leaving the fleet waiting 60 s for it to expire.
      await vi.waitFor(async () => expect(await raw.exists('auth:token:k:lease')).toBe(0), { timeout: 5_000 });
      expect(await other.acquireLease('k', 1_000)).toBeDefined();
      await sleep(300);
      expect((await store.get('k'))?.accessToken).toBe('a');
    });

    it('before the client is connected, operations wait for the connection rather than fail', async () => {
      const client = connect({ ...failFastRedisOptions, lazyConnect: true });
      expect(client.status).toBe('wait');
      const store = new RedisTokenStore({ client });
      await store.set('k', { accessToken: 'a' });
      expect(client.status).toBe('ready');
      expect(await store.get('k')).toEqual({ accessToken: 'a' });
    });
  });

  describe('configuration', () => {
    it('connects by itself from url (or REDIS_URL) with fail-fast options, and close() quits that connection', async () => {
      const store = new RedisTokenStore({ url: redis.server.url });
      await store.set('k', { accessToken: 'a' });
      vi.stubEnv('REDIS_URL', redis.server.url);
      const fromEnvironment = new RedisTokenStore();
      expect(await fromEnvironment.get('k')).toEqual({ accessToken: 'a' });
      const connections = async () => ((await raw.call('CLIENT', 'LIST')) as string).trim().split('\n').length;
      const before = await connections();
      await Promise.all([store.close(), fromEnvironment.close()]);
      await vi.waitFor(async () => expect(await connections()).toBe(before - 2));
    });

    it('close() ends its own connection while Redis is unreachable, so the process exits by itself', async () => {
      const closedPort = await findFreePort(); // nothing listens there: every connection attempt is refused
      // The child prints how long close() took, for information; only its exit is asserted, not a duration.
      const child = await runChild('close-during-outage.ts', [`redis://127.0.0.1:${closedPort}`], 20_000);
      expect(child, child.output).toMatchObject({ killed: false, code: 0 });
      expect(child.output).toMatch(/get: RedisStoreError\nclose resolved in \d+ ms\n/);
    }, 30_000);

    it('without client, url or REDIS_URL: a ConfigError naming all three', () => {
      vi.stubEnv('REDIS_URL', '');
      const error = (() => {
        try {
          new RedisTokenStore();
        } catch (caught) {
          return caught;
        }
      })();
      expect(ConfigError.isInstance(error)).toBe(true);
      expect((error as Error).message).toBe(
        '@auth/redis: no Redis to use. Pass the client option (an ioredis instance), the url option, or set the REDIS_URL environment variable.',
      );
    });

    it('a password in the url never reaches an error', async () => {
      await raw.call('CONFIG', 'SET', 'requirepass', 'the-right-password');
      const store = new RedisTokenStore({ url: `redis://:secret-redis-password@127.0.0.1:${redis.server.port}` });
      let error: unknown;
      try {
        error = await rejection(store.get('k'));
      } finally {
        await store.close();
        await raw.call('CONFIG', 'SET', 'requirepass', '');
      }
      expect((error as Error).message).toMatch(/^@auth\/redis: get failed/);
      expect(RedisStoreError.isInstance(error)).toBe(true);
      expect(findLeakedSecrets(['secret-redis-password'], [], [error])).toEqual([]);
    });

    it('takes ioredis Redis and Cluster clients (checked by the typecheck, and at run time for Redis)', () => {
      expectTypeOf<Redis>().toExtend<RedisClientLike>();
      expectTypeOf<Cluster>().toExtend<RedisClientLike>();
      const client = connect({ ...failFastRedisOptions, lazyConnect: true });
      expect(client.status).toBe('wait');
      for (const method of ['call', 'connect', 'once', 'off'] as const) expect(client[method]).toBeTypeOf('function');
    });

    it('rejects a non-positive operationTimeoutMs', () => {
      expect(() => newStore({ operationTimeoutMs: 0 })).toThrow(
        '@auth/redis: the operationTimeoutMs option must be a positive number of ms.',
      );
    });
  });

  describe('with TokenManager', () => {
    it('20 managers in one process, cold and concurrent: one obtain, everyone gets the same token', async () => {
      let obtained = 0;
      const source = {
        async obtain(): Promise<TokenSet> {
          obtained += 1;
          await sleep(100);
          return { accessToken: `token-${obtained}`, expiresAt: Date.now() + 60_000 };
        },
      };
      const managers = Array.from(
        { length: 20 },
        () => new TokenManager({ source, key: 'fleet', store: newStore(), leasePollMs: 20 }),
      );
      const tokens = await Promise.all(managers.map((manager) => manager.getToken()));
      expect(obtained).toBe(1);
      expect(new Set(tokens.map((token) => token.accessToken))).toEqual(new Set(['token-1']));
      expect(await raw.exists('auth:token:fleet:lease')).toBe(0); // released
    });

    it('a stored record that is not a token set is logged, ignored and written over by the renewal', async () => {
      const later = Date.now() + 3_600_000;
      const damage = {
        'CR/LF in the access token': () =>
          raw.set('auth:token:k', JSON.stringify({ accessToken: 'stored\r\nX-Injected: 1', issuedAt: later })),
        'a hash at the key': () => raw.hset('auth:token:k', 'accessToken', 'stored'),
      };
      for (const [name, damageRecord] of Object.entries(damage)) {
        await raw.del('auth:token:k');
        await damageRecord();
        const logger = captureLogger();
        let obtained = 0;
        const source = {
          async obtain(): Promise<TokenSet> {
            obtained += 1;
            return { accessToken: `fresh-${obtained}`, expiresAt: Date.now() + 60_000 };
          },
        };
        const manager = new TokenManager({ source, key: 'k', store: newStore(), logger });
        expect((await manager.getToken()).accessToken, name).toBe('fresh-1');
        expect(
          logger.records.some((entry) => entry.record.event === 'store.invalid_record'),
          name,
        ).toBe(true);
        expect(
          logger.records.some((entry) => entry.record.event === 'store.unavailable'),
          name,
        ).toBe(false);
        expect(JSON.parse((await raw.get('auth:token:k')) ?? '{}'), name).toMatchObject({ accessToken: 'fresh-1' });

        // Another process now finds the renewed record and uses it without renewing.
        const other = new TokenManager({ source, key: 'k', store: newStore() });
        expect((await other.getToken()).accessToken, name).toBe('fresh-1');
        expect(obtained, name).toBe(1);
      }
    });
  });
});
