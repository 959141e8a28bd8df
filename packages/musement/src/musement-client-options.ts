import type { HttpOptions, TokenLifecycleOptions } from '@auth/core';

/** How the login endpoint is called. */
export type MusementLoginMethod = 'POST' | 'GET';

/** Options of {@link createMusementClient}. Also accepts every core `HttpOptions` (logger, retry, timeouts, ...). */
export interface MusementClientOptions extends HttpOptions, TokenLifecycleOptions {
  /**
   * The Musement host, without `/api/v3`. Plain `http://` is refused except to loopback (see `allowInsecureHttp`).
   * Environment variable: `MUSEMENT_BASE_URL` (not read with `sandbox: true`).
   * @default 'https://api.musement.com' ('https://sandbox.musement.com' with `sandbox: true`)
   */
  baseUrl?: string;
  /** Use the sandbox host `https://sandbox.musement.com`. Cannot be combined with `baseUrl`. @default false */
  sandbox?: boolean;
  /** OAuth2 client id. Required. Environment variable: `MUSEMENT_CLIENT_ID`. */
  clientId?: string;
  /** OAuth2 client secret. Required. Environment variable: `MUSEMENT_CLIENT_SECRET`. */
  clientSecret?: string;
  /**
   * Sent as `X-Musement-Application` on every request, login included (Musement answers 400 code 2271 without it).
   * Required. Environment variable: `MUSEMENT_APPLICATION`.
   */
  application?: string;
  /**
   * A customer's username: with `password`, logs in with the `password` grant and acts in that customer's context.
   * Without both, the `client_credentials` grant is used. @default none
   */
  username?: string;
  /** The customer's password; only together with `username`. @default none */
  password?: string;
  /**
   * `POST` sends the grant as a JSON body (Musement's current documented form). `GET` sends it in the query string,
   * the legacy form: the secrets then travel in the URL and may land in proxy and server logs. @default 'POST'
   */
  loginMethod?: MusementLoginMethod;
  /** Sent as `X-Musement-Version`, pinning the API version (absent means "latest", which Musement calls unstable). @default '3.4.0' */
  version?: string;
  /** Sent as `Accept-Language`, e.g. `en-US`. @default not sent */
  language?: string;
  /** Sent as `X-Musement-Currency`, e.g. `EUR`. @default not sent */
  currency?: string;
  /** Sent as `X-Musement-Market`, e.g. `us`. An unknown market is answered with 400 code -1. @default not sent */
  market?: string;
  /** Allow running in a browser, where the client secret would be exposed to every visitor. @default false */
  dangerouslyAllowBrowser?: boolean;
}

/** Production host. */
export const musementProductionUrl = 'https://api.musement.com';
/** Sandbox host. */
export const musementSandboxUrl = 'https://sandbox.musement.com';
/** The `X-Musement-Version` sent unless `version` says otherwise. */
export const defaultMusementVersion = '3.4.0';
