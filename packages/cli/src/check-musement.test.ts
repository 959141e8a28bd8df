import { type MusementEmulatorHandle, musementTestCredentials, startMusementEmulator } from '@auth/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runWithFakeTime } from '../../testing/src/test-support/run-with-fake-time.js';
import { closedPortUrl, fakeTerminalInput, runCaptured } from './test-support/run-captured.js';

const { clientId, clientSecret, application, username, password } = musementTestCredentials;

let emulator: MusementEmulatorHandle;
beforeAll(async () => {
  emulator = await startMusementEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const argv = (...extra: string[]) => [
  'musement',
  '--base-url',
  emulator.url,
  '--client-id',
  clientId,
  '--application',
  application,
  ...extra,
];

describe('auth-check musement', () => {
  it('logs in with client_credentials, shows type, scope and expiry, and makes one call to cities', async () => {
    const run = await runCaptured(argv(), { env: { MUSEMENT_CLIENT_SECRET: clientSecret } });

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('client_credentials');
    expect(run.stdout).toMatch(/bearer, scope none, expires in 59 min \(at \d{4}-/);
    expect(run.stdout).toContain('GET /api/v3/cities?limit=5 → 200, 5 cities');
    expect(run.stdout).toContain('ok: the credentials were accepted');
    expect(emulator.counters.tokenRequestsByGrant).toEqual({ client_credentials: 1 });
    expect(emulator.counters.apiRequests).toBe(1);
    expect(emulator.requests[0]?.body).toMatchObject({ client_id: clientId, grant_type: 'client_credentials' });
    expect(emulator.requests[1]?.headers['x-musement-application']).toBe(application);
  });

  it('reads the client id and application from the environment too', async () => {
    const run = await runCaptured(['musement', '--base-url', emulator.url], {
      env: { MUSEMENT_CLIENT_ID: clientId, MUSEMENT_APPLICATION: application, MUSEMENT_CLIENT_SECRET: clientSecret },
    });
    expect(run.exitCode).toBe(0);
    expect(emulator.counters.tokenRequests).toBe(1);
  });

  it('uses the password grant with --username and MUSEMENT_PASSWORD; --json gives one parsable object', async () => {
    const run = await runCaptured(argv('--username', username, '--json'), {
      env: { MUSEMENT_CLIENT_SECRET: clientSecret, MUSEMENT_PASSWORD: password },
    });

    expect(run.exitCode).toBe(0);
    const result = run.json();
    expect(result).toMatchObject({
      ok: true,
      provider: 'musement',
      baseUrl: emulator.url,
      application,
      grant: 'password',
      username,
      token: { type: 'bearer', scope: 'user, password', refreshToken: true },
      call: { method: 'GET', path: '/api/v3/cities', status: 200, items: 5 },
    });
    const token = result.token as { expiresInSeconds: number; expiresAt: string };
    expect(token.expiresInSeconds).toBeGreaterThan(3500);
    expect(token.expiresInSeconds).toBeLessThanOrEqual(3600);
    expect(Date.parse(token.expiresAt)).toBeGreaterThan(Date.now());
    expect(result).not.toHaveProperty('accessToken');
    expect(emulator.counters.tokenRequestsByGrant).toEqual({ password: 1 });
  });

  it('asks for the secret with echo off when stdin is a terminal', async () => {
    const stdin = fakeTerminalInput();
    const run = await runCaptured(argv(), {
      stdin,
      onStderr: (text) => {
        if (text.includes('client secret (input hidden)')) stdin.write(`${clientSecret}\r`);
      },
    });

    expect(run.exitCode).toBe(0);
    expect(run.stderr).toContain('Musement client secret (input hidden): ');
    expect(run.stderr).not.toContain(clientSecret);
    expect(stdin.rawModes).toEqual([true, false]);
    expect(emulator.counters.tokenRequests).toBe(1);
  });

  it('asks for the password too when --username is given and MUSEMENT_PASSWORD is not', async () => {
    const stdin = fakeTerminalInput();
    const run = await runCaptured(argv('--username', username), {
      stdin,
      env: { MUSEMENT_CLIENT_SECRET: clientSecret },
      onStderr: (text) => {
        if (text.includes(`password of ${username}`)) stdin.write(`${password}\n`);
      },
    });

    expect(run.exitCode).toBe(0);
    expect(run.stderr).not.toContain(password);
    expect(emulator.counters.tokenRequestsByGrant).toEqual({ password: 1 });
  });

  it('exits 1 without a request when the secret is in neither the environment nor a terminal', async () => {
    const run = await runCaptured(argv());
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('set MUSEMENT_CLIENT_SECRET');
    expect(run.stderr).toContain('never read from the command line');
    expect(emulator.counters.tokenRequests).toBe(0);
  });

  it('refuses a secret on the command line without repeating it', async () => {
    for (const flag of [
      ['--client-secret', clientSecret],
      [`--client-secret=${clientSecret}`],
      ['--password', password],
    ]) {
      const run = await runCaptured(argv(...flag), { env: { MUSEMENT_CLIENT_SECRET: clientSecret } });
      expect(run.exitCode).toBe(1);
      expect(run.stderr).toContain('is not accepted: a secret on the command line ends up in shell history');
      expect(run.stderr + run.stdout).not.toContain(clientSecret);
      expect(run.stderr + run.stdout).not.toContain(password);
    }
    expect(emulator.counters.tokenRequests).toBe(0);
  });

  it('exits 2 on a wrong client secret or password, after one login attempt', async () => {
    const wrongSecret = await runCaptured(argv('--json'), { env: { MUSEMENT_CLIENT_SECRET: 'not-the-client-secret' } });
    expect(wrongSecret.exitCode).toBe(2);
    expect(wrongSecret.json()).toMatchObject({
      ok: false,
      exitCode: 2,
      error: { name: 'CredentialsError', status: 400, reason: 'invalid_client' },
    });
    expect(emulator.counters.tokenRequests).toBe(1);

    const wrongPassword = await runCaptured(argv('--username', username), {
      env: { MUSEMENT_CLIENT_SECRET: clientSecret, MUSEMENT_PASSWORD: 'not-the-password' },
    });
    expect(wrongPassword.exitCode).toBe(2);
    expect(wrongPassword.stderr).toContain('rejected the credentials (400 invalid_grant)');
    expect(wrongPassword.stderr).toContain('exit code 2');
    expect(emulator.counters.tokenRequests).toBe(2);
    expect(emulator.counters.apiRequests).toBe(0);
  });

  it('exits 3 when the host is unreachable', async () => {
    const url = await closedPortUrl();
    // The retries' back-off passes on fake time: only that each refused connection ends in exit 3 matters here.
    const run = await runWithFakeTime(() =>
      runCaptured(['musement', '--base-url', url, '--client-id', clientId, '--application', application], {
        env: { MUSEMENT_CLIENT_SECRET: clientSecret },
      }),
    );
    expect(run.exitCode).toBe(3);
    expect(run.stderr).toContain('@auth/musement: POST');
    expect(run.stderr).toContain('the host could not be reached (exit code 3)');
  });

  it('exits 1 on a configuration the client refuses (--sandbox with --base-url), before any request', async () => {
    const run = await runCaptured(argv('--sandbox', '--json'), { env: { MUSEMENT_CLIENT_SECRET: clientSecret } });
    expect(run.exitCode).toBe(1);
    expect(run.json()).toMatchObject({ ok: false, exitCode: 1, error: { name: 'ConfigError' } });
    expect(emulator.counters.tokenRequests).toBe(0);
  });

  it('prints the access token only with --show-token, never the refresh token', async () => {
    const env = { MUSEMENT_CLIENT_SECRET: clientSecret, MUSEMENT_PASSWORD: password };
    const run = await runCaptured(argv('--username', username, '--show-token'), { env });

    expect(run.exitCode).toBe(0);
    const sent = emulator.requests.at(-1)?.headers.authorization?.replace(/^Bearer /, '');
    expect(sent).toBeTruthy();
    expect(run.stdout).toMatch(new RegExp(`access token\\s+${sent}\\n`));
    const refreshToken = emulator.latestRefreshToken(username);
    expect(refreshToken).toBeTruthy();
    expect(run.stdout + run.stderr).not.toContain(refreshToken);

    const json = await runCaptured(argv('--username', username, '--show-token', '--json'), { env });
    expect(json.json().accessToken).toBe(emulator.requests.at(-1)?.headers.authorization?.replace(/^Bearer /, ''));
  });
});
