// The built bin: argv, environment, streams and exit codes wired to runCli. The demo itself runs once in the suite,
// in-process (demo/run-demo.test.ts): running it again here would only repeat those 5-7 s.
import { fileURLToPath } from 'node:url';
import { type EmulatorHandle, gomusTestTokens, startGomusEmulator } from '@auth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../../core/src/test-support/assert-built.js';
import { runChildProcess } from '../../core/src/test-support/run-child-process.js';

const bin = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

async function spawnBin(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const { exitCode, stdout, stderr } = await runChildProcess(process.execPath, [bin, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    timeoutMs: 60_000,
  });
  return { exitCode: exitCode ?? -1, stdout, stderr };
}

let emulator: EmulatorHandle;
beforeAll(async () => {
  assertBuilt(
    ['core', 'gomus', 'musement', 'musimap', 'testing', { name: 'cli', entry: 'dist/cli.js' }],
    'the bin runs as a child process on dist',
  );
  emulator = await startGomusEmulator();
});
afterAll(() => emulator?.close());

describe('the built auth-check bin', () => {
  it('prints the usage with --help and exits 0', async () => {
    const { exitCode, stdout, stderr } = await spawnBin(['--help']);

    expect(exitCode, stderr).toBe(0);
    expect(stdout).toMatch(/^Usage: auth-check \[command\] \[options\]/);
    expect(stdout).toContain('Exit codes: 0 ok');
  });

  it('checks a token from the environment: one JSON line on stdout, exit 0; a rejected one exits 2', async () => {
    const accepted = await spawnBin(['gomus', '--base-url', emulator.url, '--json'], {
      GOMUS_TOKEN: gomusTestTokens.user,
    });
    expect(accepted.exitCode, accepted.stderr).toBe(0);
    expect(JSON.parse(accepted.stdout)).toMatchObject({ ok: true, provider: 'gomus', access: 'user' });
    expect(accepted.stdout).not.toContain(gomusTestTokens.user);

    const rejected = await spawnBin(['gomus', '--base-url', emulator.url], { GOMUS_TOKEN: 'gomus-unknown-token-1234' });
    expect(rejected.exitCode).toBe(2);
    expect(rejected.stderr).toContain('the credentials were rejected (exit code 2)');
    expect(emulator.requests.map((request) => request.path)).toEqual(['/api/v4/whoami', '/api/v4/whoami']);
  });

  it('exits 1 with a usage error for an unknown command, on stderr', async () => {
    const { exitCode, stdout, stderr } = await spawnBin(['nonsense']);

    expect(exitCode).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('see auth-check --help');
  });
});
