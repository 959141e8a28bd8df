import { createHash } from 'node:crypto';

/**
 * A short, non-reversible name for a token: the first 12 hex characters of its SHA-256. Shown in log records, events,
 * spans and errors about a token, so that an operator can tell which token a call used, whether it rotated, and
 * whether two processes disagree, without ever seeing the token.
 */
export function fingerprintToken(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 12);
}
