import { ApiError } from '@auth/core';
import { exchangeOf, providerMessage } from '@auth/core/provider';
import { packageName } from './package-name.js';

/**
 * Musimap's error envelope (`{ status, timestamp, message }`, the documented "Error Response Schema" whose fields our
 * sources do not quote) read tolerantly into the `ApiError`'s message: `message`, else `error` (a string or an object
 * with a `message`), `detail`, `title`, or the first of `errors`. Only an `ApiError` of an error status is changed; the
 * body it quotes was already scrubbed of every secret the client knows, and no header is ever read.
 */
export function mapMusimapError(error: Error): Error {
  if (!ApiError.isInstance(error) || error.code !== 'API' || error.status < 400) return error;
  const message = providerMessage(error.data);
  if (message === undefined) return error;
  return new ApiError({
    packageName,
    ...exchangeOf(error),
    status: error.status,
    data: error.data,
    detail: `failed with ${error.status}: ${message}`,
  });
}
