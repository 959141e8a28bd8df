import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { AuthError } from './errors/auth-error.js';
import type { TokenSet } from './token-set.js';
import type { LeasingTokenStore, TokenLease } from './token-store.js';

export interface FileTokenStoreOptions {
  /** How long a writer may hold the file lock before others treat it as abandoned, in ms. @default 5_000 */
  staleLockMs?: number;
}

type Contents = Record<string, TokenSet>;

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

  constructor(path: string, options: FileTokenStoreOptions = {}) {
    this.path = path;
    this.#staleLockMs = options.staleLockMs ?? 5_000;
  }

  async get(key: string): Promise<TokenSet | undefined> {
    const contents = await this.#read();
    const token = contents[key];
    return token && { ...token };
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
    if (!(await tryCreate(path, record(ttlMs)))) {
      const holder = await readFile(path, 'utf8').catch(() => '');
      const [, expiresText, pid, host] = holder.split(' ');
      const expiresAt = Number(expiresText);
      const expired = Number.isFinite(expiresAt) && expiresAt < Date.now();
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
    await mkdir(dirname(this.path), { recursive: true });
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

  /** A lock file created with O_EXCL; one left behind by a dead writer is taken over once stale. */
  async #lock(): Promise<() => Promise<void>> {
    const path = `${this.path}.lock`;
    for (;;) {
      if (await tryCreate(path, holderIdentity)) return () => rm(path, { force: true });
      const age = await stat(path).then(
        (info) => Date.now() - info.mtimeMs,
        () => 0,
      );
      const [pid, host] = (await readFile(path, 'utf8').catch(() => '')).split(' ');
      if (age > this.#staleLockMs || isDeadProcess(pid, host)) await rm(path, { force: true });
      else await new Promise((resolve) => setTimeout(resolve, lockRetryMs + Math.random() * lockRetryMs));
    }
  }
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

async function tryCreate(path: string, contents: string): Promise<boolean> {
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
