import { describeExchange, type ExchangeErrorOptions } from './api-error.js';
import { CredentialsError } from './credentials-error.js';

export interface CredentialsRejectedOptions extends ExchangeErrorOptions {
  status?: number;
  /** The provider's error code or ours, e.g. `invalid_grant`, `session_rejected`. Never a secret. */
  reason?: string;
}

/**
 * A `CredentialsError` about one exchange, worded as every exchange error is: `<package>: <METHOD> <url> <detail>.`
 * with the URL redacted.
 *
 * @example credentialsRejected({ packageName, ...exchangeOf(error), status: 401, reason: 'session_rejected',
 *   detail: 'was rejected with 401: the customer session is over' })
 */
export function credentialsRejected(options: CredentialsRejectedOptions): CredentialsError {
  const { message } = describeExchange(
    options,
    `was rejected${options.status === undefined ? '' : ` with ${options.status}`}`,
  );
  return new CredentialsError(message, {
    ...(options.status !== undefined && { status: options.status }),
    ...(options.reason !== undefined && { reason: options.reason }),
  });
}
