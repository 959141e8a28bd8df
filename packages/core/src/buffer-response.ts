import type { ErrorContext } from './errors/api-error.js';
import { AuthError } from './errors/auth-error.js';
import { NetworkError } from './errors/network-error.js';
import { failureReason } from './failure-reason.js';
import { markRetryable } from './retryable-error.js';

/**
 * `response` read whole before it is returned, so that a connection dropped mid-body is a typed `NetworkError` a retry
 * may heal, not an error at the caller's `.json()`. Token clients use it: their answers are small and read at once.
 */
export async function bufferResponse(request: Request, response: Response, context: ErrorContext): Promise<Response> {
  let body: ArrayBuffer;
  try {
    body = await response.arrayBuffer();
  } catch (error) {
    // A timeout is reported by ky; a body over the cap is already typed.
    if (request.signal.aborted || AuthError.isInstance(error)) throw error;
    throw markRetryable(
      new NetworkError({
        ...context,
        method: request.method,
        url: request.url,
        timedOut: false,
        detail: `failed: the connection dropped while reading the body (${failureReason(error)})`,
      }),
    );
  }
  const { status, statusText, headers } = response;
  const buffered = new Response(status === 204 || status === 304 ? null : body, { status, statusText, headers });
  // A constructed Response has no url; keep the real one for whoever reports on it.
  Object.defineProperty(buffered, 'url', { value: response.url });
  return buffered;
}
