import { createTokenRegistry } from '../shared/create-token-registry.js';
import { monotonicNow } from '../shared/monotonic-now.js';

/** A shop customer who can sign in with `POST /api/v4/auth/sign_in`. */
export interface GomusEmulatorShopCustomer {
  email: string;
  password: string;
  /** When set, sign-in needs exactly this `X-Shop-Url`. @default any non-empty shop URL */
  shopUrl?: string;
  /** @default 'Erika' */
  name?: string;
  /** @default 'Musterfrau' */
  surname?: string;
}

/** How the emulator treats customer sessions (devise_token_auth's headers). */
export interface GomusCustomerSessionOptions {
  /**
   * Answer every authenticated request with a new `access-token` (and `expiry`), as devise_token_auth does with
   * `change_headers_on_each_request`. Without it every answer repeats the session's headers unchanged.
   * @default false
   */
  rotate?: boolean;
  /**
   * With `rotate`: requests arriving within this long after a rotation are a "batch": they are not rotated, they are
   * answered with a blank `access-token` and `expiry`, and the token replaced by that rotation is still accepted. After
   * it, only the newest token is. @default 5000
   */
  batchWindowMs?: number;
  /** How long a session lasts; reported as `expiry` (epoch seconds). @default 1_209_600 (two weeks) */
  lifetimeSeconds?: number;
  /** The monotonic clock (ms) batch windows are counted on, for tests that move time. @default performance.now */
  clock?: { now(): number };
}

/** The default shop customer. */
export const defaultShopCustomer: GomusEmulatorShopCustomer = {
  email: 'erika.musterfrau@example.com',
  password: 'gomus-test-customer-password',
};

interface Session {
  customer: GomusEmulatorShopCustomer & { id: number; newsletter_groups: string };
  shopUrl: string;
  client: string;
  current: string;
  /** The token the last rotation replaced, accepted during the batch window. */
  previous: string | undefined;
  /** Monotonic ms of the last rotation (or sign-in). */
  rotatedAtMs: number;
  /** Epoch seconds, as the `expiry` header says. */
  expiry: number;
}

export type SignInResult =
  | { ok: true; headers: Record<string, string>; customer: Record<string, unknown> }
  | { ok: false; status: number; body: unknown };

/** The outcome of a request carrying session headers: the customer and the headers to answer with, or nothing. */
export interface SessionCheck {
  customer: Session['customer'];
  headers: Record<string, string>;
  signOut(): void;
}

/**
 * Shop customer sessions as go~mus serves them with devise_token_auth: sign-in answers `access-token`, `token-type`,
 * `client`, `uid` and `expiry` headers, later requests send the first four back. Access tokens and `client` values come
 * from token registries, so tests can revoke or expire them like any other token.
 */
export function createGomusShopSessions(
  customers: readonly GomusEmulatorShopCustomer[],
  options: GomusCustomerSessionOptions,
  nowMs: () => number,
) {
  const lifetimeSeconds = options.lifetimeSeconds ?? 1_209_600;
  const batchWindowMs = options.batchWindowMs ?? 5000;
  const now = () => (options.clock ?? { now: monotonicNow }).now();
  const accessTokens = createTokenRegistry<Session>({ lifetimeMs: lifetimeSeconds * 1000, tokenBytes: 16 });
  const clients = createTokenRegistry<undefined>({ lifetimeMs: Infinity, tokenBytes: 16 });
  const sessions = new Map<string, Session>();
  const latest = new Map<string, string>();
  const accounts = customers.map((customer, index) => ({
    name: 'Erika',
    surname: 'Musterfrau',
    ...customer,
    id: 7000 + index,
    newsletter_groups: '',
  }));

  const headersOf = (session: Session, accessToken: string, expiry: string): Record<string, string> => ({
    'access-token': accessToken,
    'token-type': 'Bearer',
    client: session.client,
    uid: session.customer.email,
    expiry,
  });

  const issue = (session: Session) => {
    const token = accessTokens.issue(session).token;
    session.expiry = Math.floor(nowMs() / 1000) + lifetimeSeconds;
    latest.set(session.customer.email.toLowerCase(), token);
    return token;
  };

  return {
    signIn(fields: Record<string, unknown>, shopUrl: string | undefined): SignInResult {
      if (!shopUrl) return { ok: false, status: 400, body: { error: 'X-Shop-Url header is missing' } };
      const { email, password } = fields;
      const account = accounts.find(
        (candidate) =>
          typeof email === 'string' &&
          candidate.email.toLowerCase() === email.trim().toLowerCase() &&
          candidate.password === password &&
          (candidate.shopUrl === undefined || candidate.shopUrl === shopUrl),
      );
      if (!account) {
        return {
          ok: false,
          status: 401,
          body: { success: false, errors: ['Invalid login credentials. Please try again.'] },
        };
      }
      const session: Session = {
        customer: account,
        shopUrl,
        client: clients.issue(undefined).token,
        current: '',
        previous: undefined,
        rotatedAtMs: now(),
        expiry: 0,
      };
      session.current = issue(session);
      sessions.set(session.client, session);
      const { password: _password, ...customer } = account;
      return { ok: true, headers: headersOf(session, session.current, String(session.expiry)), customer };
    },

    /** Checks the session headers; undefined when they do not name a live session. */
    authenticate(header: (name: string) => string | undefined): SessionCheck | undefined {
      const accessToken = header('access-token');
      const session = sessions.get(header('client') ?? '');
      if (!accessToken || !session || clients.check(session.client).status !== 'valid') return undefined;
      if (header('uid')?.toLowerCase() !== session.customer.email.toLowerCase()) return undefined;
      if (header('x-shop-url') !== session.shopUrl) return undefined;
      const check = accessTokens.check(accessToken);
      if (check.status !== 'valid' || check.record?.data !== session) return undefined;
      const sinceRotationMs = now() - session.rotatedAtMs;
      const batch = sinceRotationMs < batchWindowMs;
      if (accessToken !== session.current && !(accessToken === session.previous && batch)) return undefined;

      let headers: Record<string, string>;
      if (!options.rotate) headers = headersOf(session, session.current, String(session.expiry));
      else if (batch && session.previous !== undefined) headers = headersOf(session, ' ', ' ');
      else {
        session.previous = session.current;
        session.current = issue(session);
        session.rotatedAtMs = now();
        headers = headersOf(session, session.current, String(session.expiry));
      }
      return {
        customer: session.customer,
        headers,
        signOut() {
          sessions.delete(session.client);
          accessTokens.revoke(session.current);
          if (session.previous !== undefined) accessTokens.revoke(session.previous);
        },
      };
    },

    /** `PUT /api/v4/auth`: the fields a customer may change about themselves. */
    update(customer: Session['customer'], fields: Record<string, unknown>): Record<string, unknown> {
      for (const field of ['name', 'surname', 'newsletter_groups'] as const) {
        if (typeof fields[field] === 'string') customer[field] = fields[field] as string;
      }
      const { password: _password, ...visible } = customer;
      return visible;
    },

    /** The newest access token issued to `email`'s sessions. */
    latestToken: (email: string) => latest.get(email.toLowerCase()),
    expireAll: () => accessTokens.expireAll(),
    revoke: (token: string) => accessTokens.revoke(token) || clients.revoke(token),
  };
}
