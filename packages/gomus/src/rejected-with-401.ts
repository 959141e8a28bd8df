import { ApiError } from '@auth/core';
import { credentialsRejected, exchangeOf } from '@auth/core/provider';
import { packageName } from './resolve-gomus-settings.js';

/**
 * A 401 answer as the `CredentialsError` it means for the call at hand (`reason`, and `why` after "was rejected with
 * 401: "); any other error is returned as it is. The answer's body is not kept (it may echo what was sent).
 */
export function rejectedWith401(error: Error, reason: string, why: string): Error {
  if (!ApiError.isInstance(error) || error.status !== 401) return error;
  return credentialsRejected({
    packageName,
    ...exchangeOf(error),
    status: 401,
    reason,
    detail: `was rejected with 401: ${why}`,
  });
}
