import { AuthError, type AuthErrorOptions } from './auth-error.js';

const marker = 'auth.error.credentials';

/** The provider rejected the credentials (bad client secret, password, revoked token). Retrying will not help. */
export class CredentialsError extends AuthError {
  override readonly name = 'CredentialsError';
  override readonly code = 'CREDENTIALS';
  /** HTTP status of the rejection, when there was one. */
  readonly status: number | undefined;
  /** The provider's error code, e.g. OAuth2 `invalid_client` or `invalid_grant`. Never a secret. */
  readonly reason: string | undefined;

  constructor(message: string, options: AuthErrorOptions & { status?: number; reason?: string } = {}) {
    super(message, options);
    this.status = options.status;
    this.reason = options.reason;
    AuthError.mark(this, marker);
  }

  static override isInstance(error: unknown): error is CredentialsError {
    return AuthError.hasMarker(error, marker);
  }
}
