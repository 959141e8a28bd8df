import { hasAllMuseums, type WhoAmI } from '@auth/gomus';

/**
 * A `whoami` answer in plain words, kind first: `user token: all museums of the instance`, `reseller token: museums
 * 1, 2`, `public access (no token): public data only`. An empty `museums` list means every museum, not none.
 */
export function describeGomusScope(whoami: WhoAmI): string {
  if (whoami.access === 'public') return 'public access (no token): public data only';
  const kind = `${whoami.access} token`;
  if (hasAllMuseums(whoami)) return `${kind}: all museums of the instance`;
  const museums = whoami.museums;
  if (museums !== undefined) return `${kind}: museum${museums.length === 1 ? '' : 's'} ${museums.join(', ')}`;
  return whoami.access === 'customer' ? `${kind}: one customer's data` : `${kind}: museum scope not stated`;
}
