import { bufferResponse } from './buffer-response.js';
import type { ErrorContext } from './errors/api-error.js';
import { followRedirects, isRedirect } from './follow-redirects.js';
import { limitResponseBody } from './limit-response-body.js';

export interface ExchangeOptions extends Required<ErrorContext> {
  fetch: typeof globalThis.fetch;
  /** Follow same-origin redirects; false refuses every redirect (token requests). */
  followRedirects: boolean;
  /** The largest response body read, in bytes. */
  maxResponseBytes: number;
  /** Read each body before returning (token answers), so a connection dropped mid-body is a typed `NetworkError`. */
  bufferBody: boolean;
}

/**
 * One HTTP exchange as the engine sends it: redirects followed by our rules only (same origin, fetch's method rules),
 * the body capped at `maxResponseBytes`, and read whole first when `bufferBody` says so.
 */
export function createExchange(options: ExchangeOptions): (request: Request, init: RequestInit) => Promise<Response> {
  const { fetch, packageName, visibleQueryParameters } = options;
  const context = { packageName, visibleQueryParameters };
  const redirectRules = { ...context, follow: options.followRedirects };
  const bodyLimit = { ...context, maxBytes: options.maxResponseBytes };
  return async (request, init) => {
    // Redirects are ours to follow (see followRedirects): ky sends `redirect: 'manual'`, a caller may not undo it.
    const sent = request.redirect === 'manual' ? request : new Request(request, { redirect: 'manual' });
    const spare = options.followRedirects && sent.body !== null ? sent.clone() : undefined;
    let response = await fetch(sent, init);
    if (isRedirect(response.status)) {
      response = await followRedirects(fetch, sent, response, spare, init, redirectRules);
    }
    response = limitResponseBody(sent, response, bodyLimit);
    return options.bufferBody ? bufferResponse(sent, response, context) : response;
  };
}
