import type { ServerResponse } from 'node:http';
import { ApiError } from '@auth/core';
import { captureLogger } from '@auth/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer } from '../../core/src/test-support/start-test-server.js';
import { createGomusClient } from './create-gomus-client.js';

// Servers that break go~mus' pagination contract. Before the page guards, (a) and (b) looped forever (thousands of
// pages a second) and (c) read as many pages as the server claimed. Every test bounds itself with a vitest timeout.

interface HostileServer {
  url: string;
  /** The `page` query value of every request received, in order. */
  pages: string[];
  close(): Promise<void>;
}

const servers: HostileServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A real HTTP server on 127.0.0.1 that answers `GET /api/v4/tickets` through `answer(page)`. */
async function startHostileServer(answer: (page: number, response: ServerResponse) => void): Promise<HostileServer> {
  const pages: string[] = [];
  const server = await startTestServer((request, response) => {
    const page = new URL(request.path, 'http://127.0.0.1').searchParams.get('page') ?? '';
    pages.push(page);
    answer(Number(page), response);
  });
  const handle: HostileServer = { url: server.url, pages, close: () => server.close() };
  servers.push(handle);
  return handle;
}

function sendJson(response: ServerResponse, body: unknown): void {
  response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** 100 tickets with ids `first`…`first + 99`. */
const tickets = (first: number, count = 100) => Array.from({ length: count }, (_, index) => ({ id: first + index }));

/** Reads the iterator to its end; resolves to the items seen and what ended it (undefined: a normal end). */
async function drain<T>(iterator: AsyncIterable<T>): Promise<{ items: T[]; error: unknown }> {
  const items: T[] = [];
  try {
    for await (const item of iterator) items.push(item);
  } catch (error) {
    return { items, error };
  }
  return { items, error: undefined };
}

const token = 'hostile-test-token-0123456789';

describe('pagination against a hostile server', { timeout: 5_000 }, () => {
  it('(a) stops with an ApiError after 2 requests when the server ignores `page` and sends no meta', async () => {
    const server = await startHostileServer((_page, response) => sendJson(response, { tickets: tickets(1) }));
    const client = createGomusClient({ baseUrl: server.url, token });

    const { items, error } = await drain(client.tickets.all());

    expect(server.pages).toEqual(['1', '2']);
    // The repeated page is not handed out a second time.
    expect(items.map((ticket) => ticket.id)).toEqual(tickets(1).map((ticket) => ticket.id));
    expect(ApiError.isInstance(error)).toBe(true);
    expect((error as ApiError).message).toBe(
      '@auth/gomus: GET /api/v4/tickets answered page 2 with the items of the previous page; stopped to avoid an endless loop.',
    );
    expect((error as ApiError).status).toBe(200);
    expect((error as ApiError).url).toBe(`${server.url}/api/v4/tickets`);
    expect(String((error as ApiError).stack) + JSON.stringify(error)).not.toContain(token);
  });

  it('(a) stops as well when the server repeats a page under a fresh `meta.page`', async () => {
    const server = await startHostileServer((page, response) =>
      sendJson(response, { tickets: tickets(1), meta: { page, per_page: 100 } }),
    );
    const client = createGomusClient({ baseUrl: server.url, token });

    const { items, error } = await drain(client.paginate('tickets'));

    expect(server.pages).toEqual(['1', '2']);
    expect(items).toHaveLength(100);
    expect(ApiError.isInstance(error)).toBe(true);
  });

  it('(a) stops when the server answers another page than the one asked for, without repeating its items', async () => {
    const server = await startHostileServer((page, response) =>
      sendJson(response, { tickets: tickets(page === 1 ? 1 : 500), meta: { page: 1, total_count: 1_000 } }),
    );
    const client = createGomusClient({ baseUrl: server.url, token });

    const { items, error } = await drain(client.tickets.all());

    expect(server.pages).toEqual(['1', '2']);
    expect(items.map((ticket) => ticket.id)).toEqual(tickets(1).map((ticket) => ticket.id));
    expect((error as ApiError).message).toBe(
      '@auth/gomus: GET /api/v4/tickets answered page 1 when asked for page 2; stopped to avoid an endless loop.',
    );
  });

  it('(b) ignores `meta.per_page: 0` (logged at warn) and ends at total_count with the per_page it asked for', async () => {
    const logger = captureLogger();
    const server = await startHostileServer((page, response) =>
      sendJson(response, {
        tickets: tickets((page - 1) * 100 + 1, page < 3 ? 100 : 30),
        meta: { total_count: 230, page, per_page: 0 },
      }),
    );
    const client = createGomusClient({ baseUrl: server.url, token, logger });

    const { items, error } = await drain(client.tickets.all());

    expect(error).toBeUndefined();
    expect(items).toHaveLength(230);
    expect(server.pages).toEqual(['1', '2', '3']);
    const warnings = logger.records.filter(({ level }) => level === 'warn').map(({ record }) => record);
    expect(warnings).toEqual([
      expect.objectContaining({
        event: 'response.unexpected_type',
        endpoint: 'GET /api/v4/tickets meta',
        field: 'per_page',
        expected: 'positive integer',
      }),
    ]);
    const page = await client.tickets.list();
    expect(page.meta).toEqual({ total_count: 230, page: 1 });
  });

  it('(b) `meta.per_page: 0` without total_count ends at the first short page, or at a repeated one', async () => {
    const short = await startHostileServer((page, response) =>
      sendJson(response, { tickets: tickets(page * 1_000, page === 1 ? 100 : 5), meta: { per_page: 0 } }),
    );
    const first = await drain(createGomusClient({ baseUrl: short.url, token }).tickets.all());
    expect(first.error).toBeUndefined();
    expect(first.items).toHaveLength(105);
    expect(short.pages).toEqual(['1', '2']);

    const repeating = await startHostileServer((_page, response) =>
      sendJson(response, { tickets: tickets(1), meta: { per_page: -1 } }),
    );
    const second = await drain(createGomusClient({ baseUrl: repeating.url, token }).tickets.all());
    expect(ApiError.isInstance(second.error)).toBe(true);
    expect(repeating.pages).toEqual(['1', '2']);
  });

  it('(c) stops at maxPages with an ApiError when the server always claims more pages with fresh ids', async () => {
    const server = await startHostileServer((page, response) =>
      sendJson(response, { tickets: tickets(page * 100), meta: { page, per_page: 100, total_count: 1e9 } }),
    );
    const client = createGomusClient({ baseUrl: server.url, token });

    const { items, error } = await drain(client.tickets.all({ maxPages: 3 }));

    expect(server.pages).toEqual(['1', '2', '3']);
    expect(items).toHaveLength(300);
    expect(ApiError.isInstance(error)).toBe(true);
    expect((error as ApiError).message).toBe(
      '@auth/gomus: GET /api/v4/tickets has more pages than maxPages (3) allows; stopped after page 3. Raise maxPages or narrow the query.',
    );
  });

  it('(c) reading exactly maxPages pages to the last one is not an error', async () => {
    const server = await startHostileServer((page, response) =>
      sendJson(response, { tickets: tickets(page * 100), meta: { page, per_page: 100, total_count: 300 } }),
    );
    const client = createGomusClient({ baseUrl: server.url, token });

    const { items, error } = await drain(client.tickets.all({ maxPages: 3, page: 1 }));

    expect(error).toBeUndefined();
    expect(items).toHaveLength(300);
    expect(server.pages).toEqual(['1', '2', '3']);
  });

  it('(c) refuses a maxPages that is not a positive integer before any request', async () => {
    const server = await startHostileServer((_page, response) => sendJson(response, { tickets: [] }));
    const client = createGomusClient({ baseUrl: server.url, token });
    for (const maxPages of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      const { error } = await drain(client.tickets.all({ maxPages }));
      expect((error as Error).message).toBe('@auth/gomus: maxPages must be a positive integer.');
    }
    expect(server.pages).toEqual([]);
  });

  it('(d) an abort between pages ends the iteration with the signal’s reason and sends no further request', async () => {
    const server = await startHostileServer((page, response) =>
      sendJson(response, { tickets: tickets(page * 100), meta: { page, per_page: 100, total_count: 1e9 } }),
    );
    const client = createGomusClient({ baseUrl: server.url, token });
    const controller = new AbortController();
    const reason = new Error('caller gave up');

    const seen: number[] = [];
    const outcome = (async () => {
      for await (const ticket of client.tickets.all({ signal: controller.signal })) {
        seen.push(ticket.id);
        if (seen.length === 150) controller.abort(reason);
      }
    })();

    await expect(outcome).rejects.toBe(reason);
    expect(seen).toHaveLength(150);
    expect(server.pages).toEqual(['1', '2']);
  });

  it('(d) an abort while a page is in flight rejects with the signal’s reason at once; no request follows', async () => {
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const server = await startHostileServer((page, response) => {
      if (page === 1) sendJson(response, { tickets: tickets(1), meta: { page, per_page: 100, total_count: 1e9 } });
      else controller.abort(reason); // page 2 is never answered: only the abort can end the wait
    });
    const client = createGomusClient({ baseUrl: server.url, token });

    const { items, error } = await drain(client.tickets.all({ signal: controller.signal }));

    expect(error).toBe(reason);
    expect(items).toHaveLength(100);
    expect(server.pages).toEqual(['1', '2']);
  });
});
