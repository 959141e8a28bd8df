/** A token as the engine stores it. Every time is absolute, in epoch milliseconds on OUR clock. */
export interface TokenSet {
  /** The bearer token sent as `Authorization: <tokenType> <accessToken>`. */
  accessToken: string;
  /** When the provider stops accepting the token (epoch ms). Undefined = no known expiry (renewed only on 401). */
  expiresAt?: number;
  /** OAuth2 refresh token, when the grant issued one. Rotates: a refresh returns a new one. */
  refreshToken?: string;
  /** As the provider reports it, e.g. `bearer`. */
  tokenType?: string;
  /** As the provider reports it, e.g. `user, password`. */
  scope?: string;
  /** When we received the token (epoch ms); with `expiresAt` it gives the lifetime the refresh window scales with. */
  issuedAt?: number;
}
