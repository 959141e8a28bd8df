import { ConfigError } from './errors/config-error.js';

type LogMethod = (record: object, message?: string) => void;

/** A pino-compatible logger: `logger.info({ status: 200 }, 'message')`. pino, bunyan-style and console adapters fit. */
export interface Logger {
  debug: LogMethod;
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
}

const ignore: LogMethod = () => {};

/** The default: logs nothing. */
export const silentLogger: Logger = Object.freeze({ debug: ignore, info: ignore, warn: ignore, error: ignore });

const logLevels = ['debug', 'info', 'warn', 'error'] as const;

/** A pino-compatible logger (debug, info, warn and error methods), or a `ConfigError` naming the missing level. */
export function assertLogger(logger: unknown, packageName: string): void {
  if (logger === undefined) return;
  if (typeof logger !== 'object' || logger === null) {
    throw new ConfigError(`${packageName}: logger must be a pino-compatible logger object.`, { option: 'logger' });
  }
  for (const level of logLevels) {
    if (typeof (logger as Record<string, unknown>)[level] !== 'function') {
      throw new ConfigError(
        `${packageName}: logger must have debug, info, warn and error methods (${level} is missing).`,
        {
          option: 'logger',
        },
      );
    }
  }
}
