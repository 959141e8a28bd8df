import { inspect } from 'node:util';
import type { CapturedRecord } from './capture-logger.js';

/**
 * Every secret that shows up in a log record (message, JSON, `util.inspect`) or in an error (message, stack, enumerable
 * fields, `util.inspect` including its cause chain), also URL-encoded. Returns `[first 4 characters, where]` pairs so
 * a failing assertion does not print the secret itself; empty means nothing leaked.
 */
export function findLeakedSecrets(
  secrets: Iterable<string>,
  records: readonly CapturedRecord[],
  errors: readonly unknown[] = [],
): Array<[string, string]> {
  const texts: Array<[string, string]> = [];
  records.forEach((entry, index) => {
    texts.push([
      `log #${index}`,
      `${entry.message ?? ''} ${JSON.stringify(entry.record)} ${inspect(entry.record, { depth: 10 })}`,
    ]);
  });
  errors.forEach((error, index) => {
    const shown = inspect(error, { depth: 10 });
    const fields = JSON.stringify(error, (_key, value) => (typeof value === 'bigint' ? String(value) : value));
    const message = error instanceof Error ? `${error.message} ${error.stack ?? ''}` : String(error);
    texts.push([`error #${index}`, `${message} ${fields} ${shown}`]);
  });
  const leaks: Array<[string, string]> = [];
  for (const secret of new Set(secrets)) {
    if (secret.length < 6)
      throw new Error('findLeakedSecrets: refusing to scan for a secret this short (< 6 characters)');
    for (const [where, text] of texts) {
      if (text.includes(secret) || text.includes(encodeURIComponent(secret))) leaks.push([secret.slice(0, 4), where]);
    }
  }
  return leaks;
}
