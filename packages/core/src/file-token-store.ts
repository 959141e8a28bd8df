import { randomBytes } from 'node:crypto';
import {
  access,
  type FileHandle,
  link,
  mkdir,
  open,
  readFile,
  rename,
  rm,
  stat,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { AuthError } from './errors/auth-error.js';
import { timerMilliseconds } from './timer-milliseconds.js';
import type { TokenSet } from './token-set.js';
import type { LeasingTokenStore, TokenLease } from './token-store.js';

export interface FileTokenStoreOptions {
  /**
   * How long a writer may hold the file lock before others treat it as abandoned, in ms: by the lock file's age, or,
   * when its mtime is in the future (clock skew, a copied file), by how long a waiting writer has seen it unchanged.
   * @default 5_000
   */
  staleLockMs?: number;
  /**
   * How long `set` and `delete` wait for the file lock at most, in ms; past it they fail with an `AuthError` naming the
   * lock file. @default twice `staleLockMs`
   */
  lockTimeoutMs?: number;
}

/** Whatever the file holds: records are returned as they are, and validated by the reader (the TokenManager). */
type Contents = Record<string, unknown>;

const lockRetryMs = 5;

/**
 * Tokens in one JSON file, for CLIs and cron jobs on a single machine. Writes are atomic (temp file + rename) under a
 * lock file, so two processes never lose each other's updates and a reader never sees half a file; the file is created
 * with mode 0600. It also leases renewals across processes on the machine. A corrupt file is reported with a clear
 * error on read and moved aside (to `<path>.corrupt`) by the next write, so a bad file cannot cause a crash loop.
 */
export class FileTokenStore implements LeasingTokenStore {
  readonly path: string;
  readonly #staleLockMs: number;
  readonly #lockTimeoutMs: number;

  constructor(path: string, options: FileTokenStoreOptions = {}) {
    this.path = path;
    this.#staleLockMs = timerMilliseconds(options.staleLockMs ?? 5_000, 'staleLockMs', '@auth/core');
    this.#lockTimeoutMs = timerMilliseconds(
      options.lockTimeoutMs ?? 2 * this.#staleLockMs,
      'lockTimeoutMs',
      '@auth/core',
    );
  }

  /** The record the file holds for `key`, unchecked: what a store returns is validated by its reader. */
  async get(key: string): Promise<TokenSet | undefined> {
    const contents = await this.#read();
    // Own keys only: `toString` or `__proto__` must not find what every object inherits.
    return Object.hasOwn(contents, key) ? (contents[key] as TokenSet) : undefined;
  }

  async set(key: string, value: TokenSet): Promise<void> {
    await this.#update((contents) => {
      contents[key] = { ...value };
    });
  }

  async delete(key: string): Promise<void> {
    await this.#update((contents) => {
      delete contents[key];
    });
  }

  async acquireLease(key: string, ttlMs: number): Promise<TokenLease | undefined> {
    const path = `${this.path}.${hashKey(key)}.lease`;
    const owner = randomBytes(12).toString('hex');
    const record = (validMs: number) => `${owner} ${Date.now() + validMs} ${holderIdentity}`;
    // Processes starting together on a fresh path must meet at the lease, not each fail to create it.
    await makeDirectory(dirname(this.path));
    if (!(await tryCreate(path, record(ttlMs)))) {
      const holder = await readFile(path, 'utf8').catch(() => '');
      const [, expiresText, pid, host] = holder.split(' ');
      const expiresAt = Number(expiresText);
      // A record that says no expiry (empty or cut short, e.g. written by a version that could die between creating
      // the file and writing it) expires a ttl after the file was last written: it can never hold the lease forever.
      const expired = Number.isFinite(expiresAt)
        ? expiresAt < Date.now()
        : ((await stat(path).catch(() => undefined))?.mtimeMs ?? 0) + ttlMs < Date.now();
      if (!expired && !isDeadProcess(pid, host)) return undefined;
      // The holder's lease ran out or its process is gone (SIGKILL): take over, unless someone else was faster.
      const now = await readFile(path, 'utf8').catch(() => '');
      if (now === holder) await unlink(path).catch(() => undefined);
      if (!(await tryCreate(path, record(ttlMs)))) return undefined;
    }
    const held = async () => (await readFile(path, 'utf8').catch(() => '')).startsWith(`${owner} `);
    return {
      release: async () => {
        if (await held()) await unlink(path).catch(() => undefined);
      },
      // Replaced atomically by its owner only; a takeover needs the lease expired, which the extensions prevent
      // while the owner is alive and not stalled for most of a ttl.
      extend: async (extendedTtlMs) => {
        if (!(await held())) return false;
        await writeAtomically(path, record(extendedTtlMs));
        return true;
      },
    };
  }

  async #read(): Promise<Contents> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new TypeError('not an object');
      return parsed as Contents;
    } catch {
      throw new AuthError(
        `@auth/core: the token file ${this.path} is corrupt (not a JSON object). It will be replaced on the next write; delete it to start clean.`,
      );
    }
  }

  async #update(change: (contents: Contents) => void): Promise<void> {
    await makeDirectory(dirname(this.path));
    const release = await this.#lock();
    try {
      let contents: Contents;
      try {
        contents = await this.#read();
      } catch (error) {
        if (!AuthError.isInstance(error)) throw error;
        await rename(this.path, `${this.path}.corrupt`);
        contents = {};
      }
      change(contents);
      await writeAtomically(this.path, JSON.stringify(contents));
    } finally {
      await release();
    }
  }

  /**
   * A lock file created with O_EXCL. One left by a dead writer is taken over at once, a stale one (see `staleLockMs`)
   * once seen stale; a live holder is waited for `lockTimeoutMs` at most. Nothing keeps running after a failure.
   */
  async #lock(): Promise<() => Promise<void>> {
    const path = `${this.path}.lock`;
    const giveUpAt = performance.now() + this.#lockTimeoutMs;
    let seen: { holder: LockHolder; since: number } | undefined;
    for (;;) {
      if (await tryCreate(path, holderIdentity)) return () => rm(path, { force: true });
      const holder = await readLockHolder(path);
      if (holder === undefined) continue; // released meanwhile: try again at once
      if (seen === undefined || !isSameHolder(seen.holder, holder)) seen = { holder, since: performance.now() };
      // An mtime in the future says nothing of the age: then our own wait on this very lock file counts.
      const ageMs = Math.max(Date.now() - holder.mtimeMs, performance.now() - seen.since);
      if (ageMs > this.#staleLockMs || isDeadProcess(holder.pid, holder.host)) {
        // Only the lock judged stale: a writer that took it over meanwhile keeps its own.
        const now = await readLockHolder(path);
        if (now !== undefined && isSameHolder(now, holder)) await rm(path, { force: true });
        continue;
      }
      const remainingMs = giveUpAt - performance.now();
      if (remainingMs <= 0) {
        throw new AuthError(
          `@auth/core: the lock file ${path} of the token file is still held by another process after ${this.#lockTimeoutMs} ms (lockTimeoutMs). Delete it if no process is using the token file.`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(remainingMs, lockRetryMs * (1 + Math.random()))));
    }
  }
}

/** Who holds a lock file and which lock file it is: a lock released and taken again is another holder. */
interface LockHolder {
  pid: string | undefined;
  host: string | undefined;
  inode: number;
  mtimeMs: number;
}

/** The lock file's holder, read from one open file; undefined when there is no lock file any more. */
async function readLockHolder(path: string): Promise<LockHolder | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const info = await handle.stat();
    const [pid, host] = (await handle.readFile('utf8')).split(' ');
    return { pid, host, inode: info.ino, mtimeMs: info.mtimeMs };
  } finally {
    await handle.close();
  }
}

function isSameHolder(a: LockHolder, b: LockHolder): boolean {
  return a.pid === b.pid && a.host === b.host && a.inode === b.inode && a.mtimeMs === b.mtimeMs;
}

/** `<pid> <host>`: lets another process on the same machine see that the holder is gone. */
const holderIdentity = `${process.pid} ${hostname()}`;

/** True only when the holder ran on this machine and its process no longer exists. */
function isDeadProcess(pid: string | undefined, host: string | undefined): boolean {
  const id = Number(pid);
  if (host !== hostname() || !Number.isInteger(id) || id <= 0 || id === process.pid) return false;
  try {
    process.kill(id, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Readers see the old contents or the new, never a partial file: written beside it (mode 0600), then renamed over. */
async function writeAtomically(path: string, contents: string): Promise<void> {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, contents, { mode: 0o600 });
  await rename(temporary, path);
}

/**
 * Creates `path` holding `contents` unless it exists. The file appears whole, written beside it and then hard-linked
 * in place, so a process killed midway leaves no empty lock or lease that others would wait on; a file system without
 * hard links gets an exclusive create and write instead.
 */
async function tryCreate(path: string, contents: string): Promise<boolean> {
  // Held (the common answer while a writer waits for the lock): say so without writing a file to throw away.
  if (await exists(path)) return false;
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, contents, { mode: 0o600 });
  try {
    await link(temporary, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS') {
      return createExclusively(path, contents);
    }
    throw error;
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
}

function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function createExclusively(path: string, contents: string): Promise<boolean> {
  try {
    const handle = await open(path, 'wx', 0o600);
    try {
      await handle.writeFile(contents);
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function hashKey(key: string): string {
  let hash = 2166136261;
  for (let index = 0; index < key.length; index++) {
    hash ^= key.charCodeAt(index);
    hash = Math.imul(hash, 16777619);
  }
  return (hash >>> 0).toString(16);
}

/**
 * `mkdir -p` without Node's recursive mode, which spins forever where a directory can never be created (under `/proc`,
 * measured: no answer after 10 s): each level is tried once, so a path that cannot exist fails with its error.
 */
async function makeDirectory(directory: string, depth = 0): Promise<void> {
  try {
    await mkdir(directory);
    return;
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException;
    if (code === 'EEXIST') return;
    if (code !== 'ENOENT' || depth >= 32 || dirname(directory) === directory) throw error;
  }
  await makeDirectory(dirname(directory), depth + 1);
  try {
    await mkdir(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}
