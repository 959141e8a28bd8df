import { type EmulatorHandle, gomusTestTokens, startGomusEmulator, startMusimapEmulator } from '@auth/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runWithFakeTime } from '../../testing/src/test-support/run-with-fake-time.js';
import { closedPortUrl, runCaptured } from './test-support/run-captured.js';

let emulator: EmulatorHandle;
beforeAll(async () => {
  emulator = await startGomusEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

describe('auth-check gomus', () => {
  it('tests the token from GOMUS_TOKEN with one whoami and says what it may do in plain words', async () => {
    const run = await runCaptured(['gomus', '--base-url', emulator.url], {
      env: { GOMUS_TOKEN: gomusTestTokens.user },
    });

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('user token: all museums of the instance');
    expect(run.stdout).toContain('ok: the token was accepted');
    expect(run.stderr).toBe('');
    expect(emulator.counters.apiRequests).toBe(1);
    expect(emulator.requests[0]).toMatchObject({
      method: 'GET',
      path: '/api/v4/whoami',
      headers: { authorization: `Bearer ${gomusTestTokens.user}` },
    });
  });

  it('takes --token and GOMUS_BASE_URL, warning that an argument is visible to other processes', async () => {
    const run = await runCaptured(['gomus', '--token', gomusTestTokens.reseller], {
      env: { GOMUS_BASE_URL: emulator.url },
    });

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('reseller token: museums 1, 2');
    expect(run.stderr).toContain('prefer GOMUS_TOKEN');
    expect(emulator.requests[0]?.headers.authorization).toBe(`Bearer ${gomusTestTokens.reseller}`);
  });

  it('checks public access without a token, and never reads the process environment', async () => {
    process.env.GOMUS_TOKEN = gomusTestTokens.user;
    try {
      const run = await runCaptured(['gomus', '--base-url', emulator.url]);
      expect(run.exitCode).toBe(0);
      expect(run.stdout).toContain('public access (no token): public data only');
      expect(emulator.requests[0]?.headers.authorization).toBeUndefined();
    } finally {
      delete process.env.GOMUS_TOKEN;
    }
  });

  it('prints one JSON object with --json, without the token', async () => {
    const run = await runCaptured(['gomus', '--base-url', emulator.url, '--json'], {
      env: { GOMUS_TOKEN: gomusTestTokens.user },
    });

    expect(run.exitCode).toBe(0);
    const result = run.json();
    expect(result).toMatchObject({
      ok: true,
      provider: 'gomus',
      baseUrl: emulator.url,
      tokenSent: true,
      access: 'user',
      museums: [],
      scope: 'user token: all museums of the instance',
      call: { method: 'GET', path: '/api/v4/whoami', durationMs: expect.any(Number) },
    });
    expect(result).not.toHaveProperty('accessToken');
    expect(run.stdout).not.toContain(gomusTestTokens.user);
  });

  it('prints the token only with --show-token', async () => {
    const env = { GOMUS_TOKEN: gomusTestTokens.user };
    const text = await runCaptured(['gomus', '--base-url', emulator.url, '--show-token'], { env });
    expect(text.stdout).toMatch(new RegExp(`access token\\s+${gomusTestTokens.user}`));

    const json = await runCaptured(['gomus', '--base-url', emulator.url, '--show-token', '--json'], { env });
    expect(json.json().accessToken).toBe(gomusTestTokens.user);
  });

  it('exits 2 on a rejected token, after one request (a go~mus 401 is never retried)', async () => {
    const wrong = 'gomus-wrong-token-for-the-cli-test';
    const run = await runCaptured(['gomus', '--base-url', emulator.url], { env: { GOMUS_TOKEN: wrong } });

    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('was rejected with 401');
    expect(run.stderr).toContain('the credentials were rejected (exit code 2)');
    expect(run.stderr).not.toContain(wrong);
    // go~mus' documented 401 body says who answered: nothing more is asked.
    expect(emulator.counters.apiRequests).toBe(1);
    expect(emulator.counters.unauthorized).toBe(1);

    const json = await runCaptured(['gomus', '--base-url', emulator.url, '--json'], { env: { GOMUS_TOKEN: wrong } });
    expect(json.exitCode).toBe(2);
    expect(json.json()).toMatchObject({
      ok: false,
      command: 'gomus',
      exitCode: 2,
      error: { name: 'CredentialsError', code: 'CREDENTIALS', status: 401 },
    });
  });

  it('tells a host that is not go~mus (its 401 would look like a rejected token) from a rejected token', async () => {
    // Another API at the base URL: it answers 401 to everything, /api/v4/version included.
    const notGomus = await startMusimapEmulator();
    try {
      const run = await runCaptured(['gomus', '--base-url', notGomus.url, '--json'], {
        env: { GOMUS_TOKEN: gomusTestTokens.user },
      });
      expect(run.exitCode).toBe(1);
      expect(run.json()).toMatchObject({ ok: false, exitCode: 1, error: { name: 'ApiError', status: 401 } });
      expect(run.json().error?.message).toMatch(
        /^@auth\/cli: GET http:\/\/127\.0\.0\.1:\d+\/api\/v4\/version did not answer like a go~mus instance \(401\)/,
      );
      expect(notGomus.requests.map((request) => request.path)).toEqual(['/api/v4/whoami', '/api/v4/version']);
      expect(notGomus.requests[1]?.headers.authorization).toBeUndefined();
    } finally {
      await notGomus.close();
    }

    // A 401 without go~mus' body from a go~mus instance (a proxy in front of it, a changed text): /version says it is
    // go~mus, so the token was rejected.
    emulator.injectFault({ match: { path: '/api/v4/whoami' }, kind: 'status', status: 401, body: { error: 'nope' } });
    const rejected = await runCaptured(['gomus', '--base-url', emulator.url], {
      env: { GOMUS_TOKEN: 'gomus-bad-1234' },
    });
    expect(rejected.exitCode).toBe(2);
    expect(emulator.requests.map((request) => request.path)).toEqual(['/api/v4/whoami', '/api/v4/version']);
    emulator.reset();

    // A proxy's HTML 404 for both: not go~mus either (exit 1, not "the credentials were rejected").
    emulator.injectFault({ match: { path: '/api/v4/' }, kind: 'html', status: 404, times: 2 });
    const html = await runCaptured(['gomus', '--base-url', emulator.url], {
      env: { GOMUS_TOKEN: gomusTestTokens.user },
    });
    expect(html.exitCode).toBe(1);
    expect(html.stderr).toContain('did not answer like a go~mus instance (404)');
    expect(emulator.requests.map((request) => request.path)).toEqual(['/api/v4/whoami', '/api/v4/version']);
  });

  it('exits 3 when the host is unreachable', async () => {
    const url = await closedPortUrl();
    // The retries' back-off passes on fake time: only that each refused connection ends in exit 3 matters here.
    const run = await runWithFakeTime(() =>
      runCaptured(['gomus', '--base-url', url, '--json'], { env: { GOMUS_TOKEN: gomusTestTokens.user } }),
    );

    expect(run.exitCode).toBe(3);
    expect(run.json()).toMatchObject({ ok: false, exitCode: 3, error: { name: 'NetworkError', code: 'NETWORK' } });
    expect(run.json().error?.message).toContain('ECONNREFUSED');
  });

  it('exits 1 without sending anything when the base URL is missing or plain http to another host', async () => {
    const missing = await runCaptured(['gomus'], { env: { GOMUS_TOKEN: gomusTestTokens.user } });
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('--base-url or set GOMUS_BASE_URL');

    const insecure = await runCaptured(['gomus', '--base-url', 'http://gomus.example.com'], {
      env: { GOMUS_TOKEN: gomusTestTokens.user },
    });
    expect(insecure.exitCode).toBe(1);
    expect(insecure.stderr).toContain('http:// to a non-loopback host');
    expect(emulator.counters.apiRequests).toBe(0);
  });
});
