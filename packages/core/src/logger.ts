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
