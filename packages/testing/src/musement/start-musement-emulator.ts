import { randomUUID } from 'node:crypto';
import { createEmulatorClock } from '../shared/create-emulator-clock.js';
import { createTextCache } from '../shared/create-text-cache.js';
import { createTokenRegistry } from '../shared/create-token-registry.js';
import type { EmulatorExchange } from '../shared/emulator-exchange.js';
import { parseBearerToken } from '../shared/parse-bearer-token.js';
import { readIntegerParameter } from '../shared/read-integer-parameter.js';
import { startEmulatorServer } from '../shared/start-emulator-server.js';
import type { EmulatorHandle, EmulatorOptions } from '../shared/types.js';
import { handleMusementLogin, loginParameters } from './handle-musement-login.js';
import { musementCities } from './musement-catalogue.js';
import { musementTestCredentials } from './musement-test-credentials.js';
import type { MusementEmulatorClient, MusementEmulatorUser, MusementGrant } from './musement-types.js';
import { createMusementUserDirectory } from './musement-user-directory.js';

export interface MusementEmulatorOptions extends EmulatorOptions {
  /** Lifetime of access tokens in seconds, reported as `expires_in`. @default 3600 */
  tokenLifetimeSeconds?: number;
  /** Lifetime of refresh tokens in seconds. @default 1_209_600 (14 days) */
  refreshTokenLifetimeSeconds?: number;
  /** API clients. @default the client of `musementTestCredentials` */
  clients?: MusementEmulatorClient[];
  /** Customers for the password grant. @default the user of `musementTestCredentials` */
  users?: MusementEmulatorUser[];
  /**
   * More customers, for load tests: `customer-<n>@example.com` with the password `customer-<n>-password`, for n from 1
   * to this. Created when they first log in, so a large number costs nothing up front. @default 0
   */
  generatedUsers?: number;
  /** Accepted `X-Musement-Application` values. @default any non-empty value */
  applications?: string[];
  /** Accepted `X-Musement-Market` values (case-insensitive); an absent header is always accepted. @default us, it, gb, de, fr, es, nl, pt */
  markets?: string[];
}

export interface MusementEmulatorHandle extends EmulatorHandle {
  /** The newest refresh token issued for `username` (for anyone, without it), whatever its state since. */
  latestRefreshToken(username?: string): string | undefined;
}

const apiPrefix = '/api/v3/';
const loginPath = '/api/v3/login';
const defaultMarkets = ['us', 'it', 'gb', 'de', 'fr', 'es', 'nl', 'pt'];
const authenticate = 'Bearer realm="Service"';
const expiredBody = { error: 'invalid_grant', error_description: 'The access token provided has expired.' };
const missingBody = { error: 'access_denied', error_description: 'OAuth2 authentication required' };

/**
 * Starts an emulator of the Musement API v3: `/login` by POST (JSON) or GET (query string) with the client_credentials,
 * password and refresh_token grants, refresh-token rotation, the mandatory `X-Musement-Application` header.
 */
export async function startMusementEmulator(options: MusementEmulatorOptions = {}): Promise<MusementEmulatorHandle> {
  const lifetimeSeconds = options.tokenLifetimeSeconds ?? 3600;
  const clients = options.clients ?? [
    { clientId: musementTestCredentials.clientId, clientSecret: musementTestCredentials.clientSecret },
  ];
  const users = options.users ?? [
    { username: musementTestCredentials.username, password: musementTestCredentials.password },
  ];
  const directory = createMusementUserDirectory(users, options.generatedUsers ?? 0);
  const applications = options.applications ? new Set(options.applications) : undefined;
  const markets = new Set((options.markets ?? defaultMarkets).map((market) => market.toLowerCase()));
  const clock = createEmulatorClock();
  const accessTokens = createTokenRegistry<MusementGrant>({ lifetimeMs: lifetimeSeconds * 1000 });
  const refreshTokens = createTokenRegistry<MusementGrant>({
    lifetimeMs: (options.refreshTokenLifetimeSeconds ?? 1_209_600) * 1000,
  });
  const latestRefreshTokens = new Map<string | undefined, string>();
  const carts = new Map<string, Record<string, unknown>>();
  const pages = createTextCache();

  const headerError = (exchange: EmulatorExchange): { code: string; message: string } | undefined => {
    const application = exchange.header('x-musement-application');
    if (!application) {
      return { code: '2271', message: "The header 'x-musement-application' is mandatory and cannot be empty" };
    }
    if (applications && !applications.has(application)) {
      return { code: '-1', message: `Invalid value '${application}' for header 'x-musement-application'` };
    }
    const market = exchange.header('x-musement-market');
    if (market !== undefined && !markets.has(market.toLowerCase())) {
      return { code: '-1', message: `Invalid value '${market}' for header 'x-musement-market'` };
    }
    return undefined;
  };

  const authorize = (exchange: EmulatorExchange): MusementGrant | undefined => {
    const token = parseBearerToken(exchange.header('authorization'));
    if (!token) {
      exchange.sendJson(401, missingBody, { 'www-authenticate': authenticate });
      return undefined;
    }
    const check = accessTokens.check(token);
    if (check.status === 'valid' && check.record) return check.record.data;
    exchange.sendJson(401, expiredBody, {
      'www-authenticate': `${authenticate}, error="invalid_grant", error_description="${expiredBody.error_description}"`,
    });
    return undefined;
  };

  const profile = (user: MusementEmulatorUser) => ({
    id: directory.idOf(user),
    email: user.username,
    firstname: user.firstname ?? 'Test',
    lastname: user.lastname ?? 'Traveller',
    country: { id: 82, name: 'Italy', iso_code: 'IT' },
    currency: { code: 'EUR' },
    newsletter: false,
    events_interested_in: [],
  });

  const route = (exchange: EmulatorExchange, grant: MusementGrant) => {
    const { method, path } = exchange;
    const [resource, id] = path.slice(apiPrefix.length).split('/');
    if (resource === 'cities' && method === 'GET') {
      if (id !== undefined) {
        const city = musementCities.find((candidate) => String(candidate.id) === id);
        if (!city) return exchange.sendJson(404, { code: '1102', message: `City ${id} not found` });
        return exchange.sendJson(200, city);
      }
      const offset = readIntegerParameter(exchange.query.offset, 0);
      const limit = Math.min(readIntegerParameter(exchange.query.limit, 100, 1), 100);
      const json = pages(`${offset}|${limit}`, () => JSON.stringify(musementCities.slice(offset, offset + limit)));
      return exchange.sendJsonText(200, json);
    }
    if (resource === 'me' && method === 'GET' && id === undefined) {
      if (!grant.user) {
        return exchange.sendJson(403, {
          code: '1403',
          message: 'This resource needs a customer token: log in with grant_type password',
        });
      }
      return exchange.sendJson(200, profile(grant.user));
    }
    if (resource === 'carts' && method === 'POST' && id === undefined) {
      if (exchange.invalidJsonBody) return exchange.sendJson(400, { code: '-1', message: 'Invalid JSON body' });
      const body = exchange.bodyFields();
      const currency = exchange.header('x-musement-currency') ?? 'EUR';
      const price = { currency, value: 0, formatted_value: `0.00 ${currency}` };
      const cart = {
        uuid: randomUUID(),
        items: [],
        full_price: price,
        total_price: price,
        discount_code: typeof body.discount_code === 'string' ? body.discount_code : null,
        customer: grant.user ? profile(grant.user) : null,
        created_at: new Date(clock.nowMs()).toISOString(),
      };
      carts.set(cart.uuid, cart);
      return exchange.sendJson(201, cart);
    }
    if (resource === 'carts' && method === 'GET' && id !== undefined) {
      const cart = carts.get(id);
      if (!cart) return exchange.sendJson(404, { code: '1302', message: `Cart ${id} not found` });
      return exchange.sendJson(200, cart);
    }
    exchange.sendJson(404, { code: '-1', message: `No route found for "${method} ${path}"` });
  };

  const handle = await startEmulatorServer({
    options,
    clock,
    isTokenRequest: (_method, path) => path === loginPath,
    grantOf: (exchange) => loginParameters(exchange).grant_type,
    expireAllTokens: () => accessTokens.expireAll(),
    revoke: (token) => void (accessTokens.revoke(token) || refreshTokens.revoke(token)),
    handle(exchange) {
      // The mandatory headers are checked before anything else, on /login too.
      const error = headerError(exchange);
      if (error) return exchange.sendJson(400, error);
      if (exchange.path === loginPath) {
        return handleMusementLogin(exchange, {
          clients,
          users: directory,
          accessTokens,
          refreshTokens,
          lifetimeSeconds,
          onRefreshTokenIssued(token, grant) {
            latestRefreshTokens.set(undefined, token);
            latestRefreshTokens.set(grant.user?.username, token);
          },
        });
      }
      if (!exchange.path.startsWith(apiPrefix)) {
        return exchange.sendJson(404, {
          code: '-1',
          message: `No route found for "${exchange.method} ${exchange.path}"`,
        });
      }
      const grant = authorize(exchange);
      if (grant) route(exchange, grant);
    },
  });
  return { ...handle, latestRefreshToken: (username) => latestRefreshTokens.get(username) };
}
