import { defaultVisibleQueryParameters, redactUrl } from '../redact-url.js';
import { AuthError, type AuthErrorOptions } from './auth-error.js';

const marker = 'auth.error.api';

/** Where an exchange failed, as every error about one is built: the error formats its own message from it. */
export interface ExchangeErrorOptions extends AuthErrorOptions {
  /** The package the client belongs to; starts the message. @default '@auth/core' */
  packageName?: string;
  method: string;
  /** The request URL. Query values outside `visibleQueryParameters` are replaced by `[REDACTED]` here, once. */
  url: string;
  /** Query parameters whose values may stay visible. @default page, per_page, limit, offset, sort, ... */
  visibleQueryParameters?: readonly string[] | undefined;
  /** Replaces `<METHOD> <url>` in the message, e.g. a route template `GET /api/v4/customers/:id`. */
  where?: string;
  /** What happened, completing `<package>: <METHOD> <url> …`, e.g. `failed with 500 Internal Server Error`. */
  detail?: string;
}

/** What every error of one client shares: its package and which query values it may show. */
export type ErrorContext = Pick<ExchangeErrorOptions, 'packageName' | 'visibleQueryParameters'>;

export interface ApiErrorOptions extends ExchangeErrorOptions {
  status: number;
  /** The parsed response body, when the server sent one. */
  data?: unknown;
}

/** `<package>: <where> <detail>.` with the URL redacted: the one way every exchange error words itself. */
export function describeExchange(
  options: ExchangeErrorOptions,
  fallbackDetail: string,
): { message: string; url: string } {
  const url = redactUrl(options.url, options.visibleQueryParameters ?? defaultVisibleQueryParameters);
  const where = options.where ?? `${options.method} ${url}`;
  return { message: `${options.packageName ?? '@auth/core'}: ${where} ${options.detail ?? fallbackDetail}.`, url };
}

/** The API answered with an error status (or an unreadable body) after retries were exhausted or not allowed. */
export class ApiError extends AuthError {
  override readonly name: string = 'ApiError';
  override readonly code: string = 'API';
  readonly status: number;
  readonly method: string;
  /** The request URL with every query value outside the allow-list replaced by `[REDACTED]`: safe to log. */
  readonly url: string;
  /** The parsed response body, if any. */
  readonly data: unknown;

  constructor(options: ApiErrorOptions) {
    const { message, url } = describeExchange(options, `failed with ${options.status}`);
    super(message, options);
    this.status = options.status;
    this.method = options.method;
    this.url = url;
    this.data = options.data;
    AuthError.mark(this, marker);
  }

  static override isInstance(error: unknown): error is ApiError {
    return AuthError.hasMarker(error, marker);
  }
}
