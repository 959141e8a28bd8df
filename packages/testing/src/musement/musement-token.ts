import { randomBytes } from 'node:crypto';

/** A token shaped like Musement's: a 64-digit hex string, base64-encoded without padding. */
export function musementToken(): string {
  return Buffer.from(randomBytes(32).toString('hex')).toString('base64').replace(/=+$/, '');
}
