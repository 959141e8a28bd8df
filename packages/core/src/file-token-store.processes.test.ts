// FileTokenStore across real processes: children run plain node on core's TypeScript sources and share one store path.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type StartedChildProcess, startChildProcess } from './test-support/run-child-process.js';
import { type OAuthServer, startOAuthServer } from './test-support/start-oauth-server.js';

const resolveHook = fileURLToPath(new URL('./test-support/resolve-typescript-sources.ts', import.meta.url));
const loginChild = fileURLToPath(new URL('./test-support/file-store-login-child.ts', import.meta.url));
const lockChild = fileURLToPath(new URL('./test-support/file-store-lock-child.ts', import.meta.url));

type Child = StartedChildProcess;

const children: Child[] = [];
let directory: string;
let server: OAuthServer | undefined;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'auth-file-store-processes-'));
});
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
    await child.exited;
  }
  await server?.close();
  server = undefined;
  await rm(directory, { recursive: true, force: true });
});

function startChild(script: string, environment: Record<string, string>): Child {
  const started = startChildProcess(process.execPath, ['--import', resolveHook, script], {
    env: { PATH: process.env.PATH, ...environment },
    stdin: true,
  });
  children.push(started);
  return started;
}

describe('FileTokenStore shared by processes', () => {
  it('logs in once for 4 processes starting together on a path whose directory does not exist yet', async () => {
    server = await startOAuthServer();
    const storePath = join(directory, 'not-yet', 'created', 'tokens.json');
    const processes = Array.from({ length: 4 }, () =>
      startChild(loginChild, {
        FILE_STORE_CHILD_STORE_PATH: storePath,
        FILE_STORE_CHILD_SERVER_URL: server!.url,
        FILE_STORE_CHILD_CLIENT_SECRET: server!.options.clientSecret,
      }),
    );
    // Every child has loaded its modules before any of them touches the store: they start at the same moment.
    await Promise.all(processes.map((child) => child.waitForLine(/^ready$/)));
    for (const child of processes) child.process.stdin!.end('go\n');

    const results = await Promise.all(
      processes.map(async (child) => JSON.parse(await child.waitForLine(/^\{"result"/)) as { problems: string[] }),
    );

    // No `store.unavailable` (nor any other warning) and one login for the four.
    const problems = results.flatMap((result) => result.problems);
    expect({ logins: server.tokenRequests.length, problems }).toEqual({ logins: 1, problems: [] });
    for (const child of processes) expect(await child.exited).toEqual({ code: 0, signal: null });
  });

  it('gives up on a lock a live process never releases, and then leaves nothing running: the process exits', async () => {
    const child = startChild(lockChild, { FILE_STORE_CHILD_STORE_PATH: join(directory, 'tokens.json') });
    child.process.stdin!.end();

    expect(JSON.parse(await child.waitForLine(/^\{"result"/))).toEqual({ result: 'rejected', authError: true });
    // The child never calls process.exit: it ends only when no timer or retry loop is left.
    expect(await child.exited).toEqual({ code: 0, signal: null });
  });
});
