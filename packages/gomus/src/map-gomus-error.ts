import { ApiError } from '@auth/core';
import { credentialsRejected, exchangeOf } from '@auth/core/provider';
import { isPlainObject } from './parse-record.js';
import { packageName } from './resolve-gomus-settings.js';
import { ValidationError } from './validation-error.js';

/**
 * Turns core's `ApiError` into what a go~mus caller can act on. A 401 is final: go~mus tokens are static API keys, so
 * nothing can be refreshed and a retry would get the same answer. A 422 carries the server's messages. Without
 * `tokenConfigured` (the client that never sends the API token), a 401 is left to the call that knows what was sent.
 */
export function mapGomusError(error: Error, tokenConfigured: boolean | undefined): Error {
  if (!ApiError.isInstance(error) || ValidationError.isInstance(error)) return error;
  const body = isPlainObject(error.data) ? error.data : {};
  const summary = typeof body.error === 'string' ? body.error : undefined;

  if (error.status === 401 && tokenConfigured !== undefined) {
    const advice = tokenConfigured
      ? 'go~mus tokens are static: the token is missing, expired, revoked or wrong, and must be swapped (token option or GOMUS_TOKEN). It was not retried'
      : 'No token was sent (public access) and this endpoint needs one: pass the token option or set GOMUS_TOKEN';
    return credentialsRejected({
      packageName,
      ...exchangeOf(error),
      status: 401,
      detail: `was rejected with 401. ${advice}`,
      ...(summary !== undefined && { reason: summary }),
    });
  }

  if (error.status === 422) {
    const errors = Array.isArray(body.errors) ? body.errors.filter((item) => typeof item === 'string') : [];
    const details = [summary, errors.join('; ')].filter((part) => part !== undefined && part !== '').join(': ');
    return new ValidationError({
      packageName,
      ...exchangeOf(error),
      status: error.status,
      detail: `was refused with 422${details === '' ? '' : `: ${details}`}`,
      data: error.data,
      errors,
      ...(summary !== undefined && { summary }),
    });
  }
  return error;
}
