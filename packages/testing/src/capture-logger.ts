/** One call to a captured logger. */
export interface CapturedRecord {
  level: 'debug' | 'info' | 'warn' | 'error';
  record: Record<string, unknown>;
  message: string | undefined;
}

/** The logger `captureLogger` returns: pino-compatible, keeping every record. */
export interface CapturingLogger {
  records: CapturedRecord[];
  debug(record: object, message?: string): void;
  info(record: object, message?: string): void;
  warn(record: object, message?: string): void;
  error(record: object, message?: string): void;
}

/**
 * A pino-compatible logger that prints nothing and keeps every record at every level, for assertions on what a client
 * logged and for `findLeakedSecrets`. Pass it as any `@auth` client's `logger` option.
 */
export function captureLogger(): CapturingLogger {
  const records: CapturedRecord[] = [];
  const at =
    (level: CapturedRecord['level']) =>
    (record: object, message?: string): void => {
      records.push({ level, record: record as Record<string, unknown>, message });
    };
  return { records, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
