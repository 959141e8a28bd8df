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
