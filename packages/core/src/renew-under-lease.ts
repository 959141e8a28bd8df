import type { TokenSet } from './token-set.js';
import type { LeasingTokenStore, TokenLease } from './token-store.js';

/** How many lease ttls a renewal may hold its lease, extensions included (8 × 15 s covers a 120 s token call). */
const maxLeaseExtensions = 8;

export interface LeaseRenewal {
  store: LeasingTokenStore;
  key: string;
  ttlMs: number;
  pollMs: number;
  random: () => number;
  /** A token another process stored that is good enough, or undefined. */
  adopt(): Promise<TokenSet | undefined>;
  /** Renews under the held lease (the holder looks at the store once more first). */
  renew(): Promise<TokenSet>;
  /** The held lease ran out before the renewal ended: another process may renew too. */
  onLeaseLost(): void;
  onStoreFailure(error: unknown): void;
}

/**
 * The fleet protocol, one renewal per key for every process sharing the store: the lease holder renews and writes,
 * the others poll the store for its result. Resolves undefined when the store failed or the holder took longer than
 * it may hold a lease: the caller then renews on its own.
 */
export async function renewUnderLease(run: LeaseRenewal): Promise<TokenSet | undefined> {
  const giveUpAt = performance.now() + run.ttlMs * (maxLeaseExtensions + 1);
  for (;;) {
    const adopted = await run.adopt();
    if (adopted) return adopted;
    let lease: TokenLease | undefined;
    try {
      lease = await run.store.acquireLease(run.key, run.ttlMs);
    } catch (error) {
      run.onStoreFailure(error);
      return undefined;
    }
    if (lease) {
      const stopExtending = extendWhileRenewing(lease, run);
      try {
        return await run.renew();
      } finally {
        stopExtending();
        await lease.release().catch(() => undefined);
      }
    }
    if (performance.now() > giveUpAt) return undefined;
    await new Promise((resolve) => setTimeout(resolve, run.pollMs * (0.5 + run.random())));
  }
}

/**
 * Keeps a held lease from running out while a slow token endpoint answers, so that no other process renews too:
 * extended every third of its ttl, for at most `maxLeaseExtensions` ttls. A lost lease is reported, never fatal.
 */
function extendWhileRenewing(lease: TokenLease, run: LeaseRenewal): () => void {
  const extend = lease.extend?.bind(lease);
  if (extend === undefined) return () => {};
  const stopAt = performance.now() + run.ttlMs * maxLeaseExtensions;
  const timer = setInterval(() => {
    if (performance.now() > stopAt) return clearInterval(timer);
    extend(run.ttlMs).then((held) => {
      if (held) return;
      clearInterval(timer);
      run.onLeaseLost();
    }, run.onStoreFailure);
  }, run.ttlMs / 3);
  timer.unref?.();
  return () => clearInterval(timer);
}
