import type { Logger } from '@auth/core';

/** A logger that adds `fields` to every record, so token events carry the same labels as HTTP records. */
export function withLogFields(logger: Logger, fields: Record<string, unknown>): Logger {
  const wrap =
    (level: keyof Logger) =>
    (record: object, message?: string): void =>
      logger[level]({ ...fields, ...record }, message);
  return { debug: wrap('debug'), info: wrap('info'), warn: wrap('warn'), error: wrap('error') };
}
