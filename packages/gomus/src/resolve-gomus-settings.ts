import { ConfigError } from '@auth/core';
import { assertKnownOptions, assertSafeBaseUrl, loadRequiredSetting, loadSetting } from '@auth/core/provider';
import type {
  GomusClientOptions,
  GomusCustomerUpdateRequest,
  GomusToken,
  GomusUnknownFieldLogLevel,
} from './gomus-client-options.js';

export const packageName = '@auth/gomus';

/** Options checked and normalised once, at construction. */
export interface GomusSettings {
  /** Without a trailing slash and without `/api/v4`. */
  baseUrl: string;
  /** Undefined for public access. */
  token: GomusToken | undefined;
  unknownFieldLogLevel: GomusUnknownFieldLogLevel;
  customerUpdateRequest: GomusCustomerUpdateRequest;
}

const logLevels: readonly string[] = ['debug', 'info', 'warn'];

/** Reads options and environment variables; every problem is a `ConfigError` thrown before any request. */
export function resolveGomusSettings(options: GomusClientOptions): GomusSettings {
  assertKnownOptions(packageName, options, {
    baseUrl: true,
    token: true,
    verify: true,
    unknownFieldLogLevel: true,
    store: true,
    clock: true,
    customerUpdateRequest: true,
    headers: true,
    dangerouslyAllowBrowser: true,
  });
  const baseUrl = assertSafeBaseUrl(
    loadRequiredSetting({
      value: options.baseUrl,
      option: 'baseUrl',
      environmentVariable: 'GOMUS_BASE_URL',
      packageName,
    }),
    { packageName, allowInsecureHttp: options.allowInsecureHttp ?? false },
  ).replace(/\/api\/v4$/, '');

  const token =
    options.token === null
      ? undefined
      : typeof options.token === 'function'
        ? options.token
        : checkToken(
            loadSetting({ value: options.token, option: 'token', environmentVariable: 'GOMUS_TOKEN', packageName }),
            'the token (token option or GOMUS_TOKEN)',
          );

  const unknownFieldLogLevel = options.unknownFieldLogLevel ?? 'debug';
  if (!logLevels.includes(unknownFieldLogLevel)) {
    throw new ConfigError(`${packageName}: unknownFieldLogLevel must be 'debug', 'info' or 'warn'.`, {
      option: 'unknownFieldLogLevel',
    });
  }
  if (options.verify !== undefined && typeof options.verify !== 'boolean') {
    throw new ConfigError(`${packageName}: the verify option must be a boolean.`, { option: 'verify' });
  }
  const customerUpdateRequest = options.customerUpdateRequest ?? 'flat';
  if (customerUpdateRequest !== 'flat' && customerUpdateRequest !== 'by-id') {
    throw new ConfigError(`${packageName}: customerUpdateRequest must be 'flat' or 'by-id'.`, {
      option: 'customerUpdateRequest',
    });
  }
  // Order documents are fetched with the order token in the query (`?token=`): its value is never shown.
  if (Array.isArray(options.visibleQueryParameters) && options.visibleQueryParameters.includes('token')) {
    throw new ConfigError(
      `${packageName}: visibleQueryParameters may not show 'token': go~mus puts order tokens there, and they are secrets.`,
      { option: 'visibleQueryParameters' },
    );
  }
  const store = options.store as unknown as Record<string, unknown> | null | undefined;
  if (store !== undefined && !['get', 'set', 'delete'].every((name) => typeof store?.[name] === 'function')) {
    throw new ConfigError(`${packageName}: store must be a TokenStore (get, set and delete).`, { option: 'store' });
  }
  if (options.clock !== undefined && typeof (options.clock as { now?: unknown } | null)?.now !== 'function') {
    throw new ConfigError(`${packageName}: clock must be an object with a now() method.`, { option: 'clock' });
  }
  return { baseUrl, token, unknownFieldLogLevel, customerUpdateRequest };
}

/**
 * Trims a token and refuses one fetch could not send as a header. The message never quotes the token: fetch's own
 * error for an invalid header value would.
 */
export function checkToken(token: string | undefined, source = 'the token option'): string | undefined {
  if (token === undefined) return undefined;
  const trimmed = token.trim();
  if (trimmed === '') {
    throw new ConfigError(`${packageName}: ${source} is empty. Return undefined for public access.`, {
      option: 'token',
    });
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused.
  if (/[\s\u0000-\u001f\u007f]/.test(trimmed) || /[^\u0000-\u00ff]/.test(trimmed)) {
    throw new ConfigError(
      `${packageName}: ${source} contains whitespace or characters not allowed in an HTTP header; check that it was copied whole.`,
      { option: 'token' },
    );
  }
  return trimmed;
}
