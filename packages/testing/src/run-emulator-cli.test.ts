import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assertBuilt } from '../../core/src/test-support/assert-built.js';
import { runChildProcess } from '../../core/src/test-support/run-child-process.js';
import { emulatorExitCodes } from './emulator-exit-codes.js';
import { gomusTestTokens } from './gomus/gomus-test-tokens.js';
import { musementTestCredentials } from './musement/musement-test-credentials.js';
import { runEmulatorCli } from './run-emulator-cli.js';
import { waitUntil } from './shared/wait-until.js';

const bin = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** Runs the built bin as a child process; resolves with its exit code and output. */
async function spawnBin(args: readonly string[]): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
  const { exitCode, stdout, stderr } = await runChildProcess(process.execPath, [bin, ...args], { timeoutMs: 30_000 });
  return { exitCode, stdout, stderr };
}

/** A server listening on a free 127.0.0.1 port, to make that port taken. */
async function listenOnFreePort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port };
}

function capture() {
  const output: string[] = [];
  const errors: string[] = [];
  return {
    output,
    errors,
    terminal: { write: (text: string) => void output.push(text), writeError: (text: string) => void errors.push(text) },
  };
}

describe('auth-emulator', () => {
  it('starts the three emulators, prints URLs and credentials, and stops when asked', async () => {
    const { output, terminal } = capture();
    const controller = new AbortController();
    const exit = runEmulatorCli(['--json'], { ...terminal, signal: controller.signal });
    await waitUntil(() => output.length > 0);
    const listing = JSON.parse(output[0] ?? '');
    expect(listing).toMatchObject({
      gomus: { url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), tokens: gomusTestTokens },
      musement: { apiUrl: expect.stringMatching(/\/api\/v3\/$/), ...musementTestCredentials },
      musimap: { clientId: expect.any(String), clientSecret: expect.any(String) },
    });
    const whoami = await fetch(`${listing.gomus.apiUrl}whoami`, {
      headers: { authorization: `Bearer ${gomusTestTokens.user}` },
    });
    expect(await whoami.json()).toEqual({ access: 'user', museums: [] });
    controller.abort();
    expect(await exit).toBe(0);
    await expect(fetch(`${listing.gomus.apiUrl}whoami`)).rejects.toThrow();
  });

  it('stops by itself after --duration-seconds, printing a readable listing', async () => {
    const { output, terminal } = capture();
    expect(await runEmulatorCli(['--duration-seconds', '0.02'], terminal)).toBe(0);
    const text = output.join('');
    expect(text).toContain(gomusTestTokens.reseller);
    expect(text).toContain(musementTestCredentials.clientSecret);
    expect(text).toMatch(/Musimap {3}http:\/\/127\.0\.0\.1:\d+\//);
    expect(text).toContain('stopped');
  });

  it("prints help, and rejects unknown options with exit code 1, auth-check's code for a usage error", async () => {
    const help = capture();
    expect(await runEmulatorCli(['--help'], help.terminal)).toBe(0);
    expect(help.output.join('')).toContain('--duration-seconds');
    expect(help.output.join('')).toContain('Exit codes: 0 stopped as asked (or --help), 1 usage error');
    const bad = capture();
    expect(await runEmulatorCli(['--nope'], bad.terminal)).toBe(1);
    expect(await runEmulatorCli(['--duration-seconds', 'soon'], bad.terminal)).toBe(1);
    expect(await runEmulatorCli(['--gomus-port', '70000'], bad.terminal)).toBe(1);
    expect(bad.errors.join('')).toContain('Usage');
    expect(emulatorExitCodes).toEqual({ ok: 0, failure: 1 });
  });

  it('exits 1 when an emulator cannot start (its port is taken), after closing the ones that did', async () => {
    const taken = await listenOnFreePort();
    const free = await listenOnFreePort();
    await new Promise((resolve) => free.server.close(resolve));
    try {
      const { errors, output, terminal } = capture();
      const exit = await runEmulatorCli(
        ['--gomus-port', String(taken.port), '--musement-port', String(free.port), '--duration-seconds', '0'],
        terminal,
      );

      expect(exit).toBe(emulatorExitCodes.failure);
      expect(errors.join('')).toMatch(/^auth-emulator: the emulators could not start: .*EADDRINUSE/);
      expect(output).toEqual([]);
      // The Musement emulator did start on its port, and was closed again.
      await expect(fetch(`http://127.0.0.1:${free.port}/api/v3/cities`)).rejects.toThrow();
    } finally {
      await new Promise((resolve) => taken.server.close(resolve));
    }
  });

  it('the built bin exits with the documented code 1 on a bad argument, usage on stderr', async () => {
    assertBuilt([{ name: 'testing', entry: 'dist/cli.js' }], 'the bin runs as a child process on dist');
    const unknown = await spawnBin(['--nope']);
    expect(unknown.exitCode, unknown.stderr).toBe(emulatorExitCodes.failure);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toMatch(/^auth-emulator: Unknown option '--nope'/);
    expect(unknown.stderr).toContain('Usage: auth-emulator [options]');

    const badValue = await spawnBin(['--gomus-port', 'eighty']);
    expect(badValue.exitCode, badValue.stderr).toBe(1);
    expect(badValue.stderr).toContain('ports an integer 0-65535');

    const help = await spawnBin(['--help']);
    expect(help.exitCode, help.stderr).toBe(0);
    expect(help.stdout).toContain('Exit codes: 0');
  });
});
