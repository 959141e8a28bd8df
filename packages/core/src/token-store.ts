import type { TokenSet } from './token-set.js';

/**
 * Where tokens live between calls. Keys are built by the providers (see `createTokenKey`) and separate provider,
 * base URL, client and user, so one store can hold many credentials.
 */
export interface TokenStore {
  get(key: string): Promise<TokenSet | undefined>;
  set(key: string, value: TokenSet): Promise<void>;
  delete(key: string): Promise<void>;
}

/** Proof of holding a store's refresh lease on a key. */
export interface TokenLease {
  /** Releases the lease, only if still held by this owner (a fencing value guards it). */
  release(): Promise<void>;
  /**
   * Sets the lease to expire `ttlMs` from now, only if still held by this owner; resolves false when it was lost.
   * `TokenManager` calls it while a renewal outlasts the lease, so a slow token endpoint is not asked by a second
   * process. Optional: without it, a lease lasts its first `ttlMs`.
   */
  extend?(ttlMs: number): Promise<boolean>;
}

/**
 * A store shared by several processes can also coordinate renewals: while one process holds the lease on a key and
 * renews, the others wait and read its result, so a fleet renews once (and never replays a rotated refresh token).
 */
export interface LeasingTokenStore extends TokenStore {
  /** Tries to take the lease for `ttlMs`; undefined when another owner holds it. */
  acquireLease(key: string, ttlMs: number): Promise<TokenLease | undefined>;
}

/** True when `store` offers the optional lease capability. */
export function isLeasingTokenStore(store: TokenStore): store is LeasingTokenStore {
  return typeof (store as Partial<LeasingTokenStore>).acquireLease === 'function';
}
