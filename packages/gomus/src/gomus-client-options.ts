import type { Clock, HttpOptions, TokenStore } from '@auth/core';

/**
 * A go~mus token, or where to get it on each request. A function is called before every attempt, so a rotated token
 * is picked up without rebuilding the client; returning `undefined` sends the request without a token (public access).
 */
export type GomusToken = string | (() => string | undefined | Promise<string | undefined>);

/** The levels unknown response fields may be logged at. */
export type GomusUnknownFieldLogLevel = 'debug' | 'info' | 'warn';

/**
 * How `customers.updateByForeignId` sends an update: `'flat'` is the seed's `PUT /api/v4/customers` with the fields and
 * `foreign_id` flat in the body; `'by-id'` is the customers API page's `PUT /api/v4/customers/:foreign_id` with the
 * body wrapped as `{"customer": {...}}`.
 */
export type GomusCustomerUpdateRequest = 'flat' | 'by-id';

/**
 * Options of {@link createGomusClient}. Also accepts every core `HttpOptions` (logger, retry, timeouts, rateLimit, ...)
 * and, for shop customer sessions, `store` and `clock`.
 */
export interface GomusClientOptions extends HttpOptions {
  /**
   * The go~mus instance, e.g. `https://demo.gomus.de` (a trailing `/api/v4` is accepted). Plain `http://` is refused
   * except to loopback (see `allowInsecureHttp`). Required. Environment variable: `GOMUS_BASE_URL`.
   */
  baseUrl?: string;
  /**
   * The static API token made in the go~mus backend, or a function returning the current one. Without a token the
   * client has public access (no `Authorization` header). Environment variable: `GOMUS_TOKEN`; pass `null` for public
   * access even when `GOMUS_TOKEN` is set.
   * @default none (public access)
   */
  token?: GomusToken | null;
  /**
   * Test the token with `GET /api/v4/whoami` when the client is created. Every call then waits for the test; if it
   * fails (a 401 is a `CredentialsError`), every call rejects with that error, without sending a request, until
   * `client.verify()` succeeds. `client.ready` settles with the test.
   * @default false
   */
  verify?: boolean;
  /**
   * The level at which a response field this package does not know is logged, once per endpoint and field. go~mus
   * answers differently per token, so unknown fields are expected and never an error.
   * @default 'debug'
   */
  unknownFieldLogLevel?: GomusUnknownFieldLogLevel;
  /**
   * Where shop customer sessions live (`loginCustomer`, `customer`), under a key made of the instance and the customer's
   * e-mail (hashed). Share one (e.g. `RedisTokenStore`) between processes so that any of them serves a customer who
   * logged in on another. Static API tokens are never stored.
   * @default a `MemoryTokenStore` of this client
   */
  store?: TokenStore;
  /** The clock session times are read on (`issuedAt`, `expiresAt`). @default the system clock */
  clock?: Clock;
  /**
   * How `customers.updateByForeignId` sends an update (see {@link GomusCustomerUpdateRequest}).
   * @default 'flat' (the seed's form)
   */
  customerUpdateRequest?: GomusCustomerUpdateRequest;
  /** Headers sent on every request, e.g. `Accept-Language`. @default none */
  headers?: Record<string, string>;
  /** Allow running in a browser, where the token would be exposed to every visitor. @default false */
  dangerouslyAllowBrowser?: boolean;
}
