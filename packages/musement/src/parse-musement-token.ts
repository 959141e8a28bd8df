import { ApiError, type TokenSet } from '@auth/core';
import { packageName } from './resolve-musement-settings.js';

export interface LoginExchange {
  /** When the answer arrived, epoch ms on our clock. */
  receivedAt: number;
  status: number;
  method: string;
  /** The login URL; the error redacts its query (the credentials of a GET login). */
  url: string;
}

/**
 * Turns the text of a login answer into a `TokenSet`. Tolerant of what does not matter (extra fields, `scope: null`, a numeric
 * string for `expires_in`), strict about what does: no access token, or an expiry that is not a positive number of
 * seconds, is an `ApiError`. The body is never attached to the error: it may hold a refresh token.
 */
export function parseMusementToken(text: string, exchange: LoginExchange): TokenSet {
  const fail = (problem: string) =>
    new ApiError({
      packageName,
      status: exchange.status,
      method: exchange.method,
      url: exchange.url,
      detail: `answered ${exchange.status} ${problem}`,
    });

  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    // JSON.parse quotes the text it chokes on, and the text may hold a token: say only what went wrong.
    throw fail(text.trim() === '' ? 'with an empty body' : 'with a body that is not valid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw fail('with a body that is not an object');
  const record = body as Record<string, unknown>;
  const accessToken = record.access_token;
  if (typeof accessToken !== 'string' || accessToken.trim() === '') throw fail('without an access_token');

  const token: TokenSet = { accessToken, issuedAt: exchange.receivedAt };
  const expiresInSeconds = readExpiresIn(record.expires_in);
  if (expiresInSeconds === null) throw fail('with an expires_in that is not a positive number of seconds');
  if (expiresInSeconds !== undefined) {
    token.expiresAt = exchange.receivedAt + expiresInSeconds * 1000;
    if (!Number.isFinite(token.expiresAt)) throw fail('with an expires_in too large to be a time');
  }
  if (typeof record.refresh_token === 'string' && record.refresh_token !== '')
    token.refreshToken = record.refresh_token;
  if (typeof record.token_type === 'string') token.tokenType = record.token_type;
  if (typeof record.scope === 'string') token.scope = record.scope;
  return token;
}

/** Seconds; undefined when absent (no known expiry); null when present but unusable. */
function readExpiresIn(value: unknown): number | undefined | null {
  if (value === undefined || value === null) return undefined;
  const seconds = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? seconds : null;
}
