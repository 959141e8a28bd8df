import { inspect } from 'node:util';
import type { CapturedRecord } from './capture-logger.js';

/** Every way a log record or an error could show a secret: JSON, util.inspect, message, enumerable fields, stack. */
export function findSecrets(
  secrets: readonly string[],
  records: readonly CapturedRecord[],
  errors: readonly unknown[],
): string[] {
  const texts: string[] = [];
  for (const { record, message } of records)
    texts.push(JSON.stringify(record), inspect(record, { depth: 10 }), message ?? '');
  for (const error of errors) {
    texts.push(inspect(error, { depth: 10, showHidden: false }), JSON.stringify(error) ?? '');
    if (error instanceof Error) texts.push(error.message, error.stack ?? '', JSON.stringify({ ...error }));
  }
  const found: string[] = [];
  for (const secret of secrets) if (texts.some((text) => text.includes(secret))) found.push(secret);
  return found;
}
