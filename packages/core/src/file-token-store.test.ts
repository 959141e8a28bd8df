import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthError } from './errors/auth-error.js';
import { FileTokenStore } from './file-token-store.js';
import { TokenManager } from './token-manager.js';

const run = promisify(execFile);
const builtCore = fileURLToPath(new URL('../dist/index.js', import.meta.url));

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
    if (!existsSync(builtCore)) throw new Error('build @auth/core first (pnpm build): the child processes load dist/');
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
    await Promise.all(
      ['first', 'second'].map((name) => run(process.execPath, ['--input-type=module', '-e', writer, name])),
    );
    reading = false;
    await reader;
    const contents = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(contents)).toHaveLength(200);
    expect(reads).toBeGreaterThan(0);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });
});
