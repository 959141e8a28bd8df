import {
  assertKnownOptions,
  assertSafeBaseUrl,
  assertServerRuntime,
  loadRequiredSetting,
  loadSetting,
  tokenLifecycleOptionNames,
} from '@auth/core/provider';
import type { MusimapClientOptions } from './musimap-client-options.js';
import { packageName } from './package-name.js';

/** The production Web API v2. */
export const defaultMusimapBaseUrl = 'https://api-v2.musimap.io';

export interface MusimapSettings {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  environment: string | undefined;
}

/** Every Musimap option checked once, falling back to the environment; a problem is a `ConfigError` naming it. */
export function resolveMusimapSettings(options: MusimapClientOptions): MusimapSettings {
  assertKnownOptions(packageName, options, {
    ...tokenLifecycleOptionNames,
    baseUrl: true,
    clientId: true,
    clientSecret: true,
    environment: true,
    dangerouslyAllowBrowser: true,
  });
  assertServerRuntime(packageName, options.dangerouslyAllowBrowser);
  const setting = (option: 'clientId' | 'clientSecret', environmentVariable: string) =>
    loadRequiredSetting({ value: options[option], option, environmentVariable, packageName });
  return {
    clientId: setting('clientId', 'MUSIMAP_CLIENT_ID'),
    clientSecret: setting('clientSecret', 'MUSIMAP_CLIENT_SECRET'),
    environment: loadSetting({ value: options.environment, option: 'environment', packageName }),
    baseUrl: assertSafeBaseUrl(
      loadSetting({
        value: options.baseUrl,
        option: 'baseUrl',
        environmentVariable: 'MUSIMAP_BASE_URL',
        packageName,
      }) ?? defaultMusimapBaseUrl,
      {
        packageName,
        allowInsecureHttp: options.allowInsecureHttp ?? false,
      },
    ),
  };
}
