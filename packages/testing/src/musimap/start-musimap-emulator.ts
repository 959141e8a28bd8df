import { randomUUID } from 'node:crypto';
import { createEmulatorClock } from '../shared/create-emulator-clock.js';
import { createFixedWindowRateLimiter } from '../shared/create-fixed-window-rate-limiter.js';
import { createTextCache } from '../shared/create-text-cache.js';
import { createTokenRegistry } from '../shared/create-token-registry.js';
import type { EmulatorExchange } from '../shared/emulator-exchange.js';
import { parseBearerToken } from '../shared/parse-bearer-token.js';
import { randomToken } from '../shared/random-token.js';
import { readIntegerParameter } from '../shared/read-integer-parameter.js';
import { startEmulatorServer } from '../shared/start-emulator-server.js';
import type { EmulatorHandle, EmulatorOptions, RateLimit } from '../shared/types.js';
import { musimapTags, musimapTracks } from './musimap-catalogue.js';
import { musimapTestCredentials } from './musimap-test-credentials.js';

/** An API client the Musimap emulator knows. */
export interface MusimapEmulatorClient {
  clientId: string;
  clientSecret: string;
  /** Reported as `organization_id`. @default `musimapTestCredentials.organizationId` */
  organizationId?: string;
}

export interface MusimapEmulatorOptions extends EmulatorOptions {
  /** Lifetime of access tokens in seconds (`expires_at - issued_at`). @default 7200 */
  tokenLifetimeSeconds?: number;
  /** API clients. @default the client of `musimapTestCredentials` */
  clients?: MusimapEmulatorClient[];
  /** Fixed-window rate limit per client id, on token and API requests alike; `false` turns it off. @default false */
  rateLimit?: RateLimit | false;
}

const tokenPath = '/oauth/access_tokens/client';

/**
 * Starts an emulator of the Musimap Web API v2: client tokens from `POST /oauth/access_tokens/client` with absolute
 * `issued_at`/`expires_at` in epoch milliseconds on the server's clock, `{status, timestamp, data}` envelopes (lists
 * `/lexicology/tags` and `/tracks` paged by `limit`/`offset` with `total_size`), errors as `{status, timestamp,
 * message}`, and per-client rate limits.
 */
export async function startMusimapEmulator(options: MusimapEmulatorOptions = {}): Promise<EmulatorHandle> {
  const lifetimeMs = (options.tokenLifetimeSeconds ?? 7200) * 1000;
  const clients = options.clients ?? [musimapTestCredentials];
  const clock = createEmulatorClock();
  const tokens = createTokenRegistry<MusimapEmulatorClient>({ lifetimeMs });
  const limiter = options.rateLimit
    ? createFixedWindowRateLimiter(options.rateLimit, options.rateLimitClock)
    : undefined;
  const pages = createTextCache();

  const fail = (exchange: EmulatorExchange, status: number, message: string, headers?: Record<string, string>) =>
    exchange.sendJson(status, { status, timestamp: clock.nowMs(), message }, headers);

  /** Counts the request against the client's window; answers 429 and returns false when over the limit. */
  const withinRateLimit = (exchange: EmulatorExchange, clientId: string) => {
    if (!limiter) return true;
    const decision = limiter.take(clientId);
    if (decision.allowed) return true;
    fail(exchange, 429, 'Too many requests, retry later', { 'retry-after': String(decision.retryAfterSeconds) });
    return false;
  };

  const issueToken = (exchange: EmulatorExchange) => {
    if (exchange.method !== 'POST') return fail(exchange, 405, `Method ${exchange.method} not allowed`);
    if (exchange.invalidJsonBody) return fail(exchange, 400, 'The request body is not valid JSON');
    const { client_id: clientId, client_secret: clientSecret } = exchange.bodyFields();
    if (typeof clientId !== 'string' || typeof clientSecret !== 'string') {
      return fail(exchange, 400, 'client_id and client_secret are required');
    }
    const client = clients.find(
      (candidate) => candidate.clientId === clientId && candidate.clientSecret === clientSecret,
    );
    if (!client) return fail(exchange, 401, 'Invalid client credentials');
    if (!withinRateLimit(exchange, client.clientId)) return;
    const id = randomUUID();
    const issuedAt = clock.nowMs();
    const expiresAt = issuedAt + lifetimeMs;
    // Shaped like the real token: base64 claims, a dot, an opaque signature.
    const claims = { jti: id, exp: Math.floor(expiresAt / 1000), iat: Math.floor(issuedAt / 1000) };
    const token = `${Buffer.from(JSON.stringify(claims)).toString('base64')}.${randomToken(96)}`;
    tokens.issue(client, token);
    exchange.sendJson(201, {
      status: 201,
      timestamp: clock.nowMs(),
      data: {
        id,
        removed_at: null,
        refreshed_at: null,
        revoked_at: null,
        subject_type: 'Client',
        subject_id: client.clientId,
        issued_at: issuedAt,
        expires_at: expiresAt,
        issuer_type: null,
        issuer_id: null,
        organization_id: client.organizationId ?? musimapTestCredentials.organizationId,
        token,
      },
    });
  };

  /** One page of a list: `limit` (default 20, at most 100) items from `offset`, with `size`, `offset`, `total_size`. */
  const sendPage = (exchange: EmulatorExchange, list: string, items: readonly unknown[]) => {
    const offset = readIntegerParameter(exchange.query.offset, 0);
    const limit = Math.min(readIntegerParameter(exchange.query.limit, 20, 1), 100);
    // The page is static and cached; only the envelope's timestamp changes from one answer to the next.
    const page = pages(`${list}|${offset}|${limit}`, () => {
      const data = items.slice(offset, offset + limit);
      const rest = JSON.stringify({ data, size: data.length, offset, total_size: items.length });
      return rest.slice(1);
    });
    exchange.sendJsonText(200, `{"status":200,"timestamp":${clock.nowMs()},${page}`);
  };

  const route = (exchange: EmulatorExchange) => {
    const { method, path } = exchange;
    if (method === 'GET' && path === '/lexicology/tags') return sendPage(exchange, 'tags', musimapTags);
    if (method === 'GET' && path === '/tracks') return sendPage(exchange, 'tracks', musimapTracks);
    if (method === 'GET' && path.startsWith('/tracks/')) {
      const id = path.slice('/tracks/'.length);
      const track = musimapTracks.find((candidate) => candidate.id === id);
      if (!track) return fail(exchange, 404, `Track ${id} not found`);
      return exchange.sendJson(200, { status: 200, timestamp: clock.nowMs(), data: track });
    }
    fail(exchange, 404, `Cannot ${method} ${path}`);
  };

  return startEmulatorServer({
    options,
    clock,
    isTokenRequest: (_method, path) => path === tokenPath,
    grantOf: () => 'client',
    expireAllTokens: () => tokens.expireAll(),
    revoke: (token) => void tokens.revoke(token),
    onReset: () => limiter?.reset(),
    handle(exchange) {
      if (exchange.path === tokenPath) return issueToken(exchange);
      const token = parseBearerToken(exchange.header('authorization'));
      if (!token) return fail(exchange, 401, 'Missing access token');
      const check = tokens.check(token);
      if (check.status !== 'valid' || !check.record) return fail(exchange, 401, 'Invalid or expired access token');
      if (withinRateLimit(exchange, check.record.data.clientId)) route(exchange);
    },
  });
}
