import { ConfigError } from './errors/config-error.js';

const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused.
const badHeaderValue = /[\u0000-\u0008\u000a-\u001f\u007f]|[^\u0000-\u00ff]/;

/** Headers sent on every request: valid names and values, or a `ConfigError` naming the header (never its value). */
export function validateHeaders(headers: unknown, packageName: string, option = 'headers'): void {
  if (headers === undefined) return;
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
    throw new ConfigError(`${packageName}: ${option} must be an object of header names to values.`, { option });
  }
  for (const [name, value] of Object.entries(headers)) {
    if (!headerName.test(name)) {
      throw new ConfigError(
        `${packageName}: ${option} has an invalid header name ${JSON.stringify(name.slice(0, 40))}.`,
        {
          option,
        },
      );
    }
    if (typeof value !== 'string' || badHeaderValue.test(value)) {
      throw new ConfigError(
        `${packageName}: ${option}.${name} must be a string without line breaks or control characters.`,
        { option: `${option}.${name}` },
      );
    }
  }
}
