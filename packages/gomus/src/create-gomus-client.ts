import { ApiError, ConfigError, type Logger, MemoryTokenStore, silentLogger, systemClock } from '@auth/core';
import {
  abortable,
  assertServerRuntime,
  createProviderClient,
  pollWhile,
  resolveRateLimiter,
  type SecretScrubber,
} from '@auth/core/provider';
import type { KyInstance } from 'ky';
import {
  createCustomerSessions,
  type GomusCustomerLogin,
  type GomusCustomerSession,
} from './create-customer-sessions.js';
import { createCustomersApi, type GomusCustomersApi } from './create-customers-api.js';
import { createFieldReporter } from './create-field-reporter.js';
import { createGomusTokenProvider } from './create-gomus-token-provider.js';
import { createResourceApi, type GomusResourceApi } from './create-resource-api.js';
import type { GomusClientOptions } from './gomus-client-options.js';
import { endpointName, type GomusContext, readSingleRecord } from './gomus-context.js';
import {
  type GomusMuseum,
  type GomusTicket,
  type GomusVersion,
  museumShape,
  ticketShape,
  versionShape,
  whoAmIShape,
} from './gomus-records.js';
import { mapGomusError } from './map-gomus-error.js';
import { packageVersion } from './package-version.js';
import { type PaginateOptions, paginate } from './paginate.js';
import { parseRecord } from './parse-record.js';
import { rejectedWith401 } from './rejected-with-401.js';
import { packageName, resolveGomusSettings } from './resolve-gomus-settings.js';
import { gomusAccessKinds, type WhoAmI } from './who-am-i.js';

/** A go~mus API v4 client. */
export interface GomusClient {
  /**
   * A ky instance on `<baseUrl>/api/v4/` that sends `Authorization: Bearer <token>` (none for public access), retries
   * 408/429/5xx with backoff under `Retry-After`, logs one redacted record per call, and throws typed errors: a 401 is
   * a `CredentialsError` (never retried: the token must be swapped), a 422 a `ValidationError`.
   * @example const { tickets, meta } = await client.api.get('tickets', { searchParams: { per_page: 100 } }).json();
   */
  api: KyInstance;
  /** `GET /api/v4/whoami`: what the token may do. See `describeAccess` and `hasAllMuseums`. */
  whoami(): Promise<WhoAmI>;
  /**
   * The token test go~mus recommends before any integration: one `GET /api/v4/whoami`, bypassing the `verify` gate.
   * Rejects with `CredentialsError` on 401. With `verify: true`, its outcome also opens or closes the gate.
   */
  verify(): Promise<WhoAmI>;
  /**
   * With `verify: true`: settles with the token test started at creation (rejects with its error). Without it:
   * resolves to undefined at once. Awaiting it is optional; calls wait for the test anyway.
   */
  readonly ready: Promise<WhoAmI | undefined>;
  /** Tickets as the token sees them. */
  tickets: GomusResourceApi<GomusTicket>;
  /** Museums as the token sees them. */
  museums: GomusResourceApi<GomusMuseum>;
  /** Customers, addressed by go~mus id or by your `foreign_id`. */
  customers: GomusCustomersApi;
  /**
   * Every item of any index endpoint, page after page, as an async iterator. Items are returned as sent; unknown
   * top-level and `meta` fields are logged.
   * @example for await (const museum of client.paginate('museums')) console.log(museum.id);
   */
  paginate<T = Record<string, unknown>>(path: string, options?: PaginateOptions): AsyncGenerator<T, void, undefined>;
  /**
   * `GET /api/v4/version`, sent without any token (go~mus answers it to anyone): tells a go~mus instance from a host
   * that is not one. An answer without a `version.api` is an `ApiError`.
   */
  version(): Promise<GomusVersion>;
  /**
   * An order document (`orders/:id/invoice.pdf`, `orders/:id/tickets/:sale_id.pdf`, ...) fetched as go~mus documents
   * it: the order's `token` in the query and no `Authorization`. The token is a secret: `[REDACTED]` in every log
   * record and error, scrubbed even where a server echoes it. A wrong token is a `CredentialsError`.
   * @example const pdf = await (await gomus.orderDocument(`orders/${order.id}/invoice.pdf`, order.token)).arrayBuffer();
   */
  orderDocument(path: string, orderToken: string): Promise<Response>;
  /**
   * Signs a shop customer in (`POST /api/v4/auth/sign_in` with `X-Shop-Url`), stores the session and returns it. The
   * password is sent once and never kept. A wrong e-mail or password is a `CredentialsError` (reason
   * `invalid_credentials`). See the README's "Customer sessions".
   */
  loginCustomer(login: GomusCustomerLogin): Promise<GomusCustomerSession>;
  /**
   * The stored session of the customer with this e-mail, e.g. in another process sharing the `store`. Nothing is sent
   * until a call; a call without a stored session fails with `CredentialsError` (reason `no_session`), one the server
   * no longer accepts with reason `session_rejected` (the session is then forgotten).
   */
  customer(email: string): GomusCustomerSession;
}

/** Marks the token test's own request so that it does not wait for itself. */
const tokenTestContext = 'gomusTokenTest';

/** The client that never sends the API token (customer sessions, order documents, version) has no token to give. */
const noApiToken = { getToken: async () => undefined, immediate: true };

/** An order token in the query (`?token=`) is a secret: the scrubber knows it before the request leaves. */
const rememberQueryToken =
  (secrets: () => SecretScrubber | undefined) =>
  (fetch: typeof globalThis.fetch): typeof globalThis.fetch =>
  (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url.includes('token=')) secrets()?.add(new URL(url).searchParams.get('token') ?? undefined);
    return fetch(input, init);
  };

/**
 * Creates a go~mus API v4 client. Tokens are static API keys: nothing is obtained, cached or refreshed. Every
 * configuration problem is a `ConfigError` thrown here, before any request.
 *
 * @example
 * const gomus = createGomusClient({ baseUrl: 'https://demo.gomus.de', token: process.env.GOMUS_TOKEN, verify: true });
 * console.log(describeAccess(await gomus.whoami()));
 * for await (const ticket of gomus.tickets.all()) console.log(ticket.id, ticket.title);
 */
export function createGomusClient(options: GomusClientOptions = {}): GomusClient {
  const settings = resolveGomusSettings(options);
  // Public access holds no secret; a token must stay on the server.
  if (settings.token !== undefined) assertServerRuntime(packageName, options.dangerouslyAllowBrowser ?? false);
  const tokenConfigured = settings.token !== undefined;
  let gate: Promise<WhoAmI> | undefined;
  // Both clients below count against one client-side limit, and show `locale[]` values in logs like `locale`.
  const shared = {
    ...options,
    ...(options.rateLimit !== undefined && { rateLimit: resolveRateLimiter(options.rateLimit, packageName) }),
    // Anything but an array is left for core to refuse with a ConfigError naming the option.
    ...((options.visibleQueryParameters === undefined || Array.isArray(options.visibleQueryParameters)) && {
      visibleQueryParameters: [...(options.visibleQueryParameters ?? []), 'locale[]'],
    }),
  };
  const definition = {
    packageName,
    version: packageVersion,
    provider: 'gomus',
    options: shared,
    apiUrl: `${settings.baseUrl}/api/v4/`,
    ...(options.headers && { headers: options.headers }),
    secrets: [typeof settings.token === 'string' ? settings.token : undefined],
  };
  let apiSecrets: SecretScrubber | undefined;
  let keylessSecrets: SecretScrubber | undefined;

  const { api } = createProviderClient({
    ...definition,
    tokens: (kit) => {
      apiSecrets = kit.secrets;
      return createGomusTokenProvider(settings.token);
    },
    wrapFetch: rememberQueryToken(() => apiSecrets),
    // A 202 (a process still running) is asked again by the engine: one call, one result for the caller.
    poll: pollWhile(202),
    // Only `verify: true` holds calls back until the token test is done (a hook costs every call).
    ...(options.verify && {
      hooks: {
        beforeRequest: [
          async ({ request, options: requestOptions }) => {
            // The caller's abort ends its wait for the token test; the test goes on for the others.
            if (gate !== undefined && requestOptions.context[tokenTestContext] !== true) {
              await abortable(gate, request.signal);
            }
          },
        ],
      },
    }),
    mapError: (error) => mapGomusError(error, tokenConfigured),
  });

  // Shop customer sessions, order documents and the version: never the API token.
  const logger: Logger = options.logger ?? silentLogger;
  const sessions = createCustomerSessions({
    baseUrl: settings.baseUrl,
    store: options.store ?? new MemoryTokenStore(),
    clock: options.clock ?? systemClock,
    warn: (record, message) =>
      (keylessSecrets?.wrapLogger(logger) ?? logger).warn({ provider: 'gomus', ...record }, message),
    api: () => keyless.api,
    secrets: () => keylessSecrets as SecretScrubber,
  });
  const keyless = createProviderClient({
    ...definition,
    tokens: (kit) => {
      keylessSecrets = kit.secrets;
      return noApiToken;
    },
    // The session's headers are set and read below the engine, on every request (polls too), so that every answer's
    // newest token is kept.
    wrapFetch: (fetch) => rememberQueryToken(() => keylessSecrets)(sessions.wrapSessionFetch(fetch)),
    poll: pollWhile(202),
    mapError: (error) => mapGomusError(error, undefined),
  });

  const context: GomusContext = {
    api,
    reporter: createFieldReporter(options.logger ?? silentLogger, settings.unknownFieldLogLevel),
    apiUrl: `${settings.baseUrl}/api/v4`,
  };
  const whoamiEndpoint = endpointName('GET', 'whoami');

  const readWhoAmI = async (tokenTest: boolean): Promise<WhoAmI> => {
    const response = await api.get('whoami', tokenTest ? { context: { [tokenTestContext]: true } } : {});
    const record = parseRecord(await response.json(), whoAmIShape, whoamiEndpoint, context.reporter);
    if (record === undefined) {
      throw new ApiError({
        packageName,
        where: whoamiEndpoint,
        detail: `answered ${response.status} without an access field`,
        status: response.status,
        method: 'GET',
        url: `${context.apiUrl}/whoami`,
      });
    }
    const access = record.access as string;
    if (!(gomusAccessKinds as readonly string[]).includes(access)) {
      context.reporter.unknownValue(whoamiEndpoint, 'access', access);
    }
    return record as unknown as WhoAmI;
  };

  // A failed test is handled here too, so that it never becomes an unhandled rejection; callers still see it.
  const startTokenTest = () => {
    const test = readWhoAmI(true);
    test.catch(() => {});
    return test;
  };
  if (options.verify) gate = startTokenTest();

  return {
    api,
    whoami: () => readWhoAmI(false),
    verify() {
      const test = startTokenTest();
      if (options.verify) gate = test;
      return test;
    },
    get ready() {
      return gate ?? Promise.resolve(undefined);
    },
    tickets: createResourceApi<GomusTicket>(context, { path: 'tickets', singular: 'ticket', shape: ticketShape }),
    museums: createResourceApi<GomusMuseum>(context, { path: 'museums', singular: 'museum', shape: museumShape }),
    customers: createCustomersApi(context, settings.customerUpdateRequest),
    paginate: <T>(path: string, paginateOptions: PaginateOptions = {}) =>
      paginate<T>(context, path.replace(/^\/+|\/+$/g, ''), paginateOptions, (item) => item as T),
    async version() {
      const response = await keyless.api.get('version');
      const endpoint = endpointName('GET', 'version');
      return readSingleRecord(
        context,
        await response.json(),
        'version',
        versionShape,
        endpoint,
        response.status,
      ) as GomusVersion;
    },
    async orderDocument(path, orderToken) {
      if (typeof orderToken !== 'string' || orderToken.trim() === '') {
        throw new ConfigError(`${packageName}: orderToken must be the order's token, a non-empty string.`, {
          option: 'orderToken',
        });
      }
      keylessSecrets?.add(orderToken);
      return keyless.api.get(String(path).replace(/^\/+/, ''), {
        searchParams: { token: orderToken },
        hooks: { beforeError: [orderTokenRejected] },
      });
    },
    loginCustomer: (login) => sessions.loginCustomer(login),
    customer: (email) => sessions.customer(email),
  };
}

/** A 401 on an order document: the order token is wrong (documents need no other credential). */
const orderTokenRejected = ({ error }: { error: Error }): Error =>
  rejectedWith401(error, 'invalid_order_token', 'the order token does not match the order');
