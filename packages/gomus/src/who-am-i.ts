/** The kinds of go~mus access `whoami` reports. */
export type GomusAccess = 'public' | 'user' | 'cashpoint' | 'reseller' | 'customer';

/** What a token may do, as `GET /api/v4/whoami` reports it. */
export interface WhoAmI {
  /**
   * The token's kind; `public` without a token. A kind newer than this package is passed through as the server sent it
   * (and logged at warn), hence the open string type.
   */
  access: GomusAccess | (string & {});
  /**
   * The museums the token reaches. `[]` means EVERY museum of the instance (not none); ids narrow the scope. Absent for
   * public and customer access. Use `hasAllMuseums` and `describeAccess` rather than testing the length.
   */
  museums?: number[];
}

/** The access kinds this package knows. */
export const gomusAccessKinds: readonly GomusAccess[] = Object.freeze([
  'public',
  'user',
  'cashpoint',
  'reseller',
  'customer',
]);
