import { type EmulatorHandle, musimapTestCredentials, startMusimapEmulator } from '@auth/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runWithFakeTime } from '../../testing/src/test-support/run-with-fake-time.js';
import { closedPortUrl, fakeTerminalInput, runCaptured } from './test-support/run-captured.js';

const { clientId, clientSecret } = musimapTestCredentials;

let emulator: EmulatorHandle;
beforeAll(async () => {
  emulator = await startMusimapEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const argv = (...extra: string[]) => ['musimap', '--base-url', emulator.url, '--client-id', clientId, ...extra];

describe('auth-check musimap', () => {
  it('gets a token, shows its expiry, and makes one call to lexicology/tags', async () => {
    const run = await runCaptured(argv('--environment', 'staging'), { env: { MUSIMAP_CLIENT_SECRET: clientSecret } });

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('(environment staging)');
    expect(run.stdout).toMatch(/Bearer, expires in 1 h 59 min \(at \d{4}-/);
    expect(run.stdout).toMatch(/GET \/lexicology\/tags\?limit=5 → 200, 5 of \d+ tags/);
    expect(emulator.counters.tokenRequests).toBe(1);
    expect(emulator.counters.apiRequests).toBe(1);
    expect(emulator.requests[0]?.body).toEqual({ client_id: clientId, client_secret: clientSecret });
  });

  it('takes the client id from MUSIMAP_CLIENT_ID and --json gives one parsable object', async () => {
    const run = await runCaptured(['musimap', '--base-url', emulator.url, '--json'], {
      env: { MUSIMAP_CLIENT_ID: clientId, MUSIMAP_CLIENT_SECRET: clientSecret },
    });

    expect(run.exitCode).toBe(0);
    const result = run.json();
    expect(result).toMatchObject({
      ok: true,
      provider: 'musimap',
      baseUrl: emulator.url,
      token: { type: 'Bearer' },
      call: { method: 'GET', path: '/lexicology/tags', status: 200, items: 5, totalSize: expect.any(Number) },
    });
    const token = result.token as { expiresInSeconds: number };
    expect(token.expiresInSeconds).toBeGreaterThan(7100);
    expect(token.expiresInSeconds).toBeLessThanOrEqual(7200);
    expect(result).not.toHaveProperty('accessToken');
  });

  it('asks for the secret with echo off on a terminal', async () => {
    const stdin = fakeTerminalInput();
    const run = await runCaptured(argv(), {
      stdin,
      onStderr: (text) => {
        if (text.includes('Musimap client secret (input hidden)')) stdin.write(`${clientSecret}\n`);
      },
    });
    expect(run.exitCode).toBe(0);
    expect(run.stderr).not.toContain(clientSecret);
    expect(stdin.rawModes).toEqual([true, false]);
  });

  it('exits 2 on a wrong secret, after one token request', async () => {
    const run = await runCaptured(argv('--json'), { env: { MUSIMAP_CLIENT_SECRET: 'not-the-musimap-secret' } });

    expect(run.exitCode).toBe(2);
    expect(run.json()).toMatchObject({ ok: false, exitCode: 2, error: { name: 'CredentialsError', status: 401 } });
    expect(emulator.counters.tokenRequests).toBe(1);
    expect(emulator.counters.apiRequests).toBe(0);
  });

  it('exits 3 when the host is unreachable', async () => {
    const url = await closedPortUrl();
    // The retries' back-off passes on fake time: only that each refused connection ends in exit 3 matters here.
    const run = await runWithFakeTime(() =>
      runCaptured(['musimap', '--base-url', url, '--client-id', clientId, '--json'], {
        env: { MUSIMAP_CLIENT_SECRET: clientSecret },
      }),
    );
    expect(run.exitCode).toBe(3);
    expect(run.json()).toMatchObject({ ok: false, command: 'musimap', exitCode: 3, error: { name: 'NetworkError' } });
  });

  it('prints the access token only with --show-token', async () => {
    const env = { MUSIMAP_CLIENT_SECRET: clientSecret };
    const run = await runCaptured(argv('--show-token'), { env });
    const sent = emulator.requests.at(-1)?.headers.authorization?.replace(/^Bearer /, '');
    expect(sent).toBeTruthy();
    expect(run.stdout).toMatch(new RegExp(`access token\\s+${sent}\\n`));
  });
});
