import { AuthError } from './errors/auth-error.js';
import { isLeasingTokenStore, type LeasingTokenStore, type TokenLease, type TokenStore } from './token-store.js';

/**
 * `store` with every operation (leases included) bounded by `timeoutMs`: one that does not answer in time rejects with
 * an `AuthError`, so the token manager treats the store as down instead of hanging on it. The late outcome of an
 * abandoned operation is swallowed, never an unhandled rejection.
 */
export function boundStore(store: TokenStore, timeoutMs: number, packageName: string): TokenStore {
  const bounded = <T>(operation: Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new AuthError(`${packageName}: the token store did not answer within storeTimeoutMs (${timeoutMs} ms).`),
          ),
        timeoutMs,
      );
      operation.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  const boundLease = (lease: TokenLease): TokenLease => ({
    release: () => bounded(lease.release()),
    ...(lease.extend && {
      extend: (ttlMs: number) => bounded((lease.extend as NonNullable<TokenLease['extend']>)(ttlMs)),
    }),
  });
  const wrapped: TokenStore = {
    get: (key) => bounded(store.get(key)),
    set: (key, value) => bounded(store.set(key, value)),
    delete: (key) => bounded(store.delete(key)),
  };
  if (!isLeasingTokenStore(store)) return wrapped;
  const leasing: LeasingTokenStore = {
    ...wrapped,
    acquireLease: async (key, ttlMs) => {
      const lease = await bounded(store.acquireLease(key, ttlMs));
      return lease && boundLease(lease);
    },
  };
  return leasing;
}
