import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGomusEmulator } from '../gomus/start-gomus-emulator.js';
import type { EmulatorHandle } from './types.js';
import { waitUntil } from './wait-until.js';

let emulator: EmulatorHandle;
let whoami: string;
beforeAll(async () => {
  emulator = await startGomusEmulator();
  whoami = `${emulator.url}/api/v4/whoami`;
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

describe('fault kinds', () => {
  it('status: answers the status with headers and a JSON body', async () => {
    emulator.injectFault({
      kind: 'status',
      status: 429,
      headers: { 'Retry-After': '7' },
      body: { error: 'slow down' },
    });
    const response = await fetch(whoami);
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ error: 'slow down' });
    expect(emulator.counters).toMatchObject({ rateLimited: 1, faultsInjected: 1 });
    expect((await fetch(whoami)).status).toBe(200); // times defaults to 1
  });

  it('status: defaults to 500 with the reason phrase, sends a string body as text, and no body for 204', async () => {
    emulator.injectFault({ kind: 'status' });
    emulator.injectFault({ kind: 'status', status: 503, body: 'maintenance' });
    emulator.injectFault({ kind: 'status', status: 204 });
    const first = await fetch(whoami);
    expect([first.status, await first.json()]).toEqual([500, { error: 'Internal Server Error' }]);
    const second = await fetch(whoami);
    expect([second.status, second.headers.get('content-type'), await second.text()]).toEqual([
      503,
      'text/plain; charset=utf-8',
      'maintenance',
    ]);
    const third = await fetch(whoami);
    expect([third.status, await third.text()]).toEqual([204, '']);
  });

  it('status with delayMs: slow headers, at least delayMs', async () => {
    emulator.injectFault({ kind: 'status', status: 503, delayMs: 50 });
    const started = performance.now();
    const response = await fetch(whoami);
    expect(performance.now() - started).toBeGreaterThanOrEqual(49);
    expect(response.status).toBe(503);
  });

  it('latency: waits delayMs, then answers normally', async () => {
    emulator.injectFault({ kind: 'latency', delayMs: 50 });
    const started = performance.now();
    const response = await fetch(whoami);
    expect(performance.now() - started).toBeGreaterThanOrEqual(49);
    expect(await response.json()).toEqual({ access: 'public' });
  });

  it('reset: drops the connection without a response', async () => {
    emulator.injectFault({ kind: 'reset' });
    await expect(fetch(whoami)).rejects.toThrow(TypeError);
    expect(emulator.counters.faultsInjected).toBe(1);
    expect((await fetch(whoami)).status).toBe(200);
  });

  it('malformed-json: 200, application/json, a body that does not parse', async () => {
    emulator.injectFault({ kind: 'malformed-json' });
    const response = await fetch(whoami);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    await expect(response.json()).rejects.toThrow(SyntaxError);
  });

  it('html: a 502 HTML error page from a proxy, or the given status', async () => {
    emulator.injectFault({ kind: 'html' });
    emulator.injectFault({ kind: 'html', status: 504 });
    const first = await fetch(whoami);
    expect(first.status).toBe(502);
    expect(first.headers.get('content-type')).toBe('text/html');
    expect(await first.text()).toContain('<title>502 Bad Gateway</title>');
    const second = await fetch(whoami);
    expect([second.status, (await second.text()).includes('504 Gateway Timeout')]).toEqual([504, true]);
  });

  it('empty: 200 (or the given status) with an empty body', async () => {
    emulator.injectFault({ kind: 'empty' });
    emulator.injectFault({ kind: 'empty', status: 401 });
    const first = await fetch(whoami);
    expect([first.status, first.headers.get('content-length'), await first.text()]).toEqual([200, '0', '']);
    const second = await fetch(whoami);
    expect([second.status, await second.text()]).toEqual([401, '']);
    expect(emulator.counters.unauthorized).toBe(1);
  });

  it('hang: never answers; the client gives up on its own timeout', async () => {
    emulator.injectFault({ kind: 'hang' });
    await expect(fetch(whoami, { signal: AbortSignal.timeout(100) })).rejects.toMatchObject({ name: 'TimeoutError' });
    await waitUntil(() => emulator.counters.inFlight === 0); // the aborted request is not left counted
    expect((await fetch(whoami)).status).toBe(200);
  });
});

describe('fault matching', () => {
  it('applies to matching method and path only, in order of injection, `times` times', async () => {
    emulator.injectFault({ kind: 'status', status: 500, match: { method: 'POST' } });
    emulator.injectFault({ kind: 'status', status: 503, match: { path: '/api/v4/tick' }, times: 2 });
    emulator.injectFault({ kind: 'status', status: 502, match: { path: /^\/api\/v4\/(tickets|museums)$/ } });
    expect((await fetch(whoami)).status).toBe(200);
    const tickets = `${emulator.url}/api/v4/tickets?page=1`;
    expect((await fetch(tickets)).status).toBe(503);
    expect((await fetch(tickets)).status).toBe(503);
    expect((await fetch(tickets)).status).toBe(502);
    expect((await fetch(tickets)).status).toBe(200);
    expect((await fetch(`${emulator.url}/api/v4/customers`, { method: 'POST' })).status).toBe(500);
  });

  it('times: Infinity lasts until clearFaults()', async () => {
    emulator.injectFault({ kind: 'status', status: 503, times: Infinity });
    for (let attempt = 0; attempt < 3; attempt += 1) expect((await fetch(whoami)).status).toBe(503);
    emulator.clearFaults();
    expect((await fetch(whoami)).status).toBe(200);
    expect(emulator.counters.faultsInjected).toBe(3);
  });
});
