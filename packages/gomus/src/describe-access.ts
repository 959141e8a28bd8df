import { hasAllMuseums } from './has-all-museums.js';
import { gomusAccessKinds, type WhoAmI } from './who-am-i.js';

/**
 * One line saying what a `whoami` answer means, for logs and CLIs.
 *
 * @example
 * describeAccess({ access: 'user', museums: [] });       // 'user token with access to all museums of the instance'
 * describeAccess({ access: 'reseller', museums: [1, 2] }); // 'reseller token limited to museums 1, 2'
 * describeAccess({ access: 'public' });                   // 'public access (no token): public data only'
 */
export function describeAccess(whoami: WhoAmI): string {
  const { access, museums } = whoami;
  if (access === 'public') return 'public access (no token): public data only';
  const kind = (gomusAccessKinds as readonly string[]).includes(access)
    ? `${access} token`
    : `token with access "${access}" (unknown to this package)`;
  if (hasAllMuseums(whoami)) return `${kind} with access to all museums of the instance`;
  if (museums !== undefined) return `${kind} limited to museum${museums.length === 1 ? '' : 's'} ${museums.join(', ')}`;
  return access === 'customer' ? `${kind} (acts for one customer)` : `${kind} (museum scope not stated)`;
}
