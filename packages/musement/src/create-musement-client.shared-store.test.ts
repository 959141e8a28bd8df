// Many Musement clients in one process sharing one store (a client per request, or per tenant): one renewal per token
// key in the process, however many clients; clients of different credentials or customers never share one.
import { MemoryTokenStore } from '@auth/core';
import { type MusementEmulatorHandle, musementTestCredentials, startMusementEmulator } from '@auth/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createMusementClient } from './create-musement-client.js';
import type { MusementClientOptions } from './musement-client-options.js';

const { clientId, clientSecret, application, username, password } = musementTestCredentials;
const emulators: MusementEmulatorHandle[] = [];

afterEach(async () => {
  await Promise.all(emulators.splice(0).map((emulator) => emulator.close()));
});

async function startEmulator(options: Parameters<typeof startMusementEmulator>[0] = {}) {
  const emulator = await startMusementEmulator({ recordRequests: false, ...options });
  emulators.push(emulator);
  return emulator;
}

const connect = (emulator: MusementEmulatorHandle, options: MusementClientOptions) =>
  createMusementClient({ baseUrl: emulator.url, clientId, clientSecret, application, ...options });

describe('5,000 clients with the same credentials and one shared store, on a cold cache', () => {
  it.each([5_000, 200])('called %i at a time: 1 login', async (concurrency) => {
    const emulator = await startEmulator();
    const store = new MemoryTokenStore();
    const clients = Array.from({ length: 5_000 }, () => connect(emulator, { store }));
    for (let from = 0; from < clients.length; from += concurrency) {
      await Promise.all(
        clients
          .slice(from, from + concurrency)
          .map((musement) => musement.api.get('cities', { searchParams: { limit: 1 } })),
      );
    }
    expect(emulator.counters.tokenRequestsByGrant).toEqual({ client_credentials: 1 });
    expect(emulator.counters.apiRequests).toBe(5_000);
    expect(emulator.counters.unauthorized).toBe(0);
  });
});

describe('a 401 storm across 100 clients sharing a store', () => {
  it('1 refresh, no refresh token sent twice, no password login, every call answered', async () => {
    const emulator = await startEmulator();
    const store = new MemoryTokenStore();
    const clients = Array.from({ length: 100 }, () => connect(emulator, { store, username, password }));
    await Promise.all(clients.map((musement) => musement.api.get('me').json()));
    emulator.expireAllTokens();
    emulator.reset();
    const answers = await Promise.all(clients.map((musement) => musement.api.get('me').json<{ email: string }>()));
    expect(answers.every((me) => me.email === username)).toBe(true);
    expect(emulator.counters.unauthorized).toBe(100);
    expect(emulator.counters.tokenRequestsByGrant).toEqual({ refresh_token: 1 });
    expect(emulator.counters.refreshTokenReuse).toBe(0);
  });
});

describe('clients of different credentials or customers sharing a store', () => {
  it('never share a renewal: one login per client id and customer, each acting as itself', async () => {
    const second = { username: 'second@example.com', password: 'second-password' };
    const otherClient = { clientId: 'other-client', clientSecret: 'other-client-secret' };
    const emulator = await startEmulator({
      recordRequests: true,
      clients: [{ clientId, clientSecret }, otherClient],
      users: [{ username, password }, second],
    });
    const store = new MemoryTokenStore();
    const groups = [
      { name: 'first customer', options: { store, username, password } },
      { name: 'second customer', options: { store, ...second } },
      { name: 'first customer, other client', options: { store, username, password, ...otherClient } },
    ];
    const clients = groups.flatMap((group) =>
      Array.from({ length: 20 }, () => ({ group: group.name, musement: connect(emulator, group.options) })),
    );
    const answers = await Promise.all(
      clients.map(async ({ group, musement }) => ({
        group,
        email: (await musement.api.get('me').json<{ email: string }>()).email,
        token: (await musement.getToken()).accessToken,
      })),
    );
    expect(emulator.counters.tokenRequestsByGrant).toEqual({ password: 3 });
    const logins = emulator.requests.filter((request) => request.path === '/api/v3/login');
    expect(logins.map((login) => (login.body as { client_id: string }).client_id).sort()).toEqual(
      [clientId, clientId, 'other-client'].sort(),
    );
    for (const group of groups) {
      const mine = answers.filter((answer) => answer.group === group.name);
      expect(new Set(mine.map((answer) => answer.token)).size).toBe(1);
      expect(mine.every((answer) => answer.email === group.options.username)).toBe(true);
    }
    expect(new Set(answers.map((answer) => answer.token)).size).toBe(3);
  });
});
