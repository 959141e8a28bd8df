import { createHash } from 'node:crypto';

const recent = new Map<string, string>();
const maxRemembered = 64;

/**
 * A short, non-reversible name for a token: the first 12 hex characters of its SHA-256. Shown in log records, events,
 * spans and errors about a token, so that an operator can tell which token a call used, whether it rotated, and
 * whether two processes disagree, without ever seeing the token. The last few are remembered: a call's hot path
 * hashes a token once, not per request.
 */
export function fingerprintToken(token: string): string {
  let fingerprint = recent.get(token);
  if (fingerprint === undefined) {
    fingerprint = createHash('sha256').update(token).digest('hex').slice(0, 12);
    if (recent.size >= maxRemembered) recent.delete(recent.keys().next().value as string);
    recent.set(token, fingerprint);
  }
  return fingerprint;
}
