import type { Logger } from '@auth/core';
import type { CliOutput } from './cli-io.js';

type Level = keyof Logger;

/**
 * The `--verbose` logger: one line per record core and the providers write (one per HTTP exchange, plus token
 * events), at every level. Records are already redacted; they are printed as they come, field by field.
 */
export function createStderrLogger(stderr: CliOutput): Logger {
  const at = (level: Level) => (record: object, message?: string) => {
    const fields = Object.entries(record)
      .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
      .join(' ');
    stderr.write(`auth-check [${level}] ${message ?? ''}${fields === '' ? '' : ` ${fields}`}\n`);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
