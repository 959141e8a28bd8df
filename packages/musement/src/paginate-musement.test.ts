// paginateMusement against the emulator: limit/offset with no total (a short page is the last), an offset base of 1,
// and bounded like go~mus' pagination (maxPages, a page served twice, abort).
import { ApiError, ConfigError } from '@auth/core';
import { type MusementEmulatorHandle, musementTestCredentials, startMusementEmulator } from '@auth/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createMusementClient } from './create-musement-client.js';
import { paginateMusement } from './paginate-musement.js';
import { rejection } from './test-support/rejection.js';

type City = { id: number; name: string };
const { clientId, clientSecret, application } = musementTestCredentials;
const emulators: MusementEmulatorHandle[] = [];
afterEach(async () => {
  await Promise.all(emulators.splice(0).map((emulator) => emulator.close()));
});

async function start() {
  const emulator = await startMusementEmulator();
  emulators.push(emulator);
  const musement = createMusementClient({ baseUrl: emulator.url, clientId, clientSecret, application, retry: 0 });
  return { emulator, api: musement.api };
}

const cityPages = (emulator: MusementEmulatorHandle) =>
  emulator.requests.filter((request) => request.path === '/api/v3/cities').map((request) => request.query);

async function collect<T>(iterator: AsyncGenerator<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterator) items.push(item);
  return items;
}

describe('paginateMusement', () => {
  it('reads every item until a page is shorter than limit', async () => {
    const { emulator, api } = await start();
    const cities = await collect(paginateMusement<City>(api, 'cities', { limit: 6 }));
    expect(cities.map((city) => city.id)).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
    expect(cityPages(emulator)).toEqual([
      { limit: '6', offset: '0' },
      { limit: '6', offset: '6' },
      { limit: '6', offset: '12' },
      { limit: '6', offset: '18' },
    ]);
  });

  it('ends at an empty page when the last one was full, and asks 100 by default (Musement’s maximum)', async () => {
    const { emulator, api } = await start();
    expect(await collect(paginateMusement<City>(api, '/cities', { limit: 5 }))).toHaveLength(20);
    expect(cityPages(emulator).map((query) => query.offset)).toEqual(['0', '5', '10', '15', '20']);
    emulator.reset();
    expect(await collect(paginateMusement<City>(api, 'cities', { limit: 500 }))).toHaveLength(20);
    expect(await collect(paginateMusement<City>(api, 'cities'))).toHaveLength(20);
    expect(cityPages(emulator)).toEqual([
      { limit: '100', offset: '0' },
      { limit: '100', offset: '0' },
    ]);
  });

  it('starts at offset 1 for the lists that count from 1, and keeps the caller’s query parameters', async () => {
    const { emulator, api } = await start();
    const cities = await collect(
      paginateMusement<City>(api, 'cities', { offset: 1, limit: 8, searchParams: { sort_by: 'name' } }),
    );
    expect(cities[0]?.name).toBe('Milan');
    expect(cities).toHaveLength(19);
    expect(cityPages(emulator)).toEqual([
      { sort_by: 'name', limit: '8', offset: '1' },
      { sort_by: 'name', limit: '8', offset: '9' },
      { sort_by: 'name', limit: '8', offset: '17' },
    ]);
  });

  it('reads a list wrapped in data, and refuses an answer that holds none', async () => {
    const { emulator, api } = await start();
    emulator.injectFault({
      match: { path: '/api/v3/cities' },
      kind: 'status',
      status: 200,
      body: { meta: { count: 2 }, data: [{ id: 1 }, { id: 2 }] },
    });
    expect(await collect(paginateMusement<City>(api, 'cities', { limit: 10 }))).toEqual([{ id: 1 }, { id: 2 }]);
    emulator.injectFault({ match: { path: '/api/v3/cities' }, kind: 'status', status: 200, body: { cities: [] } });
    const error = await rejection(collect(paginateMusement(api, 'cities')));
    expect(ApiError.isInstance(error)).toBe(true);
    expect((error as ApiError).message).toMatch(/^@auth\/musement: GET http:\/\/127\.0\.0\.1:\d+\/api\/v3\/cities\?/);
    expect((error as ApiError).message).toContain('without a list');
  });

  it('ends with an ApiError, after the items read, when the server serves the same page again', async () => {
    const { emulator, api } = await start();
    const iterator = paginateMusement<City>(api, 'cities', { limit: 5 });
    const read = [(await iterator.next()).value as City];
    // The server ignores offset from here on: the next page is the first one again.
    const first = await api.get('cities', { searchParams: { limit: 5 } }).json<City[]>();
    emulator.injectFault({ match: { path: '/api/v3/cities' }, kind: 'status', status: 200, body: first });
    const error = await rejection(
      (async () => {
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) read.push(next.value);
      })(),
    );
    expect(read.map((city) => city.id)).toEqual([1, 2, 3, 4, 5]);
    expect((error as ApiError).message).toContain('answered offset 5 with the items of the previous page');
  });

  it('stops past maxPages with an ApiError, and refuses bad options before any request', async () => {
    const { emulator, api } = await start();
    const read: City[] = [];
    const error = await rejection(
      (async () => {
        for await (const city of paginateMusement<City>(api, 'cities', { limit: 4, maxPages: 2 })) read.push(city);
      })(),
    );
    expect(read).toHaveLength(8);
    expect((error as ApiError).message).toContain('more pages than maxPages (2)');
    expect(cityPages(emulator)).toHaveLength(2);
    for (const options of [{ limit: 0 }, { offset: -1 }, { maxPages: 0 }, { limit: 2.5 }]) {
      expect(ConfigError.isInstance(await rejection(collect(paginateMusement(api, 'cities', options))))).toBe(true);
    }
    expect(cityPages(emulator)).toHaveLength(2);
  });

  it('stops at once when the signal aborts, rejecting with its reason and requesting nothing more', async () => {
    const { emulator, api } = await start();
    const controller = new AbortController();
    const reason = new Error('the caller left');
    const read: City[] = [];
    const error = await rejection(
      (async () => {
        for await (const city of paginateMusement<City>(api, 'cities', { limit: 5, signal: controller.signal })) {
          read.push(city);
          if (read.length === 2) controller.abort(reason);
        }
      })(),
    );
    expect(error).toBe(reason);
    expect(read).toHaveLength(2);
    expect(cityPages(emulator)).toHaveLength(1);
  });

  it('is musement.paginate on the client, the same iterator', async () => {
    const emulator = await startMusementEmulator();
    emulators.push(emulator);
    const musement = createMusementClient({ baseUrl: emulator.url, clientId, clientSecret, application, retry: 0 });
    const viaClient = await collect(musement.paginate<City>('cities', { limit: 6 }));
    const viaFunction = await collect(paginateMusement<City>(musement.api, 'cities', { limit: 6 }));
    expect(viaClient.length).toBeGreaterThan(6);
    expect(viaClient).toEqual(viaFunction);
  });
});
