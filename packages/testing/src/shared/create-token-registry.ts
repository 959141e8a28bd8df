import { monotonicNow } from './monotonic-now.js';
import { randomToken } from './random-token.js';

export type TokenStatus = 'valid' | 'expired' | 'revoked' | 'rotated' | 'unknown';

export interface TokenRecord<Data> {
  readonly token: string;
  readonly data: Data;
  /** Monotonic milliseconds. */
  readonly issuedAtMs: number;
  /** Monotonic milliseconds; `Infinity` for a token that never expires. */
  readonly expiresAtMs: number;
  readonly serial: number;
  state: 'active' | 'revoked' | 'rotated';
}

export interface TokenCheck<Data> {
  status: TokenStatus;
  record?: TokenRecord<Data>;
}

export interface TokenRegistry<Data> {
  /** Issues a new random token (or registers `token`) valid for the registry's lifetime. */
  issue(data: Data, token?: string): TokenRecord<Data>;
  check(token: string): TokenCheck<Data>;
  /** Returns whether the token was known. */
  revoke(token: string): boolean;
  /** Marks a token as replaced by a newer one (refresh-token rotation). */
  markRotated(token: string): void;
  /** Every token issued so far is expired from now on. */
  expireAll(): void;
}

export interface TokenRegistryOptions {
  /** Lifetime of issued tokens in milliseconds; `Infinity` for tokens that never expire. */
  lifetimeMs: number;
  /** Monotonic clock in milliseconds. @default performance.now */
  now?: () => number;
  /** Random bytes in a generated token. @default 32 */
  tokenBytes?: number;
}

// Expired tokens answer exactly like unknown ones, so they can be dropped once the map grows large.
const pruneAboveSize = 50_000;

export function createTokenRegistry<Data>(options: TokenRegistryOptions): TokenRegistry<Data> {
  const now = options.now ?? monotonicNow;
  const records = new Map<string, TokenRecord<Data>>();
  let lastSerial = 0;
  // expireAll() is O(1): every token with a serial up to this watermark counts as expired.
  let expiredThroughSerial = 0;

  const isExpired = (record: TokenRecord<Data>, nowMs: number) =>
    record.serial <= expiredThroughSerial || nowMs >= record.expiresAtMs;

  const prune = () => {
    const nowMs = now();
    for (const [token, record] of records) if (isExpired(record, nowMs)) records.delete(token);
  };

  return {
    issue(data, token = randomToken(options.tokenBytes)) {
      if (records.size >= pruneAboveSize && lastSerial % 1024 === 0) prune();
      const issuedAtMs = now();
      lastSerial += 1;
      const record: TokenRecord<Data> = {
        token,
        data,
        issuedAtMs,
        expiresAtMs: issuedAtMs + options.lifetimeMs,
        serial: lastSerial,
        state: 'active',
      };
      records.set(token, record);
      return record;
    },
    check(token) {
      const record = records.get(token);
      if (!record) return { status: 'unknown' };
      if (record.state !== 'active') return { status: record.state, record };
      if (isExpired(record, now())) return { status: 'expired', record };
      return { status: 'valid', record };
    },
    revoke(token) {
      const record = records.get(token);
      if (!record) return false;
      record.state = 'revoked';
      return true;
    },
    markRotated(token) {
      const record = records.get(token);
      if (record && record.state === 'active') record.state = 'rotated';
    },
    expireAll() {
      expiredThroughSerial = lastSerial;
    },
  };
}
