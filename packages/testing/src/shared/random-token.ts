import { randomBytes } from 'node:crypto';

/** An opaque, URL-safe random token of `byteLength` random bytes. */
export function randomToken(byteLength = 32): string {
  return randomBytes(byteLength).toString('base64url');
}
