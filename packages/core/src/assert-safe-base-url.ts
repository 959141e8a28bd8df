import { ConfigError } from './errors/config-error.js';

export interface AssertSafeBaseUrlOptions {
  /** The option the URL came from, for the message. @default 'baseUrl' */
  option?: string;
  packageName: string;
  /** Allow `http://` to hosts other than loopback. @default false */
  allowInsecureHttp?: boolean;
}

const loopbackHosts = new Set(['localhost', '[::1]']);

/**
 * Parses a base URL and refuses plain `http://` to anything but loopback: bearer tokens and client secrets would
 * cross the network in clear text. Returns the URL without a trailing slash.
 */
export function assertSafeBaseUrl(value: string, options: AssertSafeBaseUrlOptions): string {
  const option = options.option ?? 'baseUrl';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${options.packageName}: ${option} is not a valid absolute URL.`, { option });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`${options.packageName}: ${option} must use https:// (got ${url.protocol}//).`, { option });
  }
  if (url.username || url.password) {
    throw new ConfigError(`${options.packageName}: ${option} must not contain credentials.`, { option });
  }
  if (url.protocol === 'http:' && !options.allowInsecureHttp && !isLoopback(url.hostname)) {
    throw new ConfigError(
      `${options.packageName}: ${option} uses http:// to a non-loopback host, which would send credentials in clear text. Use https:// or set allowInsecureHttp: true.`,
      { option },
    );
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function isLoopback(hostname: string): boolean {
  return loopbackHosts.has(hostname) || /^127(\.\d{1,3}){3}$/.test(hostname);
}
