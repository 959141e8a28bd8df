import { describeExchange, type ExchangeErrorOptions } from './api-error.js';
import { AuthError } from './auth-error.js';

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

  constructor(options: ExchangeErrorOptions & { timedOut: boolean }) {
    const { message, url } = describeExchange(options, options.timedOut ? 'timed out' : 'failed');
    super(message, options);
    this.method = options.method;
    this.url = url;
    this.timedOut = options.timedOut;
    AuthError.mark(this, marker);
  }

  static override isInstance(error: unknown): error is NetworkError {
    return AuthError.hasMarker(error, marker);
  }
}
