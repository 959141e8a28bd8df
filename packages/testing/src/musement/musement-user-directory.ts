import type { MusementEmulatorUser } from './musement-types.js';

/** The emulator's customers, found by username in constant time (a load test logs in thousands). */
export interface MusementUserDirectory {
  /** The customer with this username and password, if any. */
  find(username: string, password: string): MusementEmulatorUser | undefined;
  /** A stable profile id for the customer. */
  idOf(user: MusementEmulatorUser): number;
}

/**
 * `users`, then `generated` customers (`customer-<n>@example.com`, password `customer-<n>-password`, n from 1),
 * created on first use so that a large count costs nothing until those customers log in.
 */
export function createMusementUserDirectory(
  users: readonly MusementEmulatorUser[],
  generated: number,
): MusementUserDirectory {
  const byName = new Map<string, { user: MusementEmulatorUser; id: number }>();
  users.forEach((user, index) => {
    if (!byName.has(user.username)) byName.set(user.username, { user, id: 5000 + index });
  });
  const ids = new WeakMap<MusementEmulatorUser, number>();
  for (const { user, id } of byName.values()) ids.set(user, id);

  const generatedEntry = (username: string) => {
    const match = /^customer-(\d+)@example\.com$/.exec(username);
    const index = match ? Number(match[1]) : 0;
    if (!(index >= 1 && index <= generated)) return undefined;
    const entry = { user: generatedMusementUser(index), id: 100_000 + index };
    byName.set(username, entry);
    ids.set(entry.user, entry.id);
    return entry;
  };

  return {
    find(username, password) {
      const entry = byName.get(username) ?? generatedEntry(username);
      return entry && entry.user.password === password ? entry.user : undefined;
    },
    idOf: (user) => ids.get(user) ?? 0,
  };
}

/** Generated customer `index` (from 1) of the emulator's `generatedUsers` option. */
function generatedMusementUser(index: number): MusementEmulatorUser {
  return { username: `customer-${index}@example.com`, password: `customer-${index}-password` };
}
