import { AuthError, type AuthErrorOptions } from './auth-error.js';

const marker = 'auth.error.network';

/** No usable answer arrived: connection refused or reset, DNS failure, or a timeout. */
export class NetworkError extends AuthError {
  override readonly name = 'NetworkError';
  override readonly code = 'NETWORK';
  readonly method: string;
  /** Redacted request URL: safe to log. */
  readonly url: string;
  /** True when the per-attempt timeout or the total deadline ran out. */
  readonly timedOut: boolean;

  constructor(message: string, options: AuthErrorOptions & { method: string; url: string; timedOut: boolean }) {
    super(message, options);
    this.method = options.method;
    this.url = options.url;
    this.timedOut = options.timedOut;
    AuthError.mark(this, marker);
  }

  static override isInstance(error: unknown): error is NetworkError {
    return AuthError.hasMarker(error, marker);
  }
}
