import { ApiError } from '@auth/core';
import { captureLogger, type EmulatorHandle, gomusTestTokens, startGomusEmulator } from '@auth/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGomusClient } from './create-gomus-client.js';

let gomus: EmulatorHandle;
beforeEach(async () => {
  gomus = await startGomusEmulator();
});
afterEach(() => gomus.close());

const pages = () => gomus.requests.map((request) => [request.query.page, request.query.per_page]);

async function collect<T>(iterator: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterator) items.push(item);
  return items;
}

describe('pagination over meta', () => {
  it('reads every page, 100 per page, and stops at total_count', async () => {
    const client = createGomusClient({ baseUrl: gomus.url, token: gomusTestTokens.user });
    const tickets = await collect(client.tickets.all());
    expect(tickets).toHaveLength(230);
    expect(new Set(tickets.map((ticket) => ticket.id)).size).toBe(230);
    expect(pages()).toEqual([
      ['1', '100'],
      ['2', '100'],
      ['3', '100'],
    ]);
  });

  it('caps per_page at 100', async () => {
    const client = createGomusClient({ baseUrl: gomus.url, token: gomusTestTokens.user });
    const page = await client.tickets.list({ perPage: 500, page: 2 });
    expect(page.meta).toEqual({ total_count: 230, page: 2, per_page: 100 });
    expect(page.items[0]?.id).toBe(101);
    expect(pages()).toEqual([['2', '100']]);
  });

  it('follows the per_page the server grants (25 without a token)', async () => {
    const client = createGomusClient({ baseUrl: gomus.url });
    const first = await client.tickets.list();
    const total = first.meta.total_count ?? 0;
    expect(first.meta.per_page).toBe(25);
    gomus.reset();
    const tickets = await collect(client.tickets.all());
    expect(tickets).toHaveLength(total);
    expect(gomus.requests).toHaveLength(Math.ceil(total / 25));
  });

  it('pages any index endpoint with client.paginate, requesting a page only when the previous one is consumed', async () => {
    const client = createGomusClient({ baseUrl: gomus.url, token: gomusTestTokens.user });
    const iterator = client.paginate<{ id: number }>('/tickets/', { perPage: 40, searchParams: { sort: 'id' } });
    let seen = 0;
    for await (const ticket of iterator) {
      seen += 1;
      expect(ticket.id).toBe(seen);
      if (seen === 80) break;
    }
    expect(pages()).toEqual([
      ['1', '40'],
      ['2', '40'],
    ]);
    expect(gomus.requests[0]?.query.sort).toBe('id');
  });

  it('without meta, stops at the first short page; unknown meta and top-level fields are logged once', async () => {
    const logger = captureLogger();
    const client = createGomusClient({ baseUrl: gomus.url, token: gomusTestTokens.user, logger });
    const full = Array.from({ length: 3 }, (_, index) => ({ id: index + 1 }));
    gomus.injectFault({ kind: 'status', status: 200, body: { museums: full, links: {} } });
    gomus.injectFault({ kind: 'status', status: 200, body: { museums: [{ id: 4 }], links: {} } });
    const museums = await collect(client.paginate<{ id: number }>('museums', { perPage: 3 }));
    expect(museums.map((museum) => museum.id)).toEqual([1, 2, 3, 4]);
    expect(gomus.requests).toHaveLength(2);

    gomus.injectFault({ kind: 'status', status: 200, body: { museums: [], meta: { total_count: 0, cursor: 'x' } } });
    expect(await collect(client.museums.all())).toEqual([]);
    const unknown = logger.records.filter(({ record }) => record.event === 'response.unknown_field');
    expect(unknown.map(({ record }) => `${record.endpoint}: ${record.field}`)).toEqual([
      'GET /api/v4/museums: links',
      'GET /api/v4/museums meta: cursor',
    ]);
  });

  it('skips records without an id (logged at warn) and fails clearly when the list is missing', async () => {
    const logger = captureLogger();
    const client = createGomusClient({ baseUrl: gomus.url, token: gomusTestTokens.user, logger });
    gomus.injectFault({
      kind: 'status',
      status: 200,
      body: { tickets: [{ id: 1, title: 'A' }, { title: 'no id' }, 'junk', { id: 2, price_cents: 'free' }] },
    });
    const page = await client.tickets.list();
    expect(page.items).toEqual([{ id: 1, title: 'A' }, { id: 2 }]);
    expect(page.meta).toEqual({});
    const warnings = logger.records.filter(({ level }) => level === 'warn').map(({ record }) => record.event);
    expect(warnings.sort()).toEqual(['response.missing_field', 'response.unexpected_type', 'response.unexpected_type']);

    gomus.injectFault({ kind: 'status', status: 200, body: { error: 'maintenance' } });
    const error = await client.tickets.list().catch((caught: unknown) => caught);
    expect(ApiError.isInstance(error)).toBe(true);
    expect((error as ApiError).message).toBe('@auth/gomus: GET /api/v4/tickets answered 200 without a "tickets" list.');
  });
});
