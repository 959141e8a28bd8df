import { REDACTED } from '../redact-url.js';
import type { ApiError, ExchangeErrorOptions } from './api-error.js';

/**
 * The exchange an `ApiError` is about, to build another error about it (a provider's own class, a rejection): its
 * method, and its URL with what it shows still shown and what it hides still hidden.
 *
 * @example new ValidationError({ packageName, ...exchangeOf(error), status: 422, detail: 'was refused with 422' })
 */
export function exchangeOf(error: ApiError): Pick<ExchangeErrorOptions, 'method' | 'url' | 'visibleQueryParameters'> {
  const query = new URL(error.url).searchParams;
  const visibleQueryParameters = [...query].filter(([, value]) => value !== REDACTED).map(([name]) => name);
  return { method: error.method, url: error.url, visibleQueryParameters };
}
