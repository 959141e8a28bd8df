// musimap.paginate against the emulator: limit/offset with total_size, the envelope unwrapped, and bounded like
// go~mus' pagination (maxPages, a page served twice, another offset than asked, abort).
import { ApiError, ConfigError } from '@auth/core';
import { type EmulatorHandle, musimapTestCredentials, startMusimapEmulator } from '@auth/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { rejection } from '../../testing/src/test-support/rejection.js';
import { createMusimapClient } from './create-musimap-client.js';
import { tokenPath } from './test-support/emulator-helpers.js';

const { clientId, clientSecret } = musimapTestCredentials;
type Tag = { id: string; name: string; category: string };

const emulators: EmulatorHandle[] = [];
afterEach(async () => {
  await Promise.all(emulators.splice(0).map((emulator) => emulator.close()));
});

async function start() {
  const emulator = await startMusimapEmulator();
  emulators.push(emulator);
  const client = createMusimapClient({ baseUrl: emulator.url, clientId, clientSecret, retry: { limit: 0 } });
  return { emulator, client };
}

const listRequests = (emulator: EmulatorHandle, path = '/lexicology/tags') =>
  emulator.requests.filter((request) => request.path === path).map((request) => request.query);

async function collect<T>(iterator: AsyncGenerator<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterator) items.push(item);
  return items;
}

describe('musimap.paginate', () => {
  it('reads every item page by page, from limit/offset and total_size', async () => {
    const { emulator, client } = await start();
    const tags = await collect(client.paginate<Tag>('lexicology/tags', { limit: 20 }));
    expect(tags).toHaveLength(49);
    expect(new Set(tags.map((tag) => tag.id)).size).toBe(49);
    expect(tags[0]).toMatchObject({ name: 'happy', category: 'mood' });
    // 49 items: three pages, the last one asked for because total_size says there is more, none after it.
    expect(listRequests(emulator)).toEqual([
      { limit: '20', offset: '0' },
      { limit: '20', offset: '20' },
      { limit: '20', offset: '40' },
    ]);
  });

  it('starts at an offset, keeps the caller’s query parameters, and takes a leading slash', async () => {
    const { emulator, client } = await start();
    const tracks = await collect(
      client.paginate<{ title: string }>('/tracks', { limit: 2, offset: 1, searchParams: { catalog_id: 'c-1' } }),
    );
    expect(tracks.map((track) => track.title)).toEqual([
      'Paper Boats',
      'Concrete Garden',
      'Seventh Wave',
      'Slow Motion Summer',
    ]);
    expect(listRequests(emulator, '/tracks')).toEqual([
      { catalog_id: 'c-1', limit: '2', offset: '1' },
      { catalog_id: 'c-1', limit: '2', offset: '3' },
    ]);
  });

  it('requests a page only when the previous one has been consumed', async () => {
    const { emulator, client } = await start();
    const iterator = client.paginate<Tag>('lexicology/tags', { limit: 10 });
    await iterator.next();
    expect(listRequests(emulator)).toHaveLength(1);
    await iterator.return();
    expect(listRequests(emulator)).toHaveLength(1);
  });

  it('without total_size, stops at the first page shorter than limit', async () => {
    const { emulator, client } = await start();
    const page = (data: unknown[], offset: number) => ({ status: 200, timestamp: 1, data, size: data.length, offset });
    const iterator = client.paginate<number>('lexicology/tags', { limit: 3 });
    emulator.injectFault({ match: { path: '/lexicology' }, kind: 'status', status: 200, body: page([1, 2, 3], 0) });
    emulator.injectFault({ match: { path: '/lexicology' }, kind: 'status', status: 200, body: page([4, 5], 3) });
    expect(await collect(iterator)).toEqual([1, 2, 3, 4, 5]);
    expect(listRequests(emulator)).toHaveLength(2);
  });

  it('ends with an ApiError, after the items read, on a page served twice or at another offset', async () => {
    const { emulator, client } = await start();
    const again = client.paginate<Tag>('lexicology/tags', { limit: 5 });
    await again.next();
    // The server ignores offset: the next page is the first one again (and says no offset).
    const first = (await client.getData<Tag[]>('lexicology/tags', { searchParams: { limit: 5 } })).data;
    emulator.injectFault({
      match: { path: '/lexicology' },
      kind: 'status',
      status: 200,
      body: { status: 200, timestamp: 1, data: first, total_size: 49 },
    });
    const items: Tag[] = [];
    const error = await rejection(
      (async () => {
        for (let next = await again.next(); !next.done; next = await again.next()) items.push(next.value);
      })(),
    );
    expect(items).toHaveLength(4); // the rest of the first page
    expect(ApiError.isInstance(error)).toBe(true);
    expect((error as ApiError).message).toContain('with the items of the previous page');

    const shifted = client.paginate<Tag>('lexicology/tags', { limit: 5 });
    await shifted.next();
    emulator.injectFault({
      match: { path: '/lexicology' },
      kind: 'status',
      status: 200,
      body: { status: 200, timestamp: 1, data: [{ id: 'x' }], offset: 0, total_size: 49 },
    });
    const wrongOffset = await rejection(collect(shifted));
    expect((wrongOffset as ApiError).message).toContain('answered offset 0 when asked for 5');
    expect((wrongOffset as ApiError).message).toMatch(
      /^@auth\/musimap: GET http:\/\/127\.0\.0\.1:\d+\/lexicology\/tags\?/,
    );
  });

  it('stops past maxPages with an ApiError, and refuses bad options before any request', async () => {
    const { emulator, client } = await start();
    const items: Tag[] = [];
    const error = await rejection(
      (async () => {
        for await (const tag of client.paginate<Tag>('lexicology/tags', { limit: 10, maxPages: 2 })) items.push(tag);
      })(),
    );
    expect(items).toHaveLength(20);
    expect((error as ApiError).message).toContain('more pages than maxPages (2)');
    expect(listRequests(emulator)).toHaveLength(2);

    for (const options of [{ limit: 0 }, { offset: -1 }, { maxPages: 1.5 }]) {
      const refused = await rejection(collect(client.paginate('lexicology/tags', options)));
      expect(ConfigError.isInstance(refused)).toBe(true);
    }
    expect(listRequests(emulator)).toHaveLength(2);
  });

  it('stops at once when the signal aborts, rejecting with its reason and requesting nothing more', async () => {
    const { emulator, client } = await start();
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const read: Tag[] = [];
    const error = await rejection(
      (async () => {
        for await (const tag of client.paginate<Tag>('lexicology/tags', { limit: 10, signal: controller.signal })) {
          read.push(tag);
          if (read.length === 3) controller.abort(reason);
        }
      })(),
    );
    expect(error).toBe(reason);
    expect(read).toHaveLength(3);
    expect(listRequests(emulator)).toHaveLength(1);
    expect(emulator.requests.filter((request) => request.path === tokenPath)).toHaveLength(1);
  });
});
