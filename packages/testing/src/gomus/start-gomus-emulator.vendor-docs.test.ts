// What the go~mus vendor documentation adds to the seed (PROVIDERS.md, "Beyond the seeds"), as the emulator serves it.
import { afterEach, describe, expect, it } from 'vitest';
import { defaultShopCustomer } from './gomus-shop-sessions.js';
import { gomusTestTokens } from './gomus-test-tokens.js';
import { type GomusEmulatorHandle, type GomusEmulatorOptions, startGomusEmulator } from './start-gomus-emulator.js';

const user = { authorization: `Bearer ${gomusTestTokens.user}` };
const unauthorized = { error: 'authentication error; no customer or no user present' };
const shop = { 'x-shop-url': 'shop.example.com' };
const sessionHeaderNames = ['access-token', 'token-type', 'client', 'uid'] as const;

const emulators: GomusEmulatorHandle[] = [];
afterEach(async () => {
  await Promise.all(emulators.splice(0).map((emulator) => emulator.close()));
});

async function start(options: GomusEmulatorOptions = {}) {
  const emulator = await startGomusEmulator(options);
  emulators.push(emulator);
  return emulator;
}

async function call(
  emulator: GomusEmulatorHandle,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: unknown,
) {
  const response = await fetch(`${emulator.url}/api/v4/${path}`, {
    method,
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
}

/** The four headers a customer's later requests send back, from an answer's headers. */
const sessionHeaders = (headers: Headers) =>
  Object.fromEntries(sessionHeaderNames.map((name) => [name, headers.get(name) ?? ''])) as Record<string, string>;

async function signIn(emulator: GomusEmulatorHandle): Promise<Record<string, string>> {
  const answer = await call(emulator, 'POST', 'auth/sign_in?locale=de', shop, {
    email: defaultShopCustomer.email,
    password: defaultShopCustomer.password,
  });
  expect(answer.status).toBe(200);
  return { ...sessionHeaders(answer.headers), ...shop };
}

describe('shop customer sessions (devise_token_auth headers)', () => {
  it('signs in with X-Shop-Url and JSON, answering the customer and the four headers plus expiry', async () => {
    const emulator = await start();
    const before = Math.floor(Date.now() / 1000);
    const answer = await call(emulator, 'POST', 'auth/sign_in?locale=de', shop, {
      email: defaultShopCustomer.email,
      password: defaultShopCustomer.password,
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      data: {
        id: expect.any(Number),
        email: defaultShopCustomer.email,
        name: 'Erika',
        surname: 'Musterfrau',
        newsletter_groups: '',
      },
    });
    expect(sessionHeaders(answer.headers)).toEqual({
      'access-token': emulator.latestCustomerToken(defaultShopCustomer.email),
      'token-type': 'Bearer',
      client: expect.stringMatching(/^[\w-]{20,}$/),
      uid: defaultShopCustomer.email,
    });
    expect(Number(answer.headers.get('expiry'))).toBeGreaterThanOrEqual(before + 1_209_600);
  });

  it('refuses a wrong password (401), a missing X-Shop-Url (400) and another shop than the customer’s (401)', async () => {
    const emulator = await start({
      shopCustomers: [{ email: 'max@example.com', password: 'right', shopUrl: 'shop.museum.example' }],
    });
    const attempt = (headers: Record<string, string>, password: string) =>
      call(emulator, 'POST', 'auth/sign_in', headers, { email: 'max@example.com', password });
    expect(await attempt({ 'x-shop-url': 'shop.museum.example' }, 'wrong')).toMatchObject({
      status: 401,
      body: { success: false, errors: ['Invalid login credentials. Please try again.'] },
    });
    expect((await attempt({}, 'right')).status).toBe(400);
    expect((await attempt({ 'x-shop-url': 'another.example' }, 'right')).status).toBe(401);
    expect((await attempt({ 'x-shop-url': 'shop.museum.example' }, 'right')).status).toBe(200);
  });

  it('authenticates later requests by the headers: whoami says customer, PUT /auth updates, same headers back', async () => {
    const emulator = await start();
    const session = await signIn(emulator);
    const whoami = await call(emulator, 'GET', 'whoami', session);
    expect(whoami).toMatchObject({ status: 200, body: { access: 'customer' } });
    // Without rotation every answer repeats the session's headers.
    expect(sessionHeaders(whoami.headers)).toEqual(sessionHeaders(new Headers(session)));

    const updated = await call(emulator, 'PUT', 'auth', session, { newsletter_groups: '1,8' });
    expect(updated).toMatchObject({ status: 200, body: { status: 'success', data: { newsletter_groups: '1,8' } } });
    expect((await call(emulator, 'PUT', 'auth', {}, { newsletter_groups: '2' })).status).toBe(401);

    const { 'x-shop-url': _shop, ...withoutShop } = session;
    expect(await call(emulator, 'GET', 'whoami', withoutShop)).toMatchObject({ status: 401, body: unauthorized });
    expect((await call(emulator, 'GET', 'whoami', { ...session, 'access-token': 'forged' })).status).toBe(401);
    expect((await call(emulator, 'GET', 'whoami', { ...session, uid: 'someone@example.com' })).status).toBe(401);
  });

  it('rotates the access-token per answer when asked, accepting the replaced one only within the batch window', async () => {
    let nowMs = 0;
    const emulator = await start({
      customerSessions: { rotate: true, batchWindowMs: 1000, clock: { now: () => nowMs } },
    });
    const session = await signIn(emulator);
    const first = session['access-token'];

    // The first request after sign-in rotates.
    const rotated = await call(emulator, 'GET', 'whoami', session);
    const second = rotated.headers.get('access-token');
    expect(second).not.toBe(first);
    expect(second).toBe(emulator.latestCustomerToken(defaultShopCustomer.email));
    expect(Number(rotated.headers.get('expiry'))).toBeGreaterThan(0);

    // A request in the batch window, even with the replaced token, is accepted and answered with blank headers.
    nowMs = 500;
    const batch = await call(emulator, 'GET', 'whoami', session);
    expect(batch.status).toBe(200);
    expect([batch.headers.get('access-token'), batch.headers.get('expiry')]).toEqual(['', '']);

    // After the window the replaced token is dead; the newest one rotates again.
    nowMs = 1500;
    expect((await call(emulator, 'GET', 'whoami', session)).status).toBe(401);
    const third = await call(emulator, 'GET', 'whoami', { ...session, 'access-token': second! });
    expect(third.status).toBe(200);
    expect(third.headers.get('access-token')).toBe(emulator.latestCustomerToken(defaultShopCustomer.email));
    expect(third.headers.get('access-token')).not.toBe(second);
  });

  it('signs out with DELETE /auth/sign_out; expireAllTokens() and revoke() end sessions too', async () => {
    const emulator = await start();
    const session = await signIn(emulator);
    expect(await call(emulator, 'DELETE', 'auth/sign_out', session)).toMatchObject({
      status: 200,
      body: { success: true },
    });
    expect((await call(emulator, 'GET', 'whoami', session)).status).toBe(401);

    const expiring = await signIn(emulator);
    emulator.expireAllTokens();
    expect((await call(emulator, 'GET', 'whoami', expiring)).status).toBe(401);

    const revoked = await signIn(emulator);
    emulator.revoke(revoked['access-token']!);
    expect((await call(emulator, 'GET', 'whoami', revoked)).status).toBe(401);
  });
});

describe('locales', () => {
  it('answers locale=de in German, locale[]=de&locale[]=en as objects when authenticated, strings otherwise', async () => {
    const emulator = await start();
    const english = await call(emulator, 'GET', 'museums/1', user);
    const german = await call(emulator, 'GET', 'museums/1?locale=de', user);
    const both = await call(emulator, 'GET', 'museums/1?locale[]=de&locale[]=en', user);
    const publicBoth = await call(emulator, 'GET', 'museums/1?locale[]=de&locale[]=en');
    expect(english.body.museum.title).toBe('City Museum');
    expect(german.body.museum.title).toBe('Stadtmuseum');
    expect(both.body.museum.title).toEqual({ de: 'Stadtmuseum', en: 'City Museum' });
    expect(publicBoth.body.museum.title).toBe('Stadtmuseum');

    const tickets = await call(emulator, 'GET', 'tickets?per_page=2&locale[]=de&locale[]=en&locale[]=fr', user);
    expect(tickets.body.tickets[0]).toMatchObject({
      title: { de: 'Zeitfenster-Ticket – Stadtmuseum', en: 'Timed entry – City Museum', fr: null },
      description: { de: 'Zeitfenster-Ticket, Ticket Nummer 1.', en: 'Timed entry ticket number 1.', fr: null },
    });
    // A customer session is authenticated too.
    const session = await signIn(emulator);
    const customerView = await call(emulator, 'GET', 'museums/1?locale[]=en&locale[]=de', session);
    expect(customerView.body.museum.title).toEqual({ en: 'City Museum', de: 'Stadtmuseum' });
  });
});

describe('version, statuses and order documents', () => {
  it('answers GET /version without a token', async () => {
    const emulator = await start();
    expect(await call(emulator, 'GET', 'version')).toMatchObject({
      status: 200,
      body: { version: { api: '4.4', system: expect.any(String), currency: 'EUR', per_page: 25 } },
    });
  });

  it('answers a wrong method on a known resource with 405, an unknown resource with 404', async () => {
    const emulator = await start();
    for (const [method, path] of [
      ['DELETE', 'tickets'],
      ['POST', 'whoami'],
      ['PUT', 'version'],
      ['GET', 'auth/sign_in'],
      ['DELETE', 'customers'],
    ] as const) {
      expect(await call(emulator, method, path, user), `${method} ${path}`).toMatchObject({
        status: 405,
        body: { error: 'method not allowed' },
      });
    }
    expect((await call(emulator, 'DELETE', 'nothing-here', user)).status).toBe(404);
  });

  it('is offline for maintenance (503, Retry-After when given) until told otherwise or reset', async () => {
    const emulator = await start();
    emulator.setMaintenance({ retryAfterSeconds: 7 });
    const offline = await call(emulator, 'GET', 'version');
    expect(offline).toMatchObject({ status: 503, body: { error: 'go~mus is temporarily offline for maintenance' } });
    expect(offline.headers.get('retry-after')).toBe('7');
    emulator.setMaintenance({});
    expect((await call(emulator, 'GET', 'whoami', user)).headers.has('retry-after')).toBe(false);
    emulator.setMaintenance(false);
    expect((await call(emulator, 'GET', 'whoami', user)).status).toBe(200);
    emulator.setMaintenance({});
    emulator.reset();
    expect((await call(emulator, 'GET', 'whoami', user)).status).toBe(200);
  });

  it('serves order documents to the order token in the query, with no Authorization', async () => {
    const emulator = await start();
    const [order] = emulator.orders;
    const shown = await call(emulator, 'GET', `orders/${order!.id}`, user);
    expect(shown.body.order).toMatchObject({ id: order!.id, token: order!.token, invoice: true });
    const invoice = await fetch(`${emulator.url}/api/v4/orders/${order!.id}/invoice.pdf?token=${order!.token}`);
    expect([invoice.status, invoice.headers.get('content-type')]).toEqual([200, 'application/pdf']);
    expect(await invoice.text()).toMatch(/^%PDF-/);
    const sale = order!.items[0]!.attributes.id;
    expect(
      (await fetch(`${emulator.url}/api/v4/orders/${order!.id}/tickets/${sale}.pdf?token=${order!.token}`)).status,
    ).toBe(200);
    expect((await fetch(`${emulator.url}/api/v4/orders/${order!.id}/invoice.pdf?token=wrong`)).status).toBe(401);
    expect((await fetch(`${emulator.url}/api/v4/orders/${order!.id}/invoice.pdf`)).status).toBe(401);
    expect((await fetch(`${emulator.url}/api/v4/orders/${order!.id}/missing.pdf?token=${order!.token}`)).status).toBe(
      404,
    );
    expect((await call(emulator, 'GET', `orders/${order!.id}`)).status).toBe(401);
  });
});

describe('customers by path', () => {
  it('updates with PUT /customers/:id and a wrapped body, trying the numeric id before the foreign_id', async () => {
    const emulator = await start();
    const create = (fields: Record<string, unknown>) => call(emulator, 'POST', 'customers', user, fields);
    const first = (await create({ name: 'Max', email: 'max@example.com', foreign_id: 'crm-1' })).body.customer;
    const updated = await call(emulator, 'PUT', 'customers/crm-1', user, { customer: { phone: '+49 30 1' } });
    expect(updated).toMatchObject({ status: 200, body: { customer: { id: first.id, phone: '+49 30 1' } } });

    // An all-digit foreign_id that equals another customer's id addresses that other customer.
    const second = (await create({ name: 'Eve', email: 'eve@example.com', foreign_id: String(first.id) })).body
      .customer;
    const byDigits = await call(emulator, 'GET', `customers/${first.id}`, user);
    expect(byDigits.body.customer.id).toBe(first.id);
    expect(byDigits.body.customer.id).not.toBe(second.id);
  });
});
