import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EmulatorHandle } from '../shared/types.js';
import { gomusTestTokens } from './gomus-test-tokens.js';
import { startGomusEmulator } from './start-gomus-emulator.js';

const unauthorized = { error: 'authentication error; no customer or no user present' };
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const user = bearer(gomusTestTokens.user);
const reseller = bearer(gomusTestTokens.reseller);

type Ticket = Record<string, unknown> & { id: number; museum_id: number };
type TicketPage = { tickets: Ticket[]; meta: { total_count: number; page: number; per_page: number } };

describe('startGomusEmulator', () => {
  let emulator: EmulatorHandle;
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${emulator.url}/api/v4/${path}`, { headers });
    return { status: response.status, body: (await response.json()) as unknown };
  };
  const send = async (method: string, path: string, body: unknown, headers: Record<string, string> = user) => {
    const response = await fetch(`${emulator.url}/api/v4/${path}`, {
      method,
      headers: { ...headers, 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  // Rate limits have their own emulators below; this one must not throttle the reseller while listing.
  beforeAll(async () => {
    emulator = await startGomusEmulator({ resellerRateLimit: false });
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.reset());

  describe('whoami and tokens', () => {
    it('tells each token what it is', async () => {
      expect(await get('whoami', user)).toEqual({ status: 200, body: { access: 'user', museums: [] } });
      expect(await get('whoami', reseller)).toEqual({ status: 200, body: { access: 'reseller', museums: [1, 2] } });
      expect(await get('whoami')).toEqual({ status: 200, body: { access: 'public' } });
    });

    it('answers an unknown token, another scheme or an empty bearer with the documented 401', async () => {
      for (const authorization of ['Bearer nope', `Basic ${gomusTestTokens.user}`, 'Bearer ']) {
        expect(await get('whoami', { authorization })).toEqual({ status: 401, body: unauthorized });
      }
      expect(emulator.counters.unauthorized).toBe(3);
    });

    it('supports custom tokens, cashpoint and customer access', async () => {
      const custom = await startGomusEmulator({
        tokens: { 'cash-1': { access: 'cashpoint', museums: [3] }, 'customer-1': { access: 'customer' } },
      });
      try {
        const whoami = (token: string) =>
          fetch(`${custom.url}/api/v4/whoami`, { headers: bearer(token) }).then((response) => response.json());
        expect(await whoami('cash-1')).toEqual({ access: 'cashpoint', museums: [3] });
        expect(await whoami('customer-1')).toEqual({ access: 'customer' });
        expect((await fetch(`${custom.url}/api/v4/whoami`, { headers: user })).status).toBe(401);
      } finally {
        await custom.close();
      }
    });
  });

  describe('expiry and revocation', () => {
    let own: EmulatorHandle;
    afterEach(() => own.close());

    it('expireAllTokens() turns every token into a 401', async () => {
      own = await startGomusEmulator();
      own.expireAllTokens();
      const response = await fetch(`${own.url}/api/v4/whoami`, { headers: user });
      expect([response.status, await response.json()]).toEqual([401, unauthorized]);
      expect((await fetch(`${own.url}/api/v4/whoami`)).status).toBe(200); // public access stays
    });

    it('revoke() invalidates one token only', async () => {
      own = await startGomusEmulator();
      own.revoke(gomusTestTokens.reseller);
      expect((await fetch(`${own.url}/api/v4/whoami`, { headers: reseller })).status).toBe(401);
      expect((await fetch(`${own.url}/api/v4/whoami`, { headers: user })).status).toBe(200);
    });

    it('tokenLifetimeSeconds makes the static tokens expire after that long', async () => {
      own = await startGomusEmulator({ tokenLifetimeSeconds: 0.05 });
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect((await fetch(`${own.url}/api/v4/whoami`, { headers: user })).status).toBe(401);
    });
  });

  describe('context-aware lists', () => {
    it('gives public, user and reseller three different answers on /tickets', async () => {
      const publicPage = (await get('tickets')).body as TicketPage;
      const userPage = (await get('tickets', user)).body as TicketPage;
      const resellerPage = (await get('tickets', reseller)).body as TicketPage;
      expect([publicPage.meta.total_count, userPage.meta.total_count, resellerPage.meta.total_count]).toEqual([
        173, 230, 29,
      ]);
      expect(Object.keys(publicPage.tickets[0] ?? {}).sort()).toEqual(
        ['capacity_hint', 'currency', 'description', 'id', 'museum_id', 'price_cents', 'ticket_type', 'title'].sort(),
      );
      // The user sees backend fields; everyone sees capacity_hint, a field clients do not know.
      expect(userPage.tickets[0]).toMatchObject({
        internal_note: expect.any(String),
        reseller_ids: [1],
        is_public: true,
      });
      expect(userPage.tickets[0]).toHaveProperty('capacity_hint');
      expect(resellerPage.tickets[0]).toHaveProperty('reseller_price_cents');
      expect(resellerPage.tickets[0]).not.toHaveProperty('internal_note');
    });

    it('shows a reseller only the tickets cleared for it, in its museums', async () => {
      const all = ((await get('tickets?per_page=100&page=1', user)).body as TicketPage).tickets;
      for (const page of [2, 3])
        all.push(...((await get(`tickets?per_page=100&page=${page}`, user)).body as TicketPage).tickets);
      const expected = all
        .filter((ticket) => (ticket.reseller_ids as number[]).includes(1) && [1, 2].includes(ticket.museum_id))
        .map((ticket) => ticket.id);
      const seen = ((await get('tickets?per_page=100', reseller)).body as TicketPage).tickets.map(
        (ticket) => ticket.id,
      );
      expect(seen).toEqual(expected);
    });

    it('paginates with page/per_page and reports meta beside the array', async () => {
      expect((await get('tickets', user)).body).toMatchObject({ meta: { total_count: 230, page: 1, per_page: 25 } });
      const page = (await get('tickets?page=3&per_page=10', user)).body as TicketPage;
      expect(page.meta).toEqual({ total_count: 230, page: 3, per_page: 10 });
      expect(page.tickets.map((ticket) => ticket.id)).toEqual([21, 22, 23, 24, 25, 26, 27, 28, 29, 30]);
      const last = (await get('tickets?page=3&per_page=100', user)).body as TicketPage;
      expect(last.tickets).toHaveLength(30);
      expect(((await get('tickets?page=99', user)).body as TicketPage).tickets).toEqual([]);
    });

    it('caps per_page at 100 with a token and 25 without', async () => {
      expect(((await get('tickets?per_page=500', user)).body as TicketPage).meta.per_page).toBe(100);
      const publicPage = (await get('tickets?per_page=100')).body as TicketPage;
      expect([publicPage.meta.per_page, publicPage.tickets.length]).toEqual([25, 25]);
    });

    it('scopes /museums by context too', async () => {
      const ids = async (headers?: Record<string, string>) =>
        ((await get('museums', headers)).body as { museums: { id: number }[] }).museums.map((museum) => museum.id);
      expect(await ids(user)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(await ids()).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(await ids(reseller)).toEqual([1, 2]);
      expect((await get('museums', user)).body).toMatchObject({ meta: { total_count: 8, page: 1, per_page: 25 } });
    });

    it('shows one item, and 404 for one outside the context', async () => {
      expect(await get('tickets/4', user)).toMatchObject({ status: 200, body: { ticket: { id: 4 } } });
      expect(await get('tickets/4')).toEqual({ status: 404, body: { error: 'not found' } });
      expect(await get('museums/8', reseller)).toEqual({ status: 404, body: { error: 'not found' } });
      expect(await get('nothing-here', user)).toEqual({ status: 404, body: { error: 'not found' } });
    });
  });

  describe('customers and foreign_id', () => {
    const max = { name: 'Max', surname: 'Mustermann', email: 'max@example.com' };

    it('creates a customer from the flat body of the seed, then finds it by id and by foreign_id', async () => {
      const created = await send('POST', 'customers', { ...max, foreign_id: 'crm-customer-9f8a7b6c5d4e3f21' });
      expect(created.status).toBe(201);
      const customer = created.body.customer as { id: number; foreign_id: string };
      expect(customer).toMatchObject({ ...max, id: expect.any(Number), foreign_id: 'crm-customer-9f8a7b6c5d4e3f21' });
      expect(await get(`customers/${customer.id}`, user)).toEqual({ status: 200, body: { customer } });
      expect(await get('customers/crm-customer-9f8a7b6c5d4e3f21', reseller)).toEqual({
        status: 200,
        body: { customer },
      });
    });

    it('accepts the {"customer": {...}} shape too', async () => {
      const created = await send('POST', 'customers', { customer: { ...max, foreign_id: 'wrapped-1' } }, reseller);
      expect(created).toMatchObject({ status: 201, body: { customer: { name: 'Max', foreign_id: 'wrapped-1' } } });
    });

    it('updates by foreign_id with PUT /customers, and 404s an unknown one', async () => {
      await send('POST', 'customers', { ...max, foreign_id: 'update-me' });
      const updated = await send('PUT', 'customers', { foreign_id: 'update-me', phone: '+49 30 1234567' });
      expect(updated).toMatchObject({
        status: 200,
        body: { customer: { foreign_id: 'update-me', phone: '+49 30 1234567', email: 'max@example.com' } },
      });
      expect(await get('customers/update-me', user)).toMatchObject({ body: { customer: { phone: '+49 30 1234567' } } });
      expect(await send('PUT', 'customers', { foreign_id: 'nobody', phone: '1' })).toEqual({
        status: 404,
        body: { error: 'not found' },
      });
      expect(await get('customers/999999', user)).toEqual({ status: 404, body: { error: 'not found' } });
    });

    it('rejects invalid input with 422 and Rails-style messages', async () => {
      expect(await send('POST', 'customers', { surname: 'Nobody' })).toEqual({
        status: 422,
        body: { error: 'customer could not be saved', errors: ["Name can't be blank", "Email can't be blank"] },
      });
      expect(await send('POST', 'customers', { name: 'Max', email: 'not-an-email' })).toEqual({
        status: 422,
        body: { error: 'customer could not be saved', errors: ['Email is invalid'] },
      });
      await send('POST', 'customers', { ...max, foreign_id: 'taken' });
      expect(await send('POST', 'customers', { ...max, foreign_id: 'taken' })).toEqual({
        status: 422,
        body: { error: 'customer could not be saved', errors: ['Foreign has already been taken'] },
      });
      expect(await send('PUT', 'customers', { foreign_id: 'taken', email: '' })).toMatchObject({ status: 422 });
      expect(await send('POST', 'customers', '{"name":')).toMatchObject({ status: 400 });
    });

    it('needs a user or reseller token', async () => {
      expect(await send('POST', 'customers', max, {})).toEqual({ status: 401, body: unauthorized });
    });
  });

  describe('reseller rate limit', () => {
    let own: EmulatorHandle;
    afterEach(() => own.close());

    it('answers 429 with Retry-After in whole seconds past the limit, for reseller tokens only', async () => {
      own = await startGomusEmulator({ resellerRateLimit: { requests: 2, windowMs: 60_000 } });
      const whoami = (headers: Record<string, string>) => fetch(`${own.url}/api/v4/whoami`, { headers });
      expect((await whoami(reseller)).status).toBe(200);
      expect((await whoami(reseller)).status).toBe(200);
      const limited = await whoami(reseller);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(59);
      expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
      expect(await limited.json()).toEqual({ error: 'rate limit exceeded' });
      for (let index = 0; index < 3; index += 1) expect((await whoami(user)).status).toBe(200);
      expect(own.counters.rateLimited).toBe(1);
    });

    it('limits 10 requests a second by default, and opens a new window when the old one is over', async () => {
      // The window is counted on a clock the test moves: no request has to land inside a real 1 s (or 30 ms) window.
      let nowMs = 0;
      const clock = { now: () => nowMs };
      own = await startGomusEmulator({ rateLimitClock: clock }); // the default limit: 10 requests a second
      const whoami = () => fetch(`${own.url}/api/v4/whoami`, { headers: reseller });
      const statuses = [];
      for (let index = 0; index < 11; index += 1) statuses.push((await whoami()).status);
      expect(statuses.filter((status) => status === 429)).toHaveLength(1);
      expect(statuses.at(-1)).toBe(429);

      nowMs = 999; // still the first window
      const limited = await whoami();
      expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '1']);
      nowMs = 1000; // the window is over: a new one opens
      expect((await whoami()).status).toBe(200);
    });
  });
});
