import { Agent, request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { gomusTestTokens } from '../gomus/gomus-test-tokens.js';
import { startGomusEmulator } from '../gomus/start-gomus-emulator.js';
import type { EmulatorHandle } from './types.js';
import { waitUntil } from './wait-until.js';

// The shared machinery (lifecycle, recording, counters, latency, clock) is the same for the three emulators;
// it is exercised here through the go~mus one.
let emulator: EmulatorHandle | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const authorization = { authorization: `Bearer ${gomusTestTokens.user}` };

describe('emulator lifecycle', () => {
  it('listens on 127.0.0.1 on a free port and gives a URL without a trailing slash', async () => {
    emulator = await startGomusEmulator();
    expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${emulator.url}/api/v4/whoami`)).status).toBe(200);
  });

  it('close() is idempotent and stops listening', async () => {
    emulator = await startGomusEmulator();
    const { url } = emulator;
    await Promise.all([emulator.close(), emulator.close()]);
    await emulator.close();
    await expect(fetch(`${url}/api/v4/whoami`)).rejects.toThrow();
  });

  it('close() resolves while a hanging request is in flight, and the client sees the connection end', async () => {
    emulator = await startGomusEmulator();
    emulator.injectFault({ kind: 'hang' });
    const pending = fetch(`${emulator.url}/api/v4/whoami`);
    const settled = pending.then(
      () => 'answered',
      () => 'failed',
    );
    await waitUntil(() => emulator?.counters.inFlight === 1);
    await emulator.close();
    expect(await settled).toBe('failed');
    expect(emulator.counters.inFlight).toBe(0);
  });

  it('close() resolves while a latency delay is pending', async () => {
    emulator = await startGomusEmulator({ latencyMs: 60_000 });
    const settled = fetch(`${emulator.url}/api/v4/whoami`).then(
      () => 'answered',
      () => 'failed',
    );
    await waitUntil(() => emulator?.counters.inFlight === 1);
    await emulator.close();
    expect(await settled).toBe('failed');
  });

  it('close() destroys idle keep-alive connections', async () => {
    emulator = await startGomusEmulator();
    const agent = new Agent({ keepAlive: true });
    const socketClosed = new Promise<void>((resolve, reject) => {
      const request = httpRequest(`${emulator?.url}/api/v4/whoami`, { agent }, (response) => {
        response.resume();
        response.once('end', () => request.socket?.once('close', () => resolve()));
      });
      request.once('error', reject);
      request.end();
    });
    await waitUntil(() => emulator?.counters.inFlight === 0 && emulator.counters.apiRequests === 1);
    await emulator.close();
    // The idle keep-alive socket is closed by the server (the client never closes it: the agent keeps it open).
    await expect(socketClosed).resolves.toBeUndefined();
    agent.destroy();
  });
});

describe('request recording', () => {
  it('records method, path, query, lower-case headers with the Authorization value, parsed body and time', async () => {
    emulator = await startGomusEmulator();
    const before = Date.now();
    await fetch(`${emulator.url}/api/v4/tickets?page=2&per_page=5`, {
      headers: { ...authorization, 'X-Trace': 'abc' },
    });
    await fetch(`${emulator.url}/api/v4/customers`, {
      method: 'POST',
      headers: { ...authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Max', email: 'max@example.com' }),
    });
    await fetch(`${emulator.url}/api/v4/customers`, { method: 'POST', headers: authorization, body: 'not json' });
    const [list, create, text] = emulator.requests;
    expect(list).toMatchObject({ method: 'GET', path: '/api/v4/tickets', query: { page: '2', per_page: '5' } });
    expect(list?.headers.authorization).toBe(`Bearer ${gomusTestTokens.user}`);
    expect(list?.headers['x-trace']).toBe('abc');
    expect(list).not.toHaveProperty('body');
    expect(list?.receivedAt).toBeGreaterThanOrEqual(before);
    expect(create?.body).toEqual({ name: 'Max', email: 'max@example.com' });
    expect(text?.body).toBe('not json');
  });

  it('caps the log at maxRecordedRequests, dropping the oldest', async () => {
    emulator = await startGomusEmulator({ maxRecordedRequests: 2 });
    for (const page of [1, 2, 3]) await fetch(`${emulator.url}/api/v4/tickets?page=${page}`);
    expect(emulator.requests.map((entry) => entry.query.page)).toEqual(['2', '3']);
  });

  it('records nothing with recordRequests: false, but still counts', async () => {
    emulator = await startGomusEmulator({ recordRequests: false });
    await fetch(`${emulator.url}/api/v4/whoami`);
    expect(emulator.requests).toEqual([]);
    expect(emulator.counters.apiRequests).toBe(1);
  });
});

describe('counters and reset', () => {
  it('counts API requests, 401s and peak concurrency, live', async () => {
    emulator = await startGomusEmulator();
    const counters = emulator.counters;
    await fetch(`${emulator.url}/api/v4/whoami`, { headers: { authorization: 'Bearer wrong' } });
    expect(counters).toMatchObject({ apiRequests: 1, tokenRequests: 0, unauthorized: 1, inFlight: 0 });
    emulator.injectFault({ kind: 'latency', delayMs: 50, times: 3 });
    await Promise.all([1, 2, 3].map(() => fetch(`${emulator?.url}/api/v4/whoami`)));
    expect(counters).toMatchObject({ apiRequests: 4, peakInFlight: 3, inFlight: 0, faultsInjected: 3 });
  });

  it('reset() zeroes counters, clears requests and faults, and keeps tokens valid', async () => {
    emulator = await startGomusEmulator();
    const { counters, requests } = emulator;
    await fetch(`${emulator.url}/api/v4/whoami`, { headers: { authorization: 'Bearer wrong' } });
    emulator.injectFault({ kind: 'status', status: 500, times: Infinity });
    emulator.reset();
    expect(emulator.counters).toBe(counters);
    expect(emulator.requests).toBe(requests);
    expect(counters).toMatchObject({ apiRequests: 0, unauthorized: 0, faultsInjected: 0, peakInFlight: 0 });
    expect(requests).toEqual([]);
    const response = await fetch(`${emulator.url}/api/v4/whoami`, { headers: authorization });
    expect(await response.json()).toEqual({ access: 'user', museums: [] });
  });
});

describe('latency and clock', () => {
  it('latencyMs delays every response by at least that long', async () => {
    emulator = await startGomusEmulator({ latencyMs: 40 });
    const started = performance.now();
    const response = await fetch(`${emulator.url}/api/v4/whoami`);
    expect(performance.now() - started).toBeGreaterThanOrEqual(39);
    expect(response.status).toBe(200);
  });

  it('setClockOffsetMs() moves the Date header with the server clock', async () => {
    emulator = await startGomusEmulator();
    const offsetMs = 3 * 3_600_000;
    emulator.setClockOffsetMs(offsetMs);
    const before = Math.floor(Date.now() / 1000) * 1000;
    const response = await fetch(`${emulator.url}/api/v4/whoami`);
    const after = Date.now();
    const date = Date.parse(response.headers.get('date') ?? '');
    expect(date).toBeGreaterThanOrEqual(before + offsetMs);
    expect(date).toBeLessThanOrEqual(after + offsetMs);
  });
});
