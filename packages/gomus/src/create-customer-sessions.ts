import { ApiError, type Clock, ConfigError, CredentialsError, type TokenStore } from '@auth/core';
import { createSecretScrubber, createTokenKey, discardBody, type SecretScrubber } from '@auth/core/provider';
import type { BeforeErrorHook, KyInstance } from 'ky';
import {
  type CustomerSessionRecord,
  isSafeSessionValue,
  isSafeShopUrl,
  sessionHeaders,
} from './customer-session-record.js';
import {
  CustomerSessionState,
  createSessionRegistry,
  readSessionUpdate,
  type SessionWarning,
} from './customer-session-state.js';
import { rejectedWith401 } from './rejected-with-401.js';
import { packageName } from './resolve-gomus-settings.js';

/** What a shop customer types to sign in. */
export interface GomusCustomerLogin {
  /** The customer's e-mail; it also names the session for `customer(email)`. */
  email: string;
  /** Sent once to `POST /api/v4/auth/sign_in`, never kept: not in memory, not in the store, not in a log or error. */
  password: string;
  /** The shop's host as go~mus knows it, sent as `X-Shop-Url` with the sign-in and every request of the session. */
  shopUrl: string;
}

/** A shop customer's session. */
export interface GomusCustomerSession {
  /**
   * A ky instance on `<baseUrl>/api/v4/` that sends the session's `access-token`, `token-type`, `client`, `uid` and
   * `X-Shop-Url` (never the API token), and keeps the newest `access-token` the server answers with.
   * @example await session.api.put('auth', { json: { newsletter_groups: '1,8' } }).json();
   */
  api: KyInstance;
  /** Signs the session out on the server (when it allows it) and forgets it here and in the store. */
  logout(): Promise<void>;
}

/** Carries the session's store key from the session's `api` to the fetch below core; never sent. */
const sessionKeyHeader = 'x-auth-gomus-session';

export interface CustomerSessionsOptions {
  /** The go~mus instance, for the store key. */
  baseUrl: string;
  store: TokenStore;
  clock: Clock;
  /** Logs a warning through the client's logger, scrubbed of its known secrets. */
  warn: SessionWarning;
  /** The API client without the API token, with `wrapSessionFetch` below it. */
  api: () => KyInstance;
  /** The scrubber of that client: session secrets are added to it as they come. */
  secrets: () => SecretScrubber;
}

/**
 * Shop customer sessions (devise_token_auth, as go~mus serves them): the sign-in, one state per customer shared by
 * every handle, and the fetch that sends the session's headers on each attempt and reads the newest token off every
 * answer, before core's retries, redirects and polling see it.
 */
export function createCustomerSessions(options: CustomerSessionsOptions) {
  const { store, clock, warn } = options;
  const stateOf = createSessionRegistry((key) => new CustomerSessionState(key, store, warn));
  const keyOf = (email: unknown) => {
    if (typeof email !== 'string' || email.trim() === '') {
      throw new ConfigError(`${packageName}: the customer's email must be a non-empty string.`, { option: 'email' });
    }
    // devise compares e-mails case-insensitively: so do sessions.
    return createTokenKey({
      provider: 'gomus',
      baseUrl: options.baseUrl,
      clientId: 'shop-customer',
      user: email.trim().toLowerCase(),
    });
  };

  const rejectedHeader = (header: string) =>
    warn({ event: 'customer_session.invalid_header', header }, 'go~mus sent a session header value that was ignored');

  const send = async (
    fetch: typeof globalThis.fetch,
    request: Request,
    init: RequestInit | undefined,
    state: CustomerSessionState,
    record: CustomerSessionRecord,
  ): Promise<Response> => {
    options.secrets().add(record.accessToken, record.client);
    const headers = new Headers(request.headers);
    headers.delete(sessionKeyHeader);
    for (const [name, value] of Object.entries(sessionHeaders(record))) headers.set(name, value);
    const response = await fetch(new Request(request, { headers }), init);
    const update = readSessionUpdate(response.headers, clock.now(), rejectedHeader);
    if (update.accessToken !== undefined) options.secrets().add(update.accessToken);
    state.observe(record, update);
    return response;
  };

  /** The fetch of the API client without the API token: requests of a session get its headers, others pass. */
  const wrapSessionFetch =
    (fetch: typeof globalThis.fetch): typeof globalThis.fetch =>
    async (input, init) => {
      const request = input instanceof Request ? input : new Request(input, init);
      const key = request.headers.get(sessionKeyHeader);
      if (key === null) return fetch(request, init);
      const state = stateOf(key);
      return state.track(async () => {
        const record = await state.current(request.signal);
        if (record === undefined) throw noSession();
        // Kept for a replay: another process may hold a newer token than the one this request carries.
        const spare = request.body === null ? request : request.clone();
        const response = await send(fetch, request, init, state, record);
        if (response.status !== 401) return response;
        const newer = await state.recover(record, request.signal);
        if (newer === undefined) {
          await state.end(record);
          return response;
        }
        discardBody(response);
        return send(fetch, spare, init, state, newer);
      });
    };

  /** A 401 of a session's request: the session is over (expired, signed out, or replaced by another sign-in). */
  const sessionRejected: BeforeErrorHook = ({ error }) =>
    rejectedWith401(
      error,
      'session_rejected',
      'the customer session is over (expired, signed out or replaced). Log the customer in again',
    );

  /** Best effort: the server may not offer devise's sign-out, or the session may be over already. */
  const signOut = async (record: CustomerSessionRecord) => {
    try {
      await options.api().delete('auth/sign_out', { headers: sessionHeaders(record), retry: 0 });
    } catch (error) {
      if (ApiError.isInstance(error) && [401, 404, 405].includes(error.status)) return;
      warn(
        { event: 'customer_session.sign_out_failed', status: ApiError.isInstance(error) ? error.status : undefined },
        'the customer session was forgotten here, but go~mus did not confirm the sign-out',
      );
    }
  };

  const handle = (key: string): GomusCustomerSession => ({
    api: options.api().extend({
      headers: { [sessionKeyHeader]: key },
      hooks: {
        // Without a session nothing is sent (and nothing is logged as sent).
        beforeRequest: [
          async ({ request }) => {
            if ((await stateOf(key).current(request.signal)) === undefined) throw noSession();
          },
        ],
        beforeError: [sessionRejected],
      },
    }),
    async logout() {
      const { record, storeError } = await stateOf(key).forget();
      if (record !== undefined) await signOut(record);
      if (storeError !== undefined) throw storeError;
    },
  });

  return {
    wrapSessionFetch,
    customer: (email: string) => handle(keyOf(email)),
    async loginCustomer(login: GomusCustomerLogin): Promise<GomusCustomerSession> {
      const { email, password, shopUrl } = (login ?? {}) as Partial<GomusCustomerLogin>;
      const key = keyOf(email);
      if (typeof password !== 'string' || password === '') {
        throw new ConfigError(`${packageName}: the customer's password must be a non-empty string.`, {
          option: 'password',
        });
      }
      if (!isSafeShopUrl(shopUrl)) {
        throw new ConfigError(
          `${packageName}: shopUrl must be the shop's host as go~mus knows it (printable, no spaces), sent as X-Shop-Url.`,
          { option: 'shopUrl' },
        );
      }
      // Known for this one call only: the password is scrubbed from what the call may throw, then dropped.
      const scrubber = createSecretScrubber([password]);
      const response = await options
        .api()
        .post('auth/sign_in', {
          json: { email, password },
          headers: { 'x-shop-url': shopUrl },
          hooks: { beforeError: [({ error }) => scrubber.scrubError(signInRejected(error))] },
        })
        .catch((error: unknown) => {
          throw scrubber.scrubError(error);
        });
      discardBody(response);
      const headers = response.headers;
      const read = (name: 'access-token' | 'client' | 'uid' | 'token-type') => {
        const value = headers.get(name)?.trim();
        return value && isSafeSessionValue(name, value) ? value : undefined;
      };
      const [accessToken, client, uid] = (['access-token', 'client', 'uid'] as const).map(read);
      if (accessToken === undefined || client === undefined || uid === undefined) {
        throw new ApiError({
          packageName,
          method: 'POST',
          url: response.url,
          status: response.status,
          detail: `answered ${response.status} without usable access-token, client and uid headers; no session was started`,
        });
      }
      options.secrets().add(accessToken, client);
      const update = readSessionUpdate(headers, clock.now(), rejectedHeader);
      await stateOf(key).replace({
        accessToken,
        tokenType: read('token-type') ?? 'Bearer',
        client,
        uid,
        shopUrl,
        issuedAt: update.receivedAt,
        ...(update.expiry !== undefined && { expiry: update.expiry, expiresAt: update.expiresAt }),
      });
      return handle(key);
    },
  };
}

/** A 401 at sign-in means the e-mail or password is wrong; the answer's body is not kept (it may echo them). */
function signInRejected(error: Error): Error {
  return rejectedWith401(error, 'invalid_credentials', "the shop customer's e-mail or password is wrong");
}

function noSession(): CredentialsError {
  return new CredentialsError(
    `${packageName}: no customer session is stored for this e-mail. Log the customer in with loginCustomer first.`,
    { reason: 'no_session' },
  );
}
