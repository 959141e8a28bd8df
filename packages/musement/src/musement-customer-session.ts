import type { KyInstance } from 'ky';

/** A customer's session: API calls in that customer's context, with tokens from the store. */
export interface MusementCustomerSession {
  /**
   * A ky instance on `<baseUrl>/api/v3/` with the customer's token, renewed with the rotating refresh token (once per
   * customer in the process, once per fleet with a leasing store). A call fails with `CredentialsError` reason
   * `no_session` when the store holds no session for the customer (nothing is sent), and reason `invalid_grant`
   * when Musement rejects the refresh token (the session is deleted): ask the customer to log in again.
   * @example const me = await session.api.get('me').json();
   */
  api: KyInstance;
  /** Forgets the customer's tokens, here and in the store; every process sharing the store then has no session. */
  logout(): Promise<void>;
}

/** What a customer types once to log in; the password is used for that login only and never kept. */
export interface MusementCustomerCredentials {
  /** Musement usernames are e-mail addresses. Pass the same string to `customer(username)` later. */
  username: string;
  password: string;
  /** Ends the wait for the login at once (the customer went away). @default none */
  signal?: AbortSignal;
}
