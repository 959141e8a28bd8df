import { ConfigError } from './errors/config-error.js';

export interface LoadSettingOptions {
  /** The value passed as an option; wins over the environment. */
  value: unknown;
  /** The option's name, used in error messages, e.g. `clientId`. */
  option: string;
  /** The environment variable to fall back to, e.g. `MUSEMENT_CLIENT_ID`. */
  environmentVariable?: string;
  /** The package whose options these are, e.g. `@auth/musement`. Starts every message. */
  packageName: string;
}

/**
 * Reads a string setting from an option or its environment variable. Returns undefined when neither is set; use
 * `loadRequiredSetting` when it must exist.
 */
export function loadSetting({
  value,
  option,
  environmentVariable,
  packageName,
}: LoadSettingOptions): string | undefined {
  if (value === undefined || value === null) {
    const fromEnvironment = environmentVariable ? readEnvironment(environmentVariable) : undefined;
    return fromEnvironment === '' ? undefined : fromEnvironment;
  }
  if (typeof value !== 'string') {
    throw new ConfigError(`${packageName}: the ${option} option must be a string, got ${describeType(value)}.`, {
      option,
    });
  }
  if (value.trim() === '') {
    throw new ConfigError(`${packageName}: the ${option} option is empty.`, { option });
  }
  return value;
}

/** Like `loadSetting`, but a missing value is a `ConfigError` naming both the option and the environment variable. */
export function loadRequiredSetting(options: LoadSettingOptions): string {
  const value = loadSetting(options);
  if (value === undefined) {
    const fallback = options.environmentVariable
      ? ` or set the ${options.environmentVariable} environment variable`
      : '';
    throw new ConfigError(
      `${options.packageName}: ${options.option} is missing. Pass the ${options.option} option${fallback}.`,
      {
        option: options.option,
      },
    );
  }
  return value;
}

function readEnvironment(name: string): string | undefined {
  return typeof process === 'undefined' ? undefined : process.env[name];
}

function describeType(value: unknown): string {
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}
