import { ConfigError } from '@auth/core';
import {
  assertKnownOptions,
  assertSafeBaseUrl,
  loadRequiredSetting,
  loadSetting,
  tokenLifecycleOptionNames,
} from '@auth/core/provider';
import {
  defaultMusementVersion,
  type MusementClientOptions,
  type MusementLoginMethod,
  musementProductionUrl,
  musementSandboxUrl,
} from './musement-client-options.js';

export const packageName = '@auth/musement';

/** The grant a client logs in with. */
export type MusementGrant = { type: 'client_credentials' } | { type: 'password'; username: string; password: string };

/** Options checked and normalised once, at construction. */
export interface MusementSettings {
  /** Without a trailing slash and without `/api/v3`. */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  grant: MusementGrant;
  loginMethod: MusementLoginMethod;
  /** Sent on every request, login included. */
  headers: Record<string, string>;
}

/** Reads options and environment variables; every problem is a `ConfigError` thrown before any request. */
export function resolveMusementSettings(options: MusementClientOptions): MusementSettings {
  assertKnownOptions(packageName, options, {
    ...tokenLifecycleOptionNames,
    baseUrl: true,
    sandbox: true,
    clientId: true,
    clientSecret: true,
    application: true,
    username: true,
    password: true,
    loginMethod: true,
    version: true,
    language: true,
    currency: true,
    market: true,
    dangerouslyAllowBrowser: true,
  });
  const setting = (option: keyof MusementClientOptions, environmentVariable?: string) =>
    loadSetting({
      value: options[option],
      option,
      packageName,
      ...(environmentVariable ? { environmentVariable } : {}),
    });
  const required = (option: keyof MusementClientOptions, environmentVariable: string) =>
    loadRequiredSetting({ value: options[option], option, environmentVariable, packageName });

  if (options.sandbox !== undefined && typeof options.sandbox !== 'boolean') {
    throw new ConfigError(`${packageName}: the sandbox option must be a boolean.`, { option: 'sandbox' });
  }
  if (options.sandbox && options.baseUrl !== undefined) {
    throw new ConfigError(`${packageName}: pass either baseUrl or sandbox: true, not both.`, { option: 'sandbox' });
  }
  const baseUrl = assertSafeBaseUrl(
    setting('baseUrl', options.sandbox ? undefined : 'MUSEMENT_BASE_URL') ??
      (options.sandbox ? musementSandboxUrl : musementProductionUrl),
    { packageName, allowInsecureHttp: options.allowInsecureHttp ?? false },
  ).replace(/\/api\/v3$/, '');

  const clientId = required('clientId', 'MUSEMENT_CLIENT_ID');
  const clientSecret = required('clientSecret', 'MUSEMENT_CLIENT_SECRET');
  const application = headerValue(required('application', 'MUSEMENT_APPLICATION'), 'application');

  const username = setting('username');
  const password = setting('password');
  if ((username === undefined) !== (password === undefined)) {
    const missing = username === undefined ? 'username' : 'password';
    throw new ConfigError(
      `${packageName}: the password grant needs both username and password; ${missing} is missing. Pass both for a customer's context, or neither for client_credentials.`,
      { option: missing },
    );
  }
  const grant: MusementGrant =
    username !== undefined && password !== undefined
      ? { type: 'password', username, password }
      : { type: 'client_credentials' };

  const loginMethod = options.loginMethod ?? 'POST';
  if (loginMethod !== 'POST' && loginMethod !== 'GET') {
    throw new ConfigError(`${packageName}: loginMethod must be 'POST' or 'GET'.`, { option: 'loginMethod' });
  }

  const headers: Record<string, string> = {
    'x-musement-application': application,
    'x-musement-version': headerValue(setting('version') ?? defaultMusementVersion, 'version'),
  };
  const optionalHeaders = { language: 'accept-language', currency: 'x-musement-currency', market: 'x-musement-market' };
  for (const [option, header] of Object.entries(optionalHeaders)) {
    const value = setting(option as keyof MusementClientOptions);
    if (value !== undefined) headers[header] = headerValue(value, option);
  }

  return { baseUrl, clientId, clientSecret, grant, loginMethod, headers };
}

/** A value fetch would refuse as a header (line breaks, control characters) fails here, naming the option. */
function headerValue(value: string, option: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused.
  if (/[\u0000-\u001f\u007f]/.test(value) || /[^\u0000-\u00ff]/.test(value)) {
    throw new ConfigError(`${packageName}: the ${option} option contains characters not allowed in an HTTP header.`, {
      option,
    });
  }
  return value.trim();
}
