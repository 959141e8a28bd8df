import { failureReason } from './failure-reason.js';
import type { Logger } from './logger.js';
import { redactUrl } from './redact-url.js';

/** What one log record says of an exchange, besides its outcome. */
export interface ExchangeRecord {
  request: Request;
  attempt: number;
  /** The request replays a 401 with a renewed token. */
  replay: boolean;
  /** Fingerprint of the token sent, when one was. */
  token: string | undefined;
}

/**
 * One record per HTTP exchange when it completes: timestamp, method, endpoint (redacted), status or failure reason,
 * durationMs, attempt. 5xx answers, failures and a token endpoint's 4xx (refused credentials) are logged at warn; a `Retry-After` of a 429/503 is shown.
 */
export function createExchangeLog(logger: Logger, fields: Record<string, unknown>, visible: readonly string[]) {
  // A token endpoint refusing the credentials is an operator's problem, not an ordinary 4xx of an API call.
  const refusalsMatter = fields.kind === 'token';
  return async (
    { request, attempt, replay, token }: ExchangeRecord,
    exchange: () => Promise<Response>,
  ): Promise<Response> => {
    const started = performance.now();
    const record = {
      ...fields,
      timestamp: new Date().toISOString(),
      method: request.method,
      endpoint: redactUrl(request.url, visible),
      attempt,
      ...(replay ? { replay: true } : {}),
      ...(token === undefined ? {} : { token }),
    };
    const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
    try {
      const response = await exchange();
      const { status } = response;
      const retryAfter = status === 429 || status === 503 ? response.headers.get('retry-after') : null;
      logger[status >= 500 || (refusalsMatter && status >= 400) ? 'warn' : 'info'](
        { ...record, status, durationMs: elapsed(), ...(retryAfter === null ? {} : { retryAfter }) },
        'http request',
      );
      return response;
    } catch (error) {
      logger.warn({ ...record, error: failureReason(error), durationMs: elapsed() }, 'http request failed');
      throw error;
    }
  };
}
