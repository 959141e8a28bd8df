import { ConfigError } from './errors/config-error.js';

/**
 * Refuses to hold a secret in a browser-like runtime, where every visitor could read it, unless the caller opts in
 * with `dangerouslyAllowBrowser: true` (e.g. an internal tool behind a login).
 */
export function assertServerRuntime(packageName: string, dangerouslyAllowBrowser = false): void {
  if (dangerouslyAllowBrowser) return;
  const scope = globalThis as { window?: unknown; document?: unknown };
  if (typeof scope.window !== 'undefined' && typeof scope.document !== 'undefined') {
    throw new ConfigError(
      `${packageName}: refusing to run in a browser: the credentials would be exposed to every visitor. Call the API from your server, or set dangerouslyAllowBrowser: true if you understand the risk.`,
      { option: 'dangerouslyAllowBrowser' },
    );
  }
}
