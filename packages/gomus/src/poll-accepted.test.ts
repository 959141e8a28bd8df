import { gomusTestTokens, startGomusEmulator } from '@auth/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createGomusClient } from './create-gomus-client.js';

const emulators: Awaited<ReturnType<typeof startGomusEmulator>>[] = [];
afterEach(async () => {
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

    const response = await client.api.get('museums');

    expect(response.status).toBe(200);
    expect(((await response.json()) as { museums: unknown[] }).museums.length).toBeGreaterThan(0);
    const polls = gomus.requests.filter((request) => request.path === '/api/v4/museums');
    expect(polls).toHaveLength(3);
    // Each poll carries the token, and none follows the previous one without a back-off (the first is 20–40 ms).
    expect(polls.every((request) => request.headers.authorization === `Bearer ${gomusTestTokens.user}`)).toBe(true);
    expect(polls[1]!.receivedAt - polls[0]!.receivedAt).toBeGreaterThanOrEqual(15);
  });

  it('returns the last 202 as it is when the process outlasts the retry policy', async () => {
    const { gomus, client } = await setUp({ limit: 2, initialDelayMs: 5 });
    gomus.injectFault({ ...stillRunning, match: { path: '/api/v4/museums' }, times: 10 });

    const response = await client.api.get('museums');

    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ status: 'processing' });
    expect(gomus.requests.filter((request) => request.path === '/api/v4/museums')).toHaveLength(3);
  });

  it('never repeats a POST answered 202: a second one could start a second process', async () => {
    const { gomus, client } = await setUp();
    gomus.injectFault({ ...stillRunning, match: { path: '/api/v4/customers' }, times: 5 });

    const response = await client.api.post('customers', { json: { email: 'a@example.com' } });

    expect(response.status).toBe(202);
    expect(gomus.requests.filter((request) => request.path === '/api/v4/customers')).toHaveLength(1);
  });
});
