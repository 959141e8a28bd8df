import { ApiError, type TokenSet } from '@auth/core';
import { packageName } from './package-name.js';

export interface ParseMusimapTokenContext {
  /** When the response arrived, epoch ms on OUR clock: the token's lifetime is anchored to it. */
  receivedAt: number;
  /** HTTP status of the token response, for the error. @default 201 */
  status?: number;
  /** The token endpoint URL (already redacted), for the error. */
  url?: string;
}

// Below this an epoch value cannot be milliseconds of this century: it is seconds.
const smallestEpochMs = 1e11;

/**
 * Turns the body of `POST /oauth/access_tokens/client` into a `TokenSet`.
 *
 * The server's `issued_at` / `expires_at` (epoch ms) are read on the server's clock, which may differ from ours, so
 * only their difference, the lifetime, is used: `expiresAt = receivedAt + (expires_at - issued_at)`, `issuedAt =
 * receivedAt`. When `issued_at` is absent the envelope's `timestamp` (same clock) stands in. Unknown fields are
 * ignored. A missing token, a non-numeric time or a lifetime that is not positive throws an `ApiError`; a response
 * without `expires_at` (or without both `issued_at` and `timestamp`) gives a token with no known expiry, which is then
 * renewed when the API rejects it with 401.
 */
export function parseMusimapToken(body: unknown, context: ParseMusimapTokenContext): TokenSet {
  const fail = (problem: string): never => {
    throw new ApiError({
      packageName,
      ...(context.url ? {} : { where: 'the token endpoint' }),
      detail: `answered with an unusable token response: ${problem}`,
      status: context.status ?? 201,
      method: 'POST',
      url: context.url ?? '',
    });
  };

  if (!isRecord(body)) return fail('the body is not a JSON object');
  const data = body.data;
  if (!isRecord(data)) return fail('it has no data object');
  const accessToken = data.token;
  if (typeof accessToken !== 'string' || accessToken.trim() === '') return fail('data.token is missing or empty');

  const expiresAtServer = data.expires_at ?? undefined;
  const issuedAtServer = data.issued_at ?? body.timestamp ?? undefined;
  if (!isTime(expiresAtServer)) return fail('data.expires_at is not a number of epoch milliseconds');
  if (!isTime(issuedAtServer)) return fail('data.issued_at is not a number of epoch milliseconds');
  if (expiresAtServer === undefined || issuedAtServer === undefined) {
    return { accessToken, tokenType: 'Bearer', issuedAt: context.receivedAt };
  }

  let lifetimeMs = expiresAtServer - issuedAtServer;
  if (expiresAtServer < smallestEpochMs && issuedAtServer < smallestEpochMs) lifetimeMs *= 1000;
  if (!(lifetimeMs > 0)) return fail('expires_at is not after issued_at');
  if (!Number.isFinite(context.receivedAt + lifetimeMs)) return fail('the lifetime is too large to be a time');
  return {
    accessToken,
    tokenType: 'Bearer',
    issuedAt: context.receivedAt,
    expiresAt: context.receivedAt + lifetimeMs,
  };
}

/** Absent or a finite number. */
function isTime(value: unknown): value is number | undefined {
  return value === undefined || (typeof value === 'number' && Number.isFinite(value));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
