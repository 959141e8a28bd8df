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
}

const apiPrefix = '/api/v4/';
const unauthorizedBody = { error: 'authentication error; no customer or no user present' };
const defaultResellerRateLimit: RateLimit = { requests: 10, windowMs: 1000 };
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Starts an emulator of a go~mus instance (API v4): static bearer tokens, context-aware lists (public, user, reseller
 * see different items and fields), pagination with `meta`, customers with `foreign_id`, reseller rate limits.
 */
export async function startGomusEmulator(options: GomusEmulatorOptions = {}): Promise<EmulatorHandle> {
  const clock = createEmulatorClock();
  const tokens = createTokenRegistry<GomusEmulatorToken>({
    lifetimeMs: (options.tokenLifetimeSeconds ?? Infinity) * 1000,
  });
  for (const [token, context] of Object.entries(options.tokens ?? defaultGomusTokens)) tokens.issue(context, token);
  const views = createGomusViews();
  const customers = createGomusCustomerStore();
  const rateLimit = options.resellerRateLimit === undefined ? defaultResellerRateLimit : options.resellerRateLimit;
  const limiter = rateLimit ? createFixedWindowRateLimiter(rateLimit, options.rateLimitClock) : undefined;

  const pages = createTextCache();
  const paginate = (exchange: EmulatorExchange, view: GomusView, name: 'tickets' | 'museums', hasToken: boolean) => {
    const page = readIntegerParameter(exchange.query.page, 1, 1);
    const perPage = Math.min(readIntegerParameter(exchange.query.per_page, 25, 1), hasToken ? 100 : 25);
    const items = view[name];
    const json = pages(`${view.key}|${name}|${page}|${perPage}`, () => {
      const start = (page - 1) * perPage;
      const meta = { total_count: items.length, page, per_page: perPage };
      return JSON.stringify({ [name]: items.slice(start, start + perPage), meta });
    });
    exchange.sendJsonText(200, json);
  };

  const showList = (
    exchange: EmulatorExchange,
    context: GomusEmulatorToken | undefined,
    name: 'tickets' | 'museums',
  ) => {
    const view = views(context);
    const id = exchange.path.slice(apiPrefix.length + name.length + 1);
    if (id === '') return paginate(exchange, view, name, context !== undefined);
    const item = view[name].find((candidate) => String(candidate.id) === id);
    if (!item) return exchange.sendJson(404, { error: 'not found' });
    exchange.sendJson(200, { [name.slice(0, -1)]: item });
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
    const now = new Date(clock.nowMs()).toISOString();
    const rest = exchange.path.slice(`${apiPrefix}customers`.length);
    const idOrForeignId = rest.startsWith('/') ? decodeURIComponent(rest.slice(1)) : '';
    if (rest !== '' && idOrForeignId === '') return exchange.sendJson(404, { error: 'not found' });

    if (exchange.method === 'POST' && rest === '') {
      const result = customers.create(fields, now);
      if (!result.ok) return exchange.sendJson(422, { error: 'customer could not be saved', errors: result.errors });
      return sendCustomer(exchange, 201, result.customer);
    }
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

  const route = (exchange: EmulatorExchange, context: GomusEmulatorToken | undefined) => {
    const { method, path } = exchange;
    const resource = path.slice(apiPrefix.length).split('/', 1)[0];
    if (!path.startsWith(apiPrefix)) return exchange.sendJson(404, { error: 'not found' });
    if (resource === 'customers') return handleCustomers(exchange, context);
    if (method !== 'GET') return exchange.sendJson(404, { error: 'not found' });
    if (path === `${apiPrefix}whoami`) {
      if (!context) return exchange.sendJson(200, { access: 'public' });
      const museums = context.museums ?? (context.access === 'customer' ? undefined : []);
      return exchange.sendJson(200, museums ? { access: context.access, museums } : { access: context.access });
    }
    if (resource === 'tickets' || resource === 'museums') return showList(exchange, context, resource);
    exchange.sendJson(404, { error: 'not found' });
  };

  return startEmulatorServer({
    options,
    clock,
    isTokenRequest: () => false,
    expireAllTokens: () => tokens.expireAll(),
    revoke: (token) => void tokens.revoke(token),
    onReset: () => limiter?.reset(),
    handle(exchange) {
      const token = parseBearerToken(exchange.header('authorization'));
      if (token === undefined) return route(exchange, undefined);
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
      route(exchange, context);
    },
  });
}
