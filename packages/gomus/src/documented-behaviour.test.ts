// What the go~mus README and option docs promise, each checked where it would break: `headers` on every request, a
// `token` function asked before every call (a rotated token is used at once), the 202 polling following the retry
// policy's back-off formula, and plain http to localhost.
import { type EmulatorHandle, gomusTestTokens, startGomusEmulator } from '@auth/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGomusClient } from './create-gomus-client.js';

const emulators: EmulatorHandle[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(emulators.splice(0).map((emulator) => emulator.close()));
});

async function emulator() {
  const handle = await startGomusEmulator();
  emulators.push(handle);
  return handle;
}

describe('the headers option', () => {
  it('sends the configured headers on every request, next to the token', async () => {
    const gomus = await emulator();
    const client = createGomusClient({
      baseUrl: gomus.url,
      token: gomusTestTokens.user,
      headers: { 'Accept-Language': 'de', 'X-Request-Source': 'documented-behaviour' },
    });

    await client.whoami();
    await client.api.get('museums');
    await client.tickets.list({ perPage: 5 });

    expect(gomus.requests).toHaveLength(3);
    for (const request of gomus.requests) {
      expect(request.headers).toMatchObject({
        'accept-language': 'de',
        'x-request-source': 'documented-behaviour',
        authorization: `Bearer ${gomusTestTokens.user}`,
      });
    }
  });
});

describe('an async token function', () => {
  it('is asked exactly once per call, so a token rotated between calls is used from the next call on', async () => {
    const gomus = await emulator();
    const rotation = [gomusTestTokens.user, gomusTestTokens.reseller, gomusTestTokens.user, gomusTestTokens.reseller];
    let current: string | undefined;
    let asked = 0;
    const client = createGomusClient({
      baseUrl: gomus.url,
      token: async () => {
        asked += 1;
        await new Promise((resolve) => setImmediate(resolve)); // e.g. read from a secret store
        return current;
      },
    });

    const access: string[] = [];
    for (const token of rotation) {
      current = token; // rotated by someone else between two calls
      access.push((await client.whoami()).access);
    }

    expect(asked).toBe(rotation.length);
    expect(access).toEqual(['user', 'reseller', 'user', 'reseller']);
    expect(gomus.requests.map((request) => request.headers.authorization)).toEqual(
      rotation.map((token) => `Bearer ${token}`),
    );
  });
});

describe('polling a 202 with the back-off formula', () => {
  const stillRunning = { kind: 'status', status: 202, body: { status: 'processing' } } as const;
  const museumPolls = (gomus: EmulatorHandle) => gomus.requests.filter((request) => request.path === '/api/v4/museums');

  it('waits initialDelayMs × factor^(n-1) (full jitter, as core retries) before poll n', async () => {
    const gomus = await emulator();
    gomus.injectFault({ ...stillRunning, match: { path: '/api/v4/museums' }, times: 2 });
    // The jitter's draw at its top: each wait is (almost) the whole back-off, so a lower bound shows the formula.
    vi.spyOn(Math, 'random').mockReturnValue(0.999);
    const client = createGomusClient({
      baseUrl: gomus.url,
      token: gomusTestTokens.user,
      retry: { limit: 3, initialDelayMs: 40, factor: 3, maxDelayMs: 1_000 },
    });

    expect((await client.api.get('museums')).status).toBe(200);

    const [first, second, third] = museumPolls(gomus).map((request) => request.receivedAt);
    expect(museumPolls(gomus)).toHaveLength(3);
    // 40 ms, then 120 ms (receivedAt is in whole ms: 2 ms of rounding room); a missing factor would wait 40 ms again.
    expect(second! - first!).toBeGreaterThanOrEqual(40 - 2);
    expect(third! - second!).toBeGreaterThanOrEqual(120 - 2);
  });

  it('caps a wait at maxDelayMs: a capped wait stays under maxRetryAfterMs and polling goes on', async () => {
    const gomus = await emulator();
    gomus.injectFault({ ...stillRunning, match: { path: '/api/v4/museums' }, times: 2 });
    // Uncapped, the second wait would be 40 × 100 = 4 s, past maxRetryAfterMs: polling would stop at the 202.
    const client = createGomusClient({
      baseUrl: gomus.url,
      token: gomusTestTokens.user,
      retry: { limit: 3, initialDelayMs: 40, factor: 100, maxDelayMs: 50, maxRetryAfterMs: 1_000 },
    });

    expect((await client.api.get('museums')).status).toBe(200);
    expect(museumPolls(gomus)).toHaveLength(3);
  });
});

describe('plain http', () => {
  it('is accepted to localhost and [::1] like 127.0.0.1, and localhost reaches a local instance', async () => {
    const gomus = await emulator();
    const port = new URL(gomus.url).port;
    const client = createGomusClient({ baseUrl: `http://localhost:${port}`, token: gomusTestTokens.user });
    expect((await client.whoami()).access).toBe('user');
    expect(() => createGomusClient({ baseUrl: 'http://[::1]:8080', token: gomusTestTokens.user })).not.toThrow();
    expect(() => createGomusClient({ baseUrl: 'http://gomus.example.com', token: gomusTestTokens.user })).toThrow(
      /non-loopback host/,
    );
  });
});
