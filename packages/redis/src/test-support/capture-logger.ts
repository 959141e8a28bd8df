import type { Logger } from '@auth/core';

export interface CapturedRecord {
  level: 'debug' | 'info' | 'warn' | 'error';
  record: object;
  message: string | undefined;
}

/** A logger that keeps every record at every level, for assertions and the secret scan. */
export function captureLogger(): Logger & { records: CapturedRecord[] } {
  const records: CapturedRecord[] = [];
  const at =
    (level: CapturedRecord['level']) =>
    (record: object, message?: string): void => {
      records.push({ level, record, message });
    };
  return { records, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
