import type { TokenSource } from '@auth/core';
import type { ProviderTools } from '@auth/core/provider';
import { createMusementGrants } from './create-musement-grants.js';
import type { MusementSettings } from './resolve-musement-settings.js';

/** The client's own token: logs in with the configured grant, renews with the rotating refresh token. */
export function createMusementTokenSource(settings: MusementSettings, tools: ProviderTools): TokenSource {
  const grants = createMusementGrants(settings, tools);
  const { grant } = settings;
  return {
    obtain: () =>
      grant.type === 'password' ? grants.password(grant.username, grant.password) : grants.clientCredentials(),
    refresh: grants.refresh,
  };
}
