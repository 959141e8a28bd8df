import { gomusTestTokens } from './gomus-test-tokens.js';

/** What a static go~mus token may see and do. */
export interface GomusEmulatorToken {
  /** The token's kind; go~mus answers by it ("context-aware" responses). */
  access: 'user' | 'reseller' | 'cashpoint' | 'customer';
  /** Museum ids the token reaches; `[]` means every museum of the instance. @default [] (absent from whoami for `customer`) */
  museums?: number[];
  /** For a reseller token: the reseller id items must be cleared for. @default 1 */
  resellerId?: number;
}

/** The tokens of `gomusTestTokens`. */
export const defaultGomusTokens: Readonly<Record<string, GomusEmulatorToken>> = {
  [gomusTestTokens.user]: { access: 'user', museums: [] },
  [gomusTestTokens.reseller]: { access: 'reseller', museums: [1, 2], resellerId: 1 },
};
