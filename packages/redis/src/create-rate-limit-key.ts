import { createHash } from 'node:crypto';
import { createTokenKey } from '@auth/core/provider';
import type { RateLimitKeyParts } from './redis-rate-limiter-options.js';

/**
 * The identity a fleet's rate limit is counted under: core's token key of the same parts (provider, environment, base
 * URL, client id), plus `token:<first 16 hex of SHA-256>` for a static token. Braces are escaped: the key becomes a
 * Redis Cluster hash tag.
 */
export function createRateLimitKey(key: string | RateLimitKeyParts): string {
  if (typeof key === 'string') return key.replace(/[{}]/g, encodeURIComponent);
  const { token, ...parts } = key;
  const base = createTokenKey(parts);
  return token === undefined ? base : `${base}:token:${createHash('sha256').update(token).digest('hex').slice(0, 16)}`;
}
