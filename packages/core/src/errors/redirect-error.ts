import { ApiError, type ApiErrorOptions } from './api-error.js';
import { AuthError } from './auth-error.js';

const marker = 'auth.error.redirect';

/**
 * The server answered with a redirect the client does not follow: any redirect of a token request (credentials are
 * never sent twice), or a redirect of an API call to another origin or from https to http (the Authorization header
 * and the body never leave the configured origin). Nothing was sent to the target.
 */
export class RedirectError extends ApiError {
  override readonly name = 'RedirectError';
  override readonly code = 'REDIRECT';
  /** Where the redirect pointed: its origin only (`https://other.example:8443`), never its path or query. */
  readonly locationOrigin: string;

  constructor(options: ApiErrorOptions & { locationOrigin: string }) {
    super(options);
    this.locationOrigin = options.locationOrigin;
    AuthError.mark(this, marker);
  }

  static override isInstance(error: unknown): error is RedirectError {
    return AuthError.hasMarker(error, marker);
  }
}
