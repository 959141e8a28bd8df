import { createEmulatorClock } from '../shared/create-emulator-clock.js';
import { createFixedWindowRateLimiter } from '../shared/create-fixed-window-rate-limiter.js';
import { createTextCache } from '../shared/create-text-cache.js';
import { createTokenRegistry } from '../shared/create-token-registry.js';
import type { EmulatorExchange } from '../shared/emulator-exchange.js';
import { parseBearerToken } from '../shared/parse-bearer-token.js';
import { readIntegerParameter } from '../shared/read-integer-parameter.js';
import { startEmulatorServer } from '../shared/start-emulator-server.js';
import type { EmulatorHandle, EmulatorOptions, RateLimit } from '../shared/types.js';
import { createGomusCustomerStore, type GomusCustomer } from './create-gomus-customer-store.js';
import { createGomusViews, type GomusView } from './gomus-catalogue.js';
import { defaultGomusTokens, type GomusEmulatorToken } from './gomus-emulator-token.js';
import { type LocaleRequest, localeKey, localize, readLocaleRequest } from './gomus-locales.js';
import { createGomusOrders, type GomusEmulatorOrder } from './gomus-orders.js';
import {
  createGomusShopSessions,
  defaultShopCustomer,
  type GomusCustomerSessionOptions,
  type GomusEmulatorShopCustomer,
  type SessionCheck,
} from './gomus-shop-sessions.js';

export interface GomusEmulatorOptions extends EmulatorOptions {
  /**
   * The static tokens the instance knows, by token value. No token means public access.
   * @default `gomusTestTokens.user` (user, every museum) and `gomusTestTokens.reseller` (reseller 1, museums 1 and 2)
   */
  tokens?: Record<string, GomusEmulatorToken>;
  /** Fixed-window rate limit of each reseller token; `false` turns it off. @default { requests: 10, windowMs: 1000 } */
  resellerRateLimit?: RateLimit | false;
  /**
   * go~mus tokens are static API keys that do not expire by themselves; with this option every configured token expires
   * that many seconds after the emulator starts. @default Infinity (never)
   */
  tokenLifetimeSeconds?: number;
  /**
   * Shop customers who may sign in (`POST /api/v4/auth/sign_in`).
   * @default one: `erika.musterfrau@example.com`, password `gomus-test-customer-password`, any shop URL
   */
  shopCustomers?: GomusEmulatorShopCustomer[];
  /** How customer sessions behave: rotation per response, batch window, lifetime. @default no rotation */
  customerSessions?: GomusCustomerSessionOptions;
}

/** A running go~mus emulator. */
export interface GomusEmulatorHandle extends EmulatorHandle {
  /**
   * Answers every request with 503 "temporarily offline for maintenance" (with `Retry-After` when given) until called
   * with `false`. `reset()` ends it too.
   */
  setMaintenance(maintenance: false | { retryAfterSeconds?: number }): void;
  /** The newest `access-token` issued to a shop customer's sessions (sign-in or rotation). */
  latestCustomerToken(email: string): string | undefined;
  /** The instance's orders, with the tokens their documents are fetched with. */
  readonly orders: readonly GomusEmulatorOrder[];
}

const apiPrefix = '/api/v4/';
const unauthorizedBody = { error: 'authentication error; no customer or no user present' };
const maintenanceBody = { error: 'go~mus is temporarily offline for maintenance' };
const defaultResellerRateLimit: RateLimit = { requests: 10, windowMs: 1000 };
const customerContext: GomusEmulatorToken = { access: 'customer' };
/** Resources answering GET only; another method is a 405, as go~mus answers a wrong method. */
const readOnlyResources = new Set(['whoami', 'version', 'tickets', 'museums', 'orders']);
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Who is calling: a static token's context, a shop customer's session, or nobody (public access). */
interface Caller {
  context: GomusEmulatorToken | undefined;
  session: SessionCheck | undefined;
}

/**
 * Starts an emulator of a go~mus instance (API v4): static bearer tokens, context-aware lists (public, user, reseller
 * see different items and fields), pagination with `meta`, customers with `foreign_id` (`PUT /customers` flat or
 * `PUT /customers/:id` wrapped), locales (`locale=de`, `locale[]=de&locale[]=en`), shop customer sessions with
 * devise_token_auth headers, `GET /version` without a token, order documents by order token, 405 for a wrong method,
 * 503 maintenance, reseller rate limits.
 */
export async function startGomusEmulator(options: GomusEmulatorOptions = {}): Promise<GomusEmulatorHandle> {
  const clock = createEmulatorClock();
  const nowIso = () => new Date(clock.nowMs()).toISOString();
  const tokens = createTokenRegistry<GomusEmulatorToken>({
    lifetimeMs: (options.tokenLifetimeSeconds ?? Infinity) * 1000,
  });
  for (const [token, context] of Object.entries(options.tokens ?? defaultGomusTokens)) tokens.issue(context, token);
  const views = createGomusViews();
  const customers = createGomusCustomerStore();
  const shopSessions = createGomusShopSessions(
    options.shopCustomers ?? [defaultShopCustomer],
    options.customerSessions ?? {},
    () => clock.nowMs(),
  );
  const orders = createGomusOrders(nowIso);
  const rateLimit = options.resellerRateLimit === undefined ? defaultResellerRateLimit : options.resellerRateLimit;
  const limiter = rateLimit ? createFixedWindowRateLimiter(rateLimit, options.rateLimitClock) : undefined;
  const pages = createTextCache();
  let maintenance: false | { retryAfterSeconds?: number } = false;

  const paginate = (
    exchange: EmulatorExchange,
    view: GomusView,
    name: 'tickets' | 'museums',
    hasToken: boolean,
    locale: LocaleRequest,
  ) => {
    const page = readIntegerParameter(exchange.query.page, 1, 1);
    const perPage = Math.min(readIntegerParameter(exchange.query.per_page, 25, 1), hasToken ? 100 : 25);
    const items = view[name];
    const json = pages(`${view.key}|${name}|${page}|${perPage}|${localeKey(locale)}`, () => {
      const start = (page - 1) * perPage;
      const meta = { total_count: items.length, page, per_page: perPage };
      const slice = items.slice(start, start + perPage).map((item) => localize(name, item, locale));
      return JSON.stringify({ [name]: slice, meta });
    });
    exchange.sendJsonText(200, json);
  };

  const showList = (exchange: EmulatorExchange, caller: Caller, name: 'tickets' | 'museums') => {
    const authenticated = caller.context !== undefined;
    const view = views(caller.context);
    const locale = readLocaleRequest(exchange.request.url, authenticated);
    const id = exchange.path.slice(apiPrefix.length + name.length + 1);
    if (id === '') return paginate(exchange, view, name, authenticated, locale);
    const item = view[name].find((candidate) => String(candidate.id) === id);
    if (!item) return exchange.sendJson(404, { error: 'not found' });
    exchange.sendJson(200, { [name.slice(0, -1)]: localize(name, item, locale) });
  };

  const sendCustomer = (exchange: EmulatorExchange, status: number, customer: GomusCustomer) =>
    exchange.sendJson(status, { customer });

  const handleCustomers = (exchange: EmulatorExchange, context: GomusEmulatorToken | undefined) => {
    if (!context) return exchange.sendJson(401, unauthorizedBody);
    if (context.access === 'customer') return exchange.sendJson(403, { error: 'access denied' });
    if (exchange.invalidJsonBody) return exchange.sendJson(400, { error: 'request body is not valid JSON' });
    const body = exchange.bodyFields();
    // The seed sends the fields flat; other docs wrap them in {"customer": {...}}. Both are accepted.
    const fields = isObject(body.customer) ? body.customer : body;
    const now = nowIso();
    const rest = exchange.path.slice(`${apiPrefix}customers`.length);
    const idOrForeignId = rest.startsWith('/') ? decodeURIComponent(rest.slice(1)) : '';
    if (rest !== '' && idOrForeignId === '') return exchange.sendJson(404, { error: 'not found' });
    if (exchange.method === 'POST' && rest === '') {
      const result = customers.create(fields, now);
      if (!result.ok) return exchange.sendJson(422, { error: 'customer could not be saved', errors: result.errors });
      return sendCustomer(exchange, 201, result.customer);
    }
    // By path: the numeric id first, then the foreign_id. Without one (the seed's PUT /customers): the body's foreign_id.
    const existing =
      idOrForeignId !== ''
        ? customers.find(idOrForeignId)
        : fields.foreign_id !== undefined && fields.foreign_id !== null
          ? customers.findByForeignId(String(fields.foreign_id))
          : undefined;
    if (exchange.method === 'GET' && idOrForeignId !== '') {
      return existing ? sendCustomer(exchange, 200, existing) : exchange.sendJson(404, { error: 'not found' });
    }
    if (exchange.method === 'PUT' || exchange.method === 'PATCH') {
      if (!existing) return exchange.sendJson(404, { error: 'not found' });
      const result = customers.update(existing, fields, now);
      if (!result.ok) return exchange.sendJson(422, { error: 'customer could not be saved', errors: result.errors });
      return sendCustomer(exchange, 200, result.customer);
    }
    exchange.sendJson(405, { error: 'method not allowed' });
  };

  /** `auth/sign_in`, `auth` (PUT) and `auth/sign_out` (DELETE): the shop customer's own session. */
  const handleAuth = (exchange: EmulatorExchange, caller: Caller) => {
    const { method, path } = exchange;
    if (path === `${apiPrefix}auth/sign_in`) {
      if (method !== 'POST') return exchange.sendJson(405, { error: 'method not allowed' });
      if (exchange.invalidJsonBody) return exchange.sendJson(400, { error: 'request body is not valid JSON' });
      const result = shopSessions.signIn(exchange.bodyFields(), exchange.header('x-shop-url'));
      if (!result.ok) return exchange.sendJson(result.status, result.body);
      return exchange.sendJson(200, { data: result.customer }, result.headers);
    }
    const session = caller.session;
    if (path === `${apiPrefix}auth/sign_out`) {
      if (method !== 'DELETE') return exchange.sendJson(405, { error: 'method not allowed' });
      if (!session)
        return exchange.sendJson(404, { success: false, errors: ['User was not found or was not logged in.'] });
      session.signOut();
      return exchange.sendJson(200, { success: true });
    }
    if (path !== `${apiPrefix}auth`) return exchange.sendJson(404, { error: 'not found' });
    if (method !== 'PUT' && method !== 'PATCH') return exchange.sendJson(405, { error: 'method not allowed' });
    if (!session) return exchange.sendJson(401, unauthorizedBody);
    if (exchange.invalidJsonBody) return exchange.sendJson(400, { error: 'request body is not valid JSON' });
    exchange.sendJson(200, { status: 'success', data: shopSessions.update(session.customer, exchange.bodyFields()) });
  };

  const handleOrders = (exchange: EmulatorExchange, context: GomusEmulatorToken | undefined) => {
    const [id = '', ...rest] = exchange.path.slice(`${apiPrefix}orders/`.length).split('/');
    if (rest.length > 0) {
      // Documents need no Authorization: the order token in the query confirms the caller.
      const document = orders.document(id, rest.join('/'), exchange.query.token);
      if (document === undefined) return exchange.sendJson(404, { error: 'not found' });
      if (document === 'forbidden') return exchange.sendJson(401, unauthorizedBody);
      return exchange.send(200, 'application/pdf', document);
    }
    if (!context) return exchange.sendJson(401, unauthorizedBody);
    if (context.access === 'customer') return exchange.sendJson(403, { error: 'access denied' });
    const order = orders.find(id);
    return order ? exchange.sendJson(200, { order }) : exchange.sendJson(404, { error: 'not found' });
  };

  const version = () => ({
    version: {
      system: 'go~mus (emulator)',
      api: '4.4',
      release: '2025.1',
      time: nowIso(),
      zone: 'Europe/Berlin',
      currency: 'EUR',
      per_page: 25,
    },
  });

  const route = (exchange: EmulatorExchange, caller: Caller) => {
    const { method, path } = exchange;
    const { context } = caller;
    const resource = path.slice(apiPrefix.length).split('/', 1)[0] ?? '';
    if (!path.startsWith(apiPrefix)) return exchange.sendJson(404, { error: 'not found' });
    if (resource === 'auth') return handleAuth(exchange, caller);
    if (resource === 'customers') return handleCustomers(exchange, context);
    if (readOnlyResources.has(resource) && method !== 'GET') {
      return exchange.sendJson(405, { error: 'method not allowed' });
    }
    if (method !== 'GET') return exchange.sendJson(404, { error: 'not found' });
    if (path === `${apiPrefix}version`) return exchange.sendJson(200, version());
    if (path === `${apiPrefix}whoami`) {
      if (!context) return exchange.sendJson(200, { access: 'public' });
      const museums = context.museums ?? (context.access === 'customer' ? undefined : []);
      return exchange.sendJson(200, museums ? { access: context.access, museums } : { access: context.access });
    }
    if (resource === 'tickets' || resource === 'museums') return showList(exchange, caller, resource);
    if (resource === 'orders' && path.length > `${apiPrefix}orders/`.length) return handleOrders(exchange, context);
    exchange.sendJson(404, { error: 'not found' });
  };

  /** A request with devise_token_auth headers: the customer's session, answered with the session's headers. */
  const routeCustomer = (exchange: EmulatorExchange) => {
    const session = shopSessions.authenticate((name) => exchange.header(name));
    if (!session) return exchange.sendJson(401, unauthorizedBody);
    const send = exchange.send.bind(exchange);
    exchange.send = (status, contentType, text, headers) =>
      send(status, contentType, text, { ...session.headers, ...headers });
    route(exchange, { context: customerContext, session });
  };

  const handle = await startEmulatorServer({
    options,
    clock,
    isTokenRequest: () => false,
    expireAllTokens: () => {
      tokens.expireAll();
      shopSessions.expireAll();
    },
    revoke: (token) => void (tokens.revoke(token) || shopSessions.revoke(token) || orders.revoke(token)),
    onReset: () => {
      limiter?.reset();
      maintenance = false;
    },
    handle(exchange) {
      if (maintenance) {
        const retryAfter = maintenance.retryAfterSeconds;
        return exchange.sendJson(
          503,
          maintenanceBody,
          retryAfter === undefined ? undefined : { 'retry-after': String(retryAfter) },
        );
      }
      const token = parseBearerToken(exchange.header('authorization'));
      if (token === undefined) {
        if (exchange.header('access-token') !== undefined) return routeCustomer(exchange);
        return route(exchange, { context: undefined, session: undefined });
      }
      const check = tokens.check(token);
      // Missing, expired and unknown tokens all get the same documented 401.
      if (!check.record || check.status !== 'valid') return exchange.sendJson(401, unauthorizedBody);
      const context = check.record.data;
      if (context.access === 'reseller' && limiter) {
        const decision = limiter.take(token);
        if (!decision.allowed) {
          return exchange.sendJson(
            429,
            { error: 'rate limit exceeded' },
            { 'retry-after': String(decision.retryAfterSeconds) },
          );
        }
      }
      route(exchange, { context, session: undefined });
    },
  });
  return {
    ...handle,
    setMaintenance(state) {
      maintenance = state === false ? false : { ...state };
    },
    latestCustomerToken: (email) => shopSessions.latestToken(email),
    orders: orders.orders,
  };
}
