import { ConfigError } from '@auth/core';
import { packageName } from './resolve-gomus-settings.js';

/** Options of {@link createForeignId}. */
export interface CreateForeignIdOptions {
  /** Put before the UUID, to say where the id comes from, e.g. `crm-customer-`. @default '' */
  prefix?: string;
}

/**
 * A collision-free `foreign_id` for a go~mus record: a random UUID v4 (122 random bits from the Web Crypto CSPRNG,
 * `crypto.randomUUID`), as go~mus recommends ("16+ random characters or UUID"). Store it with your own record; later
 * calls then reference the go~mus record by it, with no mapping table.
 *
 * @example
 * createForeignId();                            // '3b241101-e2bb-4255-8caf-4136c566a962'
 * createForeignId({ prefix: 'crm-customer-' }); // 'crm-customer-3b241101-e2bb-4255-8caf-4136c566a962'
 */
export function createForeignId(options: CreateForeignIdOptions = {}): string {
  const prefix = options.prefix ?? '';
  if (typeof prefix !== 'string' || /[\s/?#%]/.test(prefix)) {
    throw new ConfigError(
      `${packageName}: the foreign_id prefix must be a string without spaces, '/', '?', '#' or '%'.`,
      {
        option: 'prefix',
      },
    );
  }
  return `${prefix}${globalThis.crypto.randomUUID()}`;
}
