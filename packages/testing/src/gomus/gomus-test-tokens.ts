/** Bearer tokens the go~mus emulator accepts by default. */
export const gomusTestTokens = {
  /** A backend user token reaching every museum (`museums: []`). */
  user: 'gomus-test-user-token-7f3a9c2e',
  /** A reseller token (reseller 1) cleared for museums 1 and 2; rate-limited. */
  reseller: 'gomus-test-reseller-token-4b8d1e6a',
} as const;
