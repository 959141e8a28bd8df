import { inspect } from 'node:util';
import type { CapturedRecord } from './capture-logger.js';

/**
 * Every secret that shows up in a log record (serialised and inspected) or in an error (message, enumerable fields,
 * `util.inspect`, including its cause chain). Returns `[secret, where]` pairs; empty means nothing leaked.
 */
export function findLeakedSecrets(
  secrets: Iterable<string>,
  records: readonly CapturedRecord[],
  errors: readonly unknown[],
): Array<[string, string]> {
  const texts: Array<[string, string]> = [];
  records.forEach((entry, index) => {
    texts.push([
      `log #${index}`,
      `${entry.message ?? ''} ${JSON.stringify(entry.record)} ${inspect(entry.record, { depth: 10 })}`,
    ]);
  });
  errors.forEach((error, index) => {
    const shown = inspect(error, { depth: 10, showHidden: false });
    const fields = JSON.stringify(error, (_key, value) => (typeof value === 'bigint' ? String(value) : value));
    const message = error instanceof Error ? error.message : String(error);
    texts.push([`error #${index}`, `${message} ${fields} ${shown}`]);
  });
  const leaks: Array<[string, string]> = [];
  for (const secret of new Set(secrets)) {
    if (secret.length < 6) throw new Error(`refusing to scan for a secret this short: it would match by chance`);
    for (const [where, text] of texts) {
      if (text.includes(secret) || text.includes(encodeURIComponent(secret))) leaks.push([secret.slice(0, 4), where]);
    }
  }
  return leaks;
}
