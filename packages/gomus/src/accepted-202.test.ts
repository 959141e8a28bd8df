import { gomusTestTokens, startGomusEmulator } from '@auth/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGomusClient } from './create-gomus-client.js';

const emulators: Awaited<ReturnType<typeof startGomusEmulator>>[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(emulators.splice(0).map((emulator) => emulator.close()));
});

async function setUp(retry: { limit: number; initialDelayMs: number } = { limit: 3, initialDelayMs: 40 }) {
  const gomus = await startGomusEmulator();
  emulators.push(gomus);
  const client = createGomusClient({ baseUrl: gomus.url, token: gomusTestTokens.user, retry });
  return { gomus, client };
}

const stillRunning = { kind: 'status', status: 202, body: { status: 'processing' } } as const;

describe('go~mus 202 (an asynchronous process still running)', () => {
  it('polls a GET answered 202 after a back-off until the result is there', async () => {
    const { gomus, client } = await setUp();
    gomus.injectFault({ ...stillRunning, match: { path: '/api/v4/museums' }, times: 2 });
    // Full jitter draws each wait from [0, back-off): at the top of the draw the first wait is the whole 40 ms.
    vi.spyOn(Math, 'random').mockReturnValue(0.999);

    const response = await client.api.get('museums');

    expect(response.status).toBe(200);
    expect(((await response.json()) as { museums: unknown[] }).museums.length).toBeGreaterThan(0);
    const polls = gomus.requests.filter((request) => request.path === '/api/v4/museums');
    expect(polls).toHaveLength(3);
    // Each poll carries the token, and none follows the previous one without the back-off (receivedAt is whole ms).
    expect(polls.every((request) => request.headers.authorization === `Bearer ${gomusTestTokens.user}`)).toBe(true);
    expect(polls[1]!.receivedAt - polls[0]!.receivedAt).toBeGreaterThanOrEqual(40 - 2);
  });

  it('returns the last 202 as it is when the process outlasts the retry policy', async () => {
    const { gomus, client } = await setUp({ limit: 2, initialDelayMs: 5 });
    gomus.injectFault({ ...stillRunning, match: { path: '/api/v4/museums' }, times: 10 });

    const response = await client.api.get('museums');

    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ status: 'processing' });
    expect(gomus.requests.filter((request) => request.path === '/api/v4/museums')).toHaveLength(3);
  });

  it('returns the last 202 rather than wait past the attempt timeout, which would restart the polls', async () => {
    const gomus = await startGomusEmulator();
    emulators.push(gomus);
    const client = createGomusClient({
      baseUrl: gomus.url,
      token: gomusTestTokens.user,
      timeoutMs: 300,
      retry: { limit: 3, initialDelayMs: 200 },
    });
    gomus.injectFault({ ...stillRunning, match: { path: '/api/v4/museums' }, times: 20 });
    // The waits at the top of the draw: 200 ms, then 400 ms, which would end past the 300 ms the attempt has.
    vi.spyOn(Math, 'random').mockReturnValue(0.999);

    const response = await client.api.get('museums');

    expect(response.status).toBe(202);
    expect(gomus.requests.filter((request) => request.path === '/api/v4/museums')).toHaveLength(2);
  });

  it('counts the wait for a rate-limit slot against the attempt: no poll whose wait would end past timeoutMs', async () => {
    const gomus = await startGomusEmulator();
    emulators.push(gomus);
    // The slot takes 300 of the attempt's 400 ms, so the first wait (150 ms at the top of the draw) would end past it.
    const slowSlot = { acquire: () => new Promise<void>((resolve) => setTimeout(resolve, 300)) };
    const client = createGomusClient({
      baseUrl: gomus.url,
      token: gomusTestTokens.user,
      rateLimit: slowSlot,
      timeoutMs: 400,
      retry: { limit: 3, initialDelayMs: 150 },
    });
    gomus.injectFault({ ...stillRunning, match: { path: '/api/v4/museums' }, times: 20 });
    vi.spyOn(Math, 'random').mockReturnValue(0.999);

    const response = await client.api.get('museums');

    expect(response.status).toBe(202);
    expect(gomus.requests.filter((request) => request.path === '/api/v4/museums')).toHaveLength(1);
  });

  it('sends every poll through the rate limiter, with a log record of its own', async () => {
    const gomus = await startGomusEmulator();
    emulators.push(gomus);
    let slots = 0;
    const statuses: unknown[] = [];
    const client = createGomusClient({
      baseUrl: gomus.url,
      token: gomusTestTokens.user,
      rateLimit: {
        acquire: async () => {
          slots += 1;
        },
      },
      logger: {
        debug: () => undefined,
        info: (record) => statuses.push((record as { status?: number }).status),
        warn: (record) => statuses.push((record as { status?: number }).status),
        error: (record) => statuses.push((record as { status?: number }).status),
      },
      retry: { limit: 3, initialDelayMs: 5 },
    });
    gomus.injectFault({ ...stillRunning, match: { path: '/api/v4/museums' }, times: 2 });

    expect((await client.api.get('museums')).status).toBe(200);

    // A fleet sharing one limit counts the polls too, and an operator sees each 202.
    expect(slots).toBe(3);
    expect(statuses).toEqual([202, 202, 200]);
  });

  it('never repeats a POST answered 202: a second one could start a second process', async () => {
    const { gomus, client } = await setUp();
    gomus.injectFault({ ...stillRunning, match: { path: '/api/v4/customers' }, times: 5 });

    const response = await client.api.post('customers', { json: { email: 'a@example.com' } });

    expect(response.status).toBe(202);
    expect(gomus.requests.filter((request) => request.path === '/api/v4/customers')).toHaveLength(1);
  });
});

describe('go~mus 202: the wait between polls', { timeout: 5_000 }, () => {
  it('ends at once with the signal’s reason when the caller aborts during the back-off; no further poll is sent', async () => {
    const gomus = await startGomusEmulator();
    emulators.push(gomus);
    // A 30 s Retry-After: only the abort can end the wait within the test's timeout.
    gomus.injectFault({ ...stillRunning, headers: { 'retry-after': '30' }, match: { path: '/api/v4/museums' } });
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const signalsSeen: AbortSignal[] = [];
    const client = createGomusClient({
      baseUrl: gomus.url,
      token: gomusTestTokens.user,
      // Room in the attempt for the 30 s wait: a shorter one would not be waited at all.
      timeoutMs: 60_000,
      // A real fetch, watched: it records the signal ky hands down and aborts once the 202 has been received.
      fetch: async (input, init) => {
        signalsSeen.push(init?.signal ?? (input as Request).signal);
        const response = await globalThis.fetch(input, init);
        if (response.status === 202) setTimeout(() => controller.abort(reason), 0);
        return response;
      },
    });

    await expect(client.api.get('museums', { signal: controller.signal })).rejects.toBe(reason);

    // ky wraps the caller's signal; the one reaching fetch aborts with it, with the same reason.
    expect(signalsSeen).toHaveLength(1);
    expect(signalsSeen[0]).not.toBe(controller.signal);
    expect(signalsSeen[0]?.aborted).toBe(true);
    expect(signalsSeen[0]?.reason).toBe(reason);
    expect(gomus.requests.filter((request) => request.path === '/api/v4/museums')).toHaveLength(1);
  });

  it('does not wait for the 202 body to be discarded: a body whose cancel hangs or fails is left behind', async () => {
    const { gomus } = await setUp();
    gomus.injectFault({ ...stillRunning, match: { path: '/api/v4/museums' }, times: 2 });
    let bodies = 0;
    const client = createGomusClient({
      baseUrl: gomus.url,
      token: gomusTestTokens.user,
      retry: { limit: 3, initialDelayMs: 5 },
      // The real answers, except that each 202 body is a stream whose cancel never settles (then throws).
      fetch: async (input, init) => {
        const response = await globalThis.fetch(input, init);
        if (response.status !== 202) return response;
        await response.body?.cancel();
        bodies += 1;
        const cancel =
          bodies === 1
            ? () => new Promise<void>(() => {})
            : () => {
                throw new Error('cancel failed');
              };
        return new Response(new ReadableStream({ cancel }), { status: 202, headers: response.headers });
      },
    });

    const response = await client.api.get('museums');

    expect(response.status).toBe(200);
    expect(bodies).toBe(2);
    expect(gomus.requests.filter((request) => request.path === '/api/v4/museums')).toHaveLength(3);
  });
});
