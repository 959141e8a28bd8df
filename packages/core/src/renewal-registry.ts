import type { TokenSet } from './token-set.js';

/**
 * The renewals in flight in this process, by the store object the clients were given and the token key. Every
 * `TokenManager` sharing a store object looks here first, so that a key is renewed once in the process whatever the
 * number of clients (a fleet of processes coordinates through the store's lease on top). Weak on the store: a store
 * nobody holds any more takes its entry with it; a key's entry goes as soon as its renewal settles.
 */
const renewals = new WeakMap<object, Map<string, Promise<TokenSet>>>();

/** The renewal of `key` in flight in this process among the clients sharing `store`, if any. */
export function findRenewal(store: object, key: string): Promise<TokenSet> | undefined {
  return renewals.get(store)?.get(key);
}

/**
 * Registers `renewal` as the one of `key` until it settles, and returns what the others join: it settles like
 * `renewal`, once the entry is gone.
 */
export function registerRenewal(store: object, key: string, renewal: Promise<TokenSet>): Promise<TokenSet> {
  let byKey = renewals.get(store);
  if (byKey === undefined) {
    byKey = new Map();
    renewals.set(store, byKey);
  }
  const shared: Promise<TokenSet> = renewal.finally(() => {
    const current = renewals.get(store);
    if (current?.get(key) !== shared) return;
    current.delete(key);
    if (current.size === 0) renewals.delete(store);
  });
  byKey.set(key, shared);
  return shared;
}
