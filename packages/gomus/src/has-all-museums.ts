import type { WhoAmI } from './who-am-i.js';

/**
 * True when the token reaches every museum of the instance: go~mus says so with an EMPTY `museums` list, which is easy
 * to misread as "no museums". False when `museums` lists ids or is absent (public and customer access).
 */
export function hasAllMuseums(whoami: WhoAmI): boolean {
  return Array.isArray(whoami.museums) && whoami.museums.length === 0;
}
