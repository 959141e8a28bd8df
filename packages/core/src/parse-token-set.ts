import type { TokenSet } from './token-set.js';

/**
 * RFC 6750 `b64token` characters: what a bearer credential may use in an `Authorization` header. `=` is accepted
 * anywhere, not only as trailing padding: real tokens join base64 parts (`<claims>=.<signature>`), and `=` is as safe
 * in a header as the rest.
 */
const bearerTokenCharacters = /^[A-Za-z0-9\-._~+/=]+$/;
/** RFC 6749 `VSCHAR` (printable ASCII): what a refresh token, sent in a body, may contain. */
const visibleCharacters = /^[\x20-\x7e]+$/;
/** Far above any real token (JWTs with many claims stay under 8 KB); a longer one is not worth a header. */
export const maxTokenLength = 16_384;

/** True when `value` can be sent as `Authorization: Bearer <value>` without breaking or smuggling a header. */
export function isHeaderSafeToken(value: unknown): value is string {
  return typeof value === 'string' && value.length <= maxTokenLength && bearerTokenCharacters.test(value);
}

/** True when `value` is a refresh token we may store and send back in a token request. */
export function isSafeRefreshToken(value: unknown): value is string {
  return typeof value === 'string' && value.length <= maxTokenLength && visibleCharacters.test(value);
}

/**
 * What is wrong with `value` as a `TokenSet` (a network answer, a store record), as a short phrase that never quotes
 * it; undefined when it is a valid one.
 */
export function describeInvalidTokenSet(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'it is not an object';
  const record = value as Record<string, unknown>;
  if (typeof record.accessToken !== 'string' || record.accessToken === '') return 'it has no access token';
  if (!isHeaderSafeToken(record.accessToken)) {
    return 'its access token has characters an HTTP header cannot carry (RFC 6750) or is too long';
  }
  if (record.refreshToken != null && !isSafeRefreshToken(record.refreshToken)) {
    return 'its refresh token is not printable ASCII or is too long';
  }
  for (const name of ['expiresAt', 'issuedAt'] as const) {
    const time = record[name];
    if (time != null && !(typeof time === 'number' && Number.isFinite(time))) return `its ${name} is not a time`;
  }
  for (const name of ['tokenType', 'scope'] as const) {
    if (record[name] != null && typeof record[name] !== 'string') return `its ${name} is not a string`;
  }
  return undefined;
}

/**
 * `value` as a `TokenSet` with only the known fields, or undefined when it is not a valid one. Stores use it on every
 * record they read: what a store returns is trusted no more than a network answer.
 */
export function parseTokenSet(value: unknown): TokenSet | undefined {
  if (describeInvalidTokenSet(value) !== undefined) return undefined;
  const record = value as Record<string, unknown>;
  const token: TokenSet = { accessToken: record.accessToken as string };
  for (const name of ['expiresAt', 'issuedAt'] as const) {
    if (typeof record[name] === 'number') token[name] = record[name] as number;
  }
  for (const name of ['refreshToken', 'tokenType', 'scope'] as const) {
    if (typeof record[name] === 'string') token[name] = record[name] as string;
  }
  return token;
}
