// A process that writes to a FileTokenStore whose lock file a live process (its parent) holds and never releases. Run
// by plain node on core's sources (`--import ./resolve-typescript-sources.ts`). Prints one JSON line: how set() ended.
// It does not call process.exit: the test checks that a failed write leaves nothing (timer, retry loop) running.
import { writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { AuthError } from '../errors/auth-error.js';
import { FileTokenStore } from '../file-token-store.js';

const storePath = process.env.FILE_STORE_CHILD_STORE_PATH;
if (storePath === undefined) throw new Error('file store child: FILE_STORE_CHILD_STORE_PATH is not set');

await writeFile(`${storePath}.lock`, `${process.ppid} ${hostname()}`);
const store = new FileTokenStore(storePath, { staleLockMs: 3_600_000, lockTimeoutMs: 50 });
const outcome = await store.set('key', { accessToken: 'token' }).then(
  () => ({ result: 'written' }),
  (error: unknown) => ({ result: 'rejected', authError: AuthError.isInstance(error) }),
);
process.stdout.write(`${JSON.stringify(outcome)}\n`);
