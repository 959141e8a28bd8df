import type { TokenSet } from './token-set.js';
import type { TokenStore } from './token-store.js';

/** The default store: a per-process Map. Tokens are copied in and out so callers cannot mutate stored state. */
export class MemoryTokenStore implements TokenStore {
  readonly #tokens = new Map<string, TokenSet>();

  async get(key: string): Promise<TokenSet | undefined> {
    const token = this.#tokens.get(key);
    return token && { ...token };
  }

  async set(key: string, value: TokenSet): Promise<void> {
    this.#tokens.set(key, { ...value });
  }

  async delete(key: string): Promise<void> {
    this.#tokens.delete(key);
  }
}
