import { AuthError, type AuthErrorOptions } from './auth-error.js';

const marker = 'auth.error.api';

export interface ApiErrorOptions extends AuthErrorOptions {
  status: number;
  method: string;
  /** The request URL with every query value outside the allow-list replaced by `[REDACTED]`. */
  url: string;
  /** The parsed response body (JSON or text), when the server sent one. */
  data?: unknown;
}

/** The API answered with an error status (or an unreadable body) after retries were exhausted or not allowed. */
export class ApiError extends AuthError {
  override readonly name: string = 'ApiError';
  override readonly code: string = 'API';
  readonly status: number;
  readonly method: string;
  /** Redacted request URL: safe to log. */
  readonly url: string;
  /** The parsed response body, if any. */
  readonly data: unknown;

  constructor(message: string, options: ApiErrorOptions) {
    super(message, options);
    this.status = options.status;
    this.method = options.method;
    this.url = options.url;
    this.data = options.data;
    AuthError.mark(this, marker);
  }

  static override isInstance(error: unknown): error is ApiError {
    return AuthError.hasMarker(error, marker);
  }
}
