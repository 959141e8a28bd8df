import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assertBuilt } from '../../core/src/test-support/assert-built.js';
import { AuthError } from './errors/auth-error.js';
import { FileTokenStore } from './file-token-store.js';
import { runChildProcess } from './test-support/run-child-process.js';
import { TokenManager } from './token-manager.js';

const anHourAhead = () => new Date(Date.now() + 3_600_000);

/** The pid of a process that has run and exited (reaped): nobody answers to it any more. */
async function deadPid(): Promise<number> {
  const { pid } = await runChildProcess(process.execPath, ['-e', '']);
  return pid!;
}
const builtCore = fileURLToPath(new URL('../dist/file-token-store.js', import.meta.url));

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'auth-file-store-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('FileTokenStore', () => {
  it('round-trips tokens in a file only its owner can read (mode 0600)', async () => {
    const store = new FileTokenStore(join(directory, 'nested', 'tokens.json'));
    await store.set('a', { accessToken: 'token-a', expiresAt: 1 });
    await store.set('b', { accessToken: 'token-b' });
    expect(await store.get('a')).toEqual({ accessToken: 'token-a', expiresAt: 1 });
    await store.delete('a');
    expect(await store.get('a')).toBeUndefined();
    expect((await stat(store.path)).mode & 0o777).toBe(0o600);
  });

  it('reports a corrupt file clearly, then replaces it on the next write', async () => {
    const path = join(directory, 'tokens.json');
    await writeFile(path, '{"a": {"accessToken": "tok');
    const store = new FileTokenStore(path);
    const error = await store.get('a').catch((caught: unknown) => caught);
    expect(AuthError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/tokens\.json is corrupt/);
    await store.set('a', { accessToken: 'fresh' });
    expect(await store.get('a')).toEqual({ accessToken: 'fresh' });
    expect(existsSync(`${path}.corrupt`)).toBe(true);
  });

  it('grants a lease to one owner at a time and lets it expire', async () => {
    const store = new FileTokenStore(join(directory, 'tokens.json'));
    const first = await store.acquireLease('k', 200);
    expect(first).toBeDefined();
    expect(await store.acquireLease('k', 200)).toBeUndefined();
    await first!.release();
    const second = await store.acquireLease('k', 50);
    expect(second).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 80));
    const third = await store.acquireLease('k', 200);
    expect(third).toBeDefined();
    await second!.release(); // no longer the owner: must not release the third's lease
    expect(await store.acquireLease('k', 200)).toBeUndefined();
  });

  it('extends a lease for its owner only: a late extension never takes a lease back', async () => {
    const store = new FileTokenStore(join(directory, 'tokens.json'));
    const lease = await store.acquireLease('k', 100);
    expect(await lease!.extend!(10_000)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 150));
    // Past the first ttl, the extension holds the lease.
    expect(await store.acquireLease('k', 10_000)).toBeUndefined();
    await lease!.release();
    const next = await store.acquireLease('k', 10_000);
    expect(next).toBeDefined();
    expect(await lease!.extend!(10_000)).toBe(false);
    await next!.release();
  });

  it('keeps one renewal per fleet when the token endpoint outlasts the lease: the holder extends it', async () => {
    const store = new FileTokenStore(join(directory, 'tokens.json'));
    let obtained = 0;
    const source = {
      async obtain() {
        obtained += 1;
        // Over three lease ttls: without extensions another manager would take the lease over and ask too.
        await new Promise((resolve) => setTimeout(resolve, 1_600));
        return { accessToken: `token-${obtained}`, expiresAt: Date.now() + 3_600_000 };
      },
    };
    const managers = Array.from(
      { length: 3 },
      () => new TokenManager({ key: 'fleet', source, store, leaseTtlMs: 500, leasePollMs: 20 }),
    );

    const tokens = await Promise.all(managers.map((manager) => manager.getToken()));

    expect(obtained).toBe(1);
    expect(new Set(tokens.map((token) => token.accessToken))).toEqual(new Set(['token-1']));
    await Promise.all(managers.map((manager) => manager.close()));
  });

  it('keeps every write of two processes writing 100 times each, and always parses', async () => {
    assertBuilt([{ name: 'core', entry: 'dist/file-token-store.js' }], 'the child processes load dist/');
    const path = join(directory, 'tokens.json');
    const writer = `
      const { FileTokenStore } = await import(${JSON.stringify(builtCore)});
      const store = new FileTokenStore(${JSON.stringify(path)});
      for (let i = 0; i < 100; i++) await store.set(process.argv[1] + '-' + i, { accessToken: 'x'.repeat(200) + i });
    `;
    let reads = 0;
    let reading = true;
    const reader = (async () => {
      while (reading) {
        const text = await readFile(path, 'utf8').catch(() => undefined);
        if (text !== undefined) {
          JSON.parse(text); // throws on a torn file
          reads++;
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const writers = await Promise.all(
      ['first', 'second'].map((name) => runChildProcess(process.execPath, ['--input-type=module', '-e', writer, name])),
    );
    reading = false;
    await reader;
    for (const ended of writers) expect(ended.exitCode, ended.output).toBe(0);
    const contents = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(contents)).toHaveLength(200);
    expect(reads).toBeGreaterThan(0);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('takes over a lock whose mtime is in the future once it has sat unchanged for staleLockMs of waiting', async () => {
    const path = join(directory, 'tokens.json');
    // Held by a live process (the test runner), dated an hour ahead: its age cannot be known from the mtime.
    await writeFile(`${path}.lock`, `${process.ppid} ${hostname()}`);
    await utimes(`${path}.lock`, anHourAhead(), anHourAhead());
    const store = new FileTokenStore(path, { staleLockMs: 20, lockTimeoutMs: 60_000 });

    await store.set('a', { accessToken: 'token-a' });

    expect(await store.get('a')).toEqual({ accessToken: 'token-a' });
    expect(existsSync(`${path}.lock`)).toBe(false);
  }, 10_000);

  it('gives up on a lock a live process keeps, with an AuthError naming the lock file: set and delete never hang', async () => {
    const path = join(directory, 'tokens.json');
    await writeFile(path, JSON.stringify({ a: { accessToken: 'token-a' } }));
    await writeFile(`${path}.lock`, `${process.ppid} ${hostname()}`);
    await utimes(`${path}.lock`, anHourAhead(), anHourAhead());
    const store = new FileTokenStore(path, { staleLockMs: 3_600_000, lockTimeoutMs: 20 });

    for (const operation of [() => store.set('b', { accessToken: 'token-b' }), () => store.delete('a')]) {
      const error = await operation().catch((caught: unknown) => caught);
      expect(AuthError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain(`lock file ${path}.lock`);
    }
    // Nothing was written, and the holder's lock is left alone.
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ a: { accessToken: 'token-a' } });
    expect(await readFile(`${path}.lock`, 'utf8')).toBe(`${process.ppid} ${hostname()}`);
  }, 10_000);

  it('rejects lock settings that would never end or never wait', () => {
    for (const options of [{ staleLockMs: 0 }, { lockTimeoutMs: -1 }, { lockTimeoutMs: Number.POSITIVE_INFINITY }]) {
      expect(() => new FileTokenStore(join(directory, 'tokens.json'), options)).toThrow(/must be a positive number/);
    }
  });

  it('takes over a lease file left without a record (a crash between creating and writing it) once a ttl old', async () => {
    const store = new FileTokenStore(join(directory, 'tokens.json'));
    const first = await store.acquireLease('k', 10_000);
    const leaseName = (await readdir(directory)).find((name) => name.endsWith('.lease'));
    await first!.release();
    const leasePath = join(directory, leaseName!);
    // What a writer killed between `open(wx)` and its write left behind: a lease file with nothing in it.
    await writeFile(leasePath, '');
    // Fresh, it may be a live writer's lease a microsecond before its record: left alone.
    expect(await store.acquireLease('k', 10_000)).toBeUndefined();
    // Older than the ttl, whoever made it is not coming back: taken over, with a record of its own.
    const old = new Date(Date.now() - 20_000);
    await utimes(leasePath, old, old);
    const lease = await store.acquireLease('k', 10_000);
    expect(lease).toBeDefined();
    expect((await readFile(leasePath, 'utf8')).split(' ')).toHaveLength(4);
    await lease!.release();
  });

  it('creates lock and lease files whole: no temporary file is left beside them', async () => {
    const store = new FileTokenStore(join(directory, 'tokens.json'));
    await store.set('a', { accessToken: 'token-a' });
    const lease = await store.acquireLease('a', 10_000);
    const names = await readdir(directory);
    expect(names.filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect(names.filter((name) => name.endsWith('.lease'))).toHaveLength(1);
    await lease!.release();
  });

  it('takes over at once the lock file and the lease file of a dead process', async () => {
    const path = join(directory, 'tokens.json');
    const pid = await deadPid();
    // Fresh and dated ahead: only the holder's death lets anyone in before an hour.
    await writeFile(`${path}.lock`, `${pid} ${hostname()}`);
    await utimes(`${path}.lock`, anHourAhead(), anHourAhead());
    // lockTimeoutMs: 1: a takeover that waited for anything would fail.
    const store = new FileTokenStore(path, { staleLockMs: 3_600_000, lockTimeoutMs: 1 });

    await store.set('a', { accessToken: 'token-a' });
    expect(await store.get('a')).toEqual({ accessToken: 'token-a' });
    expect(existsSync(`${path}.lock`)).toBe(false);

    // A lease of a dead process, valid for another hour: the format the store writes, `<owner> <expiresAt> <pid> <host>`.
    const first = await store.acquireLease('k', 10_000);
    const leasePath = (await readdir(directory)).find((name) => name.endsWith('.lease'));
    await first!.release();
    await writeFile(join(directory, leasePath!), `someone ${Date.now() + 3_600_000} ${pid} ${hostname()}`);
    const lease = await store.acquireLease('k', 10_000);
    expect(lease).toBeDefined();
    expect(await store.acquireLease('k', 10_000)).toBeUndefined();
    await lease!.release();
  });

  it('returns each record as the file holds it, whatever its shape: the TokenManager validates it', async () => {
    const path = join(directory, 'tokens.json');
    const records = {
      objectToken: { accessToken: {} },
      nullRecord: null,
      text: 'not a token set',
      number: 42,
      list: [{ accessToken: 'token' }],
      flag: true,
    };
    await writeFile(path, JSON.stringify(records));
    const store = new FileTokenStore(path);

    for (const [key, record] of Object.entries(records)) expect(await store.get(key)).toEqual(record);
    // Keys the file does not hold, even those every object inherits, are absent.
    for (const key of ['missing', 'toString', 'constructor', '__proto__']) expect(await store.get(key)).toBeUndefined();
    // A write keeps the other records as they were.
    await store.set('fresh', { accessToken: 'token' });
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ ...records, fresh: { accessToken: 'token' } });
  });
});
