// What the go~mus vendor documentation adds to the seed (PROVIDERS.md, "Beyond the seeds"): locales, GET /version,
// order documents with the order token in the query, maintenance 503, 405, customers by path and all-digit foreign_ids.
import { ApiError, ConfigError, CredentialsError } from '@auth/core';
import { captureLogger, findLeakedSecrets, gomusTestTokens, startGomusEmulator } from '@auth/testing';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createForeignId } from './create-foreign-id.js';
import { createGomusClient } from './create-gomus-client.js';
import type { GomusClientOptions } from './gomus-client-options.js';
import { failureCollector } from './test-support/failure-collector.js';

type Emulator = Awaited<ReturnType<typeof startGomusEmulator>>;

const logger = captureLogger();
const errors: unknown[] = [];
const orderTokens = new Set<string>();
const emulators: Emulator[] = [];
const failure = failureCollector(errors);

afterEach(async () => {
  await Promise.all(emulators.splice(0).map((emulator) => emulator.close()));
});
afterAll(() => {
  expect(errors.length).toBeGreaterThan(4);
  expect(findLeakedSecrets([...orderTokens, gomusTestTokens.user], logger.records, errors)).toEqual([]);
});

async function start() {
  const emulator = await startGomusEmulator({ resellerRateLimit: false });
  emulators.push(emulator);
  for (const order of emulator.orders) orderTokens.add(order.token);
  return emulator;
}

const clientFor = (emulator: Emulator, options: GomusClientOptions = {}) =>
  createGomusClient({ baseUrl: emulator.url, token: gomusTestTokens.user, logger, ...options });

const typeWarnings = () => logger.records.filter(({ record }) => record.event === 'response.unexpected_type');

describe('locales', () => {
  it('reads translatable fields as strings or as { de, en } objects, without a type warning', async () => {
    const emulator = await start();
    const gomus = clientFor(emulator);
    const warningsBefore = typeWarnings().length;

    const german = await gomus.museums.get(1, { locale: 'de' });
    const both = await gomus.tickets.list({ perPage: 2, locale: ['de', 'en'] });
    const museums = [];
    for await (const museum of gomus.paginate<{ title: unknown }>('museums', { perPage: 3, locale: ['en', 'de'] })) {
      museums.push(museum);
    }
    const english = await gomus.tickets.get(1);

    expect(german.title).toBe('Stadtmuseum');
    expect(both.items[0]).toMatchObject({
      title: { de: 'Zeitfenster-Ticket – Stadtmuseum', en: 'Timed entry – City Museum' },
      description: { de: 'Zeitfenster-Ticket, Ticket Nummer 1.', en: 'Timed entry ticket number 1.' },
    });
    expect(museums).toHaveLength(8);
    expect(museums[0]?.title).toEqual({ en: 'City Museum', de: 'Stadtmuseum' });
    expect(english.title).toBe('Timed entry – City Museum');
    expect(typeWarnings()).toHaveLength(warningsBefore);

    expect(emulator.requests.map((request) => request.path)).toContain('/api/v4/museums/1');
    const logged = logger.records
      .map(({ record }) => record.endpoint)
      .filter((endpoint) => typeof endpoint === 'string');
    expect(logged).toContain(`${emulator.url}/api/v4/museums/1?locale=de`);
    expect(logged).toContain(`${emulator.url}/api/v4/tickets?page=1&per_page=2&locale%5B%5D=de&locale%5B%5D=en`);
  });

  it('refuses a locale that is not a locale code, before any request', async () => {
    const emulator = await start();
    const gomus = clientFor(emulator);
    for (const locale of ['', 'de&x=1', [] as string[], ['de', 'e n']]) {
      const error = await failure(gomus.tickets.list({ locale }));
      expect(ConfigError.isInstance(error)).toBe(true);
      expect((error as ConfigError).option).toBe('locale');
    }
    expect(emulator.requests).toHaveLength(0);
  });
});

describe('GET /version', () => {
  it('answers without a token, even from a client that has one', async () => {
    const emulator = await start();
    const version = await clientFor(emulator).version();
    expect(version).toMatchObject({ api: '4.4', currency: 'EUR', per_page: 25, system: expect.any(String) });
    expect(emulator.requests[0]?.path).toBe('/api/v4/version');
    expect(emulator.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('is an ApiError on a host that does not answer like go~mus', async () => {
    const emulator = await start();
    emulator.injectFault({ match: { path: '/api/v4/version' }, kind: 'status', status: 200, body: { hello: 'world' } });
    const wrongShape = await failure(clientFor(emulator).version());
    expect(ApiError.isInstance(wrongShape)).toBe(true);
    expect(wrongShape.message).toContain('without a usable version record');
    emulator.injectFault({ match: { path: '/api/v4/version' }, kind: 'html', status: 404 });
    const notFound = await failure(clientFor(emulator).version());
    expect((notFound as ApiError).status).toBe(404);
  });
});

describe('order documents', () => {
  it('are fetched with the order token in the query and no Authorization; the token never shows', async () => {
    const emulator = await start();
    const gomus = clientFor(emulator);
    const [order] = emulator.orders;
    const { id, token } = order!;

    const invoice = await gomus.orderDocument(`orders/${id}/invoice.pdf`, token);
    expect(invoice.headers.get('content-type')).toBe('application/pdf');
    expect(await invoice.text()).toMatch(/^%PDF-/);
    const sale = order!.items[0]!.attributes.id;
    expect((await gomus.orderDocument(`/orders/${id}/tickets/${sale}.pdf`, token)).status).toBe(200);
    expect(emulator.requests.map((request) => [request.query.token, request.headers.authorization])).toEqual([
      [token, undefined],
      [token, undefined],
    ]);
    const endpoints = logger.records.map(({ record }) => String(record.endpoint));
    expect(endpoints).toContain(`${emulator.url}/api/v4/orders/${id}/invoice.pdf?token=[REDACTED]`);

    const wrong = 'wrong-order-token-7c1d';
    orderTokens.add(wrong);
    const rejected = await failure(gomus.orderDocument(`orders/${id}/invoice.pdf`, wrong));
    expect(CredentialsError.isInstance(rejected)).toBe(true);
    expect(rejected).toMatchObject({ status: 401, reason: 'invalid_order_token' });
    expect(rejected.message).toContain('token=[REDACTED]');
  });

  it('scrubs an order token a server echoes, through orderDocument and through api alike', async () => {
    const emulator = await start();
    const gomus = clientFor(emulator);
    const [order] = emulator.orders;
    const echo = { error: `no document for token ${order!.token}` };
    const path = `/api/v4/orders/${order!.id}`;
    emulator.injectFault({ match: { path }, kind: 'status', status: 404, body: echo, times: 2 });

    const viaHelper = await failure(gomus.orderDocument(`orders/${order!.id}/missing.pdf`, order!.token));
    const viaApi = await failure(
      gomus.api.get(`orders/${order!.id}/missing.pdf`, { searchParams: { token: order!.token } }),
    );
    for (const error of [viaHelper, viaApi]) {
      expect((error as ApiError).status).toBe(404);
      expect((error as ApiError).data).toEqual({ error: 'no document for token [REDACTED]' });
    }
  });

  it('refuses to show the token query parameter in logs, and an empty order token', async () => {
    const emulator = await start();
    expect(() => clientFor(emulator, { visibleQueryParameters: ['token'] })).toThrow(
      /visibleQueryParameters may not show 'token'/,
    );
    const error = await failure(clientFor(emulator).orderDocument('orders/1/invoice.pdf', ' '));
    expect((error as ConfigError).option).toBe('orderToken');
    expect(emulator.requests).toHaveLength(0);
  });
});

describe('statuses the vendor documents', () => {
  it('retries a 503 "offline for maintenance" no sooner than its Retry-After', async () => {
    const emulator = await start();
    emulator.setMaintenance({ retryAfterSeconds: 1 });
    // The first answer is logged before the client waits: maintenance ends then, so the retry finds the instance up.
    const ending = {
      ...logger,
      info: logger.info,
      warn(record: object, message?: string) {
        logger.warn(record, message);
        if ((record as { status?: number }).status === 503) emulator.setMaintenance(false);
      },
    };
    const museums = await clientFor(emulator, { logger: ending }).museums.list();
    expect(museums.items.length).toBeGreaterThan(0);
    const [first, second] = emulator.requests.map((request) => request.receivedAt);
    expect(emulator.requests).toHaveLength(2);
    expect(second! - first!).toBeGreaterThanOrEqual(1000 - 2);
  });

  it('fails a 405 (wrong method) at once, without retrying', async () => {
    const emulator = await start();
    const error = await failure(clientFor(emulator).api.delete('tickets'));
    expect(error).toMatchObject({ status: 405, method: 'DELETE', data: { error: 'method not allowed' } });
    expect(emulator.requests).toHaveLength(1);
  });
});

describe('customers by path and all-digit foreign_ids', () => {
  it("updates with PUT /customers/:foreign_id and a wrapped body when customerUpdateRequest is 'by-id'", async () => {
    const emulator = await start();
    const gomus = clientFor(emulator, { customerUpdateRequest: 'by-id' });
    const foreignId = createForeignId({ prefix: 'crm-' });
    await gomus.customers.create({ name: 'Max', email: 'max@example.com', foreign_id: foreignId });
    const updated = await gomus.customers.updateByForeignId(foreignId, { phone: '+49 30 1234567' });
    expect(updated).toMatchObject({ foreign_id: foreignId, phone: '+49 30 1234567' });
    expect(emulator.requests.at(-1)).toMatchObject({
      method: 'PUT',
      path: `/api/v4/customers/${foreignId}`,
      body: { customer: { phone: '+49 30 1234567', foreign_id: foreignId } },
    });
    expect(() => clientFor(emulator, { customerUpdateRequest: 'wrapped' as 'by-id' })).toThrow(
      /customerUpdateRequest must be 'flat' or 'by-id'/,
    );
    // The other new options are checked at construction too.
    expect(() => clientFor(emulator, { store: { get: async () => undefined } as never })).toThrow(/store must be/);
    expect(() => clientFor(emulator, { clock: Date.now as never })).toThrow(/clock must be/);
  });

  it('refuses an all-digit foreign_id with a ConfigError that says why, sending nothing', async () => {
    const emulator = await start();
    const gomus = clientFor(emulator);
    const created = await failure(
      gomus.customers.create({ name: 'Eve', email: 'eve@example.com', foreign_id: '1042' }),
    );
    const updated = await failure(gomus.customers.updateByForeignId('  1042 ', { phone: '1' }));
    for (const error of [created, updated]) {
      expect(ConfigError.isInstance(error)).toBe(true);
      expect(error.message).toContain('must not be made of digits only');
      expect(error.message).toContain('numeric id first');
    }
    expect(emulator.requests).toHaveLength(0);
    // createForeignId never makes one: a UUID always has letters or hyphens, whatever the prefix.
    for (let index = 0; index < 200; index += 1) expect(createForeignId({ prefix: '123' })).not.toMatch(/^\d+$/);
  });
});
